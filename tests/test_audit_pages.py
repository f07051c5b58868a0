from __future__ import annotations

from django.urls import reverse

from tests.factories import member
from zakrila.accounts.models import Role
from zakrila.audit.models import AuditAction, AuditEvent
from zakrila.audit.queries import PAGE_SIZE
from zakrila.audit.services import audit_record
from zakrila.privacy.processing import records_of_processing


def test_dpo_searches_the_organisations_trail_and_the_search_is_recorded(
    client, org, other_org, case_manager
):
    dpo = member(org, Role.DPO, email="dpo@example.bg")
    audit_record(
        action=AuditAction.VIEW,
        actor=case_manager,
        organisation_id=org.pk,
        object_type="people.person",
        object_id=7,
        person_id=7,
    )
    audit_record(
        action=AuditAction.VIEW,
        organisation_id=other_org.pk,
        object_type="people.person",
        object_id=8,
        person_id=8,
        actor_label="someone@other.bg",
    )
    client.force_login(dpo)
    response = client.get(reverse("audit:search"), {"person_id": 7})
    assert response.status_code == 200
    events = response.context["events"]
    assert [e.object_id for e in events] == ["7"]
    assert "cm@example.bg" in response.content.decode()
    assert "someone@other.bg" not in response.content.decode()
    search = AuditEvent.objects.get(action=AuditAction.SEARCH, actor=dpo)
    assert search.details == {"filters": {"person_id": "7"}}


def test_audit_search_pages_by_keyset(client, org):
    dpo = member(org, Role.DPO)
    for i in range(PAGE_SIZE + 5):
        audit_record(
            action=AuditAction.VIEW,
            organisation_id=org.pk,
            object_type="people.person",
            object_id=i,
        )
    client.force_login(dpo)
    first = client.get(reverse("audit:search"), {"action": "view"})
    assert len(first.context["events"]) == PAGE_SIZE
    before = first.context["next_before"]
    second = client.get(reverse("audit:search"), {"action": "view", "before": before})
    assert len(second.context["events"]) == 5
    assert second.context["next_before"] is None


def test_audit_search_refuses_a_reversed_date_range_in_bulgarian(client, org):
    client.force_login(member(org, Role.DPO))
    response = client.get(
        reverse("audit:search"), {"date_from": "10.11.2026", "date_to": "01.11.2026"}
    )
    assert response.status_code == 200
    assert "Крайната дата е преди началната" in response.content.decode()
    assert 'value="10.11.2026"' in response.content.decode()


def test_only_the_dpo_searches_the_trail(client, org):
    for role in (Role.DIRECTOR, Role.CASE_MANAGER, Role.AUDITOR, Role.TRAINER):
        client.force_login(member(org, role))
        assert client.get(reverse("audit:search")).status_code == 403, role


def test_records_of_processing_come_from_configuration(client, org, settings):
    settings.ZAKRILA_RETENTION_YEARS = {**settings.ZAKRILA_RETENTION_YEARS, "case": 7}
    client.force_login(member(org, Role.DPO))
    response = client.get(reverse("privacy:records"))
    assert response.status_code == 200
    content = response.content.decode()
    assert org.eik in content
    assert "7 години" in content
    assert content.count('data-testid="activity"') == len(records_of_processing())


def test_records_of_processing_are_refused_to_a_carer(client, org):
    client.force_login(member(org, Role.CARER))
    assert client.get(reverse("privacy:records")).status_code == 403
