"""A member limited to one unit sees no link that would be a 404 for them (issue 11, item 15):
pages ask the policy (``person_openable``/``household_openable``, the ``may_open`` filter)
before linking a person or a household."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import PersonFactory, UnitFactory, member
from zakrila.accounts.models import Role
from zakrila.accounts.policy import (
    household_openable,
    households_visible_to,
    people_visible_to,
    person_openable,
)
from zakrila.cases.services import case_open, referral_register
from zakrila.organisations.models import UnitKind
from zakrila.people.services import household_create, household_member_add

LINK = re.compile(r'href="(/(?:people|cases)/[^"]*)"')


@pytest.fixture
def street(org):
    return UnitFactory(
        organisation=org, kind=UnitKind.STREET_CHILDREN, name="Център за деца на улицата",
        code="ЦДУ",
    )  # fmt: skip


@pytest.fixture
def field_worker(org, cop):
    """Works in the community support centre only."""
    return member(org, Role.FIELD_WORKER, units=[cop], email="field@example.bg")


@pytest.fixture
def world(org, cop, street, case_manager, director):
    """A child of the centre whose mother and household were registered by the street unit,
    and a street child whose case and referral are the centre's."""
    child = PersonFactory(organisation=org, unit=cop, first_name="Ана", last_name="Центрова")
    mother = PersonFactory(organisation=org, unit=street, first_name="Мая", last_name="Улична")
    own = household_create(actor=director, child=child, name="Семейство Центрови")
    household_member_add(actor=director, household=own, person=mother, relationship="mother")
    street_child = PersonFactory(
        organisation=org, unit=street, first_name="Боби", last_name="Улични"
    )
    theirs = household_create(actor=director, child=street_child, name="Семейство Улични")
    household_member_add(actor=director, household=theirs, person=child, relationship="sibling")
    referral = referral_register(
        actor=case_manager, unit=cop, person=street_child, source="school", reason="x",
        received_on=timezone.localdate(), household=theirs,
    )  # fmt: skip
    case = case_open(
        actor=case_manager, unit=cop, person=street_child, key_worker=case_manager,
        without_referral_reason="x", household=theirs,
    )  # fmt: skip
    return {
        "child": child, "mother": mother, "street_child": street_child, "own": own,
        "theirs": theirs, "referral": referral, "case": case,
    }  # fmt: skip


def _links(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode(), set(LINK.findall(response.content.decode()))


def test_a_unit_limited_field_worker_sees_no_link_that_would_be_a_404(client, field_worker, world):
    client.force_login(field_worker)
    pages = [
        world["child"].get_absolute_url(),
        world["own"].get_absolute_url(),
        world["case"].get_absolute_url(),
        reverse("cases:referral", args=[world["referral"].pk]),
    ]
    seen = set()
    for url in pages:
        _, links = _links(client, url)
        seen |= links
    for link in sorted(seen):
        assert client.get(link).status_code != 404, f"{link} is a 404 for the field worker"
    for hidden in (world["mother"], world["street_child"], world["theirs"]):
        assert hidden.get_absolute_url() not in seen


def test_the_names_are_still_shown_without_a_link(client, field_worker, world):
    client.force_login(field_worker)
    household, _ = _links(client, world["own"].get_absolute_url())
    assert "Мая" in household and "Улична" in household
    case_page, _ = _links(client, world["case"].get_absolute_url())
    assert "Боби" in case_page and "Семейство Улични" in case_page
    person_page, _ = _links(client, world["child"].get_absolute_url())
    assert "Семейство Улични" in person_page


def test_the_director_gets_the_links(client, director, world):
    client.force_login(director)
    _, links = _links(client, world["case"].get_absolute_url())
    assert world["street_child"].get_absolute_url() in links
    assert world["theirs"].get_absolute_url() in links
    _, links = _links(client, world["own"].get_absolute_url())
    assert world["mother"].get_absolute_url() in links


def test_the_in_memory_rule_agrees_with_the_querysets(
    org, cop, street, world, field_worker, director, outsider, case_manager
):
    trainer = member(org, Role.TRAINER, email="trainer@example.bg")
    carer_of_street = member(org, Role.CARER, units=[street], email="carer@example.bg")
    merged = PersonFactory(organisation=org, unit=cop)
    merged.merged_into = world["child"]
    merged.save()
    nobody_s = PersonFactory(organisation=org, unit=None)
    people = [*[world[k] for k in ("child", "mother", "street_child")], merged, nobody_s]
    for user in (field_worker, director, outsider, case_manager, trainer, carer_of_street):
        visible = set(people_visible_to(user).values_list("pk", flat=True))
        for person in people:
            assert person_openable(user, person) is (person.pk in visible), (user, person)
        households = set(households_visible_to(user).values_list("pk", flat=True))
        for household in (world["own"], world["theirs"]):
            assert household_openable(user, household) is (household.pk in households)
