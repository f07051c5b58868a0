"""Benchmark of the case list and the case page at the scale of a national network.

Builds a synthetic network on PostgreSQL (by default 20 organisations x 10,000 cases and about
5,000,000 contacts, skewed: a few cases have hundreds), then times the real views through
Django's test client, signed in as a case manager and as the director of one organisation:
``GET /cases/`` with no filter, with each filter and on deep keyset pages, and
``GET /cases/<pk>/`` for cases with few, the median and the most contacts. Run:

    ZAKRILA_DEBUG=1 DATABASE_URL=postgres://postgres@127.0.0.1:5432/zakrila_bench_cases \
        .venv/bin/python bench/cases.py
    ... bench/cases.py --cases 20000 --contacts-per-case 10     # a quick, smaller run

The database is a throwaway: the PostgreSQL database that DATABASE_URL names (by default
zakrila_bench_cases on 127.0.0.1), which the script creates (UTF-8, LC_CTYPE C.UTF-8), migrates
and drops again at the end unless --keep. That name must start with "zakrila_bench".

The rows are loaded with COPY in one transaction: the tables are truncated first (so that COPY
FREEZE writes them frozen, as a vacuumed table would be), their plain indexes are dropped and
built again after the load, and foreign keys are not checked while loading
(``session_replication_role = replica``): the generator makes only valid references. Every other
required column a model may gain gets its model default.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import re
import statistics
import sys
import time
from array import array
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from benchdb import fmt_ms, on_benchmark_database, percentile, setup_django

SEED = 20261123
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/zakrila_bench_cases"
GOAL_MS = 50.0
PAGES = (1, 2, 10, 50)
UNITS = (  # (code, kind, name) of each organisation's units
    ("ЦОП", "community_support", "Център за обществена подкрепа"),
    ("ЦОП2", "community_support", "Център за обществена подкрепа – филиал"),
    ("ЦУБД", "street_children", "Център за работа с деца на улицата"),
    ("ЦСРИ", "other", "Център за социална рехабилитация и интеграция"),
)
UNIT_WEIGHTS = (5, 2, 2, 1)
NOTES = (
    "Разговор с майката за режима на детето и посещенията при педиатъра.",
    "Посещение в дома: жилището е отоплено, детето е спокойно, има храна.",
    "Консултация с психолог: детето споделя страх от бащата.",
    "Придружаване до Дирекция „Социално подпомагане“ за помощи.",
    "Майката пропусна срещата; разговор по телефона, нова дата.",
    "Среща с класната ръководителка: детето ходи редовно на училище.",
    "Група за родители: темата беше поставяне на граници без насилие.",
    "",
)
PLACES = ("", "", "в дома", "в центъра", "в училището", "по телефона", "в болницата")
PARTICIPANTS = ("", "майката", "майката и детето", "бащата", "бабата и детето", "семейството")
REASONS = (
    "Риск от изоставяне; нужда от подкрепа на родителите.",
    "Неглижиране; детето не посещава детска градина.",
    "Насилие в семейството; майката търси подкрепа.",
    "Бременна непълнолетна без подкрепа от семейството.",
)
# (filter label, query). "{unit}" and "{worker}" are filled in for the organisation measured.
FILTERS = (
    ("no filter (open cases)", {}),
    ("status=support", {"status": "support"}),
    ("status=all", {"status": "all"}),
    ("risk=high", {"risk": "high"}),
    ("worker=<id>", {"worker": "{worker}"}),
    ("overdue=on", {"overdue": "on"}),
    ("unit=<id>", {"unit": "{unit}"}),
    ("mine=on", {"mine": "on"}),
    ("status=all, unit, risk=high", {"status": "all", "unit": "{unit}", "risk": "high"}),
)


# --- Small helpers ------------------------------------------------------------------------------


def fmt_bytes(size: int) -> str:
    for unit in ("B", "kB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024  # type: ignore[assignment]
    return str(size)


def copy_text(value: Any) -> str:
    """One value in COPY's text format."""
    if value is None:
        return "\\N"
    if value is True:
        return "t"
    if value is False:
        return "f"
    text = str(value)
    if any(char in text for char in "\\\t\n\r"):
        text = (
            text.replace("\\", "\\\\")
            .replace("\t", "\\t")
            .replace("\n", "\\n")
            .replace("\r", "\\r")
        )
    return text


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=200_000, help="cases in all (200,000)")
    parser.add_argument(
        "--contacts-per-case", type=float, default=25.0, help="contacts per case on average (25)"
    )
    parser.add_argument("--organisations", type=int, default=20, help="organisations (20)")
    parser.add_argument("--staff", type=int, default=20, help="case managers per organisation")
    parser.add_argument("--runs", type=int, default=30, help="timed requests of each kind (30)")
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument(
        "--settle",
        type=int,
        default=300,
        help="before measuring, wait up to this many seconds for the 1-minute load average to "
        "fall below 1 (the load and other programs' bursts shift the timings); 0: do not wait",
    )
    args = parser.parse_args()
    if args.cases < args.organisations * 10:
        sys.exit("--cases must be at least 10 per organisation")

    url = setup_django(DEFAULT_URL, test_client=True)
    from django.conf import settings

    # The debug settings keep a log of every statement's text, which production does not: with
    # the parameters bound on the server (docs/operations.md) Django composes that text in the
    # app for the log, and the timings would count it. The query counts capture their own.
    settings.DEBUG = False
    on_benchmark_database(url, lambda: run(args), keep=args.keep)


# --- The synthetic network ----------------------------------------------------------------------


@dataclass
class Network:
    """What the generator made, kept for the measurements and the report."""

    organisation_ids: list[int] = field(default_factory=list)
    unit_ids: list[list[int]] = field(default_factory=list)  # per organisation
    staff_ids: list[list[int]] = field(default_factory=list)  # case managers per organisation
    director_ids: list[int] = field(default_factory=list)
    case_org: list[int] = field(default_factory=list)  # organisation index of each case
    case_contacts: list[int] = field(default_factory=list)
    case_key_worker: list[int] = field(default_factory=list)
    case_restricted: list[bool] = field(default_factory=list)
    rows: dict[str, int] = field(default_factory=dict)  # table → rows loaded
    seconds: dict[str, float] = field(default_factory=dict)  # step → seconds


