"""Reading people: search in both scripts, likely duplicates, lists."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from difflib import SequenceMatcher
from typing import Any

from dateutil.relativedelta import relativedelta
from django.db.models import Q, QuerySet

from zakrila.accounts.policy import access_for, has_capability, people_visible_to
from zakrila.people.models import Person
from zakrila.people.names import name_tokens, search_key
from zakrila.people.search import (
    RANKED_WINDOW,
    Ranked,
    exact_words,
    match_words,
    plan,
    rank_exact,
    rank_people,
)

SEARCH_LIMIT = 20


class SearchResults(list[Person]):
    """The people found, best first. ``complete`` is False when more people may match than
    were shown or read (only common names were typed, see ``people.search``): the page then
    says so and asks for more of the name, or the ЕГН."""

    complete: bool = True

    @classmethod
    def of(cls, people: list[Person], *, complete: bool) -> SearchResults:
        results = cls(people)
        results.complete = complete
        return results


def _as_personal_number(text: str) -> str | None:
    compact = "".join(text.split())
    return compact if compact.isdigit() and len(compact) == 10 else None


def _searchable_organisations(user: Any) -> list[int]:
    """The organisations whose people the user may look for (the policy still decides who is
    shown: see search_people)."""
    return [
        organisation_id
        for organisation_id in sorted(access_for(user).organisation_ids)
        if has_capability(user, "person.view", organisation_id)
    ]


def search_people(*, user: Any, text: str, limit: int = SEARCH_LIMIT) -> SearchResults:
    """The people the user may see that match ``text``, best first.

    A 10-digit number matches the ЕГН / ЛНЧ exactly. Names match in either script, in any
    order, with or without the middle name, partially (the beginning of a word) and with a
    typo or two, on PostgreSQL and on the embedded SQLite alike (``people.search``).
    """
    visible = people_visible_to(user)
    number = _as_personal_number(text)
    if number:
        # The exclusion lets SQLite use the partial unique index on the number.
        return SearchResults(
            visible.exclude(personal_number="").filter(personal_number=number)[:limit]
        )
    tokens = name_tokens(text)
    organisation_ids = _searchable_organisations(user)
    if not tokens or not organisation_ids:
        return SearchResults()
    matches = match_words(tokens)
    if not all(matches):
        return SearchResults()  # a typed word that no name resembles
    exact = exact_words(matches)
    if exact is not None:
        # Whole words typed: the newest people who carry them all score best, and there are
        # often enough of them to stop there.
        people, complete = _visible_ranked(
            lambda window: rank_exact(exact, organisation_ids=organisation_ids, window=window),
            visible,
            limit,
            first_window=limit,
        )
        if len(people) >= limit:
            return SearchResults.of(people, complete=complete)
    the_plan = plan(matches)
    people, complete = _visible_ranked(
        lambda window: rank_people(
            the_plan, tokens=len(tokens), organisation_ids=organisation_ids, window=window
        ),
        visible,
        limit,
        first_window=max(RANKED_WINDOW, limit * 4),
    )
    return SearchResults.of(people, complete=complete)


def _visible_ranked(
    ranker: Callable[[int], Ranked], visible: QuerySet[Person], limit: int, *, first_window: int
) -> tuple[list[Person], bool]:
    """The first ``limit`` ranked people the user may see: the policy has the last word (units,
    merged records). Read a page at a time; usually the first page is all visible."""
    window = first_window
    people: list[Person] = []
    shown = 0
    while True:
        ranked = ranker(window)
        ids = [person_id for person_id, _score in ranked.people]
        while len(people) < limit and shown < len(ids):
            page = ids[shown : shown + limit - len(people)]
            shown += len(page)
            found = visible.in_bulk(page)
            people += [found[person_id] for person_id in page if person_id in found]
        if len(people) >= limit or not ranked.more:
            return people, ranked.complete
        window *= 4


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
