"""Benchmark of the audit trail: the cost of writing an event, sealing and verifying the chains.

Every view of a personal record writes one event, so the write is on the hot path of every
page. Two write paths are timed side by side, each event in its own transaction (its commit
included), from ``--threads`` writers at once into ``--organisations`` chains:

* ``locked`` — the design before the sealer, reproduced here for comparison: a savepoint, the
  chain's head row locked (SELECT … FOR UPDATE), SHA-256 over the event, the head moved;
  every writer of one organisation queues on that row;
* ``sealed`` — today's ``audit_record``: one plain INSERT; the sealer chains the events
  afterwards with the keyed HMAC (timed separately, as is ``audit verify``).

Run:

    ZAKRILA_DEBUG=1 .venv/bin/python bench/audit.py --events 20000
    ZAKRILA_DEBUG=1 DATABASE_URL=postgres://postgres@127.0.0.1:5432/zakrila_bench_audit \
        .venv/bin/python bench/audit.py --events 20000 --threads 8 --organisations 1

On PostgreSQL the database DATABASE_URL names (it must start with "zakrila_bench") is created
for the run and dropped at the end unless --keep; without DATABASE_URL a throwaway SQLite file.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from typing import Any

from benchdb import drop_postgres, fmt_ms, percentile, recreate_postgres


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=20000, help="events per write path")
    parser.add_argument("--organisations", type=int, default=10)
    parser.add_argument("--threads", type=int, default=1, help="writers at once")
    parser.add_argument("--keep", action="store_true", help="keep the PostgreSQL database")
    args = parser.parse_args()

    url = os.environ.get("DATABASE_URL")
    if url:
        recreate_postgres(url)
    else:
        os.environ["ZAKRILA_DATA_DIR"] = tempfile.mkdtemp(prefix="zakrila-bench-")
    os.environ.setdefault("ZAKRILA_DEBUG", "1")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zakrila.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    try:
        run(args)
    finally:
        connection.close()
        if url and not args.keep:
            drop_postgres(url)


def run(args: argparse.Namespace) -> None:
    from django.db import connection
    from stdnum.bg import vat

    from zakrila.audit.sealing import audit_seal
    from zakrila.audit.services import audit_verify
    from zakrila.organisations.models import Organisation

    orgs = []
    for n in range(args.organisations):
        base = f"{30000000 + n:08d}"
        org, _ = Organisation.objects.get_or_create(
            eik=base + vat.calc_check_digit_legal(base), defaults={"name_bg": f"Бенчмарк {n}"}
        )
        orgs.append(org.pk)

    load = os.getloadavg()
    print(f"database: {connection.vendor}; load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")
    print(
        f"{args.events} events per write path, {args.threads} writer(s) at once, "
        f"{args.organisations} organisation chain(s); each event its own transaction"
    )
    for name, write in (("locked", _write_locked), ("sealed", _write_sealed)):
        timings, seconds = _timed_writes(write, orgs, args)
        print(
            f"write {name:6}: p50 {fmt_ms(percentile(timings, 0.5))}, "
            f"p95 {fmt_ms(percentile(timings, 0.95))}, p99 {fmt_ms(percentile(timings, 0.99))}, "
            f"{args.events / seconds:.0f} events/s"
        )

    t0 = time.perf_counter()
    sealed = audit_seal().sealed
    seal_seconds = time.perf_counter() - t0
    print(f"seal: {sealed} events in {seal_seconds:.2f} s ({sealed / seal_seconds:.0f} events/s)")

    t0 = time.perf_counter()
    problems = [p for p in audit_verify() if not p.chain.startswith("locked-")]
    verify_seconds = time.perf_counter() - t0
    if problems:
        sys.exit(f"verify found problems: {[p.describe() for p in problems[:3]]}")
    print(f"verify: {verify_seconds:.2f} s ({sealed / verify_seconds:.0f} sealed events/s)")


def _timed_writes(
    write: Callable[[int, int], None], orgs: list[int], args: argparse.Namespace
) -> tuple[list[float], float]:
    from django.db import connection

    timings: list[float] = []
    lock = threading.Lock()
    per_thread = args.events // args.threads

    def writer(n: int) -> None:
        mine = []
        try:
            for i in range(per_thread):
                t0 = time.perf_counter()
                write(orgs[(n + i) % len(orgs)], n * per_thread + i)
                mine.append((time.perf_counter() - t0) * 1000)
        finally:
            connection.close()
        with lock:
            timings.extend(mine)

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(args.threads)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return timings, time.perf_counter() - started


def _event_fields(org: int, i: int) -> dict[str, Any]:
    return {
        "action": "view",
        "organisation_id": org,
        "object_type": "people.person",
        "object_id": str(i),
        "person_id": i,
        "actor_label": "bench@example.bg",
    }


def _write_sealed(org: int, i: int) -> None:
    from django.db import transaction

    from zakrila.audit.services import audit_record

    with transaction.atomic():
        audit_record(**_event_fields(org, i))


def _write_locked(org: int, i: int) -> None:
    """The write path before the sealer: lock the head, hash, insert, move the head."""
    from django.db import IntegrityError, transaction
    from django.utils import timezone

    from zakrila.audit.models import AuditChainHead, AuditEvent

    chain = f"locked-{org}"
    with transaction.atomic(), transaction.atomic():  # the page's, and the savepoint
        try:
            head = AuditChainHead.objects.select_for_update().get(chain=chain)
        except AuditChainHead.DoesNotExist:
            try:
                with transaction.atomic():
                    AuditChainHead.objects.create(chain=chain, seq=0, hash="0" * 64)
            except IntegrityError:
                pass
            head = AuditChainHead.objects.select_for_update().get(chain=chain)
        event = AuditEvent(
            chain=chain,
            seq=head.seq + 1,
            occurred_at=timezone.now(),
            prev_hash=head.hash,
            **_event_fields(org, i),
        )
        canonical = json.dumps(
            {**_event_fields(org, i), "seq": event.seq, "prev_hash": event.prev_hash},
            sort_keys=True,
            ensure_ascii=False,
        )
        event.hash = hashlib.sha256(canonical.encode()).hexdigest()
        event.key_id = "sha256"
        event.sealed_at = event.occurred_at
        event.save(force_insert=True)
        head.seq, head.hash = event.seq, event.hash
        head.save(update_fields=["seq", "hash"])


if __name__ == "__main__":
    main()
