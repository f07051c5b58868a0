"""Load test: ``zakrila serve`` driven over HTTP by N signed-in users at once.

Builds a throwaway PostgreSQL database with a synthetic network (``bench/cases.py``'s builder:
organisations, units, staff, people, cases and contacts, plus a family-type placement centre
with its residents), starts ``zakrila serve`` in production mode on 127.0.0.1, signs in N case
managers of one organisation (all on one audit chain: the worst case for the trail) and drives
the mixed workload of a working day — home, case list, case page, people search, person page,
the placement board — for a set time, then prints:

* requests/s, p50/p95/p99 latency (overall and per page), errors;
* lock waits sampled every 100 ms from ``pg_stat_activity`` (``wait_event_type = 'Lock'``), by
  the relation waited on, and those on the audit trail;
* whether the audit trail holds exactly the events the requests should have written, and
  whether all of them were sealed, and how long after their writing;
* the server's CPU time per request and the load average;
* a baseline taken in the same run, on the same server, by as many clients: the smallest page
  there is (``/healthz``, not signed in: the middleware and one ``SELECT 1``) for
  ``--baseline-seconds``, and the share of its requests/s the mixed workload reaches. The
  machines are shared and noisy: the share says how the pages compare with what the machine
  gave a minimal page at that moment (between versions, interleave runs instead: a change to
  the middleware moves the baseline too).

Run (loopback only; bounded by --seconds and --max-requests, it stops by itself):

    .venv/bin/python bench/load.py --clients 10 50 --seconds 60

The database is DATABASE_URL (default zakrila_bench_load on 127.0.0.1; the name must start with
"zakrila_bench"), created for the run and dropped afterwards unless --keep. The users are on
bench.example.bg, not on the demo's domains: production refuses demo users. The second factor
is switched off for the run (ZAKRILA_REQUIRE_2FA=0). The client threads run on the same machine
and take some of its CPU.
"""

from __future__ import annotations

import argparse
import http.client
import os
import random
import re
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path

from benchdb import fmt_ms, on_benchmark_database, percentile, setup_django

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/zakrila_bench_load"
PASSWORD = "load-test-password-" + secrets.token_hex(8)
# The mixed workload: (page, weight).
MIX = (("home", 1), ("case list", 2), ("case page", 3), ("search", 2), ("person", 2), ("board", 1))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, nargs="+", default=[10, 50])
    parser.add_argument("--seconds", type=float, default=60, help="each run's length (60)")
    parser.add_argument("--max-requests", type=int, default=200_000, help="per run, at most")
    parser.add_argument("--warmup", type=float, default=5, help="seconds before measuring")
    parser.add_argument(
        "--baseline-seconds",
        type=float,
        default=10,
        help="the same clients on /healthz before each run, for the ratio (10; 0: none)",
    )
    parser.add_argument("--cases", type=int, default=20_000)
    parser.add_argument("--contacts-per-case", type=float, default=10.0)
    parser.add_argument("--organisations", type=int, default=10)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--redis", help="REDIS_URL for the server's cache (default: none)")
    parser.add_argument(
        "--external-sealer",
        action="store_true",
        help="seal in a separate 'zakrila audit seal --loop' instead of the server's workers "
        "(its CPU is then not in the server's)",
    )
    parser.add_argument("--seed", type=int, default=20261127)
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    args = parser.parse_args()

    url = setup_django(DEFAULT_URL)
    on_benchmark_database(url, lambda: run(args, url), keep=args.keep)


# --- The data ----------------------------------------------------------------------------------


@dataclass
class World:
    user_emails: list[str]
    cases_by_user: dict[str, list[int]]
    people: list[int]
    surnames: list[str]
    board_unit: int
    organisation_id: int


