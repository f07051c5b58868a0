from __future__ import annotations

import datetime as dt

import pytest

from tests.factories import PersonFactory, member
from zakrila.accounts.models import Role
from zakrila.people.identifiers import generate_egn


@pytest.fixture
def child(org, cop):
    """A child of ``org`` with health notes (confidential) and an ЕГН."""
    return PersonFactory(
        organisation=org,
        unit=cop,
        first_name="Йорданка",
        middle_name="Петрова",
        last_name="Христова",
        sex="female",
        birth_date=dt.date(2016, 5, 3),
        personal_number=generate_egn(dt.date(2016, 5, 3), "female", 3),
        personal_number_kind="egn",
        health_notes="Епилепсия, лекарства сутрин.",
        municipality="Русе",
    )


@pytest.fixture
def director(org):
    return member(org, Role.DIRECTOR, email="director@example.bg")


@pytest.fixture
def dpo(org):
    return member(org, Role.DPO, email="dpo@example.bg")


@pytest.fixture
def field_worker(org):
    return member(org, Role.FIELD_WORKER, email="field@example.bg")
