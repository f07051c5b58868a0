from __future__ import annotations

from typing import Any

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


def _uses_demo(item: pytest.Item) -> bool:
    return "demo" in getattr(item, "fixturenames", ())


def _transactional(item: pytest.Item) -> bool:
    marker = item.get_closest_marker("django_db")
    fixtures = getattr(item, "fixturenames", ())
    return bool(
        (marker is not None and marker.kwargs.get("transaction"))
        or "transactional_db" in fixtures
        or "live_server" in fixtures
    )


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The tests on the demo run together, after the other plain database tests and before the
    transactional ones (which empty the tables, data migrations' rows too): the demo is built
    once for all of them (``_demo_for_session``) and rolled back after the last of them, so
    nothing else ever runs while it is in the database."""
    demo = [item for item in items if _uses_demo(item)]
    rest = [item for item in items if not _uses_demo(item)]
    at = next((i for i, item in enumerate(rest) if _transactional(item)), None)
    if at is None:  # no transactional test: the demo's tests go after the database tests
        at = next((i for i, item in enumerate(rest) if "db" not in item.fixturenames), len(rest))
    items[:] = rest[:at] + demo + rest[at:]


class _Demo:
    """The open transaction that holds the demo while its tests run."""

    outer: Any = None
    blocker: Any = None

    @classmethod
    def roll_back(cls) -> None:
        if cls.outer is None:
            return
        with cls.blocker.unblock():
            transaction.set_rollback(True)
            cls.outer.__exit__(None, None, None)
        cls.outer = None


@pytest.fixture(scope="session")
def _demo_for_session(django_db_setup, django_db_blocker):
    """The demo, built once for the whole test session inside a transaction that is rolled back
    after the last test that uses it; each test runs in its own savepoint inside it, so tests
    stay independent. The same on SQLite and PostgreSQL: no copy of the database is needed,
    because the tests on the demo are ordered to run one after another."""
    from zakrila.core.demo import build_demo

    _Demo.blocker = django_db_blocker
    with django_db_blocker.unblock():
        _Demo.outer = transaction.atomic()
        _Demo.outer.__enter__()
        try:
            build_demo()
        except BaseException:
            _Demo.roll_back()
            raise
    yield
    _Demo.roll_back()


@pytest.hookimpl(trylast=True)
def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None) -> None:
    """After the last test on the demo (its own savepoint already gone), roll the demo back, so
    the tests that follow see the database as they expect it."""
    if _uses_demo(item) and (nextitem is None or not _uses_demo(nextitem)):
        _Demo.roll_back()


@pytest.fixture
def demo(_demo_for_session, db):
    """The demo data (both organisations, people, cases, placements), built once per session."""
