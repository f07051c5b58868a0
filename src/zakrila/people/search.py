"""Finding people by name, at the cost of the answer rather than of the registry.

1. **Words.** What was typed is folded like the names (``names.search_key``) and each typed
   word is matched against the table of distinct name words (``NameWord``, a few thousand rows
   for a provider, a few hundred thousand for a country): the word itself, words it begins
   ("йорд" → "yordanka") and words with a trigram similarity of at least
   ``names.WORD_SIMILARITY_THRESHOLD`` (typos, informal spellings). PostgreSQL finds them with
   a GIN trigram index and a prefix index; the embedded SQLite with the same rules in Python on
   a copy of the word table kept in memory. Both score the words with ``names.word_score``.
   The best ``WORDS_PER_TOKEN`` words of each typed word are kept.
2. **People.** A person matches when they carry, for every typed word, one of its words (in
   their name or another name); their score is the sum of the best word score for each typed
   word. Search starts from the typed word whose words the fewest people carry (the *driver*)
   and reads those people through the (word, organisation, person) index, newest first, then
   checks the other typed words on just those people through the (person, word) key.
3. **The bound.** At most ``CANDIDATE_BUDGET`` people are read for the driver, its best words
   first. Only a query whose every word is carried by more people than that (a lone common
   surname, "Мария Тодорова" in a national registry) reaches the bound: the result is then the
   best-scoring among the newest people who carry those words, and ``SearchResults.complete``
   is false so the page can say that more people match. A distinctive word — a rare name, a
   typo of one, a middle name — makes the driver small and the answer exact.
"""

from __future__ import annotations

import bisect
import json
import threading
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import connection, transaction

from zakrila.people.names import CANDIDATE_SIMILARITY, trigrams, word_score

WORDS_PER_TOKEN = 20
# A typed word's words that score this much less than its best word are left out; when the
# typed word is itself a name word, the words more than one slip away are (0.75 and less).
WEAKER_BY = 0.5
WEAKER_BY_EXACT = 0.2
CANDIDATE_BUDGET = 3000
# Words that begin with a typed word, read from the index before scoring (PostgreSQL).
PREFIX_WORDS = 1000
# Ranked people read before the visibility check; more only when too few of them are visible.
RANKED_WINDOW = 100


@dataclass(frozen=True)
class WordMatch:
    """A name word that a typed word may stand for."""

    word_id: int
    word: str
    people: int
    score: float


@dataclass
class Ranked:
    """People who match every typed word, best first, as (person id, score)."""

    people: list[tuple[int, float]]
    complete: bool  # False when the candidate bound cut the people read
    more: bool = False  # True when the window was full (more ranked people exist)


# --- 1. Words ---------------------------------------------------------------------------------


def match_words(tokens: Sequence[str], *, every: bool = False) -> list[list[WordMatch]]:
    """For each typed word, the name words it may stand for, best first. With ``every``, every
    candidate the trigram and beginning lookup found, even those that score nothing: the
    duplicate check compares whole names, where two weak words can still make a likely pair."""
    if connection.vendor == "postgresql":
        found = _words_postgresql(tokens)
    else:
        found = _words_in_memory(tokens, every=every)
    return [_best(token, words, every) for token, words in zip(tokens, found, strict=True)]


def _best(token: str, words: list[tuple[int, str, int]], every: bool) -> list[WordMatch]:
    mine = trigrams(token)
    scored = []
    for word_id, word, people in words:
        score = word_score(token, word, token_trigrams=mine)
        if (score > 0 or every) and people > 0:
            scored.append(WordMatch(word_id, word, people, score))
    scored.sort(key=lambda match: (-match.score, -match.people, match.word))
    if every:
        return scored
    if scored:
        # Far weaker words than the best one are not what was meant ("silvia" for a typed
        # "silvestar"), least of all when the typed word is a name itself: they would only
        # crowd the candidates.
        floor = scored[0].score - (WEAKER_BY_EXACT if scored[0].score == 1.0 else WEAKER_BY)
        scored = [match for match in scored if match.score >= floor]
    return scored[:WORDS_PER_TOKEN]


# For the word statement only (SET LOCAL, in its own transaction): the similarity "%" needs,
# and the trigram index even where the word table is small enough that the planner, which
# underestimates what a trigram comparison costs, would read it all (ten times slower).
SET_WORD_SEARCH = (
    "SELECT set_config('pg_trgm.similarity_threshold', %s, true), "
    "set_config('enable_seqscan', 'off', true)",
    [str(CANDIDATE_SIMILARITY)],
)


