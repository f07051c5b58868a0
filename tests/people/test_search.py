"""search_people: the right child whatever the spelling, and nobody the user may not see."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection

from tests.factories import PersonFactory, member
from zakrila.accounts.models import Role
from zakrila.audit.models import AuditAction, AuditEvent
from zakrila.people.queries import search_people
from zakrila.people.services import person_alias_add


@pytest.fixture
def registry(org, other_org):
    people = {
        "jordanka": PersonFactory(
            organisation=org, first_name="Йорданка", middle_name="Петрова", last_name="Христова"
        ),
        "hristo": PersonFactory(
            organisation=org, first_name="Христо", middle_name="Йорданов", last_name="Петров"
        ),
        "tsvetan": PersonFactory(
            organisation=org, first_name="Цветан", middle_name="", last_name="Стоянов"
        ),
        "maria": PersonFactory(
            organisation=org, first_name="Мария", middle_name="Иванова", last_name="Щерева"
        ),
    }
    # Another organisation's child of the same name must never appear.
    PersonFactory(
        organisation=other_org, first_name="Йорданка", middle_name="", last_name="Христова"
    )
    return people


@pytest.mark.parametrize(
    "text",
    [
        "Йорданка Христова",
        "yordanka hristova",
        "Jordanka Khristova",
        "Христова Йорд",
        "ЙОРДАНКА",
        "Йорданка Петрова Христова",
        "hristova",
    ],
)
def test_the_issues_spellings_find_jordanka_first(registry, case_manager, text):
    found = search_people(user=case_manager, text=text)
    assert found[0] == registry["jordanka"]
    assert all(
        person.organisation_id == case_manager.memberships.get().organisation_id for person in found
    )


@pytest.mark.parametrize(
    ("text", "key"),
    [("Tzvetan Stoyanov", "tsvetan"), ("Cvetan", "tsvetan"), ("Stojanov", "tsvetan"), ("Mariya Shtereva", "maria"),
     ("щерева", "maria"), ("SHTEREVA", "maria")],
)  # fmt: skip
def test_informal_latin_spellings_and_cases_are_found(registry, case_manager, text, key):
    assert registry[key] in search_people(user=case_manager, text=text)


def test_a_personal_number_matches_exactly(org, case_manager):
    from zakrila.people.identifiers import generate_egn

    egn = generate_egn(dt.date(2014, 1, 2), "male", 5)
    person = PersonFactory(organisation=org, personal_number=egn, personal_number_kind="egn")
    PersonFactory(
        organisation=org, personal_number=egn[:-1] + "0" if egn[-1] != "0" else egn[:-1] + "1"
    )
    assert search_people(user=case_manager, text=egn) == [person]
    assert search_people(user=case_manager, text=f" {egn[:5]} {egn[5:]} ") == [person]


def test_an_outsider_finds_nothing(registry, outsider):
    assert registry["jordanka"] not in search_people(user=outsider, text="Йорданка Христова")


def test_a_trainer_finds_nobody(registry, org):
    trainer = member(org, Role.TRAINER)
    assert search_people(user=trainer, text="Йорданка") == []


def test_an_alias_is_found_after_a_name_change(registry, org, case_manager):
    person = registry["maria"]
    assert search_people(user=case_manager, text="Мария Петкова") == []
    alias = person_alias_add(
        actor=case_manager, person=person, first_name="Мария", last_name="Петкова",
        source="брак",
    )  # fmt: skip
    assert search_people(user=case_manager, text="Мария Петкова") == [person]
    assert search_people(user=case_manager, text="Maria Petkova") == [person]
    recorded = AuditEvent.objects.get(action=AuditAction.CREATE, object_id=str(alias.pk))
    assert recorded.person_id == person.pk


def test_nothing_to_search_finds_nothing(registry, case_manager):
    assert search_people(user=case_manager, text="  ,, ") == []


@pytest.mark.parametrize(
    "text",
    ["Йорданка Хритова", "Jordanka Hrystova", "Iordanka Christova", "Йорданка Христва",
     "Yordnaka Hristova"],
)  # fmt: skip
def test_a_typo_or_two_still_finds_the_child_on_either_database(registry, case_manager, text):
    assert search_people(user=case_manager, text=text)[0] == registry["jordanka"]


@pytest.mark.parametrize(
    ("text", "surname"), [("Purvanova", "Първанова"), ("Sapundjieva", "Сапунджиева")]
)
def test_informal_latin_surnames_the_issue_saw_missed_are_found(
    registry, org, case_manager, text, surname
):
    ana = PersonFactory(organisation=org, first_name="Ана", middle_name="", last_name=surname)
    assert search_people(user=case_manager, text=text)[0] == ana


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the locale check concerns PostgreSQL"
)
def test_the_database_locale_treats_cyrillic_as_letters(db):
    from zakrila.people.checks import postgresql_locale_problems

    assert postgresql_locale_problems() == []


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the locale check concerns PostgreSQL"
)
def test_a_c_locale_database_is_refused_with_the_fix_in_the_message(db):
    import psycopg
    from psycopg import sql

    from zakrila.people.checks import postgresql_locale_problems

    params = connection.get_connection_params()
    admin = {key: params[key] for key in ("host", "port", "user") if params.get(key)}
    name = f"{connection.settings_dict['NAME']}_c_locale"
    with psycopg.connect(dbname="postgres", autocommit=True, **admin) as server:
        server.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))
        server.execute(
            sql.SQL(
                "CREATE DATABASE {} TEMPLATE template0 ENCODING 'UTF8' LC_CTYPE 'C' LC_COLLATE 'C'"
            ).format(sql.Identifier(name))
        )
    try:
        with psycopg.connect(dbname=name, autocommit=True, **admin) as c_locale:
            c_locale.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
            problems = postgresql_locale_problems(c_locale)
        assert [problem.id for problem in problems] == ["zakrila.E102"]
        assert "LC_CTYPE=C" in problems[0].msg
    finally:
        with psycopg.connect(dbname="postgres", autocommit=True, **admin) as server:
            server.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))


def test_a_likely_duplicate_is_found_among_many_born_about_the_same_time(org):
    from zakrila.people.models import Person
    from zakrila.people.queries import likely_duplicates

    born = dt.date(2014, 6, 1)
    Person.objects.bulk_create(
        Person(
            organisation=org, first_name="Ана", last_name=f"Аврамова{index:03d}", birth_date=born
        )
        for index in range(600)
    )
    yana = PersonFactory(
        organisation=org, first_name="Яна", middle_name="", last_name="Яркова", birth_date=born
    )
    found = likely_duplicates(
        organisation_id=org.pk,
        first_name="Яна",
        last_name="Яркова",
        birth_date=dt.date(2014, 1, 1),
        estimated=True,
    )
    assert [candidate.person for candidate in found] == [yana]
