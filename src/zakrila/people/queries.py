"""Reading people: search in both scripts, likely duplicates, lists."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable
from dataclasses import dataclass
from difflib import SequenceMatcher
from typing import Any

from dateutil.relativedelta import relativedelta
from django.db import connection
from django.db.models import QuerySet
from rapidfuzz import fuzz

from zakrila.accounts.policy import access_for, has_capability, people_visible_to
from zakrila.core.text import query_text
from zakrila.people.models import Person, PersonNameWord
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
    text = query_text(text)  # whatever the caller passed: no NUL reaches the database
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
        first = rank_exact(exact, organisation_ids=organisation_ids, window=limit)
        if len(first.people) >= limit:
            people, complete = _visible_ranked(
                lambda window: rank_exact(exact, organisation_ids=organisation_ids, window=window),
                visible,
                limit,
                first_window=limit,
                ranked=first,
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
    ranker: Callable[[int], Ranked],
    visible: QuerySet[Person],
    limit: int,
    *,
    first_window: int,
    ranked: Ranked | None = None,
) -> tuple[list[Person], bool]:
    """The first ``limit`` ranked people the user may see: the policy has the last word (units,
    merged records). Read a page at a time; usually the first page is all visible."""
    window = first_window
    people: list[Person] = []
    shown = 0
    while True:
        ranked = ranked or ranker(window)
        ids = [person_id for person_id, _score in ranked.people]
        while len(people) < limit and shown < len(ids):
            page = ids[shown : shown + limit - len(people)]
            shown += len(page)
            found = visible.order_by().in_bulk(page)  # a dict: the ranking orders
            people += [found[person_id] for person_id in page if person_id in found]
        if len(people) >= limit or not ranked.more:
            return people, ranked.complete
        window *= 4
        ranked = None


# --- Duplicates --------------------------------------------------------------------------------

NAME_SIMILARITY_LIKELY = 0.8


@dataclass(frozen=True)
class DuplicateCandidate:
    person: Person
    certainty: str  # "certain" (same number) or "likely" (similar name, same or close birth date)
    name_similarity: float


@functools.lru_cache(maxsize=50_000)
def _folded(name: str) -> str:
    """One name folded for comparison; names repeat, so each is folded once."""
    return search_key(name)


def _name_key(first: str, last: str) -> str:
    """First and last name folded for comparison: the same as ``search_key(f"{first} {last}")``
    (folding works word by word), from a name in either script — the stored Latin names too."""
    return " ".join(filter(None, (_folded(first), _folded(last))))


def _name_similarity(mine: str, theirs: str) -> float:
    """How alike two folded names are: difflib's ratio, as the duplicate rules always had it.
    rapidfuzz's ratio (twice the longest common subsequence over both lengths) is never below
    difflib's, so a pair it puts under the threshold is dropped without difflib's slower work."""
    if fuzz.ratio(mine, theirs, score_cutoff=NAME_SIMILARITY_LIKELY * 100) == 0:
        return 0.0
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
    """People already registered who may be this one: shown before a new record is saved.

    The same ЕГН / ЛНЧ is certain; a similar first and last name with a close birth date is
    likely. Only people who carry a name word like one of the names typed (the search index:
    the word itself, a slip or two away, or sharing trigrams) are compared, so the check costs
    what the matching names cost, not the whole window of birth dates."""
    people = Person.objects.active().filter(
        organisation_id=organisation_id, anonymised_at__isnull=True
    )
    if exclude_id:
        people = people.exclude(pk=exclude_id)
    found: dict[int, DuplicateCandidate] = {}
    if personal_number:
        for person in people.exclude(personal_number="").filter(personal_number=personal_number):
            found[person.pk] = DuplicateCandidate(person, "certain", 1.0)
    tokens = name_tokens(f"{first_name} {last_name}")
    if birth_date and tokens:
        # A close birth date: estimated dates are often a year out, typed ones a day or a digit.
        window = dt.timedelta(days=400 if estimated else 31)
        matches = match_words(tokens, every=True)
        word_ids = sorted({match.word_id for words in matches for match in words})
        near = people.filter(
            birth_date__range=(birth_date - window, birth_date + window),
            pk__in=PersonNameWord.objects.filter(
                organisation_id=organisation_id, word_id__in=word_ids
            ).values("person_id"),
        )
        theirs = _name_key(first_name, last_name)
        similar: dict[int, float] = {}
        for pk, first, last in near.values_list("pk", "first_name_latin", "last_name_latin"):
            if pk in found or not (first or last):
                continue
            ratio = _name_similarity(_name_key(first, last), theirs)
            if ratio >= NAME_SIMILARITY_LIKELY:
                similar[pk] = ratio
        for person in people.filter(pk__in=list(similar)):
            found[person.pk] = DuplicateCandidate(person, "likely", similar[person.pk])
    return sorted(found.values(), key=lambda c: (c.certainty != "certain", -c.name_similarity))


# Pairs of people of one organisation born the same day, both named, of the same sex or of an
# unknown one, and whose first or last names begin with the same letter: the database finds
# them through the (organisation, birth date) index; Python compares their names.
_SAME_DAY_PAIRS = """
SELECT a.id, b.id, a.first_name_latin, a.last_name_latin, b.first_name_latin, b.last_name_latin
FROM people_person a
JOIN people_person b
  ON b.organisation_id = a.organisation_id AND b.birth_date = a.birth_date AND b.id > a.id
