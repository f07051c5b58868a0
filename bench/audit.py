"""Benchmark of the audit trail: the cost of writing an event, and of verifying the chains.

Every view of a personal record writes one event, so the write is on the hot path of every
page. Run:

    ZAKRILA_DEBUG=1 .venv/bin/python bench/audit.py --events 100000
    ZAKRILA_DEBUG=1 DATABASE_URL=postgres://postgres@127.0.0.1:5432/zakrila_bench \
        .venv/bin/python bench/audit.py --events 100000

It uses (and empties) the database that DATABASE_URL names, or a throwaway SQLite file.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=20000)
    parser.add_argument("--organisations", type=int, default=10)
    args = parser.parse_args()

    if not os.environ.get("DATABASE_URL"):
        os.environ["ZAKRILA_DATA_DIR"] = tempfile.mkdtemp(prefix="zakrila-bench-")
    os.environ.setdefault("ZAKRILA_DEBUG", "1")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zakrila.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction

    from zakrila.audit.models import AuditAction
    from zakrila.audit.services import audit_record, audit_verify
    from zakrila.organisations.models import Organisation

    call_command("migrate", verbosity=0)
    if connection.vendor == "postgresql":
        # A dedicated benchmark database: start from an empty trail.
        with connection.cursor() as cursor:
            cursor.execute("TRUNCATE audit_auditevent, audit_auditchainhead")

    from stdnum.bg import vat

    orgs = []
    for n in range(args.organisations):
        base = f"{30000000 + n:08d}"
        org, _ = Organisation.objects.get_or_create(
            eik=base + vat.calc_check_digit_legal(base), defaults={"name_bg": f"Бенчмарк {n}"}
        )
        orgs.append(org.pk)

    timings = []
    started = time.perf_counter()
    for i in range(args.events):
        t0 = time.perf_counter()
        with transaction.atomic():
            audit_record(
                action=AuditAction.VIEW,
                organisation_id=orgs[i % len(orgs)],
                object_type="people.person",
                object_id=i,
                person_id=i,
                actor_label="bench@example.bg",
            )
        timings.append((time.perf_counter() - t0) * 1000)
    total = time.perf_counter() - started

    t0 = time.perf_counter()
    problems = audit_verify()
    verify_seconds = time.perf_counter() - t0
    if problems:
        sys.exit(f"verify found problems: {problems[:3]}")

    timings.sort()
    p50 = statistics.median(timings)
    p95 = timings[int(len(timings) * 0.95) - 1]
    print(f"database: {connection.vendor}")
    print(f"events written: {args.events} in {args.organisations} chains")
    print(
        f"write p50: {p50:.2f} ms, p95: {p95:.2f} ms, throughput: {args.events / total:.0f} events/s"
    )
    print(f"verify: {verify_seconds:.2f} s ({args.events / verify_seconds:.0f} events/s)")


if __name__ == "__main__":
    main()