class Loader:
    """COPY into one model's table: the given columns, and every other required column filled
    with its model default (so that a field added later does not break the benchmark)."""

    def __init__(self, cursor: Any, model: Any, columns: list[str]) -> None:
        from django.db import connection
        from django.db.models import NOT_PROVIDED, JSONField

        self.cursor = cursor
        self.model = model
        self.table = model._meta.db_table
        self.columns = list(columns)
        known = {f.column for f in model._meta.concrete_fields}
        unknown = set(columns) - known
        if unknown:
            sys.exit(f"{model._meta.label} has no columns {sorted(unknown)}: update bench/cases.py")
        extra = []
        for f in model._meta.concrete_fields:
            if f.column in columns or f.primary_key or f.null:
                continue
            if getattr(f, "db_default", NOT_PROVIDED) is not NOT_PROVIDED:
                continue
            if f.has_default():
                value = f.get_default()
                if isinstance(f, JSONField):
                    value = json.dumps(value)
                else:
                    value = f.get_db_prep_save(value, connection)
            elif getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
                value = "2026-01-01 00:00:00+00"
            elif f.blank and f.get_internal_type() in ("CharField", "TextField"):
                value = ""
            else:
                sys.exit(
                    f"{model._meta.label}.{f.name} is required and has no default: "
                    "teach bench/cases.py to fill it"
                )
            self.columns.append(f.column)
            extra.append(copy_text(value))
        self.suffix = "".join("\t" + value for value in extra) + "\n"

    def load(self, lines: Iterable[str], batch: int = 20_000) -> int:
        """COPY the lines (tab-separated values of the given columns, without the newline)."""
        from psycopg import sql

        statement = sql.SQL("COPY {} ({}) FROM STDIN WITH (FREEZE)").format(
            sql.Identifier(self.table), sql.SQL(", ").join(map(sql.Identifier, self.columns))
        )
        count = 0
        buffer: list[str] = []
        suffix = self.suffix
        with self.cursor.copy(statement) as copy:
            for line in lines:
                buffer.append(line + suffix)
                if len(buffer) >= batch:
                    copy.write("".join(buffer))
                    count += len(buffer)
                    buffer = []
            if buffer:
                copy.write("".join(buffer))
                count += len(buffer)
        return count


def plain_indexes(cursor: Any, table: str) -> list[tuple[str, str]]:
    """(name, definition) of the table's indexes that back no constraint."""
    cursor.execute(
        "SELECT i.relname, pg_get_indexdef(i.oid) FROM pg_index x "
        "JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid "
        "WHERE t.relname = %s AND NOT EXISTS "
        "(SELECT 1 FROM pg_constraint c WHERE c.conindid = i.oid)",
        [table],
    )
    return list(cursor.fetchall())


def ts(day: dt.date, minutes: int) -> str:
    """A timestamp in COPY's text format: ``minutes`` after midnight UTC of ``day``."""
    return f"{day.isoformat()} {minutes // 60:02d}:{minutes % 60:02d}:00+00"


