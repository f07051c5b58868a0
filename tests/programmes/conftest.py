from __future__ import annotations

import pytest

from tests.factories import PersonFactory, ProgrammeFactory, member
from zakrila.accounts.models import Role
from zakrila.organisations.models import ProgrammeKind


@pytest.fixture
def programme_of(org, cop):
    """A programme of the organisation, run by the ЦОП, of the given kind."""

    def make(kind: str):
        return ProgrammeFactory(organisation=org, unit=cop, kind=kind, name=str(kind))

    return make


@pytest.fixture
def di(programme_of):
    return programme_of(ProgrammeKind.DEINSTITUTIONALISATION)


@pytest.fixture
def pregnancy_programme(programme_of):
    return programme_of(ProgrammeKind.FAMILY_PLANNING)


@pytest.fixture
def field_worker(org):
    return member(org, Role.FIELD_WORKER, email="field@example.bg", full_name="Теренна Работничка")


@pytest.fixture
def child(org, cop):
    return PersonFactory(organisation=org, unit=cop)