WHERE a.organisation_id = %s AND a.birth_date IS NOT NULL
  AND a.merged_into_id IS NULL AND b.merged_into_id IS NULL
  AND a.anonymised_at IS NULL AND b.anonymised_at IS NULL
  AND a.first_name <> '' AND a.last_name <> '' AND b.first_name <> '' AND b.last_name <> ''
  AND (a.sex = b.sex OR a.sex = 'unknown' OR b.sex = 'unknown')
  AND (substr(a.first_name_latin, 1, 1) = substr(b.first_name_latin, 1, 1)
       OR substr(a.last_name_latin, 1, 1) = substr(b.last_name_latin, 1, 1))
"""


def duplicate_pairs(
    *, user: Any, organisation_id: int, limit: int = 100
) -> list[tuple[Person, Person, float]]:
    """The duplicates queue: pairs of people in the organisation with the same birth date and a
    similar name, not yet checked by a worker, most alike first.

    The database pairs the people born the same day whose first or last names begin with the
    same letter (a duplicate rarely has both initials wrong); only those pairs' names are
    compared, so the queue costs seconds, not minutes, at a hundred thousand people."""
    from zakrila.people.models import DuplicateDismissal

    dismissed = set(
        DuplicateDismissal.objects.filter(organisation_id=organisation_id).values_list(
            "first_id", "second_id"
        )
    )
    alike: list[tuple[float, int, int]] = []
    with connection.cursor() as cursor:
        cursor.execute(_SAME_DAY_PAIRS, [organisation_id])
        for one, other, first, last, other_first, other_last in cursor.fetchall():
            if (one, other) in dismissed:
                continue
            similarity = _name_similarity(
                _name_key(first, last), _name_key(other_first, other_last)
            )
            if similarity >= NAME_SIMILARITY_LIKELY:
                alike.append((similarity, one, other))
    alike.sort(key=lambda pair: (-pair[0], pair[1], pair[2]))
    # The policy decides who the worker may see (units); read the pairs' people a page at a time.
    visible = people_visible_to(user).filter(organisation_id=organisation_id)
    pairs: list[tuple[Person, Person, float]] = []
    for start in range(0, len(alike), limit):
        page = alike[start : start + limit]
        people = visible.order_by().in_bulk({pk for _s, one, other in page for pk in (one, other)})
        for similarity, one, other in page:
            if one in people and other in people:
                pairs.append((people[one], people[other], similarity))
        if len(pairs) >= limit:
            break
    return pairs[:limit]


PEOPLE_PAGE_SIZE = 50


AGE_BANDS = {"0-2": (0, 2), "3-6": (3, 6), "7-13": (7, 13), "14-17": (14, 17), "18+": (18, 130)}


def age_band_range(band: str, today: dt.date) -> tuple[dt.date, dt.date] | None:
    """The birth dates of people whose age today is in the band ("0-2", "3-6", ..., "18+")."""
    if band not in AGE_BANDS:
        return None
    youngest, oldest = AGE_BANDS[band]
    latest = today - relativedelta(years=youngest)
    earliest = today - relativedelta(years=oldest + 1) + dt.timedelta(days=1)
    return earliest, latest