def words_sql(tokens: Sequence[str]) -> tuple[str, list[Any]]:
    """The PostgreSQL statement that finds the candidate words of each typed word (the
    benchmark times it on its own too): (typed word's index, id, word, people)."""
    parts = []
    params: list[Any] = []
    for index, token in enumerate(tokens):
        # pg_trgm's "%": a similarity of at least pg_trgm.similarity_threshold, which
        # _words_postgresql sets to CANDIDATE_SIMILARITY; word_score then decides.
        parts.append("(SELECT %s, id, word, people FROM people_nameword WHERE word %% %s)")
        params += [index, token]
        if len(token) >= 2:
            parts.append(
                "(SELECT %s, id, word, people FROM people_nameword WHERE word LIKE %s "
                "ORDER BY word LIMIT %s)"
            )
            params += [index, _like_prefix(token), PREFIX_WORDS]
    return " UNION ALL ".join(parts), params


def _words_postgresql(tokens: Sequence[str]) -> list[list[tuple[int, str, int]]]:
    found: list[dict[int, tuple[int, str, int]]] = [{} for _ in tokens]
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(*SET_WORD_SEARCH)
        cursor.execute(*words_sql(tokens))
        for index, word_id, word, people in cursor.fetchall():
            found[index][word_id] = (word_id, word, people)
    return [list(words.values()) for words in found]


def _like_prefix(token: str) -> str:
    # Folded words are [0-9a-z]: nothing to escape.
    return token + "%"


class _WordTable:
    """The name words in memory for the embedded database: sorted for prefixes, and an index
    from trigram to words for similarity. Read again when ``NameWordsVersion`` changes (words
    were added or deleted)."""

    def __init__(self, version: str, rows: list[tuple[int, str]]) -> None:
        rows.sort(key=lambda row: row[1])
        self.version = version
        self.ids = [word_id for word_id, _word in rows]
        self.words = [word for _word_id, word in rows]
        self.sizes = [len(trigrams(word)) for word in self.words]
        self.by_trigram: dict[str, list[int]] = {}
        for position, word in enumerate(self.words):
            for trigram in trigrams(word):
                self.by_trigram.setdefault(trigram, []).append(position)

    def candidates(self, token: str) -> set[int]:
        """Positions of the words that PostgreSQL's trigram index would find for the token
        (a similarity of at least CANDIDATE_SIMILARITY) or that begin with it."""
        mine = trigrams(token)
        shared: Counter[int] = Counter()
        for trigram in mine:
            shared.update(self.by_trigram.get(trigram, ()))
        size = len(mine)
        positions = {
            position
            for position, count in shared.items()
            if count / (size + self.sizes[position] - count) >= CANDIDATE_SIMILARITY
        }
        if len(token) >= 2:
            start = bisect.bisect_left(self.words, token)
            end = bisect.bisect_left(self.words, token + "\x7f")
            positions.update(range(start, end))
        return positions


_word_table: _WordTable | None = None
_word_table_lock = threading.Lock()


def _current_word_table() -> _WordTable:
    global _word_table
    with connection.cursor() as cursor:
        cursor.execute("SELECT token FROM people_namewordsversion WHERE id = 1")
        row = cursor.fetchone()
        version = row[0] if row else ""
        table = _word_table
        if table is not None and table.version == version:
            return table
        cursor.execute("SELECT id, word FROM people_nameword")
        rows = [(int(word_id), str(word)) for word_id, word in cursor.fetchall()]
    table = _WordTable(version, rows)
    with _word_table_lock:
        _word_table = table
    return table


def _words_in_memory(
    tokens: Sequence[str], *, every: bool = False
) -> list[list[tuple[int, str, int]]]:
    table = _current_word_table()
    wanted: list[list[int]] = []
    for token in tokens:
        candidates = table.candidates(token)
        if every:
            wanted.append([table.ids[position] for position in sorted(candidates)])
            continue
        mine = trigrams(token)
        scored = [
            (word_score(token, table.words[position], token_trigrams=mine), position)
            for position in candidates
        ]
        best = sorted((item for item in scored if item[0] > 0), reverse=True)
        # A margin over WORDS_PER_TOKEN: counts (read next) may drop a word.
        wanted.append([table.ids[position] for _score, position in best[: WORDS_PER_TOKEN * 2]])
    ids = sorted({word_id for words in wanted for word_id in words})
    people: dict[int, tuple[str, int]] = {}
    if ids:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT id, word, people FROM people_nameword "
                "WHERE id IN (SELECT value FROM json_each(%s))",
                [json.dumps(ids)],
            )
            people = {word_id: (word, count) for word_id, word, count in cursor.fetchall()}
    return [
        [(word_id, *people[word_id]) for word_id in words if word_id in people] for words in wanted
    ]


