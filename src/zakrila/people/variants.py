"""How people really type a Bulgarian name they look for: the spelling variants that measure
search (``bench/people.py`` and ``tests/people/test_search_recall.py``).

Held out from search on purpose: these rules are not the folds of ``names.search_key``. The
informal Latin spellings are the ones seen on passports of other systems, in e-mails and chats
(ж as "j", ъ as "u", я as "ja", щ as "st", х as "kh", ц as "c", в as "w"), and the typos are
the ones fingers make (a letter dropped, doubled, swapped with the next, or replaced by a
neighbour on the keyboard).
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from zakrila.people.names import to_latin

# Informal spellings of each letter, besides the law's (names.OFFICIAL_TABLE).
INFORMAL_LATIN = {
    "а": ("a",), "б": ("b",), "в": ("v", "w"), "г": ("g",), "д": ("d",), "е": ("e",),
    "ж": ("zh", "j", "z"), "з": ("z",), "и": ("i",), "й": ("y", "i", "j"), "к": ("k",),
    "л": ("l",), "м": ("m",), "н": ("n",), "о": ("o",), "п": ("p",), "р": ("r",), "с": ("s",),
    "т": ("t",), "у": ("u",), "ф": ("f", "ph"), "х": ("h", "kh"), "ц": ("ts", "c", "tz"),
    "ч": ("ch",), "ш": ("sh",), "щ": ("sht", "st"), "ъ": ("a", "u", "y"), "ь": ("y", "i"),
    "ю": ("yu", "iu", "ju"), "я": ("ya", "ia", "ja"),
}  # fmt: skip

# Neighbours on the keyboards Bulgarians type on: Latin QWERTY and the phonetic Cyrillic layout
# (which follows QWERTY: я-в-е-р-т-ъ-у-и-о-п, а-с-д-ф-г-х-й-к-л, з-ь-ц-ж-б-н-м).
_ROWS = (
    "qwertyuiop", "asdfghjkl", "zxcvbnm",
    "явертъуиоп", "асдфгхйкл", "зьцжбнм",
)  # fmt: skip
NEIGHBOURS: dict[str, str] = {}
for _row in _ROWS:
    for _index, _char in enumerate(_row):
        NEIGHBOURS[_char] = _row[max(0, _index - 1) : _index] + _row[_index + 1 : _index + 2]


def informal_latin(text: str, rng: random.Random) -> str:
    """``text`` in Latin letters as someone might write it without the law's table."""
    out = []
    for char in text:
        lower = char.lower()
        options = INFORMAL_LATIN.get(lower)
        if options is None:
            out.append(char)
            continue
        latin = rng.choice(options)
        out.append(latin.capitalize() if char.isupper() else latin)
    return "".join(out)


def typo(word: str, rng: random.Random) -> str:
    """The word with one slip of the fingers (never on its first letter)."""
    if len(word) < 4:
        return word
    index = rng.randrange(1, len(word))
    kind = rng.choice(("drop", "double", "swap", "neighbour"))
    if kind == "drop":
        return word[:index] + word[index + 1 :]
    if kind == "double":
        return word[:index] + word[index] + word[index:]
    if kind == "swap" and index < len(word) - 1:
        return word[:index] + word[index + 1] + word[index] + word[index + 2 :]
    char = word[index]
    neighbours = NEIGHBOURS.get(char.lower(), "")
    if not neighbours:
        return word[:index] + word[index + 1 :]
    replacement = rng.choice(neighbours)
    return (
        word[:index] + (replacement.upper() if char.isupper() else replacement) + word[index + 1 :]
    )


@dataclass(frozen=True)
class Variant:
    """A query for a person, how it was made, and which of their names it stands for."""

    kind: str
    text: str
    names: tuple[str, ...]  # the person's names (Cyrillic) the query was made from


def variants_of(first: str, middle: str, last: str, rng: random.Random) -> list[Variant]:
    """The ways of looking for one person, each made by one rule."""
    full = (first, middle, last) if middle else (first, last)
    pair = (first, last)
    # A typo goes into the longer of the two names (a short name is rarely mistyped twice).
    longer = 0 if len(first) >= len(last) else 1

    def with_typos(names: tuple[str, str], count: int) -> str:
        typed = list(names)
        for _ in range(count):
            typed[longer] = typo(typed[longer], rng)
        return " ".join(typed)

    return [
        Variant("full name", " ".join(full), full),
        Variant("no middle name", " ".join(pair), pair),
        Variant("reversed", f"{last} {first}", pair),
        Variant("official Latin", to_latin(" ".join(pair)), pair),
        Variant("informal Latin", informal_latin(" ".join(pair), rng), pair),
        Variant("informal Latin, full", informal_latin(" ".join(full), rng), full),
        Variant("one typo", with_typos(pair, 1), pair),
        Variant("two typos", with_typos(pair, 2), pair),
        Variant("typo in Latin", to_latin(with_typos(pair, 1)), pair),
    ]


def stands_for(person_words: set[str], variant: Variant) -> bool:
    """Whether a person carries every name the query was made from (a namesake of the person
    looked for, as far as the query can tell)."""
    from zakrila.people.names import name_tokens

    return all(word in person_words for name in variant.names for word in name_tokens(name))


def found(top: list[tuple[int, set[str]]], target_id: int, variant: Variant, *, at: int) -> bool:
    """Whether a search found the person: they are among the first ``at`` results, or those
    results are all their namesakes as far as the query can tell (five people called "Мария
    Тодорова" answer "Мария Тодорова" as well as the one looked for; the query must say more).
    ``top`` is the results, best first, as (person id, words of their names)."""
    first = top[:at]
    if any(person_id == target_id for person_id, _words in first):
        return True
    return len(first) == at and all(stands_for(words, variant) for _id, words in first)
