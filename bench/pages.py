"""Where a page's time goes: pages timed and profiled in this process, on a database that
``bench/cases.py --keep`` (or ``bench/load.py --keep``) left behind. Run:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/zakrila_bench_cases \\
        .venv/bin/python bench/pages.py                       # CPU of the usual pages
    ... bench/pages.py --profile --top 40 /cases/             # cProfile of one page
    ... bench/pages.py --queries /cases/                      # its queries, with their ms

Without URLs it times the case list, the case page of a case with the median contacts of the
first organisation, the home page, and the two minimal pages of bench/cases.py (the baseline),
signed in as the first case manager of the first organisation (``--director``: its director).
Each URL is requested once untimed, then ``--runs`` times in rounds; the table gives the median
wall time, SQL time and CPU of this process. Nothing is written to the database but what the
pages write themselves (audit events).
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import os
import pstats
import statistics
import sys
import time
from typing import Any


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("urls", nargs="*", help="paths to request (default: the usual pages)")
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--director", action="store_true", help="sign in as the director")
    parser.add_argument("--profile", action="store_true", help="cProfile the runs")
    parser.add_argument("--callers", help="with --profile: who calls the functions matching this")
    parser.add_argument("--sort", default="cumulative", help="cProfile sort key (cumulative)")
    parser.add_argument("--top", type=int, default=30, help="cProfile lines (30)")
    parser.add_argument("--queries", action="store_true", help="print every query of one run")
    parser.add_argument(
        "--server-gc",
        action="store_true",
        help="the garbage collector as 'zakrila serve' sets it (zakrila.core.server.settle_memory)",
    )
    args = parser.parse_args()

    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")) or "zakrila_bench" not in url:
        sys.exit("DATABASE_URL must name a kept benchmark database (zakrila_bench...)")
    os.environ.setdefault("ZAKRILA_DEBUG", "1")
    os.environ["ZAKRILA_REQUIRE_2FA"] = "0"
    os.environ["ALLOWED_HOSTS"] = "localhost,127.0.0.1,testserver"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zakrila.settings")
    import django

    django.setup()
    from django.conf import settings

    settings.DEBUG = False  # as bench/cases.py: no statement log
    from django.db import connection

    from cases import Browser, QueryTimer, baseline_urlconf
    from zakrila.accounts.models import Membership
    from zakrila.cases.models import Case

    settings.ROOT_URLCONF = baseline_urlconf()
    role = "director" if args.director else "case_manager"
    membership = (
        Membership.objects.filter(roles__contains=[role], is_active=True)
        .select_related("user")
        .order_by("organisation_id", "user_id")
        .first()
    )
    if membership is None:
        sys.exit(f"no {role} in this database")
    browser = Browser(membership.user)
    urls = args.urls
    if not urls:
        cases = Case.objects.filter(organisation_id=membership.organisation_id)
        if not args.director:
            cases = cases.filter(key_worker=membership.user)
        counted = sorted(
            cases.values_list("pk", flat=True)
            .annotate(n=django.db.models.Count("contacts"))
            .values_list("n", "pk")[:400]
        )
        pk = counted[len(counted) // 2][1]
        urls = [
            "/",
            "/cases/",
            f"/cases/{pk}/",
            "/bench/minimal/cases/",
            f"/bench/minimal/cases/{pk}/",
        ]

    print(f"signed in as {membership.user.email}; load average {os.getloadavg()[0]:.2f}")
    for url in urls:
        browser.get(url)
    if args.queries:
        for url in urls:
            timer = QueryTimer()
            with connection.execute_wrapper(Logged(timer)):
                browser.get(url)
            print(f"\n{url}: {len(timer.times)} queries, {sum(timer.times):.2f} ms")
        return
    if args.server_gc:
        from zakrila.core.server import settle_memory

        settle_memory()
    collections = Collections()
    gc.callbacks.append(collections)
    profiler = cProfile.Profile() if args.profile else None
    measured: dict[str, list[tuple[float, float, float]]] = {url: [] for url in urls}
    for _ in range(args.runs):
        for url in urls:
            if profiler:
                profiler.enable()
            measured[url].append(browser.timed(url))
            if profiler:
                profiler.disable()
    gc.callbacks.remove(collections)
    print("| page | wall ms | SQL ms | CPU ms |")
    print("|---|---|---|---|")
    for url, values in measured.items():
        wall, sql, cpu = (statistics.median(column) for column in zip(*values, strict=True))
        print(f"| {url} | {wall:.2f} | {sql:.2f} | {cpu:.2f} |")
    requests = args.runs * len(urls)
    print(
        f"\ngarbage collector (thresholds {gc.get_threshold()}): "
        + ", ".join(
            f"{count} collections of generation {generation}"
            for generation, count in enumerate(collections.counts)
        )
        + f"; {collections.cpu_ms / requests:.2f} ms of CPU a request in them"
        f" ({requests} requests)"
    )
    if profiler:
        stats = pstats.Stats(profiler)
        stats.sort_stats(args.sort).print_stats(args.top)
        if args.callers:
            stats.print_callers(args.callers)


class Collections:
    """A ``gc.callbacks`` entry: how many collections of each generation, and their CPU."""

    def __init__(self) -> None:
        self.counts = [0, 0, 0]
        self.cpu_ms = 0.0
        self._started = 0.0

    def __call__(self, phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            self._started = time.process_time()
        else:
            self.counts[info["generation"]] += 1
            self.cpu_ms += (time.process_time() - self._started) * 1000


class Logged:
    """An execute wrapper that prints each query's time and the start of its SQL."""

    def __init__(self, timer: Any) -> None:
        self.timer = timer

    def __call__(self, execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        try:
            return self.timer(execute, sql, params, many, context)
        finally:
            text = " ".join(sql.split())[: int(os.environ.get("SQLLEN", "160"))]
            print(f"  {self.timer.times[-1]:6.2f} ms  {text}")


if __name__ == "__main__":
    started = time.perf_counter()
    main()
    print(f"\n{time.perf_counter() - started:.0f} s")
