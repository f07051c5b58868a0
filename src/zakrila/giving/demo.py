"""Demo donations and volunteers for Ruse: a year of money and in-kind donations, two stores
and their stock, distributions to the families of the demo, and volunteers' hours in the units.

Built month by month through the services, so the stock is what the ledger says and every
distribution took only what was there; one volunteer has no criminal-record certificate (they
sort donations, never work with children) and one's certificate runs out in about ten days
(the coordinator's home page warns). Deterministic (a fixed seed), dates relative to today.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from django.core.exceptions import ValidationError
from django.utils import timezone

from zakrila.accounts.models import Membership, Role, User
from zakrila.cases.models import Case, CaseStatus
from zakrila.giving.models import (
    CERTIFICATE_VALID_MONTHS,
    AssignmentStatus,
    Donor,
    Item,
    Store,
    Volunteer,
)
from zakrila.giving.services import (
    GivenLine,
    ReceivedLine,
    assignment_make,
    assignment_record_hours,
    distribution_make,
    donation_receive,
    donor_create,
    item_create,
    money_donation_record,
    need_create,
    stock_adjust,
    store_create,
    volunteer_create,
    volunteer_update,
)
from zakrila.organisations.models import Organisation, Unit, UnitKind
from zakrila.people.models import Household

# name, category, measure, value per unit (EUR), shelf life in days (None: keeps), usual lot
ITEMS = (
    ("Брашно тип 500", "food", "kg", "1.10", 240, 40),
    ("Олио слънчогледово", "food", "l", "2.40", 300, 24),
    ("Ориз", "food", "kg", "2.20", 360, 30),
    ("Боб", "food", "kg", "3.10", 360, 20),
    ("Макарони", "food", "pack", "1.30", 300, 40),
    ("Консерви риба", "food", "piece", "2.10", 540, 30),
    ("Адаптирано мляко", "baby", "pack", "14.50", 200, 12),
    ("Памперси размер 4", "baby", "pack", "11.90", None, 20),
    ("Бебешки пюрета", "food", "piece", "1.60", 150, 48),
    ("Парацетамол сироп", "medicine", "piece", "4.80", 400, 10),
    ("Шампоан и сапун (комплект)", "hygiene", "set", "5.50", None, 20),
    ("Прах за пране", "hygiene", "pack", "8.90", None, 12),
    ("Зимни якета детски", "clothing", "piece", "25.00", None, 10),
    ("Обувки детски", "clothing", "pair", "18.00", None, 12),
    ("Ученически раници", "school", "piece", "22.00", None, 10),
    ("Тетрадки и пособия (комплект)", "school", "set", "9.00", None, 20),
    ("Играчки и книжки", "toys", "set", "7.00", None, 15),
)  # fmt: skip

COMPANIES = (
    "„Дунав Фуудс“ ЕООД", "„Русенска пекарна“ ООД", "„Аптеки Здраве“ ЕООД", "„Лидер Маркет“ АД",
    "„Монтажи Русе“ ЕООД", "„Бебешки свят“ ООД", "Ротари клуб – Русе", "„Книжарница Знание“ ЕООД",
    "„Транслогистик“ ООД", "„Текстил Дунав“ АД",
)  # fmt: skip
PEOPLE = (
    "Елица Добрева", "Стоян Колев", "Мария Атанасова", "Пламен Йорданов", "Веселина Петкова",
    "Николай Христов", "Ралица Маринова", "Георги Стефанов", "Даниела Костова", "Тодор Илиев",
    "Кремена Божинова", "Иван Русев", "Светла Недялкова", "Борислав Ганев", "Анелия Тончева",
    "Христо Вълчев", "Деница Павлова", "Любомир Ангелов", "Цветелина Рачева", "Йордан Митев",
)  # fmt: skip
VOLUNTEERS = (
    ("Гергана Добромирова", "занимания с децата, рисуване", True),
    ("Ива Илиева", "помощ с уроците", True),
    ("Симеон Петров", "спорт и игри навън", True),
    ("Мартина Колева", "четене с децата", True),
    ("Виктор Ненов", "помощ с уроците по математика", True),
    ("Радостина Янкова", "музика", True),
    ("Петя Стоянова", "придружаване до лекар и училище", True),
    ("Калоян Димов", "сортиране в склада, шофиране", False),
    ("Нели Андреева", "готвене, сортиране на дрехи", True),
    ("Богдан Райчев", "ремонти", True),
    ("Десислава Цонева", "занимания с бебета и майки", True),
    ("Яна Маркова", "английски език", True),
)  # fmt: skip


def _staff(organisation: Organisation, role: str) -> User | None:
    for membership in (
        Membership.objects.filter(organisation=organisation).select_related("user").order_by("id")
    ):
        if role in membership.roles:
            return membership.user
    return None


def _at(day: dt.date, hour: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def build_giving(*, organisation: Organisation, seed: int) -> int:
    """Nothing when the organisation already has a store. Returns the distributions made."""
    if Store.objects.filter(organisation=organisation).exists():
        return 0
    coordinator = _staff(organisation, Role.GIVING_COORDINATOR)
    if coordinator is None:
        return 0
    rng = random.Random(seed)  # noqa: S311  (demo data, not secrets)
    today = timezone.localdate()
    start = today - relativedelta(months=12)
    cop = Unit.objects.filter(organisation=organisation, kind=UnitKind.COMMUNITY_SUPPORT).first()
    home = Unit.objects.filter(
        organisation=organisation, kind=UnitKind.FAMILY_TYPE_PLACEMENT
    ).first()
    units = [u for u in (cop, home) if u is not None]
    stores = [
        store_create(
            actor=coordinator, organisation_id=organisation.pk, name="Склад ЦОП – Русе", unit=cop,
            address="гр. Русе, ул. „Борисова“ 22, сутерен",
        ),
        store_create(
            actor=coordinator, organisation_id=organisation.pk, name="Склад „Розова къща“",
            unit=home, address="гр. Русе",
        ),
    ]  # fmt: skip
    items = [
        (
            item_create(
                actor=coordinator,
                organisation_id=organisation.pk,
                name=name,
                category=category,
                measure=measure,
            ),
            Decimal(value),
            life,
            lot,
        )
        for name, category, measure, value, life, lot in ITEMS
    ]
    donors = _donors(organisation, coordinator, rng, start)
    households = list(Household.objects.filter(organisation=organisation).order_by("id")[:60])
    cases = list(
        Case.objects.filter(organisation=organisation, is_restricted=False)
        .exclude(status=CaseStatus.CLOSED)
        .order_by("id")[:12]
    )
    distributions = 0
    month = start.replace(day=1)
    while month <= today:
        distributions += _month_of_giving(
            month, today, coordinator, stores, items, donors, households, cases, rng
        )
        month += relativedelta(months=1)
    _volunteers(organisation, coordinator, units, rng, start, today)
    return distributions


def _donors(
    organisation: Organisation, coordinator: User, rng: random.Random, start: dt.date
) -> list[Donor]:
    donors = []
    for n, name in enumerate(COMPANIES):
        keep = n % 3 != 2
        donors.append(donor_create(
            actor=coordinator, organisation_id=organisation.pk, kind="company", name=name,
            eik=f"11700{n:04d}", keep_contact=keep, consent_on=start if keep else None,
            email=f"office{n}@firma.example" if keep else "", wishes_to_be_named=n % 4 != 3,
        ))  # fmt: skip
    for n, name in enumerate(PEOPLE):
        keep = n % 2 == 0
        donors.append(donor_create(
            actor=coordinator, organisation_id=organisation.pk, kind="person", name=name,
            keep_contact=keep, consent_on=start if keep else None,
            phone=f"0888 {rng.randint(100000, 999999)}" if keep else "",
            wishes_to_be_named=n % 3 == 0,
        ))  # fmt: skip
    return donors


def _day_in(
    month: dt.date, today: dt.date, rng: random.Random, first: int, last: int
) -> dt.date | None:
    day = month.replace(day=min(rng.randint(first, last), 28))
    return day if day <= today else None


def _month_of_giving(
    month: dt.date, today: dt.date, coordinator: User, stores: list[Store],
    items: list[tuple[Item, Decimal, int | None, int]], donors: list[Donor],
    households: list[Household], cases: list[Case], rng: random.Random,
) -> int:  # fmt: skip
    # Money: a few donations a month, more in December.
    for _n in range(rng.randint(3, 6) + (6 if month.month == 12 else 0)):
        day = _day_in(month, today, rng, 1, 28)
        if day is None:
            continue
        donor = rng.choice(donors)
        amount = Decimal(rng.choice((20, 30, 50, 50, 100, 150, 200, 500, 1000)))
        if donor.kind == "company":
            amount *= 3
        money_donation_record(
            actor=coordinator, donor=donor, received_on=day, amount=amount,
            method=rng.choice(("bank", "bank", "cash", "card")),
            purpose=rng.choice(("", "", "за Розовата къща", "за зимни дрехи", "за ученически пособия")),
        )  # fmt: skip
    # Things: two to four donations in the first half of the month.
    for _n in range(rng.randint(2, 4)):
        day = _day_in(month, today, rng, 1, 14)
        if day is None:
            continue
        chosen = rng.sample(items, rng.randint(2, 5))
        lines = [
            ReceivedLine(
                item=item,
                quantity=Decimal(max(1, int(lot * rng.uniform(0.5, 1.5)))),
                unit_value=value,
                expires_on=day + dt.timedelta(days=int(life * rng.uniform(0.4, 1.0)))
                if life
                else None,
            )
            for item, value, life, lot in chosen
        ]
        donation_receive(
            actor=coordinator, store=rng.choice(stores),
            donor=None if rng.random() < 0.15 else rng.choice(donors), received_on=day,
            lines=lines, handed_over_by_name=rng.choice(("", "шофьорът на фирмата", "дарителят")),
        )  # fmt: skip
    # Distributions: to families and to cases, in the second half of the month.
    made = 0
    recipients: list[tuple[Household | None, Case | None]] = [(h, None) for h in households]
    recipients += [(None, c) for c in cases]
    if not recipients:
        return 0
    for _n in range(rng.randint(8, 14)):
        day = _day_in(month, today, rng, 12, 28)
        if day is None:
            continue
        household, case = rng.choice(recipients)
        store = rng.choice(stores)
        given = [
            GivenLine(item=item, quantity=Decimal(rng.randint(1, 3)))
            for item, _value, _life, _lot in rng.sample(items, rng.randint(1, 4))
        ]
        try:
            distribution_make(
                actor=coordinator, store=store, household=household, case=case,
                distributed_on=day, lines=given, received_by_name=rng.choice(("майката", "бабата", "бащата", "")),
                receipt_signed=rng.random() < 0.7,
            )  # fmt: skip
        except ValidationError:
            continue  # not in that store that day: the coordinator gives something else
        made += 1
    # Now and then something is thrown away or found damaged.
    if rng.random() < 0.4:
        lot = (
            stores[0]
            .lots.filter(quantity__gt=1, expires_on__isnull=False)
            .order_by("expires_on")
            .first()
        )
        if lot is not None:
            stock_adjust(
                actor=coordinator, lot=lot, change=-Decimal(1), reason="damaged",
                note="скъсана опаковка", occurred_on=min(month + dt.timedelta(days=20), today),
            )  # fmt: skip
    return made


def _volunteers(
    organisation: Organisation, coordinator: User, units: list[Unit], rng: random.Random,
    start: dt.date, today: dt.date,
) -> None:  # fmt: skip
    people = [
        volunteer_create(
            actor=coordinator,
            organisation_id=organisation.pk,
            full_name=name,
            consent_on=start - dt.timedelta(days=rng.randint(1, 60)),
            skills=skills,
            email=f"volunteer{n}@example.bg",
            record_certificate_number=f"{rng.randint(1000, 9999)}/{start.year}" if checked else "",
            record_certificate_on=start - dt.timedelta(days=5) if checked else None,
        )
        for n, (name, skills, checked) in enumerate(VOLUNTEERS)
    ]
    now = timezone.now()
    day = start
    while day <= today + dt.timedelta(days=21):
        # A weekly afternoon with the children in each unit (Tuesdays in the centre, Saturdays
        # in the Pink House) and, every other Friday, sorting donations in the store.
        for unit in units:
            weekday = 5 if unit.kind == UnitKind.FAMILY_TYPE_PLACEMENT else 1
            if day.weekday() == weekday:
                _need_with_volunteers(coordinator, unit, day, people, rng, now, with_children=True)
        if day.weekday() == 4 and day.isocalendar().week % 2 == 0 and units:
            _need_with_volunteers(coordinator, units[0], day, people, rng, now, with_children=False)
        day += dt.timedelta(days=1)
    # One certificate runs out in about ten days: the home page warns the coordinator.
    soon = Volunteer.objects.get(pk=people[1].pk)
    volunteer_update(
        actor=coordinator, volunteer=soon, expected_version=soon.version,
        record_certificate_on=today - relativedelta(months=CERTIFICATE_VALID_MONTHS) + dt.timedelta(days=10),
    )  # fmt: skip


def _need_with_volunteers(
    coordinator: User, unit: Unit, day: dt.date, people: list[Volunteer], rng: random.Random,
    now: dt.datetime, *, with_children: bool,
) -> None:  # fmt: skip
    if with_children:
        title = rng.choice((
            "Занимания по интереси с децата", "Помощ с домашните", "Игри навън", "Четене на приказки",
        ))  # fmt: skip
        hours = (15, 18)
    else:
        title, hours = "Сортиране на даренията в склада", (10, 13)
    need = need_create(
        actor=coordinator, unit=unit, title=title, starts_at=_at(day, hours[0]),
        ends_at=_at(day, hours[1]), people_needed=rng.randint(2, 3), with_children=with_children,
    )  # fmt: skip
    for volunteer in rng.sample(people, need.people_needed):
        current = Volunteer.objects.get(pk=volunteer.pk)
        if with_children and current.record_certificate_on is None:
            continue  # no certificate: sorting in the store only
        if with_children and not current.certificate_valid_on(day) and day <= timezone.localdate():
            # The coordinator asked for a new certificate before it ran out.
            current = volunteer_update(
                actor=coordinator, volunteer=current, expected_version=current.version,
                record_certificate_on=day - dt.timedelta(days=7),
            )  # fmt: skip
        try:
            assignment = assignment_make(actor=coordinator, need=need, volunteer=current)
        except ValidationError:
            continue
        if assignment.ends_at < now:
            if rng.random() < 0.06:
                continue  # did not come: stays scheduled, no hours
            done = Decimal(hours[1] - hours[0]) - Decimal(rng.choice((0, 0, 0, "0.5", 1)))
            assignment_record_hours(
                actor=coordinator, assignment=assignment, hours_done=done,
                expected_version=assignment.version,
            )  # fmt: skip
        elif assignment.status != AssignmentStatus.SCHEDULED:
            continue