# --- 2. People ---------------------------------------------------------------------------------


def exact_words(matches: list[list[WordMatch]]) -> list[WordMatch] | None:
    """The name word each typed word is exactly, rarest first — or None when a typed word is no
    whole name word (a typo, a beginning)."""
    exact = []
    for words in matches:
        match = next((word for word in words if word.score == 1.0), None)
        if match is None:
            return None
        exact.append(match)
    return sorted(exact, key=lambda match: match.people)


def exact_sql(
    words: list[WordMatch], organisation_ids: list[int], limit: int
) -> tuple[str, list[Any]]:
    """The fast path as one statement (the benchmark times it on its own too)."""
    driver, others = words[0], words[1:]
    orgs = ", ".join("%s" for _ in organisation_ids)
    checks = "".join(
        " AND EXISTS (SELECT 1 FROM people_personnameword o "
        "WHERE o.person_id = d.person_id AND o.word_id = %s)"
        for _ in others
    )
    # Only placeholders are put into the text; every value is a parameter.
    sql = (
        "SELECT d.person_id FROM (SELECT person_id FROM people_personnameword "  # noqa: S608
        f"WHERE word_id = %s AND organisation_id IN ({orgs}) "
        "ORDER BY person_id DESC LIMIT %s) d "
        f"WHERE 1 = 1{checks} ORDER BY d.person_id DESC LIMIT %s"
    )
    reads = min(driver.people, CANDIDATE_BUDGET)
    params = [driver.word_id, *organisation_ids, reads, *(w.word_id for w in others), limit]
    return sql, params


def rank_exact(words: list[WordMatch], *, organisation_ids: list[int], window: int) -> Ranked:
    """The fast path for whole words: the newest people who carry every word typed (the best
    score there is), read through the rarest word's people, newest first, checking the other
    words on each by the (person, word) key, and stopping at ``window`` of them — or at the
    candidate budget, when few people carry all the words (then the full ranking follows)."""
    if not organisation_ids:
        return Ranked([], complete=True)
    with connection.cursor() as cursor:
        cursor.execute(*exact_sql(words, organisation_ids, window + 1))
        ids = [int(row[0]) for row in cursor.fetchall()]
    score = float(len(words))
    # Complete when every carrier of the rarest word was looked at and the window not filled.
    complete = words[0].people <= CANDIDATE_BUDGET and len(ids) <= window
    return Ranked([(person_id, score) for person_id in ids[:window]], complete, len(ids) > window)


@dataclass
class Plan:
    """Which typed word drives the search, and how many people to read for each of its words."""

    driver: int
    reads: list[tuple[WordMatch, int]]
    others: list[tuple[int, WordMatch]] = field(default_factory=list)
    complete: bool = True


def plan(matches: list[list[WordMatch]]) -> Plan:
    """Start from the typed word whose words the fewest people carry; read its best words first,
    within the candidate budget."""
    driver = min(
        range(len(matches)), key=lambda index: (sum(m.people for m in matches[index]), index)
    )
    reads = []
    left = CANDIDATE_BUDGET
    complete = True
    for match in matches[driver]:  # best first
        if left <= 0:
            complete = False
            break
        take = min(match.people, left)
        complete &= take == match.people
        reads.append((match, take))
        left -= take
    others = [
        (index, match) for index, words in enumerate(matches) if index != driver for match in words
    ]
    return Plan(driver=driver, reads=reads, others=others, complete=complete)


def rank_people(the_plan: Plan, *, tokens: int, organisation_ids: list[int], window: int) -> Ranked:
    """The people of these organisations who match every typed word, best first (ties: the
    newest first), at most ``window`` of them."""
    if not organisation_ids or not the_plan.reads:
        return Ranked([], complete=True)
    if connection.vendor == "postgresql":
        rows = _rank_postgresql(the_plan, tokens, organisation_ids, window + 1)
    else:
        rows = _rank_in_python(the_plan, tokens, organisation_ids, window + 1)
    return Ranked(rows[:window], complete=the_plan.complete, more=len(rows) > window)