def build(args: argparse.Namespace) -> World:
    import datetime as dt

    from django.contrib.auth.hashers import make_password
    from django.core.management import call_command
    from django.db import transaction
    from django.utils import timezone

    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import cases as cases_bench
    from zakrila.accounts.models import Membership, Role, User
    from zakrila.cases.models import Case
    from zakrila.organisations.models import Organisation, Unit, UnitKind
    from zakrila.people.models import Person
    from zakrila.placements.demo import build_placements

    call_command("migrate", verbosity=0)
    staff = max(max(args.clients), 20)
    network_args = argparse.Namespace(
        cases=args.cases,
        contacts_per_case=args.contacts_per_case,
        organisations=args.organisations,
        staff=staff,
        seed=args.seed,
    )
    t0 = time.perf_counter()
    net = cases_bench.build(network_args, timezone.localdate())
    organisation = Organisation.objects.get(pk=net.organisation_ids[0])
    # A family-type placement centre with its residents, for the board; a carer to admit them.
    with transaction.atomic():
        Unit.objects.create(
            organisation=organisation,
            code="ЦНСТ",
            kind=UnitKind.FAMILY_TYPE_PLACEMENT,
            name="ЦНСТ „Розова къща“",
            capacity=14,
        )
        carer = User.objects.create_user(
            email="carer0@bench.example.bg", password=None, full_name="Гергана Илиева"
        )
        Membership.objects.create(
            user=carer,
            organisation=organisation,
            roles=[Role.CARER.value],
            starts_on=dt.date(2020, 1, 1),
        )
        build_placements(organisation=organisation, seed=args.seed)
        board_unit = Unit.objects.get(organisation=organisation, code="ЦНСТ").pk
    # The builder writes people with COPY and no search index: index the organisation measured,
    # so that the searches of the workload find people and cost what they cost.
    from zakrila.people.name_index import rebuild_name_index

    rebuild_name_index(organisation_id=organisation.pk)
    try:
        from zakrila.audit.sealing import audit_seal

        audit_seal()  # what the build wrote, so that the runs' seal lag is their own
    except ImportError:
        pass  # a version before the sealer (to compare with): its events are chained at once
    # The N users who sign in: case managers of the first organisation, with a password.
    staff_ids = net.staff_ids[0][: max(args.clients)]
    User.objects.filter(pk__in=staff_ids).update(password=make_password(PASSWORD))
    emails = list(
        User.objects.filter(pk__in=staff_ids).order_by("pk").values_list("email", flat=True)
    )
    cases_by_user: dict[str, list[int]] = defaultdict(list)
    rows = Case.objects.filter(organisation=organisation, key_worker_id__in=staff_ids).values_list(
        "key_worker__email", "pk"
    )
    for email, pk in rows:
        cases_by_user[email].append(pk)
    people = list(
        Person.objects.filter(organisation=organisation).values_list("pk", flat=True)[:5000]
    )
    surnames = list(
        Person.objects.filter(organisation=organisation)
        .values_list("last_name", flat=True)
        .distinct()[:300]
    )
    print(f"data: {args.cases} cases, {net.rows.get('cases_contact', 0)} contacts, "
          f"{args.organisations} organisations, {staff} case managers each; "
          f"built in {time.perf_counter() - t0:.0f} s")  # fmt: skip
    return World(
        user_emails=emails,
        cases_by_user=dict(cases_by_user),
        people=people,
        surnames=surnames,
        board_unit=board_unit,
        organisation_id=organisation.pk,
    )


# --- The server --------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def server_env(args: argparse.Namespace, url: str, data_dir: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ZAKRILA_", "DJANGO_"))}
    env.update(
        DATABASE_URL=url,
        SECRET_KEY=secrets.token_urlsafe(50),
        ZAKRILA_AUDIT_KEY=secrets.token_urlsafe(48),
        ALLOWED_HOSTS="127.0.0.1",
        ZAKRILA_SSL_REDIRECT="0",  # the benchmark plays the TLS proxy: X-Forwarded-Proto
        ZAKRILA_REQUIRE_2FA="0",
        ZAKRILA_DATA_DIR=data_dir,
        LOG_LEVEL="WARNING",
    )
    if args.redis:
        env["REDIS_URL"] = args.redis
        # The data was loaded by COPY, without the ORM's signals: nothing cached by an earlier
        # run may stand for these users' memberships or the organisation's lists.
        import redis

        redis.Redis.from_url(args.redis).flushdb()
    if args.external_sealer:
        env["ZAKRILA_AUDIT_SEAL_IN_SERVER"] = "0"
    return env


def start_server(
    args: argparse.Namespace, env: dict[str, str], data_dir: str, port: int
) -> subprocess.Popen[bytes]:
    log = open(Path(data_dir) / "server.log", "wb")  # noqa: SIM115  (closed with the process)
    server = subprocess.Popen(  # noqa: S603  (our own command, our own arguments)
        [sys.executable, "-m", "zakrila", "serve", "--bind", f"127.0.0.1:{port}",
         "--workers", str(args.workers), "--threads", str(args.threads)],
        env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )  # fmt: skip
    deadline = time.monotonic() + 120
    while True:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", "/healthz")
            if connection.getresponse().status == 200:
                return server
        except OSError:
            pass
        if server.poll() is not None or time.monotonic() > deadline:
            stop_server(server)
            sys.exit("the server did not start:\n" + (Path(data_dir) / "server.log").read_text())
        time.sleep(0.3)


