"""ЕГН and ЛНЧ: what the number says, and the errors a worker sees."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from zakrila.people.identifiers import birth_sex_conflicts, generate_egn, parse_personal_number


def test_an_egn_gives_birth_date_and_sex():
    number = parse_personal_number("7523169263")  # python-stdnum's documented example
    assert number.kind == "egn"
    assert number.number == "7523169263"
    assert number.birth_date == dt.date(1875, 3, 16)
    assert number.sex == "male"  # the ninth digit, 6, is even


@pytest.mark.parametrize(
    ("birth_date", "sex"),
    [
        (dt.date(2016, 2, 29), "male"),
        (dt.date(1999, 12, 31), "female"),
        (dt.date(1890, 1, 1), "male"),
    ],
)
def test_every_century_of_the_month_code_is_read(birth_date, sex):
    number = parse_personal_number(generate_egn(birth_date, sex, serial=17))
    assert (number.birth_date, number.sex) == (birth_date, sex)


def test_spaces_are_ignored():
    assert parse_personal_number(" 7523 169263 ").number == "7523169263"


def test_an_lnch_has_no_birth_date_or_sex():
    number = parse_personal_number("1000000001")  # the month 00 cannot be an ЕГН
    assert (number.kind, number.birth_date, number.sex) == ("lnch", None, None)


@pytest.mark.parametrize(
    ("value", "words"),
    [
        ("12345", "10 цифри"),
        ("75231692631", "10 цифри"),
        ("75231692a3", "само цифри"),
        ("7523169264", "контролната цифра"),
        ("7513319261", "не съществува"),
    ],
)
def test_a_bad_number_is_refused_in_bulgarian(value, words):
    with pytest.raises(ValidationError) as error:
        parse_personal_number(value)
    assert words in error.value.messages[0]


def test_a_birth_date_in_the_future_is_refused(settings):
    tomorrow = timezone.localdate() + dt.timedelta(days=2)
    with pytest.raises(ValidationError) as error:
        parse_personal_number(generate_egn(tomorrow, "male"))
    assert "в бъдещето" in error.value.messages[0]
    assert error.value.code == "future_date"


def test_conflicts_name_the_field_that_disagrees():
    number = parse_personal_number(generate_egn(dt.date(2015, 3, 14), "female"))
    conflicts = birth_sex_conflicts(number, birth_date=dt.date(2015, 3, 15), sex="male")
    assert set(conflicts) == {"birth_date", "sex"}
    assert "14.03.2015" in conflicts["birth_date"]
    assert birth_sex_conflicts(number, birth_date=dt.date(2015, 3, 14), sex="female") == {}
    assert birth_sex_conflicts(number, birth_date=None, sex=None) == {}


@given(
    st.dates(min_value=dt.date(1800, 1, 1), max_value=dt.date(2025, 12, 31)),
    st.sampled_from(["female", "male"]),
    st.integers(min_value=0, max_value=499),
)
def test_generated_numbers_read_back(birth_date, sex, serial):
    number = parse_personal_number(generate_egn(birth_date, sex, serial))
    assert (number.kind, number.birth_date, number.sex) == ("egn", birth_date, sex)
