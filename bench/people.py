"""Benchmark of people search, the people list and duplicate detection on a large registry.

Builds a synthetic registry (families, street children, records entered twice) with the demo
builder and a fixed seed, then times search in both scripts, the keyset list, the duplicate check
shown before a new record is saved, and the duplicates queue. Run:

    ZAKRILA_DEBUG=1 .venv/bin/python bench/people.py --people 100000
    ZAKRILA_DEBUG=1 DATABASE_URL=postgres://postgres@127.0.0.1:5432/zakrila_bench_people \
        .venv/bin/python bench/people.py --people 100000

The database is a throwaway: an SQLite file in a temporary directory, or the PostgreSQL database
that DATABASE_URL names, which the script creates (UTF-8, LC_CTYPE C.UTF-8) and drops again at
the end. That name must start with "zakrila_bench", so that no real database is dropped.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from typing import Any

from benchdb import admin_url, drop_postgres, fmt_ms, percentile, recreate_postgres

SEED = 20261123
TODAY = dt.date(2026, 11, 23)
# People per family that build_people makes on average: the mother, 1-3 children (10/6), a
# father half the time and a grandmother a quarter of the time.
PEOPLE_PER_FAMILY = 1 + 10 / 6 + 0.5 + 0.25

# (label, text). "{egn}" is replaced by the ЕГН of a person of the registry. Йорданка Христова is
# the one person of that name; the other names are common in the synthetic registry.
QUERIES = [
    ("Cyrillic full name", "Йорданка Христова"),
    ("Cyrillic with middle name", "Йорданка Петрова Христова"),
    ("official Latin", "Yordanka Hristova"),
    ("informal Latin", "Jordanka Khristova"),
    ("partial, reversed", "Христова Йорд"),
    ("typo, Cyrillic", "Йорданка Христва"),
    ("typo, Latin", "Jordanka Hrustova"),
    ("common surname", "Тодорова"),
    ("common full name", "Мария Тодорова"),
    ("common, informal Latin", "Mariya Todorova"),
    ("common first name + surname", "Йорданка Градинарова"),
    ("male full name", "Георги Тодоров"),
    ("male, Latin", "Georgi Todorov"),
    ("surname, Cyrillic", "Цветков"),
    ("surname, informal Latin", "Tzvetkov"),
    ("prefixes", "Гео Тод"),
    ("surname typo", "Градинрова"),
    ("three names, Latin", "Nikolina Todorova Kokoshkova"),
    ("no such person", "Зюмбюла Ксантипова"),
    ("ЕГН, exact", "{egn}"),
]
TARGET_QUERIES = 7  # the first seven look for Йорданка Христова


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


def plan_for(people: int, settlements: tuple[str, ...]) -> Any:
    from zakrila.people.demo import PeoplePlan

    street = people // 200
    duplicates = people // 200
    families = max(1, round((people - street - duplicates - 1) / PEOPLE_PER_FAMILY))
    return PeoplePlan(
        families=families,
        street_children=street,
        duplicates=duplicates,
        settlements=settlements,
        municipality="Русе",
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=100_000, help="size of the registry")
    parser.add_argument(
        "--pairs-people",
        type=int,
        default=None,
        help="size of the registry the duplicates queue is timed on (default: --people); "
        "a smaller size is built as a second organisation",
    )
    parser.add_argument("--runs", type=int, default=10, help="timed runs of each search")
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    args = parser.parse_args()
    pairs_people = min(args.pairs_people or args.people, args.people)

    url = os.environ.get("DATABASE_URL", "")
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
        if url:
            recreate_postgres(url)
        run(args, pairs_people)
    finally:
        connections.close_all()
        if args.keep:
            print(f"\nkept the database: {url or data_dir}")
        elif url:
            drop_postgres(url)
        elif data_dir:
            shutil.rmtree(data_dir, ignore_errors=True)


def run(args: argparse.Namespace, pairs_people: int) -> None:
    from django.core.management import call_command
    from django.db import connection, transaction
    from stdnum.bg import vat

    from zakrila.accounts.models import Membership, Role, User
    from zakrila.accounts.policy import people_visible_to
    from zakrila.organisations.models import Organisation, Unit, UnitKind
    from zakrila.people.demo import build_people
    from zakrila.people.models import Person
    from zakrila.people.queries import (
        duplicate_pairs,
        likely_duplicates,
        people_page,
        search_people,
    )

    call_command("migrate", verbosity=0)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT version()")
            version = cursor.fetchone()[0].split(" on ")[0]
            cursor.execute("SELECT datctype FROM pg_database WHERE datname = current_database()")
            version += f", LC_CTYPE {cursor.fetchone()[0]}"
    else:
        import sqlite3

        version = f"SQLite {sqlite3.sqlite_version}"

    def organisation_with_director(n: int) -> tuple[Organisation, User]:
        base = f"{31000000 + n:08d}"
        organisation = Organisation.objects.create(
            eik=base + vat.calc_check_digit_legal(base), name_bg=f"Бенчмарк хора {n}"
        )
        for code, kind in (("ЦОП", UnitKind.COMMUNITY_SUPPORT), ("ЦУБД", UnitKind.STREET_CHILDREN)):
            Unit.objects.create(
                organisation=organisation, code=code, kind=kind, name=code, capacity=100
            )
        user = User.objects.create_user(
            email=f"director{n}@bench.example.bg", password=None, full_name="Директор"
        )
        Membership.objects.create(
            user=user,
            organisation=organisation,
            roles=[Role.DIRECTOR.value],
            starts_on=dt.date(2020, 1, 1),
        )
        return organisation, user

    def build(n: int, size: int) -> tuple[Organisation, User, int, float]:
        started = time.perf_counter()
        with transaction.atomic():
            organisation, user = organisation_with_director(n)
            count = build_people(
                organisation=organisation,
                plan=plan_for(size, ("гр. Русе", "гр. Русе", "с. Николово", "гр. Мартен")),
                seed=args.seed,
                today=TODAY,
            )
        return organisation, user, count, time.perf_counter() - started

    organisation, user, count, build_seconds = build(0, args.people)
    if pairs_people < args.people:
        pairs_org, pairs_user, pairs_count, _ = build(1, pairs_people)
    else:
        pairs_org, pairs_user, pairs_count = organisation, user, count
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")  # what autovacuum would soon do after a bulk load

    print(f"database: {version}")
    print(f"registry: {count:,} people (built in {build_seconds:.0f} s, seed {args.seed})")
    print()

    rows: list[tuple[str, str, str, str, str]] = []  # measurement, p50, p95, runs, result

    # --- Search ---------------------------------------------------------------------------------
    numbers = (
        Person.objects.filter(organisation=organisation)
        .exclude(personal_number="")
        .order_by("id")
        .values_list("personal_number", flat=True)
    )
    egn = numbers[numbers.count() // 2]
    target = Person.objects.get(
        organisation=organisation, first_name="Йорданка", last_name="Христова"
    )
    all_searches: list[float] = []
    search_rows = []
    for index, (label, text) in enumerate(QUERIES):
        text = text.format(egn=egn)

        def search(text: str = text) -> list[Any]:
            return search_people(user=user, text=text)

        timings, found = timed(search, args.runs)
        all_searches += timings
        result = f"{len(found)}"
        if index < TARGET_QUERIES:
            ids = [person.pk for person in found]
            result += (
                f", Христова #{ids.index(target.pk) + 1}"
                if target.pk in ids
                else ", Христова not found"
            )
        search_rows.append(
            (
                f"search “{text}” ({label})",
                fmt_ms(statistics.median(timings)),
                fmt_ms(percentile(timings, 0.95)),
                str(args.runs),
                result,
            )
        )
    rows.append(
        (
            f"**search, all {len(QUERIES)} queries**",
            f"**{fmt_ms(statistics.median(all_searches))}**",
            f"**{fmt_ms(percentile(all_searches, 0.95))}**",
            str(len(all_searches)),
            "≤ 20 each",
        )
    )
    rows += search_rows

    # --- The people list (keyset pages of 50) -----------------------------------------------------
    listed = people_visible_to(user).filter(
        organisation_id=organisation.pk, anonymised_at__isnull=True
    )
    page_runs = args.runs * 5
    timings, (page, _) = timed(
        lambda: people_page(listed.select_related("unit"), after=None), page_runs
    )
    rows.append(
        (
            "list, first page",
            fmt_ms(statistics.median(timings)),
            fmt_ms(percentile(timings, 0.95)),
            str(page_runs),
            f"{len(page)} rows",
        )
    )
    for fraction in (0.5, 0.99):
        position = int(count * fraction)
        after = listed.order_by("last_name_latin", "id").values_list("last_name_latin", "id")[
            position - 1
        ]
        timings, (page, _) = timed(
            lambda after=after: people_page(listed.select_related("unit"), after=after), page_runs
        )
        rows.append(
            (
                f"list, deep page (after row {position:,})",
                fmt_ms(statistics.median(timings)),
                fmt_ms(percentile(timings, 0.95)),
                str(page_runs),
                f"{len(page)} rows",
            )
        )

    # --- Likely duplicates of a new entry -----------------------------------------------------------
    # A child already registered, typed again with two letters of the first name swapped. One
    # surname early in the alphabet and one late: the candidates are read in name order.
    children = (
        Person.objects.filter(
            organisation=organisation,
            birth_date__gt=dt.date(TODAY.year - 17, TODAY.month, TODAY.day),
            sex="female",
        )
        .exclude(first_name="")
        .exclude(last_name="")
    )
    originals = [
        children.order_by("last_name", "id").first(),
        children.order_by("-last_name", "id").first(),
    ]
    cases = []
    for original in originals:
        if original is None:
            sys.exit("the registry has no named girls to enter twice")
        first = original.first_name
        typo = first[:-2] + first[-1] + first[-2]
        entry = {
            "first_name": typo,
            "last_name": original.last_name,
            "birth_date": original.birth_date,
        }
        cases.append((f"{typo} {original.last_name}, exact date", entry, original))
        cases.append(
            (f"{typo} {original.last_name}, estimated date", {**entry, "estimated": True}, original)
        )
    with_number = Person.objects.get(organisation=organisation, personal_number=egn)
    cases.append(
        (
            "same ЕГН",
            {
                "first_name": with_number.first_name,
                "last_name": with_number.last_name,
                "birth_date": with_number.birth_date,
                "personal_number": egn,
            },
            with_number,
        )
    )
    for label, entry, original in cases:

        def check(entry: dict[str, Any] = entry) -> list[Any]:
            return likely_duplicates(organisation_id=organisation.pk, **entry)

        timings, candidates = timed(check, args.runs)
        hit = any(candidate.person.pk == original.pk for candidate in candidates)
        rows.append(
            (
                f"likely duplicates of “{label}”",
                fmt_ms(statistics.median(timings)),
                fmt_ms(percentile(timings, 0.95)),
                str(args.runs),
                f"{len(candidates)} candidates, original {'found' if hit else 'MISSED'}",
            )
        )

    # --- The duplicates queue -------------------------------------------------------------------------
    started = time.perf_counter()
    pairs = duplicate_pairs(user=pairs_user, organisation_id=pairs_org.pk)
    pairs_ms = (time.perf_counter() - started) * 1000
    rows.append(
        (
            f"duplicates queue ({pairs_count:,} people)",
            fmt_ms(pairs_ms),
            "—",
            "1",
            f"{len(pairs)} pairs (limit 100)",
        )
    )

    print(f"| measurement ({connection.vendor}, {count:,} people) | p50 | p95 | runs | results |")
    print("|---|---|---|---|---|")
    for row in rows:
        print("| " + " | ".join(row) + " |")


if __name__ == "__main__":
    main()
