"""The reminders job (``cases.reminders.reminders_refresh``) on a kept benchmark database: its
runs one after the other, each with its queries, wall and CPU time. The first run on a
database from ``bench/cases.py --keep`` makes the rule tasks; the next ones are the job's steady
state, every few minutes in production. Run:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/zakrila_bench_cases \\
        .venv/bin/python bench/reminders.py --runs 2
"""

from __future__ import annotations

import argparse
import os
import time

from benchdb import setup_django


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=2)
    args = parser.parse_args()
    setup_django("postgres://postgres@127.0.0.1:5432/zakrila_bench_cases")
    from django.conf import settings
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from zakrila.cases.models import Case, FollowUp, Task
    from zakrila.cases.reminders import reminders_refresh

    settings.DEBUG = False
    print(
        f"cases {Case.objects.count():,}, open follow-ups "
        f"{FollowUp.objects.filter(done_on__isnull=True).count():,}, tasks {Task.objects.count():,}"
    )
    for run in range(args.runs):
        wall, cpu = time.perf_counter(), time.process_time()
        with CaptureQueriesContext(connection) as queries:
            result = reminders_refresh()
        print(
            f"run {run + 1}: {result.created:,} tasks made, {result.closed:,} closed; "
            f"{len(queries.captured_queries):,} queries (at most 9,000 are counted), "
            f"{time.perf_counter() - wall:.2f} s, {time.process_time() - cpu:.2f} s of CPU; "
            f"load average {os.getloadavg()[0]:.2f}"
        )


if __name__ == "__main__":
    main()
