from __future__ import annotations

import pytest

from tests.factories import UnitFactory, member
from zakrila.accounts.models import Role
from zakrila.organisations.models import UnitKind


@pytest.fixture
def street(org):
    return UnitFactory(
        organisation=org, kind=UnitKind.STREET_CHILDREN, name="ЦРДУ Русе", code="ЦРДУ"
    )


@pytest.fixture
def street_worker(org, street, cop):
    """The street team: a field worker of the Centre for Street Children (and the ЦОП)."""
    return member(
        org, Role.FIELD_WORKER, units=[street, cop], email="street@example.bg",
        full_name="Стефан Уличен",
    )  # fmt: skip


@pytest.fixture
def specialist(org, cop):
    return member(org, Role.SPECIALIST, email="line@example.bg", full_name="Лина Линейна")


@pytest.fixture
def carer(org):
    return member(org, Role.CARER, email="carer@example.bg", full_name="Калина Грижовна")
