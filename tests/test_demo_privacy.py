"""The "must show" of privacy and people, on the demo data itself: isolation between the two
demo organisations on every record page, the audit chain, search and duplicates."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.db import connection
from django.urls import reverse

from zakrila.accounts.models import User
from zakrila.audit.models import AuditAction, AuditEvent
from zakrila.audit.sealing import audit_seal
from zakrila.cases.models import Case, Referral
from zakrila.organisations.models import Contract, Organisation, Programme, Unit
from zakrila.people.models import Household, Person
from zakrila.people.queries import duplicate_pairs, search_people

RUSE = "Сдружение „Еквилибриум“"
OTHER = "Фондация „Детски хоризонти“"


def _record_urls(organisation_name):
    organisation = Organisation.objects.get(name_bg=organisation_name)
    urls = [organisation.get_absolute_url()]
    for model in (Unit, Programme, Contract, Household, Case):
        urls += [
            record.get_absolute_url()
            for record in model.objects.filter(organisation=organisation)[:15]
        ]
    urls += [
        p.get_absolute_url()
        for p in Person.objects.filter(organisation=organisation, merged_into__isnull=True)[:30]
    ]
    urls += [
        reverse("cases:referral", args=[r.pk])
        for r in Referral.objects.filter(organisation=organisation)[:10]
    ]
    return urls


def test_the_ruse_case_manager_gets_404_for_every_record_of_the_other_organisation(client, demo):
    client.force_login(User.objects.get(email="case_manager@demo.zakrila.bg"))
    foreign = _record_urls(OTHER)
    own = _record_urls(RUSE)
    assert len(foreign) > 40 and len(own) > 60
    assert {url: client.get(url).status_code for url in foreign} == dict.fromkeys(foreign, 404)
    assert {url: client.get(url).status_code for url in own} == dict.fromkeys(own, 200)


def test_viewing_a_person_is_audited_and_the_chain_verifies_until_a_row_is_altered(client, demo):
    assert not AuditEvent.objects.filter(seq__isnull=True).exists()  # the demo ends sealed
    person = Person.objects.filter(organisation__name_bg=RUSE).first()
    client.force_login(User.objects.get(email="case_manager@demo.zakrila.bg"))
    client.get(person.get_absolute_url())
    assert AuditEvent.objects.filter(action=AuditAction.VIEW, person_id=person.pk).exists()
    audit_seal()  # as the server's sealer thread does within a second
    call_command("audit", "verify")
    # Tampering bypasses the database's refusal only by dropping to raw SQL with the trigger off;
    # the chain still tells.
    event = AuditEvent.objects.filter(person_id=person.pk).first()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER USER")
        else:
            cursor.execute("DROP TRIGGER IF EXISTS audit_event_no_update")
        cursor.execute(
            "UPDATE audit_auditevent SET actor_label = 'someone@else.bg' WHERE id = %s", [event.pk]
        )
    with pytest.raises(Exception, match="broken"):
        call_command("audit", "verify")


def test_the_dpo_sees_who_opened_a_childs_file(client, demo):
    person = Person.objects.filter(organisation__name_bg=RUSE).first()
    client.force_login(User.objects.get(email="field_worker@demo.zakrila.bg"))
    client.get(person.get_absolute_url())
    client.force_login(User.objects.get(email="dpo@demo.zakrila.bg"))
    response = client.get(reverse("people:history", args=[person.pk]))
    assert response.status_code == 200
    assert "field_worker@demo.zakrila.bg" in response.content.decode()


def test_the_case_manager_finds_the_demo_child_in_any_script_and_spelling(demo):
    user = User.objects.get(email="case_manager@demo.zakrila.bg")
    for text in ["yordanka hristova", "Jordanka Khristova", "Христова Йорд", "ЙОРДАНКА"]:
        found = search_people(user=user, text=text)
        assert found and found[0].full_name == "Йорданка Петрова Христова", text
        assert {person.organisation.name_bg for person in found} == {RUSE}
    other_person = Person.objects.filter(organisation__name_bg=OTHER).exclude(last_name="").first()
    assert other_person not in search_people(user=user, text=other_person.full_name)
    assert other_person not in search_people(
        user=user, text=other_person.personal_number or other_person.last_name
    )


def test_a_typo_finds_the_demo_child_on_postgresql(demo):
    if connection.vendor != "postgresql":
        pytest.skip("typo tolerance is the trigram path of PostgreSQL")
    user = User.objects.get(email="case_manager@demo.zakrila.bg")
    assert (
        search_people(user=user, text="Йорданка Хритова")[0].full_name
        == "Йорданка Петрова Христова"
    )


def test_a_planted_duplicate_warns_and_merging_keeps_both_histories(client, demo):
    director = User.objects.get(email="director@demo.zakrila.bg")
    ruse = Organisation.objects.get(name_bg=RUSE)
    pairs = duplicate_pairs(user=director, organisation_id=ruse.pk)
    assert len(pairs) >= 3
    original, planted, _similarity = next((a, b, s) for a, b, s in pairs if not b.personal_number)
    client.force_login(User.objects.get(email="case_manager@demo.zakrila.bg"))
    response = client.post(
        reverse("people:create"),
        {"first_name": planted.first_name, "last_name": planted.last_name, "sex": planted.sex,
         "birth_date": planted.birth_date.strftime("%d.%m.%Y"), "birth_date_precision": "exact",
         "identification_status": "identified", "citizenship": "България"},
    )  # fmt: skip
    assert response.status_code == 200
    assert {c.person.pk for c in response.context["duplicates"]} >= {original.pk, planted.pk}
    client.get(planted.get_absolute_url())  # the duplicate's own history
    client.force_login(director)
    client.post(
        reverse("people:duplicate_compare", args=[original.pk, planted.pk]),
        {"decision": "merge", "keep": original.pk},
    )
    planted.refresh_from_db()
    assert planted.merged_into_id == original.pk
    history = client.get(reverse("people:history", args=[original.pk]))
    shown = {(e.object_id, e.action) for e in history.context["events"]}
    assert (str(planted.pk), AuditAction.VIEW) in shown
    assert (str(original.pk), AuditAction.MERGE) in shown
