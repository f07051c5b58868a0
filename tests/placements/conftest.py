"""What the placements tests share: an Emergency Reception unit with two beds and an extra
one, a family-type home, the carer on duty and the director, and a child's case."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from tests.factories import PersonFactory, UnitFactory, member
from zakrila.accounts.models import Role
from zakrila.cases.services import case_open
from zakrila.organisations.models import UnitKind
from zakrila.placements.models import Bed


@pytest.fixture
def emergency(org, cop):
    unit = UnitFactory(
        organisation=org,
        kind=UnitKind.EMERGENCY_RECEPTION,
        parent=cop,
        name="Спешен прием",
        code="СП",
        capacity=2,
        max_stay_days=30,
    )
    for label in ("Легло 1", "Легло 2"):
        Bed.objects.create(organisation=org, unit=unit, label=label)
    Bed.objects.create(organisation=org, unit=unit, label="Допълнително", is_extra=True)
    return unit


@pytest.fixture
def pink_house(org):
    unit = UnitFactory(
        organisation=org,
        kind=UnitKind.FAMILY_TYPE_PLACEMENT,
        name="Розова къща",
        code="РК",
        capacity=2,
        max_stay_days=3 * 365,
    )
    for label in ("Стая 1", "Стая 2"):
        Bed.objects.create(organisation=org, unit=unit, label=label)
    return unit


@pytest.fixture
def carer(org):
    return member(org, Role.CARER, email="carer@example.bg")


@pytest.fixture
def director(org):
    return member(org, Role.DIRECTOR, email="dir@example.bg")


def open_case(org, unit, case_manager, name="Ани"):
    child = PersonFactory(organisation=org, unit=unit, first_name=name, last_name="Колева")
    return case_open(
        actor=case_manager,
        unit=unit,
        person=child,
        key_worker=case_manager,
        without_referral_reason="спешно",
    )


def night(days_ago=1):
    """02:30, ``days_ago`` days ago; never later than a minute ago (between midnight and 02:30,
    tonight's 02:30 is still to come and an admission cannot be in the future: the suite runs
    at any hour)."""
    day = timezone.localdate() - dt.timedelta(days=days_ago)
    at = dt.datetime.combine(day, dt.time(2, 30), tzinfo=timezone.get_current_timezone())
    return min(at, timezone.localtime().replace(second=0, microsecond=0) - dt.timedelta(minutes=1))


def bed_of(unit, label):
    return Bed.objects.get(unit=unit, label=label)
