"""Benchmark of the programmes' overdue list and programme page at the scale of a network.

Builds on PostgreSQL 20 organisations x 5,000 enrolments in early intervention with 30
scheduled visits each (3,000,000 visits: those in the past done, about 4 % of them left undone
and so overdue, the rest planned), then times the real views through Django's test client,
signed in as a case manager of one organisation:

- ``GET /programmes/visits/`` — the overdue and due-this-week lists of the unit (the case
  manager's membership is limited to the programme's unit), overdue first;
- ``GET /programmes/<pk>/`` — the programme page (enrolled, due and overdue visits, outcomes
  this year against last, the chart);
- and, as a floor for both, a minimal signed-in page through the same middleware.

Run:

    ZAKRILA_DEBUG=1 DATABASE_URL=postgres://postgres@127.0.0.1:5432/zakrila_bench_programmes \\
        .venv/bin/python bench/programmes.py
    ... bench/programmes.py --enrolments 500     # a quick, smaller run

The database is a throwaway (its name must start with "zakrila_bench"): created, migrated,
loaded with COPY and dropped again at the end unless --keep. The goal: p95 <= 50 ms server time.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import sys
import time
from typing import Any

from benchdb import (
    TableWriter,
    add_reuse_and_settle,
    finish_load,
    fmt_ms,
    load_average,
    on_benchmark_database,
    percentile,
    settle,
    setup_django,
)

SEED = 20261127
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/zakrila_bench_programmes"
GOAL_MS = 50.0
FIRST = ("Мария", "Елена", "Десислава", "Иван", "Георги", "Петя", "Никола", "Радост", "Калин")
LAST = ("Иванова", "Петрова", "Стоянова", "Асенова", "Маринова", "Колева", "Христова", "Янкова")
OUTCOMES = ("goals_met", "to_kindergarten", "to_specialist_service", "family_withdrew",
            "placed_outside_family")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--organisations", type=int, default=20)
    parser.add_argument("--enrolments", type=int, default=5_000, help="per organisation")
    parser.add_argument("--visits", type=int, default=30, help="per enrolment")
    parser.add_argument("--runs", type=int, default=30, help="timed requests of each page")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    add_reuse_and_settle(parser, settle=120, below=2)
    args = parser.parse_args()
    url = setup_django(DEFAULT_URL, test_client=True)
    on_benchmark_database(url, lambda: run(args), keep=args.keep, reuse=args.reuse)


def build(args: argparse.Namespace, today: dt.date) -> dict[str, Any]:
    from django.contrib.auth.hashers import make_password
    from django.db import transaction
    from stdnum.bg import vat

    from zakrila.accounts.models import Membership, Role, User
    from zakrila.organisations.models import Organisation, Programme, Unit
    from zakrila.people.models import Person
    from zakrila.programmes.models import Enrolment, Visit

    rng = random.Random(args.seed if hasattr(args, "seed") else SEED)
    password = make_password(None)
    measured: dict[str, Any] = {}
    person_id = enrolment_id = visit_id = 0
    counts = {"people": 0, "enrolments": 0, "visits": 0}
    with transaction.atomic():
        people = TableWriter(Person, ["id", "organisation_id", "first_name", "last_name",
                                      "birth_date", "unit_id", "search_key"])  # fmt: skip
        enrolments = TableWriter(Enrolment, ["id", "organisation_id", "programme_id", "unit_id",
            "person_id", "worker_id", "status", "stage", "stage_since", "started_on", "ended_on",
            "outcome", "outcome_on", "anchors"])  # fmt: skip
        visits = TableWriter(Visit, ["id", "organisation_id", "enrolment_id", "programme_id",
            "unit_id", "worker_id", "stage", "key", "sequence", "due_on", "window_start",
            "window_end", "status", "done_on", "kind", "answers"])  # fmt: skip
        for n in range(args.organisations):
            base = f"{33000000 + n:08d}"
            org = Organisation.objects.create(
                eik=base + vat.calc_check_digit_legal(base), name_bg=f"Бенчмарк програми {n}",
                municipality="Русе",
            )  # fmt: skip
            unit = Unit.objects.create(organisation=org, code="ЦОП", kind="community_support",
                                       name="Център за обществена подкрепа", capacity=200)  # fmt: skip
            other_unit = Unit.objects.create(organisation=org, code="ЦРДУ", kind="street_children",
                                             name="Център за деца на улицата", capacity=50)  # fmt: skip
            programme = Programme.objects.create(organisation=org, unit=unit,
                kind="early_intervention", name="Ранна интервенция")  # fmt: skip
            workers = User.objects.bulk_create(
                User(email=f"cm{n}-{i}@bench.example.bg", full_name=f"{FIRST[i % 9]} {LAST[i % 8]}",
                     password=password)
                for i in range(10)
            )  # fmt: skip
            for worker in workers:
                membership = Membership.objects.create(
                    user=worker, organisation=org, roles=[Role.CASE_MANAGER],
                    starts_on=dt.date(2025, 1, 1),
                )  # fmt: skip
                membership.units.set([unit])
            if n == 0:
                measured = {"user": workers[0], "programme": programme.pk, "unit": unit.pk}
            person_rows, enrolment_rows, visit_rows = [], [], []
            for _ in range(args.enrolments):
                person_id += 1
                enrolment_id += 1
                started = today - dt.timedelta(days=rng.randint(0, 720))
                first, last = rng.choice(FIRST), rng.choice(LAST)
                person_rows.append((person_id, org.pk, first, last,
                                    started - dt.timedelta(days=rng.randint(60, 1500)),
                                    rng.choice((unit.pk, unit.pk, other_unit.pk)),
                                    f"{first} {last}"))  # fmt: skip
                worker = rng.choice(workers)
                ended = rng.random() < 0.2 and started < today - dt.timedelta(days=60)
                end_on = started + dt.timedelta(days=rng.randint(30, 400)) if ended else None
                if end_on and end_on > today:
                    end_on = today
                enrolment_rows.append((enrolment_id, org.pk, programme.pk, unit.pk, person_id,
                    worker.pk, "completed" if ended else "active", "home_sessions", started,
                    started, end_on, rng.choice(OUTCOMES) if ended else "", end_on, "{}"))  # fmt: skip
                for sequence in range(1, args.visits + 1):
                    visit_id += 1
                    due = started + dt.timedelta(days=7 + 14 * sequence)
                    start, end = due - dt.timedelta(days=7), due + dt.timedelta(days=7)
                    if end_on and due > end_on:
                        status, done = "cancelled", None
                    elif end < today and rng.random() > 0.04:
                        status, done = (
                            "done",
                            min(due + dt.timedelta(days=rng.randint(-3, 3)), today),
                        )
                    else:
                        status, done = "planned", None
                    visit_rows.append((visit_id, org.pk, enrolment_id, programme.pk, unit.pk,
                        worker.pk, "home_sessions", "home_session", sequence, due, start, end,
                        status, done, "home" if done else "", json.dumps({})))  # fmt: skip
            counts["people"] += people.write(person_rows)
            counts["enrolments"] += enrolments.write(enrolment_rows)
            counts["visits"] += visits.write(visit_rows)
            print(f"  organisation {n + 1}/{args.organisations} loaded", flush=True)
    finish_load(["people_person", "programmes_enrolment", "programmes_visit"])
    return {**measured, **counts}


def run(args: argparse.Namespace) -> None:
    from django.core.management import call_command
    from django.db import connections
    from django.http import HttpResponse
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    today = timezone.localdate()
    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    print(f"migrated in {time.perf_counter() - started:.0f} s", flush=True)
    if args.reuse:
        from zakrila.accounts.models import User
        from zakrila.organisations.models import Programme

        programme = Programme.objects.order_by("pk").first()
        user = User.objects.get(email="cm0-0@bench.example.bg")
        world = {"user": user, "programme": programme.pk if programme else 0}
    else:
        loading = time.perf_counter()
        world = build(args, today)
        print(
            f"loaded {world['people']:,} people, {world['enrolments']:,} enrolments and "
            f"{world['visits']:,} visits in {time.perf_counter() - loading:.0f} s",
            flush=True,
        )
    settle(args.settle, 2)
    client = Client()
    client.force_login(world["user"])
    pages = {
        "overdue list of a unit (/programmes/visits/)": "/programmes/visits/",
        "programme page (/programmes/<pk>/)": f"/programmes/{world['programme']}/",
        "floor: the home page (/)": "/",
    }
    loads = [os.getloadavg()[0]]
    print(f"\nload average before measuring: {load_average()}")
    print(f"\n| page | p50 | p95 | max | queries | goal p95 ≤ {GOAL_MS:.0f} ms |")
    print("|---|---|---|---|---|---|")
    for label, url in pages.items():
        response: HttpResponse = client.get(url)  # warm
        if response.status_code != 200:
            sys.exit(f"{url}: {response.status_code}")
        timings = []
        with CaptureQueriesContext(connections["default"]) as queries:
            client.get(url)
        # Counted now: the captured queries are a slice of the connection's log, read when
        # asked, and the next request empties that log.
        query_count = len(queries)
        for _ in range(args.runs):
            t0 = time.perf_counter()
            client.get(url)
            timings.append((time.perf_counter() - t0) * 1000)
        loads.append(os.getloadavg()[0])
        p95 = percentile(timings, 0.95)
        verdict = "—" if label.startswith("floor") else ("met" if p95 <= GOAL_MS else "**missed**")
        print(
            f"| {label} | {fmt_ms(percentile(timings, 0.5))} | {fmt_ms(p95)} | "
            f"{fmt_ms(max(timings))} | {query_count} | {verdict} |"
        )
    print(f"\nload average (1 min) while measuring: {min(loads):.2f}–{max(loads):.2f}; "
          f"now {load_average()}")  # fmt: skip


if __name__ == "__main__":
    main()