RANK_SQL = """
WITH driver_words(word_id, score, reads) AS (
    SELECT * FROM unnest(%s::bigint[], %s::float8[], %s::int[])
),
other_words(token, word_id, score) AS (
    SELECT * FROM unnest(%s::int[], %s::bigint[], %s::float8[])
),
driver AS (
    SELECT found.person_id, max(d.score) AS score
    FROM driver_words d
    CROSS JOIN LATERAL (
        SELECT l.person_id FROM people_personnameword l
        WHERE l.word_id = d.word_id AND {organisation}
        ORDER BY l.person_id DESC
        LIMIT d.reads
    ) found
    GROUP BY found.person_id
),
others AS (
    SELECT l.person_id, o.token, max(o.score) AS score
    FROM driver
    JOIN people_personnameword l ON l.person_id = driver.person_id
    JOIN other_words o ON o.word_id = l.word_id
    GROUP BY l.person_id, o.token
)
SELECT person_id, round(sum(score)::numeric, 6) AS total
FROM (
    SELECT person_id, score FROM driver
    UNION ALL
    SELECT person_id, score FROM others
) hits
GROUP BY person_id
HAVING count(*) = %s
ORDER BY total DESC, person_id DESC
LIMIT %s
"""


def rank_sql(
    the_plan: Plan, tokens: int, organisation_ids: list[int], limit: int
) -> tuple[str, list[Any]]:
    """The ranking as one PostgreSQL statement (the benchmark times it on its own too)."""
    org_param: int | list[int]
    if len(organisation_ids) == 1:
        # A plain equality keeps the index walk in person order, so LIMIT stops it early.
        organisation, org_param = "l.organisation_id = %s", organisation_ids[0]
    else:
        organisation, org_param = "l.organisation_id = ANY(%s)", list(organisation_ids)
    sql = RANK_SQL.format(organisation=organisation)
    params: list[Any] = [
        [match.word_id for match, _reads in the_plan.reads],
        [match.score for match, _reads in the_plan.reads],
        [reads for _match, reads in the_plan.reads],
        [index for index, _match in the_plan.others],
        [match.word_id for _index, match in the_plan.others],
        [match.score for _index, match in the_plan.others],
        org_param,
        tokens,
        limit,
    ]
    return sql, params


def _rank_postgresql(
    the_plan: Plan, tokens: int, organisation_ids: list[int], limit: int
) -> list[tuple[int, float]]:
    sql, params = rank_sql(the_plan, tokens, organisation_ids, limit)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [(int(person_id), float(score)) for person_id, score in cursor.fetchall()]


def _rank_in_python(
    the_plan: Plan, tokens: int, organisation_ids: list[int], limit: int
) -> list[tuple[int, float]]:
    """The same ranking for the embedded SQLite: the same reads, scored in Python."""
    driver: dict[int, float] = {}
    with connection.cursor() as cursor:
        for match, reads in the_plan.reads:
            found: list[int] = []
            for organisation_id in organisation_ids:
                cursor.execute(
                    "SELECT person_id FROM people_personnameword "
                    "WHERE word_id = %s AND organisation_id = %s "
                    "ORDER BY person_id DESC LIMIT %s",
                    [match.word_id, organisation_id, reads],
                )
                found += [row[0] for row in cursor.fetchall()]
            for person_id in sorted(found, reverse=True)[:reads]:
                if driver.get(person_id, 0.0) < match.score:
                    driver[person_id] = match.score
        best: dict[int, dict[int, float]] = {}
        if the_plan.others and driver:
            other_words: dict[int, list[tuple[int, float]]] = {}
            for index, match in the_plan.others:
                other_words.setdefault(match.word_id, []).append((index, match.score))
            # CROSS JOIN makes SQLite walk the candidates and look each one's words up by the
            # (person, word) key, instead of reading every person with a common word.
            cursor.execute(
                "SELECT l.person_id, l.word_id FROM json_each(%s) AS candidate "
                "CROSS JOIN people_personnameword l ON l.person_id = candidate.value",
                [json.dumps(list(driver))],
            )
            for person_id, word_id in cursor.fetchall():
                for index, score in other_words.get(word_id, ()):
                    scores = best.setdefault(person_id, {})
                    if scores.get(index, 0.0) < score:
                        scores[index] = score
    ranked = []
    for person_id, score in driver.items():
        scores = best.get(person_id, {})
        if len(scores) == tokens - 1:
            # Rounded as the PostgreSQL statement does: equal sums tie whatever their order.
            ranked.append((person_id, round(score + sum(scores.values()), 6)))
    ranked.sort(key=lambda row: (-row[1], -row[0]))
    return ranked[:limit]
