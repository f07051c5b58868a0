"""``core.sqlite.unicode_like``, SQLite's LIKE for every letter: what Django's lookups send it."""

from __future__ import annotations

import pytest

from zakrila.core.sqlite import unicode_like


@pytest.mark.parametrize(
    ("pattern", "value", "expected"),
    [
        ("%петров%", "Мария Петрова", 1),  # icontains: any case, any alphabet
        ("йордан%", "ЙОРДАНКА", 1),  # istartswith
        ("%ова", "Петрова", 1),  # iendswith
        ("%ова", "Петров", 0),
        ("петрова", "Петрова", 1),  # iexact
        ("петрова", "Петрова Иванова", 0),
        ("п_трова", "Петрова", 1),  # one character
        ("%100\\%%", "Кооперация 100% българско", 1),  # a typed % is itself
        ("%100\\%%", "Кооперация 1000 българско", 0),
        ("%\\_%", "a_b", 1),  # a typed _ is itself
        ("%\\_%", "ab", 0),
        ("%\\\\%", "a\\b", 1),  # a typed backslash is itself
        ("%straße%", "STRASSE", 1),  # casefold, not lower
    ],
)
def test_a_pattern_matches_as_django_means_it(pattern, value, expected):
    assert unicode_like(pattern, value, "\\") == expected


def test_null_on_either_side_is_null_and_a_long_escape_is_refused():
    assert unicode_like(None, "x", "\\") is None
    assert unicode_like("%x%", None, "\\") is None
    assert unicode_like("%x%", "X") == 1  # without ESCAPE
    with pytest.raises(ValueError, match="single character"):
        unicode_like("%x%", "x", "ab")
