from __future__ import annotations

import pytest
from django.core.cache import cache
from django.db import transaction

from tests.factories import OrganisationFactory, UnitFactory, member
from zakrila.accounts.models import Role
from zakrila.organisations.models import UnitKind


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _uploads_in_a_temporary_directory(settings, tmp_path):
    settings.ZAKRILA_UPLOADS_DIR = tmp_path / "uploads"


@pytest.fixture
def org(db):
    return OrganisationFactory(name_bg="Сдружение „Закрила“", name_en="Zakrila Association")


@pytest.fixture
def other_org(db):
    return OrganisationFactory(name_bg="Фондация „Друга“", name_en="Other Foundation")


@pytest.fixture
def cop(org):
    return UnitFactory(
        organisation=org, kind=UnitKind.COMMUNITY_SUPPORT, name="ЦОП Русе", code="ЦОП"
    )


@pytest.fixture
def case_manager(org, cop):
    return member(org, Role.CASE_MANAGER, email="cm@example.bg", full_name="Йорданка Христова")


@pytest.fixture
def outsider(other_org):
    """A case manager of another organisation, who must see nothing of ``org``."""
    return member(
        other_org, Role.CASE_MANAGER, email="outsider@example.bg", full_name="Петър Петров"
    )


# --- Personas (as Healthchecks has alice, bob and charlie) -----------------------------------
# The worker on the case, a colleague in the same organisation who is on no case's team, the
# director, a worker of another organisation (``outsider``) and an anonymous visitor. The route
# harness (tests/test_routes.py) walks every route with the same people, made by
# tests/routes.py::build_world.


@pytest.fixture
def worker(case_manager):
    """Alice: the case manager who carries the case (its key worker)."""
    return case_manager


@pytest.fixture
def colleague(org, cop):
    """Bob: a case manager of the same organisation, on no case's team."""
    return member(org, Role.CASE_MANAGER, email="colleague@example.bg", full_name="Борис Колегов")


@pytest.fixture
def director(org):
    """The director: approves, and sees restricted cases too."""
    return member(
        org, Role.DIRECTOR, email="director@example.bg", full_name="Десислава Директорова"
    )


@pytest.fixture
def anonymous(client):
    """A visitor who has not signed in."""
    client.logout()
    return client


@pytest.fixture(scope="module")
def _demo_for_module(django_db_setup, django_db_blocker):
    """The demo, built once for a test module inside a transaction that is rolled back at the
    module's end; each test runs in its own savepoint inside it, so tests stay independent."""
    from zakrila.core.demo import build_demo

    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            build_demo()
            yield
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


@pytest.fixture
def demo(_demo_for_module, db):
    """The demo data (both organisations, people, cases, placements)."""
