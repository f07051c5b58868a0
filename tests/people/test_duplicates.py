"""The duplicates queue and the comparison page: a worker sees both records side by side and
merges them (or marks them as different people) from the page itself."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse

from tests.factories import PersonFactory
from zakrila.audit.models import AuditAction, AuditEvent
from zakrila.people.models import Person, PersonAlias
from zakrila.people.queries import search_people

BORN = dt.date(2016, 5, 3)


def _pair(org):
    child = PersonFactory(organisation=org, first_name="Йорданка", middle_name="Петрова",
                          last_name="Христова", birth_date=BORN, sex="female")  # fmt: skip
    twin = PersonFactory(organisation=org, first_name="Иорданка", middle_name="",
                         last_name="Христова", birth_date=BORN, sex="female", phone="0899111222")  # fmt: skip
    return child, twin


def test_the_case_manager_opens_the_comparison_page_and_merges_from_it(client, org, case_manager):
    child, twin = _pair(org)
    client.force_login(case_manager)
    queue = client.get(reverse("people:duplicates"))
    compare_url = reverse("people:duplicate_compare", args=[child.pk, twin.pk])
    assert compare_url in queue.content.decode()

    page = client.get(compare_url)

    assert page.status_code == 200
    body = page.content.decode()
    assert "Йорданка Петрова Христова" in body
    assert "0899111222" in body
    # The form offers both records to keep, and the decision.
    assert f'name="keep" value="{child.pk}"' in body
    assert f'name="keep" value="{twin.pk}"' in body
    assert 'name="decision" value="merge"' in body
    viewed = AuditEvent.objects.filter(action=AuditAction.VIEW, actor=case_manager)
    assert sorted(viewed.values_list("person_id", flat=True)) == sorted([child.pk, twin.pk])
    assert set(viewed.values_list("details__what", flat=True)) == {"duplicate comparison"}

    response = client.post(compare_url, {"decision": "merge", "keep": child.pk})

    assert response.status_code == 302
    assert response.url == child.get_absolute_url()
    twin.refresh_from_db()
    assert twin.merged_into == child
    assert PersonAlias.objects.get(person=child).first_name == "Иорданка"
    assert search_people(user=case_manager, text="Христова") == [child]
    assert client.get(reverse("people:duplicates")).context["pairs"] == []


def test_a_merge_refused_on_the_page_says_why_and_keeps_both_records(client, org, case_manager):
    child, twin = _pair(org)
    client.force_login(case_manager)
    compare_url = reverse("people:duplicate_compare", args=[child.pk, twin.pk])

    response = client.post(compare_url, {"decision": "merge"})

    assert response.status_code == 200
    assert "Изберете кой запис остава; другият става част от него." in response.content.decode()
    assert Person.objects.filter(merged_into__isnull=False).count() == 0


def test_the_queue_pairs_same_day_similar_names_and_nothing_else(org, other_org, director):
    from zakrila.people.queries import duplicate_pairs
    from zakrila.people.services import duplicate_dismiss, person_anonymise

    def person(first, last, *, organisation=org, born=BORN, sex="female"):
        return PersonFactory(organisation=organisation, first_name=first, middle_name="",
                             last_name=last, birth_date=born, sex=sex)  # fmt: skip

    jordanka = person("Йорданка", "Христова")
    typo = person("Йорданак", "Христова")  # two letters swapped
    other_initial = person("Иорданка", "Христова")  # another first letter, same surname
    next_day = person("Йорданка", "Христова", born=dt.date(2016, 5, 4))
    boy = person("Йорданка", "Христова", sex="male")
    elsewhere = person("Йорданка", "Христова", organisation=other_org)
    stranger = person("Мария", "Иванова")  # same day, another name
    checked = person("Йордана", "Христова")
    duplicate_dismiss(actor=director, first=jordanka, second=checked)
    erased = person("Йорданка", "Христова")
    person_anonymise(actor=director, person=erased, reason="искане")

    pairs = {
        (a.pk, b.pk) for a, b, _similarity in duplicate_pairs(user=director, organisation_id=org.pk)
    }

    assert (jordanka.pk, typo.pk) in pairs
    assert (jordanka.pk, other_initial.pk) in pairs
    assert (typo.pk, other_initial.pk) in pairs
    assert (jordanka.pk, checked.pk) not in pairs  # a worker said they are different people
    everyone_paired = {pk for pair in pairs for pk in pair}
    for never in (next_day, boy, elsewhere, stranger, erased):
        assert never.pk not in everyone_paired, never


def test_a_worker_limited_to_a_unit_sees_only_pairs_within_it(org, cop):
    from tests.factories import UnitFactory, member
    from zakrila.accounts.models import Role
    from zakrila.people.queries import duplicate_pairs

    elsewhere = UnitFactory(organisation=org)
    mine = PersonFactory(organisation=org, unit=cop, first_name="Йорданка", middle_name="",
                         last_name="Христова", birth_date=BORN, sex="female")  # fmt: skip
    twin = PersonFactory(organisation=org, unit=cop, first_name="Йорданак", middle_name="",
                         last_name="Христова", birth_date=BORN, sex="female")  # fmt: skip
    PersonFactory(organisation=org, unit=elsewhere, first_name="Иорданка", middle_name="",
                  last_name="Христова", birth_date=BORN, sex="female")  # fmt: skip
    worker = member(org, Role.CASE_MANAGER, units=[cop])

    pairs = duplicate_pairs(user=worker, organisation_id=org.pk)

    assert [(a, b) for a, b, _similarity in pairs] == [(mine, twin)]
