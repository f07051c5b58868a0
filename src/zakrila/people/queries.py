"""Reading people: search in both scripts, likely duplicates, lists."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from difflib import SequenceMatcher
from typing import Any

from dateutil.relativedelta import relativedelta
from django.contrib.postgres.search import TrigramWordSimilarity
from django.db import connection, transaction
from django.db.models import F, FloatField, Q, QuerySet, Value

from zakrila.accounts.policy import people_visible_to
from zakrila.people.models import Person
from zakrila.people.names import name_tokens, search_key

SEARCH_LIMIT = 20
# pg_trgm's word similarity needed for a token to match a word in the search key. Lower than
# the default 0.6 so that a typo or two in a name still matches.
WORD_SIMILARITY_THRESHOLD = 0.45


def _as_personal_number(text: str) -> str | None:
    compact = "".join(text.split())
    return compact if compact.isdigit() and len(compact) == 10 else None


def search_people(*, user: Any, text: str, limit: int = SEARCH_LIMIT) -> list[Person]:
    """The people the user may see that match ``text``, best first.

    A 10-digit number matches the ЕГН / ЛНЧ exactly. Names match in either script, in any
    order, with or without the middle name, partially (a prefix) and — on PostgreSQL, through
    trigram word similarity on the folded search key — with a typo or two.
    """
    visible = people_visible_to(user)
    number = _as_personal_number(text)
    if number:
        # The exclusion lets SQLite use the partial unique index on the number.
        return list(visible.exclude(personal_number="").filter(personal_number=number)[:limit])
    tokens = name_tokens(text)
    if not tokens:
        return []
    if connection.vendor == "postgresql":
        return _search_postgresql(visible, tokens, limit)
    return _search_simple(visible, tokens, limit)


def _search_postgresql(visible: QuerySet[Person], tokens: list[str], limit: int) -> list[Person]:
    condition = Q()
    for token in tokens:
        condition &= Q(search_key__trigram_word_similar=token)
    score = sum(
        (TrigramWordSimilarity(token, F("search_key")) for token in tokens),
        start=Value(0.0, output_field=FloatField()),
    )
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "SET LOCAL pg_trgm.word_similarity_threshold = %s", [WORD_SIMILARITY_THRESHOLD]
        )
        rows: list[Person] = list(
            visible.filter(condition)
            .annotate(score=score)
            .order_by("-score", "last_name_latin", "id")[:limit]
        )
    return rows


def _search_simple(visible: QuerySet[Person], tokens: list[str], limit: int) -> list[Person]:
    """The embedded database's search: every token is a part of the folded key (script, case,
    informal spellings and partial names are found; typos are not)."""
    condition = Q()
    for token in tokens:
        condition &= Q(search_key__contains=token)
    candidates = list(visible.filter(condition).order_by("last_name_latin", "id")[: limit * 5])
    candidates.sort(key=lambda person: -_score(person.search_key, tokens))
    return candidates[:limit]


def _score(key: str, tokens: list[str]) -> float:
    """Whole words beat prefixes, prefixes beat parts of words."""
    words = key.replace("|", " ").split()
    total = 0.0
    for token in tokens:
        best = 0.0
        for word in words:
            if word == token:
                best = 1.0
                break
            if word.startswith(token):
                best = max(best, 0.8)
            elif token in word:
                best = max(best, 0.5)
        total += best
    return total


# --- Duplicates --------------------------------------------------------------------------------

NAME_SIMILARITY_LIKELY = 0.8


@dataclass(frozen=True)
class DuplicateCandidate:
    person: Person
    certainty: str  # "certain" (same number) or "likely" (similar name, same or close birth date)
    name_similarity: float


def _name_similarity(a: Person, first: str, last: str) -> float:
    mine = search_key(f"{a.first_name} {a.last_name}")
    theirs = search_key(f"{first} {last}")
    return SequenceMatcher(None, mine, theirs).ratio()


def likely_duplicates(
    *,
    organisation_id: int,
    first_name: str,
    last_name: str,
    birth_date: dt.date | None,
    personal_number: str = "",
    exclude_id: int | None = None,
    estimated: bool = False,
) -> list[DuplicateCandidate]:
    """People already registered who may be this one: shown before a new record is saved."""
    people = Person.objects.active().filter(
        organisation_id=organisation_id, anonymised_at__isnull=True
    )
    if exclude_id:
        people = people.exclude(pk=exclude_id)
    found: dict[int, DuplicateCandidate] = {}
    if personal_number:
        for person in people.exclude(personal_number="").filter(personal_number=personal_number):
            found[person.pk] = DuplicateCandidate(person, "certain", 1.0)
    if birth_date and (first_name or last_name):
        # A close birth date: estimated dates are often a year out, typed ones a day or a digit.
        window = dt.timedelta(days=400 if estimated else 31)
        near = people.filter(birth_date__range=(birth_date - window, birth_date + window))
        # Compare names on plain values (every person in the window, not the first few by name),
        # then load the few that match.
        theirs = search_key(f"{first_name} {last_name}")
        similar: dict[int, float] = {}
        for pk, first, last in near.values_list("pk", "first_name", "last_name").iterator(
            chunk_size=2000
        ):
            if pk in found or not (first or last):
                continue
            ratio = SequenceMatcher(None, search_key(f"{first} {last}"), theirs).ratio()
            if ratio >= NAME_SIMILARITY_LIKELY:
                similar[pk] = ratio
        for person in people.filter(pk__in=list(similar)):
            found[person.pk] = DuplicateCandidate(person, "likely", similar[person.pk])
    return sorted(found.values(), key=lambda c: (c.certainty != "certain", -c.name_similarity))


def _different_sex(one: str, other: str) -> bool:
    return "unknown" not in (one, other) and one != other


def duplicate_pairs(
    *, user: Any, organisation_id: int, limit: int = 100
) -> list[tuple[Person, Person, float]]:
    """The duplicates queue: pairs of people in the organisation with the same birth date and a
    similar name, not yet checked by a worker."""
    from zakrila.people.models import DuplicateDismissal

    people = list(
        people_visible_to(user)
        .filter(
            organisation_id=organisation_id, birth_date__isnull=False, anonymised_at__isnull=True
        )
        .order_by("birth_date", "id")
    )
    dismissed = set(
        DuplicateDismissal.objects.filter(organisation_id=organisation_id).values_list(
            "first_id", "second_id"
        )
    )
    by_date: dict[dt.date, list[Person]] = {}
    for person in people:
        by_date.setdefault(person.birth_date, []).append(person)
    pairs = []
    for group in by_date.values():
        named = [person for person in group if person.first_name and person.last_name]
        for i, first in enumerate(named):
            for second in named[i + 1 :]:
                if (first.pk, second.pk) in dismissed or _different_sex(first.sex, second.sex):
                    continue
                similarity = _name_similarity(first, second.first_name, second.last_name)
                if similarity >= NAME_SIMILARITY_LIKELY:
                    pairs.append((first, second, similarity))
    pairs.sort(key=lambda pair: -pair[2])
    return pairs[:limit]


def people_page(
    queryset: QuerySet[Person], *, after: tuple[str, int] | None, size: int = 50
) -> tuple[list[Person], tuple[str, int] | None]:
    """Keyset pagination by (Latin last name, id): no OFFSET, so every page costs the same."""
    if after is not None:
        name, pk = after
        # The first condition bounds the index scan; the second picks up after the last row.
        queryset = queryset.filter(last_name_latin__gte=name).filter(
            Q(last_name_latin__gt=name) | Q(last_name_latin=name, id__gt=pk)
        )
    rows = list(queryset.order_by("last_name_latin", "id")[: size + 1])
    if len(rows) > size:
        last = rows[size - 1]
        return rows[:size], (last.last_name_latin, last.pk)
    return rows, None


AGE_BANDS = {"0-2": (0, 2), "3-6": (3, 6), "7-13": (7, 13), "14-17": (14, 17), "18+": (18, 130)}


def age_band_range(band: str, today: dt.date) -> tuple[dt.date, dt.date] | None:
    """The birth dates of people whose age today is in the band ("0-2", "3-6", ..., "18+")."""
    if band not in AGE_BANDS:
        return None
    youngest, oldest = AGE_BANDS[band]
    latest = today - relativedelta(years=youngest)
    earliest = today - relativedelta(years=oldest + 1) + dt.timedelta(days=1)
    return earliest, latest
