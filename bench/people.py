"""Benchmark of people search, the duplicates queue and the duplicate check on a large registry.

Builds a realistic synthetic registry in minutes — COPY on PostgreSQL (psycopg 3's
``cursor.copy``), ``executemany`` in one transaction on SQLite — with a fixed seed: families
(Faker's Bulgarian names, common names far more common than rare ones, middle names made from
the father's first name, surnames from Faker's list and from first names, married women's
maiden names as other names), street children (anonymous, first name only, nicknames), children
entered twice (a typo, another spelling, no ЕГН) and a few rare and informally spelt names; the
search index (name words and links) is written with it. Then it measures:

- search p50/p95/p99 by kind of query (rare name, common surname alone, a typo of one, first and
  last name, Latin, informal Latin, the beginning of a name, three names, ЕГН) against (a) the
  raw SQL of the method, run on its own (PostgreSQL) and (b) a search as Django's admin makes
  it (``icontains`` on each name field, for each word typed);
- recall@5 on held-out spelling variants of sampled people (``zakrila.people.variants``);
- the people list (keyset pages), the likely duplicates of a new entry and the duplicates queue.

Run (from the repository root):

    .venv/bin/python bench/people.py --people 100000
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/zakrila_bench_people \\
        .venv/bin/python bench/people.py --people 1000000

The database is a throwaway: an SQLite file in a temporary directory, or the PostgreSQL database
that DATABASE_URL names, which the script creates (UTF-8, LC_CTYPE C.UTF-8) and drops again at
the end, also when the build passes --max-build-seconds or the script is interrupted. That name
must start with "zakrila_bench", so that no real database is dropped.
"""

from __future__ import annotations

import argparse
import bisect
import datetime as dt
import functools
import itertools
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from benchdb import (
    TableWriter,
    admin_url,
    drop_postgres,
    fmt_ms,
    load_average,
    percentile,
    plain_indexes,
    recreate_postgres,
)

SEED = 20261123
TODAY = dt.date(2026, 11, 23)
CHUNK = 50_000  # people generated and written at a time
RECALL_AT = 5
# A mother, 1-3 children (10/6 on average), a father half the time, a grandmother a quarter.
PEOPLE_PER_FAMILY = 1 + 10 / 6 + 0.5 + 0.25

# The most common Bulgarian first names first (where Faker's list has them); the rest of
# Faker's list follows in a seeded order. Names are drawn with Zipf-like weights, so the first
# ones are carried by a few per cent of people, as in the country.
COMMON_FEMALE = ("Мария", "Иванка", "Елена", "Йорданка", "Пенка", "Марийка", "Росица",
                 "Виолета", "Радка", "Стефка", "Надежда", "Снежана", "Валентина", "Десислава")  # fmt: skip
COMMON_MALE = ("Георги", "Иван", "Димитър", "Николай", "Петър", "Христо", "Йордан", "Стоян",
               "Тодор", "Васил", "Стефан", "Атанас", "Александър", "Кирил")  # fmt: skip
NICKNAMES = ("Кокала", "Малкия", "Рижия", "Шиши", "Пепи", "Мечо", "Бобо", "Чочо", "Зайо", "Кака")


@dataclass
class Registry:
    """What the builder wrote, for the measurements."""

    organisation_id: int
    other_organisation_id: int
    pairs_organisation_id: int
    people: int = 0
    links: int = 0
    words: int = 0
    aliases: int = 0
    seconds: dict[str, float] = field(default_factory=dict)


# --- Names -----------------------------------------------------------------------------------


class Names:
    """Faker's Bulgarian names with realistic weights, and the names derived from them."""

    def __init__(self, rng: random.Random) -> None:
        from faker.providers.person.bg_BG import Provider

        self.rng = rng
        self.female = self._ordered(Provider.first_names_female, COMMON_FEMALE)
        self.male = self._ordered(Provider.first_names_male, COMMON_MALE)
        self.female_weights = self._zipf(len(self.female), 0.7)
        self.male_weights = self._zipf(len(self.male), 0.7)
        # Surnames: Faker's (male form) and surnames made from first names (Георгиев, Петров),
        # which give the long tail of rarer surnames a registry has.
        faker_surnames = sorted(set(Provider.last_names_male))
        rng.shuffle(faker_surnames)
        derived = [patronymic(name, female=False) for name in self.male]
        self.surnames = list(dict.fromkeys(faker_surnames + derived))
        self.surname_weights = self._zipf(len(self.surnames), 0.7)

    def _ordered(self, names: Any, common: tuple[str, ...]) -> list[str]:
        rest = sorted(set(names) - set(common))
        self.rng.shuffle(rest)
        return [name for name in common if name in set(names)] + rest

    @staticmethod
    def _zipf(count: int, exponent: float) -> list[float]:
        return list(itertools.accumulate(1 / (rank + 1) ** exponent for rank in range(count)))

    def _pick(self, names: list[str], cumulative: list[float]) -> str:
        point = self.rng.random() * cumulative[-1]
        return names[min(bisect.bisect(cumulative, point), len(names) - 1)]

    def first(self, female: bool) -> str:
        if female:
            return self._pick(self.female, self.female_weights)
        return self._pick(self.male, self.male_weights)

    def surname(self) -> str:
        """A family's surname, in the male form."""
        return self._pick(self.surnames, self.surname_weights)


