"""A case page and a person page skip the sections nothing points at (one statement asks them
all), and still show every section that has something in it."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import PersonFactory
from zakrila.cases.models import Task
from zakrila.cases.services import case_open
from zakrila.cases.services.tasks import task_create
from zakrila.cases.timeline import CASE_SECTIONS
from zakrila.core.presence import Sections
from zakrila.people.models import PersonAlias
from zakrila.people.services import person_alias_add

# The sections of a case page, each in a table of its own.
CASE_SECTION_TABLES = (
    "cases_assessment", "cases_supportplan", "cases_review", "cases_casedocument",
    "cases_servicecontract", "cases_followup", "cases_task", "placements_placement",
    "programmes_enrolment", "giving_distribution", "cases_closure",
)  # fmt: skip
PERSON_SECTION_TABLES = (
    "people_personalias", "people_household", "people_householdmember", "people_consent",
    "people_disclosure", "programmes_enrolment",
)  # fmt: skip


@pytest.fixture
def case(case_manager, cop, org):
    child = PersonFactory(organisation=org, unit=cop, first_name="Ивана", last_name="Колева")
    return case_open(
        actor=case_manager, unit=cop, person=child, key_worker=case_manager,
        without_referral_reason="консултация",
    )  # fmt: skip


def _reads(client, url):
    """The page's statements that read a section's table (the one asking them all aside)."""
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    statements = [query["sql"] for query in captured.captured_queries]
    asked = [sql for sql in statements if sql.startswith("SELECT EXISTS(")]
    reads = [sql for sql in statements if not sql.startswith("SELECT EXISTS(")]
    return response.content.decode(), asked, reads


def _tables_read(reads, tables):
    return {table for table in tables if any(f'"{table}"' in sql for sql in reads)}


def test_an_empty_case_page_asks_its_sections_once_and_reads_none(client, case, case_manager):
    client.force_login(case_manager)
    client.get("/")  # the session's first save
    body, asked, reads = _reads(client, case.get_absolute_url())
    assert len(asked) == 1
    assert all(f'"{table}"' in asked[0] for table in CASE_SECTION_TABLES)
    assert _tables_read(reads, CASE_SECTION_TABLES) == set()
    assert "Ивана" in body and 'data-testid="case-tasks"' not in body


def test_a_section_with_rows_is_read_and_shown_and_only_it(client, case, case_manager):
    client.force_login(case_manager)
    task_create(
        actor=case_manager, case=case, organisation_id=case.organisation_id,
        title="Посещение в училището", assignee=case_manager, due_on=dt.date(2030, 1, 10),
    )  # fmt: skip
    body, asked, reads = _reads(client, case.get_absolute_url())
    assert len(asked) == 1
    assert _tables_read(reads, CASE_SECTION_TABLES) == {"cases_task"}
    assert 'data-testid="case-tasks"' in body and "Посещение в училището" in body


def test_an_empty_person_page_reads_none_of_its_sections_and_shows_an_alias_once_added(
    client, case, case_manager
):
    person = case.person
    client.force_login(case_manager)
    client.get("/")
    body, asked, reads = _reads(client, person.get_absolute_url())
    assert len(asked) == 1
    assert _tables_read(reads, PERSON_SECTION_TABLES) == set()
    assert case.number in body  # the person's cases: that section has a row
    person_alias_add(actor=case_manager, person=person, last_name="Петрова", source="акт")
    body, asked, reads = _reads(client, person.get_absolute_url())
    assert _tables_read(reads, PERSON_SECTION_TABLES) == {"people_personalias"}
    assert "Петрова" in body


def test_a_model_never_added_or_added_after_the_question_is_always_read(case):
    sections = Sections("test")
    sections.add(Task, "case")
    assert sections.has(case, PersonAlias)  # never added: read as before
    assert not sections.has(case, Task)  # added, nothing points at the case
    sections.add(PersonAlias, "person", of="person_id")
    assert sections.has(case, PersonAlias)  # added after this record was asked about
    assert not CASE_SECTIONS.has(case, Task)  # another kind of record asks on its own


def test_a_section_that_points_at_another_attribute_of_the_record(case, case_manager):
    """A case's placements point at the case's person, not at the case."""
    sections = Sections("test")
    sections.add(PersonAlias, "person", of="person_id")
    person_alias_add(actor=case_manager, person=case.person, last_name="Петрова")
    assert sections.has(case, PersonAlias)
    other = PersonFactory(organisation=case.person.organisation)
    sections_of_other = Sections("test")
    sections_of_other.add(PersonAlias, "person")
    assert not sections_of_other.has(other, PersonAlias)


def test_the_case_page_shows_its_household_and_proposed_closure_read_on_their_own(
    client, org, case, case_manager
):
    """The case is read with its unit, child and key worker only; its household and closure,
    when it has them, by statements of their own (an eight-table statement cost PostgreSQL
    more to plan than everything else on the page)."""
    from tests.factories import HouseholdFactory, member
    from zakrila.accounts.models import Role
    from zakrila.cases.models import Case
    from zakrila.cases.services import closure_request

    household = HouseholdFactory(child=case.person, name="Семейство Колеви")
    Case.objects.filter(pk=case.pk).update(household=household)
    director = member(org, Role.DIRECTOR, email="director@example.bg")
    case.refresh_from_db()
    closure_request(
        actor=director, case=case, outcome="stays_in_family", reason="целите са постигнати",
        expected_version=case.version,
    )  # fmt: skip
    client.force_login(case_manager)
    body, _asked, reads = _reads(client, case.get_absolute_url())
    assert "Семейство Колеви" in body
    assert 'data-testid="closure"' in body and "целите са постигнати" in body
    case_read = next(sql for sql in reads if sql.startswith('SELECT "cases_case"."id"'))
    assert '"people_household"' not in case_read and '"cases_closure"' not in case_read
