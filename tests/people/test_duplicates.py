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