@functools.cache
def patronymic(father: str, *, female: bool) -> str:
    """A middle name (or surname) made from a man's first name: Георги → Георгиев(а),
    Петър → Петров(а), Николай → Николаев(а), Христо → Христов(а)."""
    if father.endswith("ър"):
        stem = father[:-2] + "р" + "ов"
    elif father.endswith("й"):
        stem = father[:-1] + "ев"
    elif father.endswith("и"):
        stem = father + "ев"
    elif father.endswith(("о", "а")):
        stem = father[:-1] + "ов"
    elif father.endswith("я"):
        stem = father[:-1] + "ев"
    else:
        stem = father + "ов"
    return stem + "а" if female else stem


@functools.cache
def female_form(surname: str) -> str:
    if surname.endswith(("ов", "ев", "ин")):
        return surname + "а"
    if surname.endswith("ски"):
        return surname[:-1] + "а"
    return surname


@functools.lru_cache(maxsize=200_000)
def folded(name: str) -> tuple[str, str]:
    """(official Latin, search key) of one name, memoised: names repeat."""
    from zakrila.people.names import search_key, to_latin

    return to_latin(name), search_key(name)


# --- The builder -------------------------------------------------------------------------------


@dataclass
class PersonRow:
    first: str = ""
    middle: str = ""
    last: str = ""
    description: str = ""
    sex: str = "unknown"
    born: dt.date | None = None
    precision: str = "exact"
    status: str = "identified"
    unit: int | None = None
    number: str = ""
    aliases: list[tuple[str, str, str, str]] = field(default_factory=list)  # names + source


class Generator:
    """People in families, written a chunk at a time; deterministic for a seed."""

    def __init__(self, *, seed: int, family_units: list[int], street_unit: int) -> None:
        self.rng = random.Random(seed)
        self.names = Names(self.rng)
        self.family_units = family_units
        self.street_unit = street_unit
        self.numbers: set[str] = set()

    def egn(self, born: dt.date, sex: str) -> str:
        from zakrila.people.identifiers import generate_egn

        if self.rng.random() >= 0.75:
            return ""
        for serial in range(self.rng.randrange(0, 400), 1000):
            number = generate_egn(born, sex, serial)
            if number not in self.numbers:
                self.numbers.add(number)
                return number
        return ""

    def born(self, youngest: int, oldest: int) -> dt.date:
        return TODAY - dt.timedelta(days=self.rng.randint(youngest * 365, oldest * 365 + 364))

    def person(self, *, female: bool, youngest: int, oldest: int, last: str, middle: str,
               unit: int) -> PersonRow:  # fmt: skip
        sex = "female" if female else "male"
        born = self.born(youngest, oldest)
        return PersonRow(
            first=self.names.first(female), middle=middle, last=last, sex=sex, born=born,
            unit=unit, number=self.egn(born, sex),
        )  # fmt: skip

    def family(self) -> list[PersonRow]:
        rng, names = self.rng, self.names
        unit = rng.choice(self.family_units)
        surname = names.surname()
        father_first = names.first(False)
        mother = self.person(
            female=True, youngest=17, oldest=45, last=female_form(surname),
            middle=patronymic(names.first(False), female=True), unit=unit,
        )  # fmt: skip
        if rng.random() < 0.1:  # her maiden name, as another name
            maiden = female_form(names.surname())
            mother.aliases.append((mother.first, mother.middle, maiden, "моминско име"))
        members = [mother]
        for _child in range(rng.choice((1, 1, 1, 2, 2, 3))):
            female = rng.random() < 0.5
            members.append(
                self.person(
                    female=female,
                    youngest=0,
                    oldest=17,
                    last=female_form(surname) if female else surname,
                    middle=patronymic(father_first, female=female),
                    unit=unit,
                )
            )
        if rng.random() < 0.5:
            father = self.person(
                female=False, youngest=19, oldest=55, last=surname,
                middle=patronymic(names.first(False), female=False), unit=unit,
            )  # fmt: skip
            father.first = father_first
            members.append(father)
        if rng.random() < 0.25:
            members.append(
                self.person(
                    female=True,
                    youngest=45,
                    oldest=75,
                    last=female_form(names.surname()),
                    middle=patronymic(names.first(False), female=True),
                    unit=unit,
                )
            )
        return members

    def street_child(self) -> PersonRow:
        rng = self.rng
        female = rng.random() < 0.3
        age = rng.randint(8, 16)
        place = rng.choice(("гара Русе", "Автогара Юг", "пазара", "центъра", "парк „Майн“"))
        row = PersonRow(
            description=f"{'момиче' if female else 'момче'}, ~{age} г., {place}",
            sex="female" if female else "male", born=dt.date(TODAY.year - age, 7, 1),
            precision="estimated", status="anonymous", unit=self.street_unit,
        )  # fmt: skip
        kind = rng.random()
        if kind < 0.35:
            row.first = self.names.first(female)
            row.status = "partial"
        elif kind < 0.7:
            row.aliases.append(("", "", rng.choice(NICKNAMES), "прякор"))
            row.status = "partial"
        return row

    def entered_twice(self, original: PersonRow) -> PersonRow:
        """A child registered again: a typo or another spelling, no middle name, no ЕГН."""
        first = original.first
        if self.rng.random() < 0.5 and len(first) > 3:
            first = first[:-2] + first[-1] + first[-2]
        else:
            first = first.replace("Й", "И", 1) if first.startswith("Й") else first + "а"
        return PersonRow(
            first=first, last=original.last, sex=original.sex, born=original.born,
            unit=original.unit,
        )  # fmt: skip

    def people(self, count: int) -> Iterator[PersonRow]:
        """``count`` people: families, one street child and one record entered twice in 200."""
        planted = [
            PersonRow(first="Йорданка", middle="Петрова", last="Христова", sex="female",
                      born=TODAY.replace(year=TODAY.year - 9), unit=self.family_units[0]),
            PersonRow(first="Ана", middle="Петрова", last="Първанова", sex="female",
                      born=dt.date(2011, 4, 2), unit=self.family_units[0]),
            PersonRow(first="Ана", middle="Иванова", last="Сапунджиева", sex="female",
                      born=dt.date(2013, 9, 14), unit=self.family_units[0]),
        ]  # fmt: skip
        made = 0
        recent_children: list[PersonRow] = []
        for row in planted:
            yield row
            made += 1
        while made < count:
            for row in self.family():
                if made >= count:
                    return
                yield row
                made += 1
                if row.born and row.born > TODAY.replace(year=TODAY.year - 18):
                    recent_children.append(row)
                    recent_children = recent_children[-50:]
            # One street child and one record entered twice in about 200 people.
            if made < count and self.rng.random() < PEOPLE_PER_FAMILY / 200:
                yield self.street_child()
                made += 1
            if made < count and recent_children and self.rng.random() < PEOPLE_PER_FAMILY / 200:
                yield self.entered_twice(self.rng.choice(recent_children))
                made += 1


