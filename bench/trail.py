"""Benchmark of reading the audit trail at the size it reaches: the queries that pages run on it.

Every view of a personal record writes an event, so the trail outgrows every other table: a
national network of 20 organisations writes tens of millions of events a year. This script loads
``--events`` synthetic events (10,000,000 by default, over two years, sealed) with COPY into a
throwaway PostgreSQL database, then times, through the project's own query functions:

* the person page's list of the person's changes (``person_changes``), for a child whose file
  was opened thousands of times and for an ordinary one;
* "who saw this file" for a case (``audit_events_for_record``: the case and its contacts), for
  a case with 700 contacts and an ordinary one, first page;
* the DPO's search of the organisation's trail (``audit_events_in_organisation``, first page of
  50 by keyset, newest first): no filter, by action, by person, by object, by who, by a month a
  year ago, and the tenth page with no filter;

each ``--runs`` times, interleaved, with the p50 and p95 and a baseline in the same run: one
event by its primary key. Run:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/zakrila_bench_trail \\
        .venv/bin/python bench/trail.py [--events 10000000] [--keep]

The database is created (its name must start with "zakrila_bench") and dropped afterwards unless
--keep. The events reference organisations, people, cases and contacts by id only: the trail
keeps no foreign keys, and none of its queries join.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from typing import Any

from benchdb import (
    fmt_ms,
    load_average,
    on_benchmark_database,
    percentile,
    plain_indexes,
    setup_django,
)

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/zakrila_bench_trail"
SEED = 20261129
ORGANISATIONS = 20
PEOPLE = 1_000_000
CASES = 200_000
CONTACTS = 5_000_000
STAFF_PER_ORGANISATION = 60
DAYS = 730
# (share, action, object type): what a working day writes. Views and searches are most of it.
MIX = (
    (0.40, "view", "cases.case"),
    (0.20, "view", "people.person"),
    (0.05, "view", "cases.contact"),
    (0.15, "search", "cases.case"),
    (0.04, "create", "cases.contact"),
    (0.03, "update", "people.person"),
    (0.02, "update", "cases.case"),
    (0.01, "create", "people.person"),
    (0.05, "login", ""),
    (0.04, "view", "placements.board"),
    (0.01, "export", "people.person"),
)
# The heavy file: one child's person page and case page opened this many times over the years.
HEAVY_VIEWS = 20_000
PEOPLE_EACH = PEOPLE // ORGANISATIONS
CASES_EACH = CASES // ORGANISATIONS


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=10_000_000)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument(
        "--reuse", action="store_true", help="measure a database kept by --keep, do not build"
    )
    args = parser.parse_args()
    url = setup_django(DEFAULT_URL)
    from django.conf import settings

    settings.DEBUG = False  # no statement log in the timings
    on_benchmark_database(url, lambda: run(args), keep=args.keep, reuse=args.reuse)


def run(args: argparse.Namespace) -> None:
    from django.core.management import call_command
    from django.db import connection

    if not args.reuse:
        call_command("migrate", verbosity=0)
        started = time.perf_counter()
        build(args)
        print(f"built {args.events:,} events in {time.perf_counter() - started:.0f} s")
    with connection.cursor() as cursor:
        cursor.execute("SELECT version()")
        version = cursor.fetchone()[0].split(" on ")[0]
        cursor.execute("SELECT pg_size_pretty(pg_total_relation_size('audit_auditevent'))")
        size = cursor.fetchone()[0]
        cursor.execute("SELECT count(*) FROM audit_auditevent")
        count = cursor.fetchone()[0]
    print(
        f"database: {version}; {count:,} events, {size} with their indexes; {os.cpu_count()} cores"
    )
    measure(args)


# --- The synthetic trail -----------------------------------------------------------------------


def build(args: argparse.Namespace) -> None:
    """COPY the events in one transaction, the table truncated first (COPY FREEZE) and its plain
    indexes built again afterwards; the append-only triggers are off for the load
    (``session_replication_role = replica``), as they are for a restore."""
    from django.db import connection, transaction
    from psycopg import sql

    rng = random.Random(args.seed)
    columns = [
        "chain", "seq", "occurred_at", "actor_id", "actor_label", "organisation_id", "action",
        "object_type", "object_id", "person_id", "changes", "details", "ip_address",
        "request_id", "prev_hash", "hash", "key_id", "sealed_at",
    ]  # fmt: skip
    start = dt.datetime.now(dt.UTC) - dt.timedelta(days=DAYS)
    step = DAYS * 86400 / args.events
    # Organisations of unequal size: the first carries a third of the country's work.
    org_weights = [10.0] + [1.0 + i % 4 for i in range(ORGANISATIONS - 1)]
    cumulative = []
    total = 0.0
    for weight in org_weights:
        total += weight
        cumulative.append(total / sum(org_weights))
    kinds = []
    share = 0.0
    for fraction, action, object_type in MIX:
        share += fraction
        kinds.append((share, action, object_type))
    seqs = [0] * ORGANISATIONS
    change = json.dumps({"first_name": {"old": "Иван", "new": "Иванка"}}, ensure_ascii=False)
    hash_text = "0" * 64

    def org_of(x: float) -> int:
        for index, bound in enumerate(cumulative):
            if x <= bound:
                return index
        return ORGANISATIONS - 1

    def lines() -> Iterator[str]:
        heavy_every = max(1, args.events // HEAVY_VIEWS)
        for n in range(args.events):
            at = start + dt.timedelta(seconds=n * step)
            stamp = at.strftime("%Y-%m-%d %H:%M:%S+00")
            o = org_of(rng.random())
            x = rng.random()
            action, object_type = next((a, t) for bound, a, t in kinds if x <= bound)
            # People and cases: an organisation's own ranges; some children are seen far more
            # often than others (a long case), most a few times a year. Offset 0 of the first
            # organisation is the heavy file.
            person = o * PEOPLE_EACH + 1 + int((PEOPLE_EACH - 1) * rng.random() ** 3)
            case = o * CASES_EACH + 1 + int((CASES_EACH - 1) * rng.random() ** 3)
            if n % heavy_every == 0:
                o, action, object_type, person, case = 0, "view", "cases.case", 0, 0
            seqs[o] += 1
            actor = o * STAFF_PER_ORGANISATION + rng.randrange(STAFF_PER_ORGANISATION) + 1
            object_id: str = ""
            person_id: str = "\\N"
            if object_type == "cases.case":
                object_id, person_id = str(case + 1), str(person + 1)
            elif object_type == "people.person":
                object_id, person_id = str(person + 1), str(person + 1)
            elif object_type == "cases.contact":
                object_id, person_id = str(rng.randrange(CONTACTS) + 1), str(person + 1)
            elif object_type == "placements.board":
                object_id = str(o * 4 + 1)
            changes = change if action in ("update", "create") else "{}"
            yield "\t".join((
                f"org-{o + 1}", str(seqs[o]), stamp, str(actor), f"staff{actor}@bench.example.bg",
                str(o + 1), action, object_type, object_id, person_id, changes, "{}", "\\N",
                "", hash_text, hash_text, "k1", stamp,
            )) + "\n"  # fmt: skip

    table = "audit_auditevent"
    with transaction.atomic(), connection.cursor() as django_cursor:
        cursor = django_cursor.cursor
        cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute("SET LOCAL maintenance_work_mem = '1GB'")
        cursor.execute("SET LOCAL synchronous_commit = off")
        cursor.execute(sql.SQL("TRUNCATE {}").format(sql.Identifier(table)))
        dropped = plain_indexes(cursor, table)
        for name, _definition in dropped:
            cursor.execute(sql.SQL("DROP INDEX {}").format(sql.Identifier(name)))
        statement = sql.SQL("COPY {} ({}) FROM STDIN WITH (FREEZE)").format(
            sql.Identifier(table), sql.SQL(", ").join(map(sql.Identifier, columns))
        )
        t0 = time.perf_counter()
        with cursor.copy(statement) as copy:
            buffer: list[str] = []
            for line in lines():
                buffer.append(line)
                if len(buffer) >= 50_000:
                    copy.write("".join(buffer))
                    buffer = []
            copy.write("".join(buffer))
        print(f"COPY: {time.perf_counter() - t0:.0f} s")
        t0 = time.perf_counter()
        for _name, definition in dropped:
            cursor.execute(definition)
        print(f"indexes built again: {time.perf_counter() - t0:.0f} s")
    # The staff who did it all, by name and e-mail (the DPO's search finds them by either).
    from django.contrib.auth.hashers import make_password

    from zakrila.accounts.models import User

    first = ("Мария", "Иван", "Елена", "Георги", "Десислава", "Петър")
    last = ("Иванова", "Петров", "Георгиева", "Димитров", "Николова", "Стоянов")
    unusable = make_password(None)
    User.objects.bulk_create(
        User(
            pk=n,
            email=f"staff{n}@bench.example.bg",
            password=unusable,
            full_name=f"{first[n % 6]} {last[n // 6 % 6]} {n}",
        )
        for n in range(1, ORGANISATIONS * STAFF_PER_ORGANISATION + 1)
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE audit_auditevent")
        cursor.execute("ANALYZE accounts_user")


# --- The measurements --------------------------------------------------------------------------


def measure(args: argparse.Namespace) -> None:
    from django.db import connection

    from zakrila.audit.queries import (
        ORDER,
        PAGE_SIZE,
        audit_events_for_record,
        audit_events_in_organisation,
        person_changes,
    )
    from zakrila.core.paging import keyset_page

    heavy_person = 1  # the heavy file: person 1, case 1
    ordinary_person = 3 * PEOPLE_EACH + 500  # in the fourth organisation
    year_ago = dt.datetime.now(dt.UTC).date() - dt.timedelta(days=365)

    def history(case_id: int, contacts: int) -> Callable[[], Any]:
        records = [("cases.case", case_id)] + [
            ("cases.contact", case_id * 1000 + n) for n in range(contacts)
        ]
        return lambda: keyset_page(
            audit_events_for_record(organisation_id=1, records=records),
            order=ORDER, after=None, size=PAGE_SIZE,
        ).rows  # fmt: skip

    def search(organisation_id: int = 1, page: int = 1, **filters: Any) -> Callable[[], Any]:
        """The DPO's search; for ``page`` > 1, the position of that page is found once, before
        the timing, and each timed call reads that page alone (as following "Next" does)."""
        after: list[str | None] = [None]

        def read() -> Any:
            return keyset_page(
                audit_events_in_organisation(organisation_id=organisation_id, filters=filters),
                order=ORDER, after=after[0], size=PAGE_SIZE,
            )  # fmt: skip

        for _ in range(page - 1):
            after[0] = read().next_token
        return lambda: read().rows

    def by_key() -> Any:
        with connection.cursor() as cursor:
            cursor.execute("SELECT * FROM audit_auditevent WHERE id = %s", [12345])
            return cursor.fetchall()

    cases: list[tuple[str, Callable[[], Any]]] = [
        ("baseline: one event by its key (raw SQL)", by_key),
        ("person page: changes of a child viewed 20,000 times",
         lambda: list(person_changes(organisation_id=1, person_id=heavy_person))),
        ("person page: changes of an ordinary child",
         lambda: list(person_changes(organisation_id=4, person_id=ordinary_person))),
        ("who saw the file: case with 700 contacts (the heavy file)", history(1, 700)),
        ("who saw the file: case with 20 contacts", history(123, 20)),
        ("DPO search: no filter, first page", search()),
        ("DPO search: no filter, page 10", search(page=10)),
        ("DPO search: no filter, a small organisation", search(organisation_id=2)),
        ("DPO search: action = export", search(action="export")),
        ("DPO search: one person", search(organisation_id=4, person_id=ordinary_person)),
        ("DPO search: one case", search(object_type="cases.case", object_id="12")),
        ("DPO search: who (part of an address)", search(actor="staff17@")),
        ("DPO search: who, part of a name", search(actor="Петров 19")),
        ("DPO search: who, nobody of that name", search(actor="nobody@")),
        ("DPO search: a month a year ago", search(
            date_from=year_ago, date_to=year_ago + dt.timedelta(days=30))),
    ]  # fmt: skip
    for _label, call in cases:
        call()  # warm
    timings: dict[str, list[float]] = {label: [] for label, _ in cases}
    loads = [os.getloadavg()[0]]
    for _ in range(args.runs):
        for label, call in cases:
            t0 = time.perf_counter()
            call()
            timings[label].append((time.perf_counter() - t0) * 1000)
        loads.append(os.getloadavg()[0])
    print(f"load average {min(loads):.2f}–{max(loads):.2f} while measuring ({load_average()} now)")
    print()
    print("| query | rows | p50 | p95 |")
    print("|---|---|---|---|")
    for label, call in cases:
        values = timings[label]
        print(
            f"| {label} | {len(call())} | {fmt_ms(statistics.median(values))} | "
            f"{fmt_ms(percentile(values, 0.95))} |"
        )


if __name__ == "__main__":
    if "bench" not in sys.path[0]:
        sys.exit("run as: .venv/bin/python bench/trail.py")
    main()
