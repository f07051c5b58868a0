"""People and records of the giving tests.

The giving coordinator and the director run donations and volunteers; the DPO reads them; a
case manager sees the distributions to their cases on the case page; ``outsider`` works for
another organisation.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from tests.factories import HouseholdFactory, PersonFactory, member
from zakrila.accounts.models import Role
from zakrila.giving.services import (
    GivenLine,
    ReceivedLine,
    distribution_make,
    donation_receive,
    donor_create,
    item_create,
    store_create,
    volunteer_create,
)


@pytest.fixture
def coordinator(org):
    return member(
        org, Role.GIVING_COORDINATOR, email="giving@example.bg", full_name="Милена Дарителска"
    )


@pytest.fixture
def director(org):
    return member(
        org, Role.DIRECTOR, email="director@example.bg", full_name="Десислава Директорова"
    )


@pytest.fixture
def dpo(org):
    return member(org, Role.DPO, email="dpo@example.bg", full_name="Зорница Защитова")


@pytest.fixture
def store(coordinator, org, cop):
    return store_create(
        actor=coordinator, organisation_id=org.pk, name="Склад ЦОП", unit=cop, address="Русе"
    )


@pytest.fixture
def flour(coordinator, org):
    return item_create(
        actor=coordinator, organisation_id=org.pk, name="Брашно", category="food", measure="kg"
    )


@pytest.fixture
def nappies(coordinator, org):
    return item_create(
        actor=coordinator, organisation_id=org.pk, name="Памперси", category="baby", measure="pack"
    )


@pytest.fixture
def donor(coordinator, org):
    return donor_create(
        actor=coordinator, organisation_id=org.pk, kind="company", name="„Дунав Фуудс“ ЕООД",
        eik="117000000", keep_contact=True, consent_on=timezone.localdate(),
        email="office@dunav.example", wishes_to_be_named=True,
    )  # fmt: skip


@pytest.fixture
def family(org, cop):
    child = PersonFactory(organisation=org, unit=cop, first_name="Ивайло", last_name="Христов")
    return HouseholdFactory(child=child, organisation=org, name="Семейство Христови")


def receive(actor: Any, store: Any, *lines: tuple[Any, str, str, dt.date | None], donor=None):
    """A donation of these lines: (item, quantity, value per unit, expiry)."""
    return donation_receive(
        actor=actor, store=store, donor=donor, received_on=timezone.localdate(),
        lines=[
            ReceivedLine(item=item, quantity=Decimal(q), unit_value=Decimal(v), expires_on=e)
            for item, q, v, e in lines
        ],
        handed_over_by_name="Стоян Стоянов",
    )  # fmt: skip


def give(actor: Any, store: Any, household: Any, *lines: tuple[Any, str], case: Any = None):
    return distribution_make(
        actor=actor, store=store, household=None if case else household, case=case,
        distributed_on=timezone.localdate(),
        lines=[GivenLine(item=item, quantity=Decimal(q)) for item, q in lines],
    )  # fmt: skip


def in_month(days: int) -> dt.date:
    return timezone.localdate() + dt.timedelta(days=days)


def make_volunteer(coordinator, org, *, certificate_on=None, name="Гергана Добромирова"):
    """A volunteer who agreed 40 days ago, with a criminal-record certificate of that date."""
    return volunteer_create(
        actor=coordinator, organisation_id=org.pk, full_name=name,
        consent_on=timezone.localdate() - dt.timedelta(days=40),
        record_certificate_number="1234" if certificate_on else "",
        record_certificate_on=certificate_on,
    )  # fmt: skip