def build(args: argparse.Namespace) -> Registry:
    """The organisations, the director, and the registry, in one transaction."""
    from django.db import connection, transaction
    from stdnum.bg import vat

    from zakrila.accounts.models import Membership, Role, User
    from zakrila.organisations.models import Organisation, Unit, UnitKind
    from zakrila.people.models import NameWord, Person, PersonAlias, PersonNameWord
    from zakrila.people.name_index import words_changed

    started = time.perf_counter()
    deadline = started + args.max_build_seconds

    def organisation(n: int) -> tuple[Organisation, list[int], int]:
        base = f"{31000000 + n:08d}"
        org = Organisation.objects.create(
            eik=base + vat.calc_check_digit_legal(base), name_bg=f"Бенчмарк хора {n}"
        )
        units = [
            Unit.objects.create(organisation=org, code=code, kind=kind, name=code, capacity=100)
            for code, kind in (
                ("ЦОП", UnitKind.COMMUNITY_SUPPORT),
                ("ЦУБД", UnitKind.STREET_CHILDREN),
            )
        ]
        user = User.objects.create_user(
            email=f"director{n}@bench.example.bg", password=None, full_name="Директор"
        )
        Membership.objects.create(
            user=user, organisation=org, roles=[Role.DIRECTOR.value], starts_on=dt.date(2020, 1, 1)
        )
        return org, [units[0].pk], units[1].pk

    person_columns = [
        "id", "organisation_id", "created_at", "updated_at", "first_name", "middle_name",
        "last_name", "first_name_latin", "middle_name_latin", "last_name_latin", "description",
        "sex", "birth_date", "birth_date_precision", "personal_number", "personal_number_kind",
        "identification_status", "unit_id", "municipality", "search_key",
    ]  # fmt: skip
    alias_columns = ["id", "organisation_id", "created_at", "updated_at", "person_id",
                     "first_name", "middle_name", "last_name", "source"]  # fmt: skip
    postgres = connection.vendor == "postgresql"

    with transaction.atomic():
        main_org, family_units, street_unit = organisation(0)
        other_org, other_family_units, other_street_unit = organisation(1)
        other_size = args.pairs_people or max(args.people // 100, 200)
        queue_on_main = not args.pairs_people and args.people <= 200_000
        registry = Registry(
            main_org.pk, other_org.pk, main_org.pk if queue_on_main else other_org.pk
        )
        dropped: list[tuple[str, str]] = []
        tables = [PersonNameWord, PersonAlias, NameWord, Person]
        with connection.cursor() as cursor:
            if postgres:
                cursor.execute("SET LOCAL session_replication_role = replica")
                cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")
                cursor.execute("SET LOCAL synchronous_commit = off")
                # Emptied in this transaction, so COPY FREEZE may write rows visible to all.
                cursor.execute(
                    "TRUNCATE " + ", ".join(model._meta.db_table for model in tables) + " CASCADE"
                )
                for model in tables:
                    for name, definition in plain_indexes(cursor, model._meta.db_table):
                        cursor.execute(f'DROP INDEX "{name}"')
                        dropped.append((name, definition))
        people = TableWriter(Person, person_columns, freeze=postgres)
        aliases = TableWriter(PersonAlias, alias_columns, freeze=postgres)
        links = TableWriter(
            PersonNameWord, ["person_id", "word_id", "organisation_id"], freeze=postgres
        )
        word_ids: dict[str, int] = {}
        word_people: Counter[int] = Counter()
        next_id = itertools.count(1)
        next_alias = itertools.count(1)
        span = dt.datetime(2026, 11, 1, tzinfo=dt.UTC) - dt.datetime(2012, 1, 1, tzinfo=dt.UTC)
        total = args.people + other_size

        def write(org_id: int, rows: Iterator[PersonRow], count: int) -> None:
            for chunk in iter(lambda: list(itertools.islice(rows, CHUNK)), []):
                if time.perf_counter() > deadline:
                    raise TimeoutError(
                        f"the build passed --max-build-seconds ({args.max_build_seconds} s) "
                        f"after {registry.people:,} people"
                    )
                person_rows, alias_rows, link_rows = [], [], []
                for row in chunk:
                    pk = next(next_id)
                    created = dt.datetime(2012, 1, 1, tzinfo=dt.UTC) + span * (pk / total)
                    latin = [
                        folded(name)[0] if name else ""
                        for name in (row.first, row.middle, row.last)
                    ]
                    names = [
                        " ".join(
                            filter(
                                None, (folded(n)[1] for n in (row.first, row.middle, row.last) if n)
                            )
                        ),
                        *(
                            " ".join(filter(None, (folded(n)[1] for n in alias[:3] if n)))
                            for alias in row.aliases
                        ),
                    ]
                    key = " | ".join(filter(None, names))
                    person_rows.append((
                        pk, org_id, created, created, row.first, row.middle, row.last, *latin,
                        row.description, row.sex, row.born, row.precision, row.number,
                        "egn" if row.number else "", row.status, row.unit, "Русе", key,
                    ))  # fmt: skip
                    for first, middle, last, source in row.aliases:
                        alias_rows.append(
                            (
                                next(next_alias),
                                org_id,
                                created,
                                created,
                                pk,
                                first,
                                middle,
                                last,
                                source,
                            )
                        )
                    for word in sorted(set(key.replace("|", " ").split())):
                        word_id = word_ids.get(word)
                        if word_id is None:
                            word_id = word_ids[word] = len(word_ids) + 1
                        word_people[word_id] += 1
                        link_rows.append((pk, word_id, org_id))
                t0 = time.perf_counter()
                people.write(person_rows)
                aliases.write(alias_rows)
                links.write(link_rows)
                registry.seconds["write"] = (
                    registry.seconds.get("write", 0) + time.perf_counter() - t0
                )
                registry.people += len(person_rows)
                registry.aliases += len(alias_rows)
                registry.links += len(link_rows)
                if args.verbose:
                    print(f"  {registry.people:,} people, {time.perf_counter() - started:.0f} s",
                          file=sys.stderr)  # fmt: skip

        write(main_org.pk, Generator(seed=args.seed, family_units=family_units,
                                     street_unit=street_unit).people(args.people), args.people)  # fmt: skip
        # A small second organisation with the same kind of names: never in the first one's
        # results.
        write(other_org.pk, Generator(seed=args.seed + 1, family_units=other_family_units,
                                      street_unit=other_street_unit).people(other_size),
              other_size)  # fmt: skip
        words = TableWriter(NameWord, ["id", "word", "people"], freeze=postgres)
        words.write([(word_id, word, word_people[word_id]) for word, word_id in word_ids.items()])
        registry.words = len(word_ids)
        t0 = time.perf_counter()
        with connection.cursor() as cursor:
            for _name, definition in dropped:
                cursor.execute(definition)
            if postgres:
                for model in (Person, PersonAlias, NameWord):
                    table = model._meta.db_table
                    cursor.execute(
                        f"SELECT setval(pg_get_serial_sequence(%s, 'id'), (SELECT max(id) FROM {table}))",  # noqa: S608 (a model's table)
                        [table],
                    )
        words_changed()
        registry.seconds["indexes"] = time.perf_counter() - t0
    if postgres:
        t0 = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")  # what autovacuum would soon do after a bulk load
        registry.seconds["analyze"] = time.perf_counter() - t0
    registry.seconds["build"] = time.perf_counter() - started
    return registry


# --- Measurements ------------------------------------------------------------------------------


def timed(function: Callable[[], Any], runs: int, warmup: int = 1) -> tuple[list[float], Any]:
    """Milliseconds of each of ``runs`` calls (after ``warmup`` untimed calls), and the result."""
    result = None
    for _ in range(warmup):
        result = function()
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        result = function()
        timings.append((time.perf_counter() - started) * 1000)
    return timings, result


@dataclass
class Sampled:
    """People of the registry to look for, and the words of the registry."""

    people: list[Any]
    word_people: dict[str, int]


def sample_people(organisation_id: int, count: int, seed: int) -> Sampled:
    from zakrila.people.models import NameWord, Person

    rng = random.Random(seed)
    top = (
        Person.objects.filter(organisation_id=organisation_id)
        .order_by("-pk")
        .values_list("pk", flat=True)[:1][0]
    )
    ids = rng.sample(range(1, top + 1), min(top, count * 3))
    people = list(
        Person.objects.filter(organisation_id=organisation_id, pk__in=ids)
        .exclude(first_name="").exclude(last_name="").order_by("pk")
    )  # fmt: skip
    rng.shuffle(people)
    word_people = dict(NameWord.objects.values_list("word", "people"))
    return Sampled(people[:count], word_people)


def query_kinds(
    sampled: Sampled, per_kind: int, egns: list[str], seed: int
) -> dict[str, list[str]]:
    """Queries by kind, drawn from the registry."""
    from zakrila.people.names import search_key, to_latin
    from zakrila.people.variants import informal_latin, typo

    rng = random.Random(seed)
    people = sampled.people

    def count(name: str) -> int:
        return sampled.word_people.get(search_key(name), 0)

    rare = [p for p in people if count(p.last_name) <= 20][:per_kind]
    surnames = Counter(p.last_name for p in people)
    common = [name for name, _n in surnames.most_common(per_kind)]
    pick = people[:per_kind]
    return {
        "rare name (first + last)": [f"{p.first_name} {p.last_name}" for p in rare],
        "common surname alone": common,
        "typo of a common surname": [typo(name, rng) for name in common],
        "first + last": [f"{p.first_name} {p.last_name}" for p in pick],
        "three names": [f"{p.first_name} {p.middle_name} {p.last_name}" for p in pick],
        "official Latin": [to_latin(f"{p.first_name} {p.last_name}") for p in pick],
        "informal Latin": [informal_latin(f"{p.first_name} {p.last_name}", rng) for p in pick],
        "beginning (surname + 3 letters)": [f"{p.last_name} {p.first_name[:3]}" for p in pick],
        "ЕГН": egns[:per_kind],
        "the issue's examples": [
            "Тодорова", "Тодорва", "Цветков", "Йорданка Христова", "Jordanka Khristova",
            "Христова Йорд", "Purvanova", "Sapundjieva", "Мария Тодорова", "Георги Тодоров",
        ],
    }  # fmt: skip


class RawSearch:
    """The method's own SQL, run on its own connection: the candidate words, the ranking, and
    the rows of the people shown. What Django, the policy and Python add is the difference."""

    def __init__(self, url: str, organisation_id: int) -> None:
        import psycopg

        self.connection = psycopg.connect(url, autocommit=True)
        self.organisation_id = organisation_id

    def prepare(self, text: str, limit: int = 20) -> Callable[[], Any]:
        """The statements search_people runs for ``text``, in the same order (which path the
        query takes is decided here, beforehand)."""
        from zakrila.people.names import name_tokens
        from zakrila.people.queries import _as_personal_number
        from zakrila.people.search import (
            RANKED_WINDOW,
            SET_WORD_SEARCH,
            exact_sql,
            exact_words,
            match_words,
            plan,
            rank_exact,
            rank_sql,
            words_sql,
        )

        number = _as_personal_number(text)
        cursor = self.connection.cursor()
        orgs = [self.organisation_id]
        person = "SELECT * FROM people_person WHERE id = ANY(%s) AND merged_into_id IS NULL"
        if number:
            return lambda: cursor.execute(
                "SELECT * FROM people_person WHERE organisation_id = %s AND personal_number = %s "
                "AND merged_into_id IS NULL LIMIT %s", [orgs[0], number, limit]
            ).fetchall()  # fmt: skip
        tokens = name_tokens(text)
        words = words_sql(tokens)
        matches = match_words(tokens)
        statements = []
        if all(matches):
            exact = exact_words(matches)
            fast = (
                exact is not None
                and len(rank_exact(exact, organisation_ids=orgs, window=limit).people) >= limit
            )
            if exact is not None:
                statements.append(exact_sql(exact, orgs, limit + 1))
            if not fast:
                window = max(RANKED_WINDOW, limit * 4) + 1
                statements.append(rank_sql(plan(matches), len(tokens), orgs, window))

        def run() -> Any:
            with self.connection.transaction():
                cursor.execute(*SET_WORD_SEARCH)
                cursor.execute(*words).fetchall()
            ids: list[int] = []
            for statement in statements:
                ids = [row[0] for row in cursor.execute(*statement).fetchall()[:limit]]
            return cursor.execute(person, [ids]).fetchall() if ids else []

        return run


def admin_search(organisation_id: int, text: str) -> list[Any]:
    """A search as Django's admin makes it with search_fields on the names and the number:
    every word typed must be in one of the fields (icontains), first page of 20."""
    from django.db.models import Q

    from zakrila.people.models import Person

    people = Person.objects.filter(organisation_id=organisation_id)
    for term in text.split():
        people = people.filter(
            Q(first_name__icontains=term) | Q(middle_name__icontains=term)
            | Q(last_name__icontains=term) | Q(personal_number__icontains=term)
        )  # fmt: skip
    return list(people.order_by(*Person._meta.ordering)[:20])


def distribution(timings: list[float]) -> tuple[str, str, str]:
    return (
        fmt_ms(statistics.median(timings)),
        fmt_ms(percentile(timings, 0.95)),
        fmt_ms(percentile(timings, 0.99)),
    )


def measure_search(args: argparse.Namespace, registry: Registry, user: Any, url: str) -> None:
    from django.db import connection

    from zakrila.people.models import Person
    from zakrila.people.queries import search_people

    org = registry.organisation_id
    sampled = sample_people(org, max(args.queries_per_kind * 4, 200), args.seed)
    egns = list(
        Person.objects.filter(organisation_id=org).exclude(personal_number="")
        .order_by("pk").values_list("personal_number", flat=True)[: args.queries_per_kind * 50 : 50]
    )  # fmt: skip
    kinds = query_kinds(sampled, args.queries_per_kind, egns, args.seed)
    raw = RawSearch(url, org) if connection.vendor == "postgresql" else None
    print(f"\n### Search ({connection.vendor}, {registry.people:,} people; "
          f"{args.runs} runs of each query after one untimed; admin {args.admin_runs})\n")  # fmt: skip
    print(
        "| queries | n | search p50 | p95 | p99 | raw SQL p50 | p95 | admin icontains p50 | p95 "
        "| search ÷ raw (p95) | admin ÷ search (p95) | results (median) | complete |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    every: dict[str, list[float]] = {"search": [], "raw": [], "admin": []}
    for kind, texts in kinds.items():
        measured: dict[str, list[float]] = {"search": [], "raw": [], "admin": []}
        sizes = []
        complete = 0
        for text in texts:
            leak = None
            timings, found = timed(lambda text=text: search_people(user=user, text=text), args.runs)
            measured["search"] += timings
            sizes.append(len(found))
            complete += found.complete
            leak = [p.pk for p in found if p.organisation_id != org]
            if leak:
                sys.exit(f"search for {text!r} returned people of another organisation: {leak}")
            if raw is not None:
                timings, _rows = timed(raw.prepare(text), args.runs)
                measured["raw"] += timings
            if args.admin_runs:
                timings, _rows = timed(
                    lambda text=text: admin_search(org, text), args.admin_runs, 0
                )
                measured["admin"] += timings
        for name, values in measured.items():
            every[name] += values
        print_search_row(kind, len(texts), measured, sizes, f"{complete}/{len(texts)}")
    print_search_row("**all queries**", sum(map(len, kinds.values())), every, [], "")
    for kind, texts in kinds.items():
        print(f"\n{kind}: " + ", ".join(texts[:6]) + (" …" if len(texts) > 6 else ""), end="")
    print()


def print_search_row(label: str, n: int, measured: dict[str, list[float]], sizes: list[int],
                     complete: str) -> None:  # fmt: skip
    search = measured["search"]
    cells = [label, str(n), *distribution(search)]
    raw, admin = measured["raw"], measured["admin"]
    cells += [fmt_ms(statistics.median(raw)), fmt_ms(percentile(raw, 0.95))] if raw else ["—", "—"]
    cells += (
        [fmt_ms(statistics.median(admin)), fmt_ms(percentile(admin, 0.95))] if admin else ["—", "—"]
    )
    p95 = percentile(search, 0.95)
    cells.append(f"{p95 / percentile(raw, 0.95):.2f}×" if raw else "—")
    cells.append(f"{percentile(admin, 0.95) / p95:.1f}×" if admin else "—")
    cells.append(str(statistics.median(sizes)) if sizes else "")
    cells.append(complete)
    print("| " + " | ".join(cells) + " |")


def measure_recall(args: argparse.Namespace, registry: Registry, user: Any) -> None:
    from zakrila.people.names import key_words
    from zakrila.people.queries import search_people
    from zakrila.people.variants import found, variants_of

    sampled = sample_people(registry.organisation_id, args.recall_people, args.seed + 7)
    rng = random.Random(args.seed + 7)
    asked: Counter[str] = Counter()
    missed: Counter[str] = Counter()
    by_namesakes = 0
    examples: list[str] = []
    started = time.perf_counter()
    for target in sampled.people:
        for variant in variants_of(target.first_name, target.middle_name, target.last_name, rng):
            results = search_people(user=user, text=variant.text, limit=RECALL_AT)
            top = [(person.pk, key_words(person.search_key)) for person in results]
            asked[variant.kind] += 1
            if not found(top, target.pk, variant, at=RECALL_AT):
                missed[variant.kind] += 1
                if len(examples) < 12:
                    examples.append(f"“{variant.text}” for {target.full_name}")
            elif target.pk not in [person.pk for person in results]:
                by_namesakes += 1
    total = sum(asked.values())
    print(f"\n### Recall@{RECALL_AT} on held-out spelling variants ({len(sampled.people)} people, "
          f"{total} queries, {time.perf_counter() - started:.0f} s)\n")  # fmt: skip
    print("| variant | queries | recall@5 |")
    print("|---|---|---|")
    for kind in asked:
        print(f"| {kind} | {asked[kind]} | {1 - missed[kind] / asked[kind]:.1%} |")
    print(f"| **all** | {total} | **{1 - sum(missed.values()) / total:.1%}** |")
    print(f"\nfound through namesakes only (the five first all carry the names typed): "
          f"{by_namesakes} of {total}")  # fmt: skip
    if examples:
        print("missed, e.g.: " + "; ".join(examples))


def measure_rest(args: argparse.Namespace, registry: Registry, user: Any, pairs_user: Any) -> None:
    from zakrila.accounts.policy import people_visible_to
    from zakrila.core.paging import keyset_page, position_token
    from zakrila.people.models import Person
    from zakrila.people.queries import PEOPLE_PAGE_SIZE, duplicate_pairs, likely_duplicates

    org = registry.organisation_id
    rows: list[tuple[str, str, str, str, str]] = []
    listed = people_visible_to(user).filter(organisation_id=org, anonymised_at__isnull=True)
    page_runs = args.runs * 5
    order = ("last_name_latin", "id")

    def people_page(after: str | None) -> Any:
        return keyset_page(
            listed.select_related("unit"), order=order, after=after, size=PEOPLE_PAGE_SIZE
        ).rows

    timings, page = timed(lambda: people_page(None), page_runs)
    rows.append(("list, first page", fmt_ms(statistics.median(timings)),
                 fmt_ms(percentile(timings, 0.95)), str(page_runs), f"{len(page)} rows"))  # fmt: skip
    for fraction in (0.5, 0.99):
        position = int(registry.people * fraction * 0.99)
        after = position_token(
            listed.order_by(*order).values_list(*order)[position - 1]  # type: ignore[arg-type]
        )
        timings, page = timed(lambda after=after: people_page(after), page_runs)
        rows.append((f"list, deep page (after row {position:,})", fmt_ms(statistics.median(timings)),
                     fmt_ms(percentile(timings, 0.95)), str(page_runs), f"{len(page)} rows"))  # fmt: skip

    # A child already registered, typed again with two letters of the first name swapped.
    children = (
        Person.objects.filter(
            organisation_id=org, birth_date__gt=TODAY.replace(year=TODAY.year - 17), sex="female"
        )
        .exclude(first_name="")
        .exclude(last_name="")
    )
    cases = []
    for original in (
        children.order_by("last_name", "id").first(),
        children.order_by("-last_name", "id").first(),
    ):
        if original is None:
            sys.exit("the registry has no named girls to enter twice")
        first = original.first_name
        entry = {"first_name": first[:-2] + first[-1] + first[-2], "last_name": original.last_name,
                 "birth_date": original.birth_date}  # fmt: skip
        label = f"{entry['first_name']} {original.last_name}"
        cases.append((f"{label}, exact date", entry, original))
        cases.append((f"{label}, estimated date", {**entry, "estimated": True}, original))
    with_number = (
        Person.objects.filter(organisation_id=org)
        .exclude(personal_number="")
        .order_by("pk")
        .first()
    )
    cases.append(("same ЕГН", {"first_name": with_number.first_name, "last_name": with_number.last_name,
                               "birth_date": with_number.birth_date,
                               "personal_number": with_number.personal_number}, with_number))  # fmt: skip
    for label, entry, original in cases:
        timings, candidates = timed(
            lambda entry=entry: likely_duplicates(organisation_id=org, **entry), args.runs
        )
        hit = any(candidate.person.pk == original.pk for candidate in candidates)
        rows.append((f"likely duplicates of “{label}”", fmt_ms(statistics.median(timings)),
                     fmt_ms(percentile(timings, 0.95)), str(args.runs),
                     f"{len(candidates)} candidates, original {'found' if hit else 'MISSED'}"))  # fmt: skip

    pairs_org = registry.pairs_organisation_id
    size = Person.objects.filter(organisation_id=pairs_org).count()
    timings, pairs = timed(lambda: duplicate_pairs(user=pairs_user, organisation_id=pairs_org), 3)
    rows.append((f"duplicates queue ({size:,} people)", fmt_ms(statistics.median(timings)),
                 fmt_ms(max(timings)), "3", f"{len(pairs)} pairs (limit 100)"))  # fmt: skip

    print(f"\n### Lists and duplicates ({registry.people:,} people)\n")
    print("| measurement | p50 | p95 (max for the queue) | runs | results |")
    print("|---|---|---|---|---|")
    for row in rows:
        print("| " + " | ".join(row) + " |")


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--people", type=int, default=100_000, help="size of the registry")
    parser.add_argument("--pairs-people", type=int, default=None,
                        help="size of the second organisation, on which the duplicates queue is "
                             "timed (default: 1 %% of --people, and the queue is timed on the "
                             "first organisation when --people is at most 200,000)")  # fmt: skip
    parser.add_argument("--runs", type=int, default=5, help="timed runs of each search")
    parser.add_argument("--admin-runs", type=int, default=1, help="timed runs of the admin search")
    parser.add_argument("--queries-per-kind", type=int, default=15)
    parser.add_argument("--recall-people", type=int, default=300,
                        help="people looked for in the recall measurement (9 queries each)")  # fmt: skip
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--max-build-seconds", type=int, default=1200,
                        help="give up (and drop the database) if the build takes longer")  # fmt: skip
    parser.add_argument("--only-build", action="store_true", help="build, print its figures, stop")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument("--reuse", action="store_true",
                        help="measure on the PostgreSQL database a --keep run left (no build); "
                             "implies --keep")  # fmt: skip
    parser.add_argument("--verbose", action="store_true", help="report the build's progress")
    args = parser.parse_args()

    url = os.environ.get("DATABASE_URL", "")
    if args.reuse:
        if not url:
            sys.exit("--reuse needs DATABASE_URL (a PostgreSQL database kept by --keep)")
        args.keep = True
    data_dir = None
    if url:
        if not url.startswith(("postgres://", "postgresql://")):
            sys.exit("DATABASE_URL must name a PostgreSQL database (or be unset for SQLite)")
        admin_url(url)  # refuses a name that is not a benchmark's
    else:
        data_dir = tempfile.mkdtemp(prefix="zakrila-bench-people-")
        os.environ["ZAKRILA_DATA_DIR"] = data_dir
    os.environ.setdefault("ZAKRILA_DEBUG", "1")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zakrila.settings")
    import django

    try:
        django.setup()  # connects to nothing yet
    except BaseException:
        if data_dir:
            shutil.rmtree(data_dir, ignore_errors=True)
        raise
    from django.db import connections

    try:
        if url and not args.reuse:
            recreate_postgres(url)
        run(args, url)
    finally:
        connections.close_all()
        if args.keep:
            print(f"\nkept the database: {url or data_dir}")
        elif url:
            drop_postgres(url)
        elif data_dir:
            shutil.rmtree(data_dir, ignore_errors=True)


def run(args: argparse.Namespace, url: str) -> None:
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT version()")
            version = cursor.fetchone()[0].split(" on ")[0]
    else:
        import sqlite3

        version = f"SQLite {sqlite3.sqlite_version}"
    if args.reuse:
        registry = reused(args)
        print(f"database: {version} (reused)")
        print(f"registry: {registry.people:,} people in the organisation searched")
        print(f"load average: {load_average()}")
        return measure(args, registry, url)
    print(f"load average before the build: {load_average()}")
    registry = build(args)
    print(f"database: {version}")
    print(f"registry: {registry.people:,} people ({args.people:,} in the organisation searched), "
          f"{registry.aliases:,} other names, {registry.words:,} distinct name words, "
          f"{registry.links:,} word links; built in {registry.seconds['build']:.0f} s "
          f"(writing {registry.seconds.get('write', 0):.0f} s, indexes "
          f"{registry.seconds.get('indexes', 0):.0f} s, analyze "
          f"{registry.seconds.get('analyze', 0):.0f} s), seed {args.seed}")  # fmt: skip
    print(f"load average after the build: {load_average()}")
    if not args.only_build:
        measure(args, registry, url)


def reused(args: argparse.Namespace) -> Registry:
    from zakrila.organisations.models import Organisation
    from zakrila.people.models import Person

    main = Organisation.objects.get(name_bg="Бенчмарк хора 0")
    other = Organisation.objects.get(name_bg="Бенчмарк хора 1")
    people = Person.objects.filter(organisation=main).count()
    queue_on_main = not args.pairs_people and people <= 200_000
    registry = Registry(main.pk, other.pk, main.pk if queue_on_main else other.pk)
    registry.people = people
    return registry


def measure(args: argparse.Namespace, registry: Registry, url: str) -> None:
    from zakrila.accounts.models import User

    user = User.objects.get(email="director0@bench.example.bg")
    pairs_user = User.objects.get(
        email=f"director{1 if registry.pairs_organisation_id != registry.organisation_id else 0}"
        "@bench.example.bg"
    )
    measure_search(args, registry, user, url)
    if args.recall_people:
        measure_recall(args, registry, user)
    measure_rest(args, registry, user, pairs_user)
    print(f"\nload average at the end: {load_average()}")


if __name__ == "__main__":
    main()
