"""The official transliteration (Закон за транслитерацията, 2009) and the folded search key."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from zakrila.people.names import OFFICIAL_TABLE, name_tokens, search_key, to_latin

# The law's own examples (Art. 3 and Art. 4) and place names written by it.
LAW_EXAMPLES = [
    ("Атанас", "Atanas"), ("Борис", "Boris"), ("Враца", "Vratsa"), ("Габрово", "Gabrovo"),
    ("Добрич", "Dobrich"), ("Елена", "Elena"), ("Живко", "Zhivko"), ("Загорка", "Zagorka"),
    ("Ивайло", "Ivaylo"), ("Йордан", "Yordan"), ("Кирил", "Kiril"), ("Ловеч", "Lovech"),
    ("Марин", "Marin"), ("Николай", "Nikolay"), ("Пловдив", "Plovdiv"), ("Русе", "Ruse"),
    ("Стефан", "Stefan"), ("Търговище", "Targovishte"), ("Ухловица", "Uhlovitsa"),
    ("Филип", "Filip"), ("Христо", "Hristo"), ("Цветан", "Tsvetan"), ("Чавдар", "Chavdar"),
    ("Шумен", "Shumen"), ("Щерев", "Shterev"), ("Съединение", "Saedinenie"), ("Жельо", "Zhelyo"),
    ("Юлиан", "Yulian"), ("Ямбол", "Yambol"), ("София", "Sofia"), ("Горна Оряховица", "Gorna Oryahovitsa"),
    ("Кюстендил", "Kyustendil"), ("Благоевград", "Blagoevgrad"), ("Мария", "Maria"),
]  # fmt: skip


@pytest.mark.parametrize(("cyrillic", "latin"), LAW_EXAMPLES)
def test_it_writes_the_laws_examples(cyrillic, latin):
    assert to_latin(cyrillic) == latin


def test_the_country_is_bulgaria_not_balgaria():
    assert to_latin("България") == "Bulgaria"
    assert to_latin("Република България") == "Republika Bulgaria"
    assert to_latin("БЪЛГАРИЯ") == "BULGARIA"


def test_ия_is_ia_only_at_the_end_of_a_word():
    assert to_latin("Мария") == "Maria"
    assert to_latin("Илия, Мария и Дария") == "Ilia, Maria i Daria"
    assert to_latin("Ия") == "Ia"
    # Inside a word "я" keeps "ya".
    assert to_latin("Ияна") == "Iyana"
    assert to_latin("Мариян") == "Mariyan"


def test_capitals_follow_the_word():
    assert to_latin("Щерев") == "Shterev"
    assert to_latin("ЩЕРЕВ") == "SHTEREV"
    assert to_latin("ЖИВКО ЧАВДАРОВ") == "ZHIVKO CHAVDAROV"
    assert to_latin("ИВАН Щ.") == "IVAN Sht."
    assert to_latin("ЮЛИЯ") == "YULIA"
    assert to_latin("Юлия") == "Yulia"


def test_latin_digits_and_punctuation_pass_through():
    assert (
        to_latin("ул. „Цар Освободител“ № 12, Ruse-7000")
        == "ul. „Tsar Osvoboditel“ № 12, Ruse-7000"
    )
    assert to_latin("") == ""


@pytest.mark.parametrize(
    "spelling",
    [
        "Йорданка Христова",
        "yordanka hristova",
        "Jordanka Khristova",
        "YORDANKA HRISTOVA",
        "Jordanka Hristova",
    ],
)
def test_spellings_of_one_name_fold_to_one_key(spelling):
    assert search_key(spelling) == "yordanka hristova"


@pytest.mark.parametrize(
    ("informal", "official"),
    [("Tzvetan", "Цветан"), ("Cvetan", "Цветан"), ("Mariya", "Мария"), ("Marija", "Мария"),
     ("Philip", "Филип"), ("Stojan", "Стоян"), ("Alexandar", "Александър")],
)  # fmt: skip
def test_common_informal_spellings_fold_onto_the_official(informal, official):
    assert search_key(informal) == search_key(official)


def test_name_tokens_are_folded_words():
    assert name_tokens("  Христова,   Йорд ") == ["hristova", "yord"]
    assert name_tokens("—") == []


bulgarian_text = st.text(
    alphabet="".join(OFFICIAL_TABLE) + "".join(OFFICIAL_TABLE).upper() + " -", max_size=40
)


@given(bulgarian_text)
def test_no_cyrillic_letter_survives_transliteration(text):
    assert not any("\u0400" <= char <= "\u04ff" for char in to_latin(text))


@given(bulgarian_text)
def test_the_key_is_the_same_from_cyrillic_and_from_its_transliteration(text):
    assert search_key(text) == search_key(to_latin(text))
    assert search_key(text.upper()) == search_key(text.lower())
