"""The demo: two organisations with their units, programmes, contracts and one user per role.

Built deterministically (a fixed seed), so every run gives the same people and the same logins.
Later apps add their records here as they arrive.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from faker import Faker
from stdnum.bg import vat

from zakrila.accounts.models import Membership, Role, User
from zakrila.audit.sealing import audit_seal
from zakrila.cases.demo import build_cases
from zakrila.cases.reminders import reminders_refresh
from zakrila.giving.demo import build_giving
from zakrila.organisations.models import (
    Contract,
    Organisation,
    PartnerOrganisation,
    Programme,
    ProgrammeKind,
    Unit,
    UnitKind,
)
from zakrila.people.demo import PeoplePlan, build_people
from zakrila.placements.demo import build_placements
from zakrila.programmes.demo import build_programmes
from zakrila.programmes.demo_outreach import build_outreach
from zakrila.training.demo import build_training

DEMO_PASSWORD = "zakrila-demo-2026"  # noqa: S105  (published on purpose: demo only)
SEED = 20260401


def eik_from(base: str) -> str:
    """A valid 9-digit ЕИК from 8 digits, so the demo passes the same validation as real data."""
    return base + vat.calc_check_digit_legal(base)


@dataclass(frozen=True)
class DemoLogin:
    email: str
    role: str
    organisation: str


@dataclass(frozen=True)
class OrgPlan:
    key: str
    domain: str
    name_bg: str
    name_en: str
    eik_base: str
    settlement: str
    municipality: str
    address: str


RUSE = OrgPlan(
    key="ruse",
    domain="demo.zakrila.bg",
    name_bg="Сдружение „Еквилибриум“",
    name_en="Equilibrium Association",
    eik_base="11752801",
    settlement="гр. Русе",
    municipality="Русе",
    address="гр. Русе, ул. „Борисова“ 22",
)
OTHER = OrgPlan(
    key="other",
    domain="other.demo.zakrila.bg",
    name_bg="Фондация „Детски хоризонти“",
    name_en="Children's Horizons Foundation",
    eik_base="10460903",
    settlement="гр. Велико Търново",
    municipality="Велико Търново",
    address="гр. Велико Търново, ул. „Никола Габровски“ 7",
)

# Which units a role's membership is limited to (by unit code); absent: every unit.
# Ruse has a team, not one person per role: more staff beside the demo logins, with their own
# e-mails (``case_manager.2@demo.zakrila.bg``), so the caseload is spread as in a real centre.
EXTRA_STAFF = {
    "ruse": {Role.CASE_MANAGER: 2, Role.SPECIALIST: 1, Role.FIELD_WORKER: 1, Role.CARER: 2},
    "other": {},
}

UNIT_LIMITS = {
    "ruse": {Role.CARER: ["ЦНСТ", "СП"], Role.FIELD_WORKER: ["ЦРДУ", "ЦОП"]},
    "other": {},
}


RUSE_PEOPLE = PeoplePlan(
    families=90,
    street_children=14,
    duplicates=5,
    settlements=("гр. Русе", "гр. Русе", "гр. Русе", "с. Николово", "гр. Мартен", "с. Басарбово"),
    municipality="Русе",
)
OTHER_PEOPLE = PeoplePlan(
    families=20,
    street_children=0,
    duplicates=1,
    settlements=("гр. Велико Търново", "гр. Дебелец"),
    municipality="Велико Търново",
)


def build_demo() -> list[DemoLogin]:
    """Create the demo records that are missing; records already there are left as they are."""
    with transaction.atomic():
        logins: list[DemoLogin] = []
        ruse = _organisation(RUSE)
        _ruse_structure(ruse)
        logins += _users(RUSE, ruse, seed=SEED)
        other = _organisation(OTHER)
        _other_structure(other)
        logins += _users(OTHER, other, seed=SEED + 1)
        today = timezone.localdate()
        build_people(organisation=ruse, plan=RUSE_PEOPLE, seed=SEED, today=today)
        build_people(organisation=other, plan=OTHER_PEOPLE, seed=SEED + 1, today=today)
        build_cases(organisation=ruse, seed=SEED, count=60)
        build_cases(organisation=other, seed=SEED + 1, count=8)
        build_placements(organisation=ruse, seed=SEED)
        build_training(organisation=ruse, seed=SEED)
        build_giving(organisation=ruse, seed=SEED)
        build_outreach(organisation=ruse, seed=SEED)
        build_programmes(organisation=ruse, seed=SEED)
        build_programmes(organisation=other, seed=SEED + 1, small=True)
        reminders_refresh()
        admin_email = "admin@demo.zakrila.bg"
        if not User.objects.filter(email=admin_email).exists():
            User.objects.create_superuser(
                email=admin_email, password=DEMO_PASSWORD, full_name="Системен администратор"
            )
        logins.append(DemoLogin(admin_email, "system administrator", "—"))
        # The demo's history is sealed before anyone opens it, so `audit verify` passes at once.
        audit_seal()
    return logins


def _organisation(plan: OrgPlan) -> Organisation:
    organisation, _ = Organisation.objects.get_or_create(
        eik=eik_from(plan.eik_base),
        defaults={
            "name_bg": plan.name_bg,
            "name_en": plan.name_en,
            "address": plan.address,
            "settlement": plan.settlement,
            "municipality": plan.municipality,
        },
    )
    return organisation


def _unit(organisation: Organisation, code: str, **fields: object) -> Unit:
    unit, _ = Unit.objects.get_or_create(organisation=organisation, code=code, defaults=fields)
    return unit


def _ruse_structure(org: Organisation) -> None:
    cop = _unit(
        org,
        "ЦОП",
        kind=UnitKind.COMMUNITY_SUPPORT,
        name="Център за обществена подкрепа – Русе",
        capacity=80,
        licence_number="Л-3117-01",
        licence_date=dt.date(2020, 9, 14),
        address="гр. Русе, ул. „Борисова“ 22",
    )
    _unit(
        org,
        "СП",
        kind=UnitKind.EMERGENCY_RECEPTION,
        name="Звено „Спешен прием“",
        capacity=4,
        parent=cop,
        licence_number="Л-3117-01",
        licence_date=dt.date(2020, 9, 14),
        address="гр. Русе, ул. „Борисова“ 22",
    )
    street = _unit(
        org,
        "ЦРДУ",
        kind=UnitKind.STREET_CHILDREN,
        name="Център за работа с деца на улицата – Русе",
        capacity=30,
        licence_number="Л-3118-02",
        licence_date=dt.date(2021, 3, 2),
        address="гр. Русе, ул. „Цар Освободител“ 95",
    )
    _unit(
        org,
        "ЦНСТ",
        kind=UnitKind.FAMILY_TYPE_PLACEMENT,
        name="ЦНСТ „Розова къща“",
        capacity=14,
        licence_number="Л-3119-03",
        licence_date=dt.date(2019, 6, 20),
        address="гр. Русе, ул. „Розова долина“ 3",
    )
    programmes = [
        (ProgrammeKind.MATERNITY_WARD, "Превенция на ниво родилен дом", cop),
        (ProgrammeKind.EARLY_INTERVENTION, "Ранна интервенция", cop),
        (ProgrammeKind.PARENT_GROUP, "„Необикновени родители – необикновени деца“", cop),
        (ProgrammeKind.SOS_PARENT, "„SOS – родител“", cop),
        (ProgrammeKind.FAMILY_PLANNING, "Семейно планиране и работа на терен", street),
        (ProgrammeKind.DEINSTITUTIONALISATION, "Деинституционализация", cop),
    ]
    for kind, name, unit in programmes:
        Programme.objects.get_or_create(
            organisation=org, kind=kind, defaults={"name": name, "unit": unit}
        )
    partner, _ = PartnerOrganisation.objects.get_or_create(
        organisation=org,
        name_bg="Клуб „Отворено общество – Русе“",
        defaults={"name_en": "Open Society Club – Ruse", "eik": eik_from("11755072")},
    )
    contract, created = Contract.objects.get_or_create(
        organisation=org,
        municipality="Община Русе",
        defaults={
            "number": "РД-01-1344/2025",
            "starts_on": dt.date(2025, 1, 1),
            "ends_on": dt.date(2027, 12, 31),
            "funded_capacity": 128,
        },
    )
    if created:
        contract.partners.add(partner)
        contract.units.set(Unit.objects.filter(organisation=org))


def _other_structure(org: Organisation) -> None:
    cop = _unit(
        org,
        "ЦОП",
        kind=UnitKind.COMMUNITY_SUPPORT,
        name="Център за обществена подкрепа – Велико Търново",
        capacity=40,
        licence_number="Л-4021-01",
        licence_date=dt.date(2022, 2, 1),
        address=OTHER.address,
    )
    Programme.objects.get_or_create(
        organisation=org,
        kind=ProgrammeKind.EARLY_INTERVENTION,
        defaults={"name": "Ранна интервенция – Велико Търново", "unit": cop},
    )
    contract, created = Contract.objects.get_or_create(
        organisation=org,
        municipality="Община Велико Търново",
        defaults={
            "number": "ВТ-77/2024",
            "starts_on": dt.date(2024, 7, 1),
            "ends_on": dt.date(2027, 6, 30),
            "funded_capacity": 40,
        },
    )
    if created:
        contract.units.add(cop)


def _users(plan: OrgPlan, org: Organisation, *, seed: int) -> list[DemoLogin]:
    fake = Faker("bg_BG")
    fake.seed_instance(seed)
    rng = random.Random(seed)
    limits = UNIT_LIMITS[plan.key]
    logins = []
    for role in Role:
        email = f"{role.value}@{plan.domain}"
        female = rng.random() < 0.8  # most of the social workforce are women
        name = (
            f"{fake.first_name_female()} {fake.last_name_female()}"
            if female
            else (f"{fake.first_name_male()} {fake.last_name_male()}")
        )
        user = User.objects.filter(email=email).first()
        if user is None:
            user = User.objects.create_user(email=email, password=DEMO_PASSWORD, full_name=name)
        membership, created = Membership.objects.get_or_create(
            user=user,
            organisation=org,
            defaults={"roles": [role.value], "starts_on": dt.date(2025, 1, 1)},
        )
        if created and role in limits:
            membership.units.set(Unit.objects.filter(organisation=org, code__in=limits[role]))
        logins.append(DemoLogin(email, role.value, org.name_bg))
    _extra_staff(plan, org, seed=seed)
    return logins


def _extra_staff(plan: OrgPlan, org: Organisation, *, seed: int) -> None:
    """The colleagues of the demo logins (their own Faker seed, so the logins' names stay)."""
    fake = Faker("bg_BG")
    fake.seed_instance(seed + 100)
    limits = UNIT_LIMITS[plan.key]
    for role, extra in EXTRA_STAFF[plan.key].items():
        for number in range(2, 2 + extra):
            email = f"{role.value}.{number}@{plan.domain}"
            name = f"{fake.first_name_female()} {fake.last_name_female()}"
            user = User.objects.filter(email=email).first()
            if user is None:
                user = User.objects.create_user(email=email, password=DEMO_PASSWORD, full_name=name)
            membership, created = Membership.objects.get_or_create(
                user=user,
                organisation=org,
                defaults={"roles": [role.value], "starts_on": dt.date(2025, 1, 1)},
            )
            if created and role in limits:
                membership.units.set(Unit.objects.filter(organisation=org, code__in=limits[role]))