def build(args: argparse.Namespace, today: dt.date) -> Network:
    """Organisations, units and staff with the ORM; people, referrals, cases, their team, stage
    changes, closures, follow-ups, tasks, contacts and contact staff with COPY."""
    from django.contrib.auth.hashers import make_password
    from django.db import connection, transaction
    from faker.providers.person.bg_BG import Provider as Names
    from psycopg import sql
    from stdnum.bg import vat

    from zakrila.accounts.models import Membership, Role, User
    from zakrila.cases.models import (
        Case,
        CaseStatusChange,
        Closure,
        ClosureOutcome,
        Contact,
        ContactKind,
        FollowUp,
        Referral,
        ReferralDecision,
        ReferralSource,
        Task,
        TaskKind,
    )
    from zakrila.organisations.models import Organisation, Unit
    from zakrila.people.models import Person

    rng = random.Random(args.seed)
    net = Network()
    per_org = args.cases // args.organisations
    n_cases = per_org * args.organisations
    started = time.perf_counter()

    # --- Organisations, units, staff (the ORM; a few hundred rows) ---------------------------
    password = make_password(None)
    with transaction.atomic():
        for n in range(args.organisations):
            base = f"{32000000 + n:08d}"
            organisation = Organisation.objects.create(
                eik=base + vat.calc_check_digit_legal(base),
                name_bg=f"Бенчмарк случаи {n}",
                municipality="Русе",
            )
            net.organisation_ids.append(organisation.pk)
            units = [
                Unit.objects.create(
                    organisation=organisation, code=code, kind=kind, name=name, capacity=200
                )
                for code, kind, name in UNITS
            ]
            net.unit_ids.append([unit.pk for unit in units])
            users = [
                User(
                    email=f"cm{n}-{i}@bench.example.bg",
                    full_name=f"{rng.choice(Names.first_names_female)} "
                    f"{rng.choice(Names.last_names_female)}",
                    password=password,
                )
                for i in range(args.staff)
            ]
            users.append(
                User(email=f"director{n}@bench.example.bg", full_name="Директор", password=password)
            )
            users = User.objects.bulk_create(users)
            Membership.objects.bulk_create(
                Membership(
                    user=user,
                    organisation=organisation,
                    roles=[Role.DIRECTOR.value if user is users[-1] else Role.CASE_MANAGER.value],
                    starts_on=dt.date(2020, 1, 1),
                )
                for user in users
            )
            net.staff_ids.append([user.pk for user in users[:-1]])
            net.director_ids.append(users[-1].pk)
    net.seconds["organisations, units and staff (ORM)"] = time.perf_counter() - started

    # --- Cases, in the order they were opened (ids grow with time, as in real use) -----------
    first_day = dt.date(2020, 1, 1)
    span = (today - first_day).days
    opened = sorted(first_day + dt.timedelta(days=rng.randrange(span)) for _ in range(n_cases))
    org_of = [o for o in range(args.organisations) for _ in range(per_org)]
    rng.shuffle(org_of)
    status: list[str] = []
    closed: list[dt.date | None] = []
    stage_days: list[tuple[int, ...]] = []  # days after opening of each later stage
    for day in opened:
        age = (today - day).days
        to_assessment = rng.randint(5, 30)
        to_support = to_assessment + rng.randint(20, 90)
        to_close = to_support + int(rng.lognormvariate(5.6, 0.5))  # about 9 months of support
        if rng.random() < 0.12:  # closed early: redirected, moved away, declined support
            to_close = to_assessment + rng.randint(10, 60)
            to_support = to_close + 1
        if to_close < age:
            status.append("closed")
            closed.append(day + dt.timedelta(days=to_close))
        elif to_support < age:
            status.append("support")
            closed.append(None)
        elif to_assessment < age:
            status.append("assessment")
            closed.append(None)
        else:
            status.append("referred")
            closed.append(None)
        stage_days.append((to_assessment, to_support, to_close))
    net.case_org = org_of
    net.case_key_worker = [rng.choice(net.staff_ids[o]) for o in org_of]
    net.case_restricted = [rng.random() < 0.03 for _ in range(n_cases)]
    case_unit = [rng.choices(net.unit_ids[o], UNIT_WEIGHTS)[0] for o in org_of]
    risk = rng.choices(("low", "medium", "high"), (4, 4, 2), k=n_cases)
    team: list[tuple[int, ...]] = []
    for i, o in enumerate(org_of):
        others = [u for u in rng.sample(net.staff_ids[o], 3) if u != net.case_key_worker[i]]
        team.append(tuple(others[: rng.choice((0, 1, 1, 2))]))
    has_referral = [rng.random() < 0.8 for _ in range(n_cases)]
    numbers: list[str] = []
    counters: dict[tuple[int, int], int] = {}
    unit_code = {uid: UNITS[k][0] for ids in net.unit_ids for k, uid in enumerate(ids)}
    for i in range(n_cases):
        key = (case_unit[i], opened[i].year)
        counters[key] = counters.get(key, 0) + 1
        numbers.append(f"{unit_code[case_unit[i]]}-{opened[i].year}-{counters[key]:05d}")

    # Contacts per case: log-normal (median ~ 60 % of the mean, a long tail of hundreds),
    # fewer for a case that lasted only weeks; scaled to the average asked for.
    weights = []
    for i in range(n_cases):
        end = closed[i] or today
        weeks = max(1, (end - opened[i]).days // 7)
        weights.append(rng.lognormvariate(0, 1.0) * min(1.0, (weeks + 4) / 40))
    total = round(n_cases * args.contacts_per_case)
    scale = total / sum(weights)
    counts = []
    carried = 0.0
    for weight in weights:
        carried += weight * scale
        counts.append(int(carried))
        carried -= int(carried)
    counts[-1] += total - sum(counts)
    net.case_contacts = counts

    # --- COPY, in one transaction ------------------------------------------------------------
    person_columns = [
        "id", "organisation_id", "created_at", "updated_at", "version", "first_name",
        "middle_name", "last_name", "first_name_latin", "middle_name_latin", "last_name_latin",
        "sex", "birth_date", "search_key", "unit_id",
    ]  # fmt: skip
    tables = [
        Person, Referral, Case, Case.team.through, CaseStatusChange, Closure, FollowUp, Task,
        Contact, Contact.staff.through,
    ]  # fmt: skip
    with transaction.atomic(), connection.cursor() as django_cursor:
        cursor = django_cursor.cursor  # psycopg's own cursor, for COPY
        cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute("SET LOCAL maintenance_work_mem = '1GB'")
        cursor.execute("SET LOCAL synchronous_commit = off")
        cursor.execute(
            sql.SQL("TRUNCATE {} CASCADE").format(
                sql.SQL(", ").join(sql.Identifier(m._meta.db_table) for m in tables)
            )
        )
        dropped: list[tuple[str, str]] = []
        for model in tables:
            for name, definition in plain_indexes(cursor, model._meta.db_table):
                cursor.execute(sql.SQL("DROP INDEX {}").format(sql.Identifier(name)))
                dropped.append((name, definition))

        def step(label: str, model: Any, columns: list[str], lines: Iterable[str]) -> None:
            t0 = time.perf_counter()
            net.rows[model._meta.db_table] = Loader(cursor, model, columns).load(lines)
            net.seconds[f"COPY {model._meta.db_table}"] = time.perf_counter() - t0

        # People: one child per case, names from Faker's Bulgarian lists, derived fields from
        # the model's own refresh_derived (memoised per name).
        derived: dict[tuple[str, str, str], tuple[str, str, str, str]] = {}

        def people() -> Iterator[str]:
            for i in range(n_cases):
                female = rng.random() < 0.5
                first = rng.choice(Names.first_names_female if female else Names.first_names_male)
                father = rng.choice(Names.first_names_male)
                middle = father + ("ова" if female else "ов")
                last = rng.choice(Names.last_names_female if female else Names.last_names_male)
                key = (first, middle, last)
                if key not in derived:
                    person = Person(first_name=first, middle_name=middle, last_name=last)
                    person.refresh_derived(aliases=[])
                    derived[key] = (
                        person.first_name_latin,
                        person.middle_name_latin,
                        person.last_name_latin,
                        person.search_key,
                    )
                fl, ml, ll, sk = derived[key]
                born = opened[i] - dt.timedelta(days=rng.randrange(18 * 365))
                created = ts(opened[i], 480)
                yield "\t".join(
                    (
                        str(i + 1), str(net.organisation_ids[org_of[i]]), created, created, "1",
                        copy_text(first), copy_text(middle), copy_text(last), copy_text(fl),
                        copy_text(ml), copy_text(ll), "female" if female else "male",
                        born.isoformat(), copy_text(sk), str(case_unit[i]),
                    )
                )  # fmt: skip

        step("people", Person, person_columns, people())

        # Referrals: one for each case opened on a referral, and the referrals still waiting,
        # declined or redirected (about 2 % more).
        referral_of: list[int | None] = []
        members_of: list[list[int]] = [[] for _ in net.organisation_ids]
        for i, o in enumerate(org_of):
            if len(members_of[o]) < 1000:
                members_of[o].append(i)
        sources = [s.value for s in ReferralSource]

        def referrals() -> Iterator[str]:
            rid = 0
            for i in range(n_cases):
                if not has_referral[i]:
                    referral_of.append(None)
                    continue
                rid += 1
                referral_of.append(rid)
                received = opened[i] - dt.timedelta(days=rng.randint(0, 10))
                yield "\t".join(
                    (
                        str(rid), str(net.organisation_ids[org_of[i]]), ts(received, 540),
                        ts(opened[i], 540), "2", rng.choice(sources),
                        f"ДСП-{received.year}-{rid}", copy_text(rng.choice(REASONS)),
                        received.isoformat(), ReferralDecision.ACCEPTED.value,
                        ts(opened[i], 540), str(net.case_key_worker[i]), str(i + 1),
                        str(case_unit[i]), str(net.case_key_worker[i]),
                    )
                )  # fmt: skip
            for o, org_id in enumerate(net.organisation_ids):
                for k in range(max(1, per_org // 50)):
                    rid += 1
                    received = today - dt.timedelta(days=rng.randint(0, 400))
                    decision = ReferralDecision.PENDING.value
                    if k % 3 and received < today - dt.timedelta(days=30):
                        decision = rng.choice(
                            (ReferralDecision.DECLINED.value, ReferralDecision.REDIRECTED.value)
                        )
                    person = rng.choice(members_of[o])  # a child of the organisation
                    staff = rng.choice(net.staff_ids[o])
                    yield "\t".join(
                        (
                            str(rid), str(org_id), ts(received, 540), ts(received, 540), "1",
                            rng.choice(sources), f"ДСП-{received.year}-{rid}",
                            copy_text(rng.choice(REASONS)), received.isoformat(), decision,
                            "\\N" if decision == "pending" else ts(received, 600),
                            "\\N" if decision == "pending" else str(staff), str(person + 1),
                            str(rng.choice(net.unit_ids[o])), str(staff),
                        )
                    )  # fmt: skip

        step(
            "referrals",
            Referral,
            [
                "id", "organisation_id", "created_at", "updated_at", "version", "source",
                "document_number", "reason", "received_on", "decision", "decided_at",
                "decided_by_id", "person_id", "unit_id", "created_by_id",
            ],
            referrals(),
        )  # fmt: skip

        def cases() -> Iterator[str]:
            for i in range(n_cases):
                kw = str(net.case_key_worker[i])
                yield "\t".join(
                    (
                        str(i + 1), str(net.organisation_ids[org_of[i]]), ts(opened[i], 540),
                        ts(closed[i] or opened[i], 600), "1", copy_text(numbers[i]),
                        "" if has_referral[i] else "Консултация без направление",
                        status[i], risk[i], "t" if net.case_restricted[i] else "f",
                        opened[i].isoformat(), closed[i].isoformat() if closed[i] else "\\N",
                        kw, str(i + 1), str(case_unit[i]), kw,
                        str(referral_of[i]) if referral_of[i] else "\\N",
                    )
                )  # fmt: skip

        step(
            "cases",
            Case,
            [
                "id", "organisation_id", "created_at", "updated_at", "version", "number",
                "without_referral_reason", "status", "risk_level", "is_restricted", "opened_on",
                "closed_on", "key_worker_id", "person_id", "unit_id", "created_by_id",
                "referral_id",
            ],
            cases(),
        )  # fmt: skip

        through = Case.team.through
        team_columns = [
            "id",
            through._meta.get_field("case").column,
            through._meta.get_field("user").column,
        ]

        def team_rows() -> Iterator[str]:
            tid = 0
            for i, members in enumerate(team):
                for user_id in members:
                    tid += 1
                    yield f"{tid}\t{i + 1}\t{user_id}"

        step("case team", through, team_columns, team_rows())

        def status_changes() -> Iterator[str]:
            cid = 0
            path = ("referred", "assessment", "support", "closed")
            for i in range(n_cases):
                org = str(net.organisation_ids[org_of[i]])
                kw = str(net.case_key_worker[i])
                steps = [("", "referred", opened[i])]
                a, s, c = stage_days[i]
                reached = path.index(status[i])
                if reached >= 1:
                    steps.append(("referred", "assessment", opened[i] + dt.timedelta(days=a)))
                if reached >= 2 and s < c:
                    steps.append(("assessment", "support", opened[i] + dt.timedelta(days=s)))
                if reached == 3:
                    steps.append((steps[-1][1], "closed", closed[i]))  # type: ignore[arg-type]
                for before, after, day in steps:
                    cid += 1
                    yield "\t".join(
                        (
                            str(cid), org, ts(day, 600), ts(day, 600), "1", before, after,
                            "" if after == "referred" else "Решение на екипа.", day.isoformat(),
                            str(i + 1), kw,
                        )
                    )  # fmt: skip

        step(
            "status changes",
            CaseStatusChange,
            [
                "id", "organisation_id", "created_at", "updated_at", "version", "from_status",
                "to_status", "reason", "changed_on", "case_id", "created_by_id",
            ],
            status_changes(),
        )  # fmt: skip

        outcomes = [o.value for o in ClosureOutcome]
        closed_cases = [i for i in range(n_cases) if closed[i]]

        def closures() -> Iterator[str]:
            for n, i in enumerate(closed_cases, start=1):
                day = closed[i]
                assert day is not None  # noqa: S101
                director = str(net.director_ids[org_of[i]])
                yield "\t".join(
                    (
                        str(n), str(net.organisation_ids[org_of[i]]), ts(day, 600), ts(day, 660),
                        "2", rng.choice(outcomes), "Целите на плана са постигнати.",
                        ts(day, 660), director, str(i + 1), str(net.case_key_worker[i]),
                    )
                )  # fmt: skip

        step(
            "closures",
            Closure,
            [
                "id", "organisation_id", "created_at", "updated_at", "version", "outcome",
                "reason", "approved_at", "approved_by_id", "case_id", "created_by_id",
            ],
            closures(),
        )  # fmt: skip

        def follow_ups() -> Iterator[str]:
            fid = 0
            for i in closed_cases:
                day = closed[i]
                assert day is not None  # noqa: S101
                for months in (3, 6, 12):
                    fid += 1
                    due = day + dt.timedelta(days=months * 30)
                    done = due <= today and rng.random() < 0.9
                    yield "\t".join(
                        (
                            str(fid), str(net.organisation_ids[org_of[i]]), ts(day, 660),
                            ts(due if done else day, 660), "1", str(months), due.isoformat(),
                            due.isoformat() if done else "\\N",
                            ("t" if rng.random() < 0.85 else "f") if done else "\\N", "",
                            str(i + 1),
                        )
                    )  # fmt: skip

        step(
            "follow-ups",
            FollowUp,
            [
                "id", "organisation_id", "created_at", "updated_at", "version", "months",
                "due_on", "done_on", "lives_in_family", "notes", "case_id",
            ],
            follow_ups(),
        )  # fmt: skip

        # Tasks: the work done on every case, and 1-2 open tasks on an open case, about one in
        # six of them overdue; and a few tasks of each worker without a case.
        def tasks() -> Iterator[str]:
            tid = 0
            kinds = (TaskKind.ASSESSMENT_DUE.value, TaskKind.REVIEW_DUE.value)
            for i in range(n_cases):
                org = str(net.organisation_ids[org_of[i]])
                kw = str(net.case_key_worker[i])
                end = closed[i] or today
                for n, kind in enumerate(kinds):
                    due = opened[i] + dt.timedelta(days=30 + 150 * n)
                    if due >= end:
                        continue
                    tid += 1
                    yield "\t".join(
                        (
                            str(tid), org, ts(opened[i], 540), ts(due, 900), "2", kind,
                            "Срок", due.isoformat(), ts(due, 900), f"{kind}:{i + 1}:{n}", kw,
                            str(i + 1),
                        )
                    )  # fmt: skip
                if closed[i] is None:
                    for _ in range(rng.choice((1, 1, 2))):
                        tid += 1
                        due = today + dt.timedelta(days=rng.randint(-10, 50))
                        yield "\t".join(
                            (
                                str(tid), org, ts(today, 480), ts(today, 480), "1",
                                TaskKind.MANUAL.value, "Да се обади на майката", due.isoformat(),
                                "\\N", "", kw, str(i + 1),
                            )
                        )  # fmt: skip
            for o, org_id in enumerate(net.organisation_ids):
                for user_id in net.staff_ids[o]:
                    for _ in range(3):
                        tid += 1
                        due = today + dt.timedelta(days=rng.randint(-5, 30))
                        yield "\t".join(
                            (
                                str(tid), str(org_id), ts(today, 480), ts(today, 480), "1",
                                TaskKind.MANUAL.value, "Отчет", due.isoformat(), "\\N", "",
                                str(user_id), "\\N",
                            )
                        )  # fmt: skip

        step(
            "tasks",
            Task,
            [
                "id", "organisation_id", "created_at", "updated_at", "version", "kind", "title",
                "due_on", "done_at", "rule_key", "assignee_id", "case_id",
            ],
            tasks(),
        )  # fmt: skip

        # Contacts, in the order they happened across all cases (so that one case's contacts
        # lie scattered over the table, as in real use): one sortable int per contact.
        t0 = time.perf_counter()
        day0 = first_day.toordinal()
        keys = array("q")
        for i in range(n_cases):
            start = opened[i].toordinal() - day0
            length = max(1, ((closed[i] or today).toordinal() - day0) - start + 1)
            for _ in range(counts[i]):
                day = start + int(rng.random() * length)
                slot = int(rng.random() * 40)  # quarter hours from 06:00 UTC
                keys.append(((day * 64 + slot) << 22) | i)
        ordered = sorted(keys)
        del keys
        net.seconds["contacts: generate and sort"] = time.perf_counter() - t0
        mask = (1 << 22) - 1
        day_text = [(first_day + dt.timedelta(days=d)).isoformat() for d in range(span + 2)]
        slot_text = [f"{6 + q // 4:02d}:{15 * (q % 4):02d}:00+00" for q in range(40)]
        kinds = [k.value for k in ContactKind]
        variants = []
        for _ in range(512):
            note = rng.choice(NOTES)
            variants.append(
                "\t".join(
                    (
                        rng.choice(kinds), str(rng.choice((15, 30, 45, 60, 60, 90, 120))),
                        copy_text(rng.choice(PARTICIPANTS)), copy_text(rng.choice(PLACES)),
                        copy_text(note), "t" if rng.random() < 0.8 else "f",
                    )
                )
            )  # fmt: skip
        staff_first = array("q", bytes(8 * len(ordered)))
        staff_second = array("q", bytes(8 * len(ordered)))
        org_text = [str(net.organisation_ids[o]) for o in org_of]

        def contacts() -> Iterator[str]:
            for n, key in enumerate(ordered):
                i = key & mask
                moment = key >> 22
                when = f"{day_text[moment >> 6]} {slot_text[moment & 63]}"
                members = team[i]
                first = net.case_key_worker[i]
                if members and rng.random() < 0.3:
                    first = members[0]
                staff_first[n] = first
                if members and rng.random() < 0.3:
                    second = members[-1] if members[-1] != first else net.case_key_worker[i]
                    staff_second[n] = second
                yield (
                    f"{n + 1}\t{org_text[i]}\t{when}\t{when}\t1\t"
                    f"{variants[int(rng.random() * 512)]}\t{when}\t{i + 1}\t{first}"
                )

        step(
            "contacts",
            Contact,
            [
                "id", "organisation_id", "created_at", "updated_at", "version", "kind",
                "duration_minutes", "participants", "place", "note", "is_confidential",
                "occurred_at", "case_id", "created_by_id",
            ],
            contacts(),
        )  # fmt: skip
        ordered.clear()  # 5,000,000 ints: free them before the staff

        through = Contact.staff.through
        staff_columns = [
            "id",
            through._meta.get_field("contact").column,
            through._meta.get_field("user").column,
        ]

        def contact_staff() -> Iterator[str]:
            sid = 0
            for n in range(len(staff_first)):
                sid += 1
                yield f"{sid}\t{n + 1}\t{staff_first[n]}"
                if staff_second[n]:
                    sid += 1
                    yield f"{sid}\t{n + 1}\t{staff_second[n]}"

        step("contact staff", through, staff_columns, contact_staff())

        t0 = time.perf_counter()
        for _name, definition in dropped:
            cursor.execute(definition)
        net.seconds[f"CREATE INDEX ({len(dropped)} plain indexes)"] = time.perf_counter() - t0
        t0 = time.perf_counter()
        from django.core.management.color import no_style

        for statement in connection.ops.sequence_reset_sql(no_style(), tables):
            cursor.execute(statement)
        net.seconds["sequences"] = time.perf_counter() - t0

    t0 = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE)")  # what autovacuum would soon do after a bulk load
    net.seconds["VACUUM ANALYZE"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    with connection.cursor() as cursor:
        # Write the loaded gigabytes out now: a checkpoint flushing them while the pages are
        # timed makes every commit's fsync wait behind it.
        cursor.execute("CHECKPOINT")
    net.seconds["CHECKPOINT"] = time.perf_counter() - t0
    net.seconds["total"] = time.perf_counter() - started
    return net


# --- The measurements ---------------------------------------------------------------------------


@dataclass
class Measured:
    """One user's figures for one request."""

    timings: list[float]  # ms of each timed request
    sql: list[float]  # ms spent executing SQL in each timed request
    cpu: list[float]  # ms of this process's CPU in each timed request (the app's own work)
    queries: int  # counted with CaptureQueriesContext
    slowest: list[tuple[float, str]]  # the slowest queries: (ms, SQL with its parameters)
    shown: str  # what the page showed


@dataclass
class Row:
    label: str
    users: dict[str, Measured] = field(default_factory=dict)


class QueryTimer:
    """An execute wrapper: the time of every query of a request."""

    def __init__(self) -> None:
        self.times: list[float] = []

    def __call__(self, execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.times.append((time.perf_counter() - started) * 1000)


class Browser:
    """A signed-in test client that times requests, their SQL, and counts their queries."""

    def __init__(self, user: Any) -> None:
        from django.test import Client

        self.client = Client()
        self.client.force_login(user)

    def get(self, url: str) -> Any:
        response = self.client.get(url)
        if response.status_code != 200:
            sys.exit(f"GET {url} answered {response.status_code}")
        return response

    def timed(self, url: str) -> tuple[float, float, float]:
        """Milliseconds of one request, of its SQL, and of this process's CPU."""
        from django.db import connection

        timer = QueryTimer()
        with connection.execute_wrapper(timer):
            cpu = time.process_time()
            started = time.perf_counter()
            self.get(url)
            elapsed = (time.perf_counter() - started) * 1000
            cpu = (time.process_time() - cpu) * 1000
        return elapsed, sum(timer.times), cpu

    def captured(self, url: str) -> tuple[Any, int, list[tuple[float, str]]]:
        """The response, the number of queries and the three slowest (ms, SQL)."""
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        timer = QueryTimer()
        with CaptureQueriesContext(connection) as captured, connection.execute_wrapper(timer):
            response = self.get(url)
        statements = [query["sql"] for query in captured.captured_queries]
        slowest = sorted(zip(timer.times, statements, strict=False), reverse=True)[:3]
        return response, len(statements), slowest


@dataclass
class Planned:
    """One request of one user, measured in rounds with all the others."""

    row: Row
    user: str
    browser: Browser
    url: str
    shown: Any  # response → what the page showed
    timings: list[float] = field(default_factory=list)
    sql: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)


# The "Next page" link: its position is an opaque keyset token (core.paging).
AFTER = re.compile(r'<a class="button" href="\?[^"]*?after=([A-Za-z0-9_-]+)"')
CASE_ROW = re.compile(r'<tr><td><a href="/cases/\d+/"')


def list_urls(browser: Browser, query: dict[str, str]) -> dict[int, str]:
    """The URLs of the pages of PAGES that exist, following the "Next page" link."""
    base = "/cases/" + (f"?{urlencode(query)}" if query else "")
    urls = {1: base}
    url = base
    for page in range(2, max(PAGES) + 1):
        found = AFTER.search(browser.get(url).content.decode())
        if not found:
            break
        url = base + ("&" if query else "?") + f"after={found.group(1)}"
        if page in PAGES:
            urls[page] = url
    return urls


# --- The baseline: a minimal Django page showing the same rows, in the same process ----------

MINIMAL_LIST = """<!doctype html><html lang="bg"><head><meta charset="utf-8"><title>Случаи</title>
</head><body><h1>Случаи</h1><table>{% for c in cases %}<tr><td><a href="/cases/{{ c.pk }}/">{{ c.number }}</a></td>
<td>{{ c.person__first_name }} {{ c.person__middle_name }} {{ c.person__last_name }}</td><td>{{ c.status }}</td>
<td>{{ c.risk_level }}</td><td>{{ c.key_worker__full_name }}</td><td>{{ c.opened_on|date:"SHORT_DATE_FORMAT" }}</td></tr>
{% endfor %}</table></body></html>"""
MINIMAL_CASE = """<!doctype html><html lang="bg"><head><meta charset="utf-8"><title>{{ case.number }}</title>
</head><body><h1>{{ case.number }}</h1><p>{{ case.person__first_name }} {{ case.person__last_name }},
{{ case.unit__name }}, {{ case.status }}, {{ case.risk_level }}, {{ case.key_worker__full_name }}</p>
<ul>{% for t in team %}<li>{{ t.full_name }}</li>{% endfor %}</ul>
{% for name, records in others %}<h2>{{ name }}</h2><ul>{% for r in records %}<li>{% for v in r.values %}{{ v }} {% endfor %}</li>{% endfor %}</ul>{% endfor %}
<ol>{% for c in contacts %}<li>{{ c.occurred_at|date:"SHORT_DATETIME_FORMAT" }} {{ c.kind }} {{ c.duration_minutes }}
{{ c.place }} {{ c.participants }}<p>{{ c.note }}</p></li>{% endfor %}</ol></body></html>"""


def baseline_urlconf() -> Any:
    """The project's URLs and two minimal pages: the same rows as the case list and the case
    page, read with ``values()`` and shown with a small Django template, behind the same
    middleware (sign-in, sessions, membership). What our pages cost beyond this is the price of
    their layout, filters, policy and audit."""
    import types

    from django.contrib.auth.decorators import login_required
    from django.http import HttpResponse
    from django.template import engines
    from django.urls import include, path

    from zakrila.cases.models import Case, Contact

    engine = engines["django"]
    list_template = engine.from_string(MINIMAL_LIST)
    case_template = engine.from_string(MINIMAL_CASE)

    @login_required
    def minimal_list(request: Any) -> Any:
        rows = (
            Case.objects.filter(organisation_id=request.membership.organisation_id)
            .exclude(status="closed")
            .order_by("-opened_on", "-id")
            .values(
                "pk", "number", "status", "risk_level", "opened_on", "person__first_name",
                "person__middle_name", "person__last_name", "key_worker__full_name",
            )[:50]
        )  # fmt: skip
        return HttpResponse(list_template.render({"cases": list(rows)}))

    @login_required
    def minimal_case(request: Any, pk: int) -> Any:
        """The same records the case page shows (the case, its team, the newest 50 contacts and
        every other kind of record of the case), one plain query each."""
        from zakrila.cases.models import (
            Assessment,
            CaseDocument,
            CaseStatusChange,
            Closure,
            FollowUp,
            Review,
            ServiceContract,
            SupportPlan,
            Task,
        )  # fmt: skip

        case = Case.objects.values(
            "pk", "number", "person__first_name", "person__last_name", "unit__name", "status",
            "risk_level", "key_worker__full_name",
        ).get(pk=pk, organisation_id=request.membership.organisation_id)  # fmt: skip
        team = Case.team.through.objects.filter(case_id=pk).values("user__full_name")
        contacts = (
            Contact.objects.filter(case_id=pk)
            .order_by("-occurred_at", "-id")
            .values("occurred_at", "kind", "duration_minutes", "place", "participants", "note")[:50]
        )
        others = [
            (model._meta.verbose_name_plural, list(model.objects.filter(case_id=pk).values()))
            for model in (
                CaseStatusChange, Assessment, SupportPlan, Review, CaseDocument, ServiceContract,
                FollowUp, Task, Closure,
            )
        ]  # fmt: skip
        context = {"case": case, "team": list(team), "contacts": list(contacts), "others": others}
        return HttpResponse(case_template.render(context))

    module = types.ModuleType("bench_urls")
    module.urlpatterns = [  # type: ignore[attr-defined]
        path("bench/minimal/cases/", minimal_list),
        path("bench/minimal/cases/<int:pk>/", minimal_case),
        path("", include("zakrila.urls")),
    ]
    return module


def run(args: argparse.Namespace) -> None:
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from zakrila.accounts.models import User
    from zakrila.cases.models import Case, Contact

    settings.ROOT_URLCONF = baseline_urlconf()
    t0 = time.perf_counter()
    call_command("migrate", verbosity=0)
    migrate_seconds = time.perf_counter() - t0
    with connection.cursor() as cursor:
        cursor.execute("SELECT version()")
        version = cursor.fetchone()[0].split(" on ")[0]
    today = timezone.localdate()
    net = build(args, today)
    # Loaded by COPY, without the ORM's signals: nothing cached (with REDIS_URL, from a run
    # before) may stand for these users' memberships.
    from django.core.cache import cache

    cache.clear()

    print(f"database: {version}; today {today}, seed {args.seed}, {os.cpu_count()} cores")
    print(f"migrations: {migrate_seconds:.0f} s; data build: {net.seconds['total']:.0f} s")
    print()
    print("| build step | seconds |")
    print("|---|---|")
    for label, seconds in net.seconds.items():
        print(f"| {label} | {seconds:.1f} |")
    print()
    print_sizes(net)

    # The organisation measured: the first. Its first case manager and its director.
    o = 0
    org_cases = [i for i in range(len(net.case_org)) if net.case_org[i] == o]
    manager = User.objects.get(pk=net.staff_ids[o][0])
    director = User.objects.get(pk=net.director_ids[o])
    browsers = {"case manager": Browser(manager), "director": Browser(director)}
    fill = {"unit": str(net.unit_ids[o][0]), "worker": str(net.staff_ids[o][1])}
    rows: list[Row] = []

    def rows_shown(response: Any) -> str:
        return f"{len(CASE_ROW.findall(response.content.decode()))} rows"

    plan: list[Planned] = []
    for label, template in FILTERS:
        query = {key: value.format(**fill) for key, value in template.items()}
        pages = {name: list_urls(browser, query) for name, browser in browsers.items()}
        for page in PAGES:
            row = Row(f"list: {label}, page {page}")
            for name, browser in browsers.items():
                if page in pages[name]:
                    plan.append(Planned(row, name, browser, pages[name][page], rows_shown))
            if any(item.row is row for item in plan):
                rows.append(row)

    # Case pages of the organisation: few, the median, the 99th percentile and the most
    # contacts. Each is opened by its key worker (a case manager) and by the director.
    by_contacts = sorted(org_cases, key=lambda i: net.case_contacts[i])
    with_some = [i for i in by_contacts if net.case_contacts[i] >= 2]
    picks = [
        ("few", with_some[0]),
        ("median", by_contacts[len(by_contacts) // 2]),
        ("99th percentile", by_contacts[int(len(by_contacts) * 0.99)]),
        ("most", by_contacts[-1]),
    ]
    cache: dict[int, Browser] = {manager.pk: browsers["case manager"]}
    for label, i in picks:
        pk = i + 1
        key_worker = net.case_key_worker[i]
        if key_worker not in cache:
            cache[key_worker] = Browser(User.objects.get(pk=key_worker))
        contacts = Contact.objects.filter(case_id=pk).count()
        status = Case.objects.values_list("status", flat=True).get(pk=pk)

        def page_size(response: Any, contacts: int = contacts, status: str = status) -> str:
            return f"{contacts} contacts, {status}, {len(response.content) // 1024} kB"

        row = Row(f"case page: {label} contacts")
        plan.append(Planned(row, "case manager", cache[key_worker], f"/cases/{pk}/", page_size))
        plan.append(Planned(row, "director", browsers["director"], f"/cases/{pk}/", page_size))
        rows.append(row)
        row = Row(f"baseline: case page, {label} contacts")
        url = f"/bench/minimal/cases/{pk}/"
        plan.append(Planned(row, "case manager", cache[key_worker], url, page_size))
        plan.append(Planned(row, "director", browsers["director"], url, page_size))
        rows.append(row)

    row = Row("baseline: list, the same 50 rows")
    for name, browser in browsers.items():
        plan.append(Planned(row, name, browser, "/bench/minimal/cases/", rows_shown))
    rows.append(row)

    # Every request once untimed, then in rounds: each round times every request once, so that
    # a burst of other work on the machine spreads over all rows instead of spoiling a few.
    waited = time.perf_counter()
    while os.getloadavg()[0] >= 1 and time.perf_counter() - waited < args.settle:
        time.sleep(5)
    print(
        f"waited {time.perf_counter() - waited:.0f} s for the load to settle: "
        f"load average (1 min) {os.getloadavg()[0]:.2f}"
    )
    loads = [os.getloadavg()[0]]
    measuring = time.perf_counter()
    for item in plan:
        item.browser.get(item.url)
    for _ in range(args.runs):
        for item in plan:
            elapsed, sql, cpu = item.browser.timed(item.url)
            item.timings.append(elapsed)
            item.sql.append(sql)
            item.cpu.append(cpu)
        loads.append(os.getloadavg()[0])
    for item in plan:
        response, queries, slowest = item.browser.captured(item.url)
        item.row.users[item.user] = Measured(
            item.timings, item.sql, item.cpu, queries, slowest, item.shown(response)
        )

    print(
        f"measured in {time.perf_counter() - measuring:.0f} s; load average (1 min) "
        f"{loads[0]:.2f} at the start, {min(loads):.2f}–{max(loads):.2f} while measuring "
        "(the benchmark itself keeps about one of the two cores busy)"
    )
    print()
    print_table(rows, args.runs, net)
    explain_slow(rows)


def print_sizes(net: Network) -> None:
    from django.db import connection

    print("| table | rows | heap | indexes | total |")
    print("|---|---|---|---|---|")
    with connection.cursor() as cursor:
        for table, count in net.rows.items():
            cursor.execute(
                "SELECT pg_table_size(%s::regclass), pg_indexes_size(%s::regclass), "
                "pg_total_relation_size(%s::regclass)",
                [table, table, table],
            )
            heap, indexes, total = cursor.fetchone()
            print(
                f"| {table} | {count:,} | {fmt_bytes(heap)} | {fmt_bytes(indexes)} "
                f"| {fmt_bytes(total)} |"
            )
        cursor.execute("SELECT pg_database_size(current_database())")
        print(f"| **database** | | | | **{fmt_bytes(cursor.fetchone()[0])}** |")
    print()


USERS = ("case manager", "director")


def print_table(rows: list[Row], runs: int, net: Network) -> None:
    cases = len(net.case_org)
    contacts = sum(net.case_contacts)
    print(
        f"| request ({cases:,} cases, {contacts:,} contacts; {runs} rounds) "
        "| shown (case manager / director) | queries | "
        + " | ".join(f"{u} p50 | p95 | max | SQL p50" for u in USERS)
        + " |"
    )
    print("|---" * (3 + 4 * len(USERS)) + "|")
    for prefix, title in (
        ("list", "every list request"),
        ("case", "every case page"),
        ("baseline: list", "baseline: minimal list page"),
        ("baseline: case", "baseline: minimal case page"),
    ):
        group = [r for r in rows if r.label.startswith(prefix)]
        cells = []
        for user in USERS:
            timings = [t for r in group if user in r.users for t in r.users[user].timings]
            sql = [t for r in group if user in r.users for t in r.users[user].sql]
            cells += [
                f"**{fmt_ms(statistics.median(timings))}**",
                f"**{fmt_ms(percentile(timings, 0.95))}**",
                f"**{fmt_ms(max(timings))}**",
                f"**{fmt_ms(statistics.median(sql))}**",
            ]
        print(f"| **{title}** | {len(group)} requests | | " + " | ".join(cells) + " |")
    for row in rows:
        cells = []
        for user in USERS:
            m = row.users.get(user)
            if m is None:
                cells += ["—"] * 4
                continue
            cells += [
                fmt_ms(statistics.median(m.timings)),
                fmt_ms(percentile(m.timings, 0.95)),
                fmt_ms(max(m.timings)),
                fmt_ms(statistics.median(m.sql)),
            ]
        shown = " / ".join(dict.fromkeys(m.shown for m in row.users.values()))
        queries = " / ".join(dict.fromkeys(str(m.queries) for m in row.users.values()))
        print(f"| {row.label} | {shown} | {queries} | " + " | ".join(cells) + " |")
    print()
    print("| page / its baseline (same run) | " + " | ".join(
        f"{u}: p50 ratio | p95 ratio | CPU p50" for u in USERS) + " |")  # fmt: skip
    print("|---" * (1 + 3 * len(USERS)) + "|")
    for prefix, base in (("list", "baseline: list"), ("case", "baseline: case")):
        cells = []
        for user in USERS:
            page = [t for r in rows if r.label.startswith(prefix) and user in r.users
                    for t in r.users[user].timings]  # fmt: skip
            baseline = [t for r in rows if r.label.startswith(base) and user in r.users
                        for t in r.users[user].timings]  # fmt: skip
            cpu = [t for r in rows if r.label.startswith(prefix) and user in r.users
                   for t in r.users[user].cpu]  # fmt: skip
            cells += [
                f"{statistics.median(page) / statistics.median(baseline):.2f}×",
                f"{percentile(page, 0.95) / percentile(baseline, 0.95):.2f}×",
                fmt_ms(statistics.median(cpu)),
            ]
        print(f"| {prefix} pages | " + " | ".join(cells) + " |")
    print()


def explain_slow(rows: list[Row]) -> None:
    """For each request whose p95 misses the goal: its slowest queries, and EXPLAIN ANALYZE of
    the slowest SELECT when that one takes a noticeable part of the time."""
    from django.db import connection

    for row in rows:
        for user, m in row.users.items():
            p95 = percentile(m.timings, 0.95)
            if p95 <= GOAL_MS:
                continue
            print(
                f"### {row.label} ({user}): p95 {fmt_ms(p95)}, of it SQL "
                f"{fmt_ms(statistics.median(m.sql))} (p50) in {m.queries} queries"
            )
            for ms, statement in m.slowest:
                print(f"- {fmt_ms(ms)}: {statement[:160]}…")
            ms, statement = m.slowest[0]
            if (
                ms >= 5
                and statement.lstrip().upper().startswith("SELECT")
                and "FOR UPDATE" not in statement
            ):
                print(statement)
                with connection.cursor() as cursor:
                    cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + statement)
                    print("\n".join(line for (line,) in cursor.fetchall()))
            print()


if __name__ == "__main__":
    main()
