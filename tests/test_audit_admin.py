"""What the system administrator changes in the admin site is in the hash-chained audit trail:
memberships (roles, units, dates), accounts, organisations, units, contracts and assessment
templates. Ending a membership or closing an account ends the user's sessions at once."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.factories import TEST_PASSWORD, ContractFactory, UnitFactory, UserFactory, member
from zakrila.accounts.models import Membership, Role, UserSession
from zakrila.accounts.services import (
    membership_change,
    membership_end,
    membership_grant,
    user_deactivate,
)
from zakrila.audit.models import AuditAction, AuditEvent
from zakrila.audit.sealing import audit_seal


@pytest.fixture
def admin_client(db):
    admin = UserFactory(email="root@example.bg", is_staff=True, is_superuser=True)
    client = Client()
    client.force_login(admin)
    client.admin = admin
    return client


def _value(bound: Any) -> Any:
    value = bound.value()
    if isinstance(value, dt.date):
        return value.strftime("%d.%m.%Y")
    if value is None:
        return ""
    return value


def _form_data(form: Any, prefix: str = "") -> dict[str, Any]:
    """What the browser would send back for an admin form left as it is."""
    data: dict[str, Any] = {}
    for bound in form:
        if bound.field.disabled:
            continue
        value = _value(bound)
        name = f"{prefix}{bound.name}"
        if isinstance(value, bool):
            if value:
                data[name] = "on"
        elif isinstance(value, list | tuple):
            data[name] = [str(v) for v in value]
        else:
            data[name] = str(value)
    return data


def _change_page_data(response: Any) -> dict[str, Any]:
    data = _form_data(response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        management = formset.management_form
        for bound in management:
            data[f"{formset.prefix}-{bound.name}"] = str(_value(bound))
        for index, form in enumerate(formset.forms):
            data.update(_form_data(form, prefix=f"{formset.prefix}-{index}-"))
    return data


def _sessions_of(user) -> Client:
    client = Client()
    response = client.post(
        reverse("accounts:login"), {"username": user.email, "password": TEST_PASSWORD}
    )
    assert response.status_code == 302
    assert UserSession.objects.filter(user=user).exists()
    return client


def test_a_membership_changed_in_the_admin_is_in_the_hash_chained_trail(
    admin_client, org, case_manager, cop, capsys
):
    membership = Membership.objects.get(user=case_manager)
    other_unit = UnitFactory(organisation=org, name="ЦНСТ „Розова къща“", code="ЦНСТ")
    url = reverse("admin:accounts_membership_change", args=[membership.pk])
    data = _change_page_data(admin_client.get(url))
    data["roles"] = [Role.CASE_MANAGER, Role.DIRECTOR]
    data["units"] = [str(other_unit.pk)]
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    event = AuditEvent.objects.get(object_type="accounts.membership", action=AuditAction.UPDATE)
    assert event.organisation_id == org.pk
    assert event.actor_label == "root@example.bg"
    assert event.changes == {
        "roles": {"old": ["case_manager"], "new": ["case_manager", "director"]},
        "units": {"old": [], "new": [other_unit.pk]},
    }
    assert audit_seal().sealed >= 1
    assert AuditEvent.objects.get(pk=event.pk).seq is not None
    call_command("audit", "verify")
    assert "OK" in capsys.readouterr().out


def test_a_membership_from_another_organisations_units_is_refused_in_the_admin(
    admin_client, org, other_org, case_manager
):
    membership = Membership.objects.get(user=case_manager)
    foreign = UnitFactory(organisation=other_org)
    url = reverse("admin:accounts_membership_change", args=[membership.pk])
    data = _change_page_data(admin_client.get(url))
    data["units"] = [str(foreign.pk)]
    response = admin_client.post(url, data)
    assert response.status_code == 200
    assert "units" in response.context["adminform"].form.errors
    assert not AuditEvent.objects.filter(object_type="accounts.membership").exists()


def test_ending_a_membership_in_the_users_admin_page_ends_their_sessions(
    admin_client, org, case_manager, django_capture_on_commit_callbacks
):
    signed_in = _sessions_of(case_manager)
    url = reverse("admin:accounts_user_change", args=[case_manager.pk])
    data = _change_page_data(admin_client.get(url))
    data["memberships-0-is_active"] = ""  # unticked
    data.pop("memberships-0-is_active")
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(url, data)
    assert response.status_code == 302
    assert not UserSession.objects.filter(user=case_manager).exists()
    assert signed_in.get("/").status_code == 302
    event = AuditEvent.objects.get(object_type="accounts.membership")
    assert event.changes == {"is_active": {"old": True, "new": False}}
    assert event.details["sessions_ended"] == 1


def test_closing_an_account_in_the_admin_ends_its_sessions_and_is_audited(
    admin_client, case_manager, django_capture_on_commit_callbacks
):
    signed_in = _sessions_of(case_manager)
    url = reverse("admin:accounts_user_change", args=[case_manager.pk])
    data = _change_page_data(admin_client.get(url))
    data.pop("is_active")
    with django_capture_on_commit_callbacks(execute=True):
        assert admin_client.post(url, data).status_code == 302
    assert not UserSession.objects.filter(user=case_manager).exists()
    assert signed_in.get("/").status_code == 302
    event = AuditEvent.objects.get(object_type="accounts.user", action=AuditAction.UPDATE)
    assert event.changes == {"is_active": {"old": True, "new": False}}


def test_a_password_set_in_the_admin_is_audited_without_the_password(admin_client, case_manager):
    url = reverse("admin:auth_user_password_change", args=[case_manager.pk])
    response = admin_client.post(
        url,
        {"password1": "a-new-long-password-2026", "password2": "a-new-long-password-2026"},
    )
    assert response.status_code == 302
    event = AuditEvent.objects.get(object_type="accounts.user", action=AuditAction.UPDATE)
    assert event.changes == {"password": "changed"}
    assert "a-new-long-password" not in str(event.details)


def test_a_unit_and_a_contracts_units_changed_in_the_admin_are_audited(admin_client, org, cop):
    url = reverse("admin:organisations_unit_change", args=[cop.pk])
    data = _change_page_data(admin_client.get(url))
    data["capacity"] = "55"
    assert admin_client.post(url, data).status_code == 302
    unit_event = AuditEvent.objects.get(object_type="organisations.unit")
    assert unit_event.organisation_id == org.pk
    assert unit_event.changes == {"capacity": {"old": 40, "new": 55}}
    assert unit_event.details == {"via": "admin"}

    contract = ContractFactory(organisation=org)
    url = reverse("admin:organisations_contract_change", args=[contract.pk])
    data = _change_page_data(admin_client.get(url))
    data["units"] = [str(cop.pk)]
    assert admin_client.post(url, data).status_code == 302
    contract_event = AuditEvent.objects.get(object_type="organisations.contract")
    assert contract_event.changes["units"] == {"old": [], "new": [cop.pk]}


def test_an_assessment_template_and_its_sections_changed_in_the_admin_are_audited(admin_client):
    from zakrila.cases.models import AssessmentTemplate

    template = AssessmentTemplate.objects.create(
        code="test", version=1, name_bg="Оценка", name_en="Assessment"
    )
    url = reverse("admin:cases_assessmenttemplate_change", args=[template.pk])
    data = _change_page_data(admin_client.get(url))
    data["name_bg"] = "Оценка на потребностите"
    prefix = next(k for k in data if k.endswith("-TOTAL_FORMS")).removesuffix("-TOTAL_FORMS")
    data[f"{prefix}-TOTAL_FORMS"] = "1"
    data.update({f"{prefix}-0-key": "family", f"{prefix}-0-title_bg": "Семейство"})
    data.update({f"{prefix}-0-title_en": "Family", f"{prefix}-0-order": "1"})
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.context["inline_admin_formsets"][0].formset.errors
    changed = AuditEvent.objects.get(object_type="cases.assessmenttemplate")
    assert changed.changes["name_bg"] == {"old": "Оценка", "new": "Оценка на потребностите"}
    added = AuditEvent.objects.get(object_type="cases.templatesection")
    assert added.action == AuditAction.CREATE
    assert added.details["parent"] == f"cases.assessmenttemplate:{template.pk}"


def test_deleting_a_unit_in_the_admin_is_audited_with_what_it_was(admin_client, org):
    unit = UnitFactory(organisation=org, name="Стара служба", code="СТ")
    url = reverse("admin:organisations_unit_delete", args=[unit.pk])
    assert admin_client.post(url, {"post": "yes"}).status_code == 302
    event = AuditEvent.objects.get(object_type="organisations.unit", action=AuditAction.DELETE)
    assert event.object_id == str(unit.pk)
    assert event.changes["name"] == {"old": "Стара служба", "new": None}


def test_memberships_cannot_be_deleted_in_the_admin_only_ended(admin_client, case_manager):
    membership = Membership.objects.get(user=case_manager)
    url = reverse("admin:accounts_membership_delete", args=[membership.pk])
    assert admin_client.post(url, {"post": "yes"}).status_code == 403
    assert Membership.objects.filter(pk=membership.pk).exists()


# --- The services the admin calls ---------------------------------------------------------------


def test_granting_a_membership_is_audited_with_its_roles_and_units(org, cop):
    director = member(org, Role.DIRECTOR, email="director@example.bg")
    newcomer = UserFactory(email="new@example.bg")
    membership = membership_grant(
        actor=director, user=newcomer, organisation=org, roles=[Role.FIELD_WORKER], units=[cop]
    )
    event = AuditEvent.objects.get(object_type="accounts.membership", object_id=membership.pk)
    assert event.action == AuditAction.CREATE
    assert event.actor_id == director.pk
    assert event.changes["roles"] == {"old": None, "new": ["field_worker"]}
    assert event.changes["units"] == {"old": None, "new": [cop.pk]}


def test_a_membership_change_that_changes_nothing_writes_nothing(case_manager):
    membership = Membership.objects.get(user=case_manager)
    membership_change(actor=None, membership=membership, roles=list(membership.roles))
    assert not AuditEvent.objects.filter(object_type="accounts.membership").exists()


def test_a_membership_cannot_reach_another_organisations_unit(org, other_org, case_manager):
    membership = Membership.objects.get(user=case_manager)
    with pytest.raises(ValidationError):
        membership_change(
            actor=None, membership=membership, units=[UnitFactory(organisation=other_org)]
        )


def test_ending_a_membership_later_keeps_the_sessions_until_then(
    case_manager, django_capture_on_commit_callbacks
):
    _sessions_of(case_manager)
    membership = Membership.objects.get(user=case_manager)
    later = timezone.localdate() + dt.timedelta(days=30)
    with django_capture_on_commit_callbacks(execute=True):
        membership_end(actor=None, membership=membership, ends_on=later)
    assert UserSession.objects.filter(user=case_manager).exists()
    membership.refresh_from_db()
    assert membership.is_current and membership.ends_on == later


def test_a_membership_or_account_saved_directly_has_no_hidden_side_effect(case_manager):
    """Sessions end through the services, not as a side effect of Model.save()."""
    _sessions_of(case_manager)
    membership = Membership.objects.get(user=case_manager)
    membership.is_active = False
    membership.save()
    case_manager.is_active = False
    case_manager.save()
    assert UserSession.objects.filter(user=case_manager).exists()
    case_manager.is_active = True
    case_manager.save()
    user_deactivate(actor=None, user=case_manager)
    assert not UserSession.objects.filter(user=case_manager).exists()


# --- The reminders job ---------------------------------------------------------------------------


def test_tasks_made_and_closed_by_the_reminders_job_are_audited(org, cop, case_manager):
    from tests.factories import PersonFactory
    from zakrila.cases.models import Case, CaseStatus, Task
    from zakrila.cases.reminders import reminders_refresh
    from zakrila.cases.services import case_open

    case = case_open(
        actor=case_manager,
        unit=cop,
        person=PersonFactory(organisation=org, unit=cop),
        key_worker=case_manager,
        without_referral_reason="консултация",
    )
    Case.objects.filter(pk=case.pk).update(
        status=CaseStatus.ASSESSMENT, opened_on=dt.date(2026, 1, 10)
    )
    assert reminders_refresh().created == 1
    task = Task.objects.get(case=case)
    made = AuditEvent.objects.get(object_type="cases.task", action=AuditAction.CREATE)
    assert made.object_id == str(task.pk) and made.organisation_id == org.pk
    assert made.details == {"job": "reminders", "rule": f"assessment:{case.pk}"}
    assert made.changes["due_on"] == {"old": None, "new": "2026-02-09"}
    Case.objects.filter(pk=case.pk).update(status=CaseStatus.SUPPORT)
    assert reminders_refresh().closed == 1
    closed = AuditEvent.objects.get(object_type="cases.task", action=AuditAction.UPDATE)
    assert closed.object_id == str(task.pk)
    assert closed.details["job"] == "reminders"
    assert reminders_refresh().created == 0  # idempotent: nothing more to audit
    assert AuditEvent.objects.filter(object_type="cases.task").count() == 2
