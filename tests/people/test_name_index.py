"""The search index of names keeps in step with the records: every service that changes a name
changes the index in the same transaction, erased names leave it, and ``zakrila people
reindex`` rebuilds it."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse

from tests.factories import PersonFactory, UnitFactory, member
from zakrila.accounts.models import Role
from zakrila.people.models import NameWord, Person, PersonNameWord
from zakrila.people.queries import search_people
from zakrila.people.services import (
    person_alias_add,
    person_anonymise,
    person_create,
    person_merge,
    person_update,
)


def _words(person: Person) -> set[str]:
    return set(PersonNameWord.objects.filter(person=person).values_list("word__word", flat=True))


def _carriers(word: str) -> int | None:
    return NameWord.objects.filter(word=word).values_list("people", flat=True).first()


def test_a_registered_person_is_linked_to_the_words_of_their_name(org, case_manager):
    person = person_create(
        actor=case_manager,
        organisation_id=org.pk,
        data={"first_name": "Сийка", "middle_name": "Джамбазова", "last_name": "Сапунджиева"},
    )
    assert _words(person) == {"siyka", "dzhambazova", "sapundzhieva"}
    assert _carriers("sapundzhieva") == 1
    assert search_people(user=case_manager, text="Sapundjieva Siika") == [person]


def test_a_changed_surname_moves_the_person_to_the_new_word_and_the_old_one_goes(org, case_manager):
    person = person_create(
        actor=case_manager,
        organisation_id=org.pk,
        data={"first_name": "Сийка", "last_name": "Сапунджиева"},
    )
    namesake = PersonFactory(organisation=org, first_name="Сийка", last_name="Петрова")

    person_update(
        actor=case_manager,
        person=person,
        data={"last_name": "Кирова"},
        expected_version=person.version,
    )

    assert _words(person) == {"siyka", "kirova"}
    assert _carriers("sapundzhieva") is None  # nobody carries it any more
    assert _carriers("siyka") == 2
    assert search_people(user=case_manager, text="Сапунджиева") == []
    assert search_people(user=case_manager, text="Сийка Кирова") == [person]
    assert namesake in search_people(user=case_manager, text="Сийка")


def test_another_name_is_refused_on_a_merged_record_and_when_empty(org, case_manager):
    keep = PersonFactory(organisation=org, first_name="Ана", middle_name="", last_name="Кирова")
    gone = PersonFactory(organisation=org, first_name="Анна", middle_name="", last_name="Кирова")
    person_merge(actor=case_manager, keep=keep, merge=gone)
    with pytest.raises(ValidationError):
        person_alias_add(actor=case_manager, person=gone, last_name="Петрова")
    with pytest.raises(ValidationError):
        person_alias_add(actor=case_manager, person=keep, first_name=" ")
    assert search_people(user=case_manager, text="Петрова") == []


def test_a_merged_record_carries_no_words_and_the_kept_one_is_found_by_both_names(
    org, case_manager
):
    keep = PersonFactory(organisation=org, first_name="Ана", middle_name="", last_name="Кирова")
    gone = PersonFactory(organisation=org, first_name="Анна", middle_name="", last_name="Кирова")

    person_merge(actor=case_manager, keep=keep, merge=gone)

    assert _words(gone) == set()
    assert _words(keep) == {"ana", "anna", "kirova"}
    assert _carriers("kirova") == 1
    assert search_people(user=case_manager, text="Анна Кирова") == [keep]


def test_anonymisation_removes_the_persons_words_from_the_index(org, director):
    erased = PersonFactory(organisation=org, first_name="Зюмбюла", middle_name="",
                           last_name="Ксантипова")  # fmt: skip
    person_alias_add(actor=director, person=erased, last_name="Кукумявкова")
    other = PersonFactory(organisation=org, first_name="Зюмбюла", middle_name="",
                          last_name="Петрова")  # fmt: skip

    person_anonymise(actor=director, person=erased, reason="искане на лицето")

    assert _words(erased) == set()
    # Words nobody else carries are gone from the database altogether.
    assert not NameWord.objects.filter(word__in=["ksantipova", "kukumyavkova"]).exists()
    assert _carriers("zyumbyula") == 1
    assert search_people(user=director, text="Ксантипова") == []
    assert search_people(user=director, text="Кукумявкова") == []
    assert search_people(user=director, text="Зюмбюла") == [other]


def test_reindex_rebuilds_a_lost_index_and_refreshes_stale_keys(org, case_manager):
    jordanka = PersonFactory(organisation=org, first_name="Йорданка", middle_name="",
                             last_name="Сапунджиева")  # fmt: skip
    person_alias_add(actor=case_manager, person=jordanka, last_name="Христова")
    PersonNameWord.objects.all().delete()
    NameWord.objects.all().delete()
    # A key written by an older version of the spelling rules.
    Person.objects.filter(pk=jordanka.pk).update(search_key="stale")
    assert search_people(user=case_manager, text="Йорданка") == []

    call_command("people", "reindex", verbosity=0)

    jordanka.refresh_from_db()
    assert jordanka.search_key == "yordanka sapundzhieva | hristova"
    assert search_people(user=case_manager, text="Sapundjieva") == [jordanka]
    assert search_people(user=case_manager, text="Йорданка Христова") == [jordanka]
    assert _carriers("yordanka") == 1


def test_search_shows_only_the_units_a_limited_member_may_see(org, cop):
    elsewhere = UnitFactory(organisation=org)
    mine = PersonFactory(organisation=org, unit=cop, first_name="Сийка", last_name="Кирова")
    PersonFactory(organisation=org, unit=elsewhere, first_name="Сийка", last_name="Кирова")
    worker = member(org, Role.CASE_MANAGER, units=[cop])

    assert search_people(user=worker, text="Сийка Кирова") == [mine]


def test_more_namesakes_than_search_reads_are_shown_newest_first_with_a_note(
    client, org, case_manager, monkeypatch
):
    from zakrila.people import search

    monkeypatch.setattr(search, "CANDIDATE_BUDGET", 5)
    namesakes = [
        PersonFactory(
            organisation=org,
            first_name="Сийка",
            middle_name="",
            last_name="Кирова",
            birth_date=dt.date(2010, 1, 1) + dt.timedelta(days=index),
        )
        for index in range(8)
    ]

    found = search_people(user=case_manager, text="Кирова", limit=3)
    assert found == namesakes[::-1][:3]
    assert not found.complete
    typo = search_people(user=case_manager, text="Кирва", limit=3)
    assert typo == namesakes[::-1][:3]
    assert not typo.complete
    assert search_people(user=case_manager, text="Кирова", limit=20).complete is False

    client.force_login(case_manager)
    page = client.get(reverse("people:search"), {"q": "Сийка Кирова"})
    assert 'data-testid="people-search-more"' in page.content.decode()
    rare = client.get(reverse("people:search"), {"q": "Сийка Кирова"[:4]})
    assert rare.status_code == 200
