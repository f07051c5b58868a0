"""Benchmark of the lists of donors and of volunteers at the size an organisation reaches.

Builds on PostgreSQL ``--organisations`` organisations, each with ``--donors`` donors (a third
of them companies), about ``--money`` money donations and a quarter as many in-kind donations
per donor, and ``--volunteers`` volunteers; then times, through Django's test client signed in
as the first organisation's giving coordinator:

- ``GET /giving/donors/`` — the first page, a page deep in the list, and a search by part of a
  name (each a page of 50 with the page's sums);
- ``GET /giving/volunteers/`` — the first page;
- ``GET /giving/donations/`` — the register: this year's money and in-kind donations (a page of
  100 with the year's count and sum), and a month and a year of money donations as an Excel
  workbook;
- the query the donors' list ran before it was paged: every donor of the organisation with the
  sum of their money and the count of their in-kind donations, joined and grouped (the query
  alone, without writing its rows into a page);
- and the coordinator's home page, with its warnings of certificates that run out.

Run:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/zakrila_bench_giving \\
        .venv/bin/python bench/giving.py
    ... bench/giving.py --donors 2000     # a quick, smaller run

The database is a throwaway (its name must start with "zakrila_bench"): created, migrated,
loaded with COPY and dropped again at the end unless --keep.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import sys
import time
from decimal import Decimal
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

SEED = 20261129
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/zakrila_bench_giving"
FIRST = ("Мария", "Елена", "Десислава", "Иван", "Георги", "Петя", "Никола", "Радост", "Калин")
LAST = ("Иванов", "Петров", "Стоянов", "Асенов", "Маринов", "Колев", "Христов", "Янков")
ITEMS = (
    ("Брашно тип 500", "food", "kg"),
    ("Олио", "food", "l"),
    ("Памперси, размер 4", "baby", "pack"),
    ("Адаптирано мляко", "baby", "box"),
    ("Зимно яке", "clothing", "piece"),
    ("Ученическа раница", "school", "piece"),
    ("Детски книжки", "toys", "set"),
    ("Одеяло", "household", "piece"),
)
FIRMS = ("Дунав", "Русе", "Родина", "Хлебна къща", "Мляко", "Строител", "Аптеки", "Детски свят")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--organisations", type=int, default=5)
    parser.add_argument("--donors", type=int, default=20_000, help="per organisation")
    parser.add_argument("--money", type=int, default=5, help="money donations per donor, mean")
    parser.add_argument("--volunteers", type=int, default=2_000, help="per organisation")
    parser.add_argument("--runs", type=int, default=30, help="timed requests of each page")
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    add_reuse_and_settle(parser, settle=60, below=1)
    args = parser.parse_args()
    url = setup_django(DEFAULT_URL, test_client=True)
    on_benchmark_database(url, lambda: run(args), keep=args.keep, reuse=args.reuse)


def _name(rng: random.Random, company: bool) -> str:
    if company:
        return f"„{rng.choice(FIRMS)} {rng.randint(1, 999)}“ ЕООД"
    return f"{rng.choice(FIRST)} {rng.choice(LAST)}{rng.choice(('', 'а'))} {rng.randint(1, 99)}"


def build(args: argparse.Namespace, today: dt.date) -> dict[str, Any]:
    from django.contrib.auth.hashers import make_password
    from django.db import transaction
    from django.utils import timezone
    from stdnum.bg import vat

    from zakrila.accounts.models import Membership, Role, User
    from zakrila.giving.models import (
        Donor,
        InKindDonation,
        Item,
        MoneyDonation,
        StockLot,
        Store,
        Volunteer,
    )
    from zakrila.organisations.models import Organisation, Unit

    rng = random.Random(args.seed)
    now = timezone.now()
    counts = {"donors": 0, "money": 0, "in_kind": 0, "lots": 0, "volunteers": 0}
    coordinator = None
    donor_id = money_id = in_kind_id = lot_id = volunteer_id = 0
    tenant = ["organisation_id", "created_at", "updated_at", "version"]
    with transaction.atomic():
        donors = TableWriter(Donor, ["id", *tenant, "kind", "name", "wishes_to_be_named"])
        money = TableWriter(MoneyDonation, ["id", *tenant, "donor_id", "number", "received_on",
                                            "amount", "method"])  # fmt: skip
        in_kind = TableWriter(InKindDonation, ["id", *tenant, "donor_id", "number", "store_id", "received_by_id",
                                               "received_on"])  # fmt: skip
        # Each thing received is a lot with its value (what the register sums); the lots are
        # read, never given out here, so they carry no movements.
        lots = TableWriter(StockLot, ["id", *tenant, "store_id", "item_id", "donation_id",
                                      "received_quantity", "quantity", "unit_value"])  # fmt: skip
        volunteers = TableWriter(Volunteer, ["id", *tenant, "full_name", "consent_on",
                                             "record_certificate_on"])  # fmt: skip
        for n in range(args.organisations):
            base = f"{34000000 + n:08d}"
            org = Organisation.objects.create(
                eik=base + vat.calc_check_digit_legal(base), name_bg=f"Бенчмарк дарения {n}",
                municipality="Русе",
            )  # fmt: skip
            unit = Unit.objects.create(organisation=org, code="ЦОП", kind="community_support",
                                       name="Център за обществена подкрепа", capacity=200)  # fmt: skip
            store = Store.objects.create(organisation=org, name="Склад", unit=unit)
            items = [
                Item.objects.create(organisation=org, name=name, category=category,
                                    measure=measure).pk
                for name, category, measure in ITEMS
            ]  # fmt: skip
            user = User.objects.create(
                email=f"giving{n}@bench.example.bg", full_name="Милена Дарителска",
                password=make_password(None),
            )  # fmt: skip
            Membership.objects.create(user=user, organisation=org, roles=[Role.GIVING_COORDINATOR],
                                      starts_on=dt.date(2025, 1, 1))  # fmt: skip
            coordinator = coordinator or user
            donor_rows, money_rows, in_kind_rows, lot_rows, volunteer_rows = [], [], [], [], []
            for _ in range(args.donors):
                donor_id += 1
                company = rng.random() < 0.33
                donor_rows.append((donor_id, org.pk, now, now, 1, "company" if company else
                                   "person", _name(rng, company), rng.random() < 0.3))  # fmt: skip
                for _ in range(rng.randint(0, 2 * args.money)):
                    money_id += 1
                    day = today - dt.timedelta(days=rng.randint(0, 3000))
                    money_rows.append((money_id, org.pk, now, now, 1, donor_id,
                        f"СД-{day.year}-{money_id:07d}", day,
                        Decimal(rng.randint(500, 50_000)) / 100, "bank"))  # fmt: skip
                if rng.random() < 0.25:
                    in_kind_id += 1
                    day = today - dt.timedelta(days=rng.randint(0, 3000))
                    in_kind_rows.append((in_kind_id, org.pk, now, now, 1, donor_id,
                        f"ПП-{day.year}-{in_kind_id:07d}", store.pk, user.pk, day))  # fmt: skip
                    for item in rng.sample(items, rng.randint(1, 3)):
                        lot_id += 1
                        quantity = Decimal(rng.randint(1, 40))
                        lot_rows.append((lot_id, org.pk, now, now, 1, store.pk, item, in_kind_id,
                            quantity, quantity, Decimal(rng.randint(50, 3_000)) / 100))  # fmt: skip
            for _ in range(args.volunteers):
                volunteer_id += 1
                certificate = today - dt.timedelta(days=rng.randint(0, 400))
                volunteer_rows.append((volunteer_id, org.pk, now, now, 1,
                    f"{rng.choice(FIRST)} {rng.choice(LAST)} {rng.randint(1, 99)}",
                    certificate, certificate))  # fmt: skip
            counts["donors"] += donors.write(donor_rows)
            counts["money"] += money.write(money_rows)
            counts["in_kind"] += in_kind.write(in_kind_rows)
            counts["lots"] += lots.write(lot_rows)
            counts["volunteers"] += volunteers.write(volunteer_rows)
            print(f"  organisation {n + 1}/{args.organisations} loaded", flush=True)
        tables = ("giving_donor", "giving_moneydonation", "giving_inkinddonation",
                  "giving_stocklot", "giving_volunteer")  # fmt: skip
    finish_load(list(tables))
    return {"user": coordinator, **counts}


def run(args: argparse.Namespace) -> None:
    from django.core.management import call_command
    from django.db import models
    from django.test import Client
    from django.utils import timezone

    from zakrila.accounts.models import User
    from zakrila.giving.models import Donor
    from zakrila.giving.queries import visible

    today = timezone.localdate()
    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    print(f"migrated in {time.perf_counter() - started:.0f} s", flush=True)
    if args.reuse:
        world: dict[str, Any] = {"user": User.objects.get(email="giving0@bench.example.bg")}
    else:
        loading = time.perf_counter()
        world = build(args, today)
        print(
            f"loaded {world['donors']:,} donors, {world['money']:,} money and "
            f"{world['in_kind']:,} in-kind donations ({world['lots']:,} things), "
            f"{world['volunteers']:,} volunteers "
            f"in {time.perf_counter() - loading:.0f} s",
            flush=True,
        )
    settle(args.settle, 1)
    user = world["user"]
    organisation_id = user.memberships.get().organisation_id
    client = Client()
    client.force_login(user)

    # A page deep in the list: follow the "next page" link ten times.
    deep = "/giving/donors/"
    for _ in range(10):
        html = client.get(deep).content.decode()
        marker = 'data-testid="donors-next"'
        if marker not in html:
            break
        deep = "/giving/donors/" + html.split(marker)[0].rsplit('href="', 1)[1].split('"')[0]
        deep = deep.replace("&amp;", "&")

    def before() -> None:
        rows = (
            visible(user, Donor, organisation_id)
            .annotate(
                money=models.Sum("money_donations__amount"),
                in_kind=models.Count("in_kind_donations", distinct=True),
            )
            .order_by("name", "id")
        )
        list(rows)

    month_ago = today - dt.timedelta(days=30)
    year_ago = today - dt.timedelta(days=365)
    measured: dict[str, Any] = {
        "donors, first page (/giving/donors/)": "/giving/donors/",
        "donors, the eleventh page": deep,
        "donors, search by part of a name (?q=Петров)": "/giving/donors/?q=Петров",
        "volunteers, first page (/giving/volunteers/)": "/giving/volunteers/",
        "register: this year's money donations (/giving/donations/)": "/giving/donations/",
        "register: this year's in-kind donations": "/giving/donations/?kind=in_kind",
        "register: a month of money donations in Excel": f"/giving/donations.xlsx?kind=money"
        f"&since={month_ago.isoformat()}&until={today.isoformat()}",
        "register: a year of money donations in Excel": f"/giving/donations.xlsx?kind=money"
        f"&since={year_ago.isoformat()}&until={today.isoformat()}",
        "register: a year of in-kind donations in Excel (valued by their things)": (
            f"/giving/donations.xlsx?kind=in_kind"
            f"&since={year_ago.isoformat()}&until={today.isoformat()}"
        ),
        "before: every donor with their sums, the query alone": before,
        "the coordinator's home page (/)": "/",
    }
    loads = [os.getloadavg()[0]]
    print(f"\nload average before measuring: {load_average()}")
    print("\n| what | p50 | p95 | max |")
    print("|---|---|---|---|")
    for label, target in measured.items():

        def once(target: Any = target) -> None:
            if callable(target):
                target()
            elif client.get(target).status_code != 200:
                sys.exit(f"{target}: not 200")

        once()  # warm
        timings = []
        for _ in range(args.runs):
            t0 = time.perf_counter()
            once()
            timings.append((time.perf_counter() - t0) * 1000)
        loads.append(os.getloadavg()[0])
        print(
            f"| {label} | {fmt_ms(percentile(timings, 0.5))} | "
            f"{fmt_ms(percentile(timings, 0.95))} | {fmt_ms(max(timings))} |",
            flush=True,
        )
    print(f"\nload average (1 min) while measuring: {min(loads):.2f}–{max(loads):.2f}; "
          f"now {load_average()}")  # fmt: skip


if __name__ == "__main__":
    main()