def stop_server(server: subprocess.Popen[bytes]) -> None:
    if server.poll() is None:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)


def server_cpu_seconds(pid: int) -> float:
    """User and system CPU time of the server and its workers, from /proc."""
    total = 0.0
    tick = os.sysconf("SC_CLK_TCK")
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        process, parent, group = int(stat.parent.name), int(fields[1]), int(fields[2])
        if process == pid or parent == pid or group == pid:
            total += (int(fields[11]) + int(fields[12])) / tick
    return total


# --- A signed-in browser -----------------------------------------------------------------------


class Browser:
    """One user's browser: a keep-alive connection, the cookies, behind a TLS proxy."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.cookies: dict[str, str] = {}
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)

    def request(
        self, method: str, path: str, body: dict[str, str] | None = None
    ) -> tuple[int, bytes]:
        headers = {
            "Host": f"127.0.0.1:{self.port}",
            "X-Forwarded-Proto": "https",
            "Referer": f"https://127.0.0.1:{self.port}/",
            "Accept-Language": "bg",
        }
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        data = None
        if body is not None:
            data = urllib.parse.urlencode(body).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        for attempt in (1, 2):
            try:
                self.connection.request(method, path, body=data, headers=headers)
                response = self.connection.getresponse()
                content = response.read()
                break
            except (http.client.HTTPException, OSError):
                self.connection.close()
                self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
                if attempt == 2:
                    raise
        for header in response.headers.get_all("Set-Cookie") or []:
            cookie = SimpleCookie()
            cookie.load(header)
            for name, morsel in cookie.items():
                self.cookies[name] = morsel.value
        return response.status, content

    def sign_in(self, email: str) -> None:
        status, page = self.request("GET", "/accounts/login/")
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        if status != 200 or not token:
            raise RuntimeError(f"no sign-in form ({status})")
        status, _ = self.request(
            "POST",
            "/accounts/login/",
            {
                "csrfmiddlewaretoken": token.group(1).decode(),
                "username": email,
                "password": PASSWORD,
            },
        )
        if status != 302:
            raise RuntimeError(f"sign-in of {email} refused ({status})")


# --- The run -----------------------------------------------------------------------------------


@dataclass
class Results:
    timings: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: Counter[str] = field(default_factory=Counter)
    done: Counter[str] = field(default_factory=Counter)
    lock: threading.Lock = field(default_factory=threading.Lock)


def pick_path(kind: str, email: str, world: World, rng: random.Random) -> str:
    if kind == "home":
        return "/"
    if kind == "case list":
        return "/cases/"
    if kind == "case page":
        return f"/cases/{rng.choice(world.cases_by_user[email])}/"
    if kind == "search":
        return "/people/search/?" + urllib.parse.urlencode({"q": rng.choice(world.surnames)})
    if kind == "person":
        return f"/people/{rng.choice(world.people)}/"
    return f"/placements/units/{world.board_unit}/"


def last_event_id() -> int:
    from django.db.models import Max

    from zakrila.audit.models import AuditEvent

    return AuditEvent.objects.aggregate(last=Max("id"))["last"] or 0


def audit_counts(after_id: int) -> tuple[int, int]:
    """Events written after ``after_id``, and how many of them are not sealed yet."""
    from zakrila.audit.models import AuditEvent

    events = AuditEvent.objects.filter(id__gt=after_id)
    return events.count(), events.filter(seq__isnull=True).count()


def calibrate(port: int, world: World) -> dict[str, int]:
    """How many audit events one request of each page writes (on a quiet server)."""
    browser = Browser(port)
    browser.sign_in(world.user_emails[0])
    rng = random.Random(1)
    per_kind = {}
    for kind, _weight in MIX:
        before = last_event_id()
        status, _ = browser.request("GET", pick_path(kind, world.user_emails[0], world, rng))
        if status != 200:
            sys.exit(f"calibration: {kind} answered {status}")
        per_kind[kind] = audit_counts(before)[0]
    return per_kind


class LockSampler(threading.Thread):
    """Samples pg_stat_activity every 100 ms for sessions waiting on a lock."""

    QUERY = """
        SELECT a.pid, coalesce(l.relation::regclass::text, l.locktype, a.wait_event),
               left(regexp_replace(a.query, '\\s+', ' ', 'g'), 80)
        FROM pg_stat_activity a
        LEFT JOIN pg_locks l ON l.pid = a.pid AND NOT l.granted
        WHERE a.datname = current_database() AND a.wait_event_type = 'Lock'
    """

    def __init__(self, url: str) -> None:
        super().__init__(daemon=True)
        self.url = url
        self.stopped = threading.Event()
        self.samples = 0
        self.waits: Counter[str] = Counter()

    def run(self) -> None:
        import psycopg

        with psycopg.connect(self.url, autocommit=True) as connection:
            while not self.stopped.is_set():
                self.samples += 1
                for _pid, what, query in connection.execute(self.QUERY).fetchall():
                    where = (
                        what
                        if what and what.startswith(("audit_", "cases_", "people_"))
                        else f"{what}: {query}"
                    )
                    self.waits[where] += 1
                self.stopped.wait(0.1)

    def audit_waits(self) -> int:
        return sum(n for where, n in self.waits.items() if "audit_" in where)


def drive(
    args: argparse.Namespace, port: int, world: World, clients: int, url: str, pid: int
) -> None:
    kinds = [kind for kind, weight in MIX for _ in range(weight)]
    browsers = []
    for email in world.user_emails[:clients]:
        browser = Browser(port)
        browser.sign_in(email)
        browsers.append((email, browser))
    per_kind = calibrate(port, world)
    base = baseline(args, port, clients, pid) if args.baseline_seconds > 0 else None
    audit_before = last_event_id()
    results = Results()
    measuring = threading.Event()
    stop = threading.Event()
    budget = threading.Semaphore(args.max_requests)

    def client(index: int, email: str, browser: Browser) -> None:
        rng = random.Random(args.seed + index)
        while not stop.is_set():
            if not budget.acquire(blocking=False):
                return
            kind = rng.choice(kinds)
            path = pick_path(kind, email, world, rng)
            t0 = time.perf_counter()
            try:
                status, _ = browser.request("GET", path)
            except Exception as error:  # counted, and the run goes on
                status, _ = 0, repr(error)
            elapsed = (time.perf_counter() - t0) * 1000
            with results.lock:
                results.done[kind] += 1  # every request counts for the audit check
                if status != 200:
                    results.errors[f"{kind}: {status}"] += 1
                elif measuring.is_set():
                    results.timings[kind].append(elapsed)

    load_before = os.getloadavg()
    threads = [
        threading.Thread(target=client, args=(i, email, browser), daemon=True)
        for i, (email, browser) in enumerate(browsers)
    ]
    for thread in threads:
        thread.start()
    time.sleep(args.warmup)
    sampler = LockSampler(url)
    sampler.start()
    elapsed, cpu = measured_window(args.seconds, measuring, pid)
    stop_clients(stop, threads)
    sampler.stopped.set()
    sampler.join(5)
    load_after = os.getloadavg()

    measured = sum(len(t) for t in results.timings.values())
    every = [ms for timings in results.timings.values() for ms in timings]
    requests = sum(results.done.values())
    expected = sum(per_kind[kind] * n for kind, n in results.done.items())
    # Every event written and sealed: wait (at most a minute) for the sealer to catch up.
    deadline = time.monotonic() + 60
    while True:
        written, unsealed = audit_counts(audit_before)
        if not unsealed or time.monotonic() > deadline:
            break
        time.sleep(0.5)
    lag = seal_lag(audit_before)

    print(f"\n## {clients} clients, {args.seconds:.0f} s (after {args.warmup:.0f} s warm-up)")
    print(f"load average before {load_before[0]:.2f}, after {load_after[0]:.2f} "
          f"({load_after[1]:.2f} over 5 min)")  # fmt: skip
    print(f"requests measured: {measured} in {elapsed:.1f} s = {measured / elapsed:.1f} requests/s; "
          f"server CPU {cpu / max(measured, 1) * 1000:.1f} ms per request")  # fmt: skip
    print(f"latency: p50 {fmt_ms(percentile(every, 0.5))}, p95 {fmt_ms(percentile(every, 0.95))}, "
          f"p99 {fmt_ms(percentile(every, 0.99))}")  # fmt: skip
    if base is not None:
        rate, base_cpu, base_p50 = base
        print(f"baseline (/healthz, {clients} clients not signed in, {args.baseline_seconds:.0f} s "
              f"before): {rate:.1f} requests/s, server CPU {base_cpu:.1f} ms per request, "
              f"p50 {fmt_ms(base_p50)}; the mix reaches {measured / elapsed / rate:.1%} of its "
              f"requests/s at {cpu / max(measured, 1) * 1000 / base_cpu:.1f}× its CPU per request")  # fmt: skip
    print("| page | requests | p50 | p95 | p99 |")
    print("|---|---|---|---|---|")
    for kind, _weight in MIX:
        timings = results.timings.get(kind) or [0.0]
        print(f"| {kind} | {len(results.timings.get(kind, []))} | {fmt_ms(percentile(timings, 0.5))} "
              f"| {fmt_ms(percentile(timings, 0.95))} | {fmt_ms(percentile(timings, 0.99))} |")  # fmt: skip
    print(
        f"errors: {sum(results.errors.values())}"
        + (f" {dict(results.errors)}" if results.errors else "")
    )
    print(f"lock waits: {sum(sampler.waits.values())} in {sampler.samples} samples; "
          f"on the audit trail: {sampler.audit_waits()}")  # fmt: skip
    for where, n in sampler.waits.most_common(8):
        print(f"  {n} × {where}")
    print(f"audit: {requests} requests made, {expected} events expected "
          f"({', '.join(f'{k} {v}' for k, v in per_kind.items())} per request), {written} written, "
          f"{unsealed} unsealed after the run" + ("" if written == expected else "  <-- MISMATCH"))  # fmt: skip
    if lag:
        print(
            f"sealed after writing: p50 {fmt_ms(lag[0])}, p95 {fmt_ms(lag[1])}, max {fmt_ms(lag[2])}"
        )


def measured_window(seconds: float, measuring: threading.Event, pid: int) -> tuple[float, float]:
    """Let the clients' timings count for ``seconds``: (the window's length, the server's CPU
    seconds in it)."""
    cpu_before = server_cpu_seconds(pid)
    measuring.set()
    started = time.perf_counter()
    time.sleep(seconds)
    measuring.clear()
    return time.perf_counter() - started, server_cpu_seconds(pid) - cpu_before


def stop_clients(stop: threading.Event, threads: list[threading.Thread]) -> None:
    stop.set()
    for thread in threads:
        thread.join(60)


def baseline(
    args: argparse.Namespace, port: int, clients: int, pid: int
) -> tuple[float, float, float]:
    """(requests/s, server CPU ms per request, p50 ms) of ``clients`` browsers, not signed in,
    asking ``/healthz`` as fast as they can: what this machine, now, gives the smallest page."""
    stop = threading.Event()
    measuring = threading.Event()
    timings: list[float] = []
    lock = threading.Lock()

    def client(browser: Browser) -> None:
        while not stop.is_set():
            t0 = time.perf_counter()
            status, _ = browser.request("GET", "/healthz")
            elapsed = (time.perf_counter() - t0) * 1000
            if status != 200:
                sys.exit(f"baseline: /healthz answered {status}")
            if measuring.is_set():
                with lock:
                    timings.append(elapsed)

    threads = [
        threading.Thread(target=client, args=(Browser(port),), daemon=True) for _ in range(clients)
    ]
    for thread in threads:
        thread.start()
    time.sleep(min(args.warmup, 2))
    elapsed, cpu = measured_window(args.baseline_seconds, measuring, pid)
    stop_clients(stop, threads)
    count = max(len(timings), 1)
    return count / elapsed, cpu / count * 1000, percentile(timings or [0.0], 0.5)


def seal_lag(after_id: int) -> tuple[float, float, float] | None:
    """How long after their writing the run's events were sealed."""
    from zakrila.audit.models import AuditEvent

    if not any(f.name == "sealed_at" for f in AuditEvent._meta.fields):
        return None  # a version before the sealer: chained in the request

    rows = AuditEvent.objects.filter(id__gt=after_id, seq__isnull=False).values_list(
        "occurred_at", "sealed_at"
    )
    lags = [(sealed - occurred).total_seconds() * 1000 for occurred, sealed in rows if sealed]
    if not lags:
        return None
    return percentile(lags, 0.5), percentile(lags, 0.95), max(lags)


def run(args: argparse.Namespace, url: str) -> None:
    world = build(args)
    from django.db import connections

    connections.close_all()
    data_dir = tempfile.mkdtemp(prefix="zakrila-load-")
    port = free_port()
    env = server_env(args, url, data_dir)
    server = start_server(args, env, data_dir, port)
    sealer = None
    if args.external_sealer:
        sealer = subprocess.Popen(
            [sys.executable, "-m", "zakrila", "audit", "seal", "--loop"],
            env=env, stdout=subprocess.DEVNULL, start_new_session=True,
        )  # fmt: skip
    print(f"server: zakrila serve, {args.workers} workers × {args.threads} threads, "
          f"127.0.0.1:{port}, {os.cpu_count()} cores")  # fmt: skip
    try:
        for clients in args.clients:
            drive(args, port, world, clients, url, server.pid)
    finally:
        stop_server(server)
        if sealer is not None:
            stop_server(sealer)


if __name__ == "__main__":
    main()
