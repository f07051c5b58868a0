"""The SOS line: a call logged in under a minute and anonymous by default; an anonymous call
with an onward referral becomes a case; non-contacts in one tap; the month's figures."""

from __future__ import annotations

import re
import uuid

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from zakrila.audit.models import AuditEvent
from zakrila.cases.models import Case, Referral, Task
from zakrila.programmes.models import Call, NonContact
from zakrila.programmes.services.calls import call_log

pytestmark = pytest.mark.django_db


def _call_form(**changes):
    data = {
        "started_at": timezone.localtime().strftime("%d.%m.%Y %H:%M"),
        "duration_minutes": "8",
        "channel": "phone",
        "caller_kind": "parent",
        "concern": "parenting/behaviour",
        "anonymous": "on",
        "submission_key": str(uuid.uuid4()),
    }
    data.update(changes)
    return data


def test_an_anonymous_call_needs_no_personal_data_at_all(client, specialist, cop):
    client.force_login(specialist)
    page = client.get(reverse("programmes:call_new"))
    assert page.status_code == 200
    assert page["X-Zakrila-Offline"] == "page"  # kept on the device for work without signal
    # Only what the defaults do not fill: the concern. Name, phone, advice are left empty.
    response = client.post(reverse("programmes:call_new"), _call_form())
    call = Call.objects.get()
    assert response.status_code == 302 and response.url == call.get_absolute_url()
    assert call.anonymous and call.caller_name == "" and call.caller_phone == ""
    assert re.fullmatch(rf"{timezone.localdate():%Y%m%d}-0001", call.number)
    assert (call.category, call.subcategory) == ("parenting", "behaviour")
    client.post(reverse("programmes:call_new"), _call_form())
    assert Call.objects.order_by("id").last().number.endswith("-0002")
    event = AuditEvent.objects.filter(object_type="programmes.call").first()
    assert event is not None and "caller_name" not in event.changes


def test_a_call_in_the_future_is_refused_and_what_was_typed_stays(client, specialist, cop):
    """A call is logged after it is taken: a time still to come (a slip of the hour or the
    day) is refused on its field, with the advice typed kept and no number used up."""
    client.force_login(specialist)
    later = timezone.localtime() + timezone.timedelta(days=1)
    response = client.post(
        reverse("programmes:call_new"),
        _call_form(started_at=later.strftime("%d.%m.%Y %H:%M"), advice="Съвет за съня"),
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Часът на обаждането" in page and "е в бъдещето" in page
    assert "Съвет за съня" in page
    assert not Call.objects.exists()
    assert client.post(reverse("programmes:call_new"), _call_form()).status_code == 302
    assert Call.objects.get().number.endswith("-0001")


def test_an_anonymous_call_keeps_no_name_even_if_typed(client, specialist, cop):
    client.force_login(specialist)
    response = client.post(
        reverse("programmes:call_new"), _call_form(caller_name="Мария", caller_phone="0888")
    )
    assert response.status_code == 200
    assert "анонимно" in response.content.decode()
    assert not Call.objects.exists()
    # The database refuses it too.
    call = call_log(actor=specialist, unit=cop, started_at=timezone.now(), category="family")
    with pytest.raises(IntegrityError), transaction.atomic():
        Call.objects.filter(pk=call.pk).update(caller_name="Мария")


def test_a_callback_asked_for_is_a_task_for_whoever_took_the_call(client, specialist, cop):
    client.force_login(specialist)
    tomorrow = timezone.localdate() + timezone.timedelta(days=1)
    client.post(
        reverse("programmes:call_new"),
        _call_form(anonymous="", caller_name="Мария", caller_phone="0888 123 456",
                   callback_on=tomorrow.strftime("%d.%m.%Y")),
    )  # fmt: skip
    call = Call.objects.get()
    task = Task.objects.get(pk=call.callback_task_id)
    assert task.assignee == specialist and task.due_on == tomorrow and call.number in task.title


def test_an_anonymous_call_with_an_onward_referral_is_accepted_into_casework_as_a_case(
    client, specialist, case_manager, cop
):
    client.force_login(specialist)
    client.post(reverse("programmes:call_new"), _call_form(referred_to="community_support"))
    call = Call.objects.get()
    assert call.anonymous and call.referred_to == "community_support"
    # The caller agrees and gives the child's details: a referral in one step.
    response = client.post(
        reverse("programmes:call_referral", args=[call.pk]),
        {"unit": cop.pk, "first_name": "Ива", "age": "7", "reason": "Майката е на ръба."},
    )
    referral = Referral.objects.get()
    assert response.status_code == 302 and response.url == referral.get_absolute_url()
    call.refresh_from_db()
    assert call.referral == referral and call.anonymous and call.caller_name == ""
    assert referral.document_number == call.number and referral.decision == "pending"
    assert referral.person.first_name == "Ива" and referral.person.unit == cop
    # A second referral from the same call is refused.
    again = client.post(
        reverse("programmes:call_referral", args=[call.pk]),
        {"unit": cop.pk, "first_name": "Ива", "reason": "отново"},
    )
    assert again.status_code == 200 and Referral.objects.count() == 1

    # The Community Support Centre accepts it: a case.
    client.force_login(case_manager)
    response = client.post(
        reverse("cases:referral", args=[referral.pk]),
        {"decision": "accepted", "key_worker": case_manager.pk, "version": referral.version},
    )
    case = Case.objects.get()
    assert response.status_code == 302
    assert case.referral == referral and case.person == referral.person and case.unit == cop
    page = client.get(reverse("programmes:call", args=[call.pk])).content.decode()
    assert "Приет" in page or "приет" in page


def test_non_contacts_are_counted_with_one_tap_and_the_month_is_in_figures(client, specialist, cop):
    client.force_login(specialist)
    for kind in ("silent", "silent", "joke"):
        assert client.post(reverse("programmes:non_contact"), {"kind": kind}).status_code == 302
    assert NonContact.objects.filter(kind="silent").count() == 2
    call_log(actor=specialist, unit=cop, started_at=timezone.now(), category="violence",
             subcategory="neglect", referred_to="child_protection")  # fmt: skip
    call_log(actor=specialist, unit=cop, started_at=timezone.now(), category="violence")
    call_log(actor=specialist, unit=cop, started_at=timezone.now(), category="health")
    response = client.get(reverse("programmes:line_figures"))
    assert response.status_code == 200
    figures = response.context["figures"]
    assert figures.calls == 3 and figures.non_contact_total == 3
    by_category = dict(figures.by_category)
    assert by_category["Насилие"] == 2 and by_category["Здраве"] == 1
    assert dict(figures.by_outcome)["Отдел „Закрила на детето“"] == 1
    violence = dict(figures.by_category_and_outcome)["Насилие"]
    assert sum(violence) == 2


def test_the_line_is_closed_to_those_who_do_not_work_on_it(
    client, carer, outsider, specialist, cop
):
    call = call_log(actor=specialist, unit=cop, started_at=timezone.now(), category="family")
    client.force_login(carer)
    response = client.get(reverse("programmes:call_new"))
    assert response.status_code == 403
    assert client.get(reverse("programmes:call", args=[call.pk])).status_code == 404
    client.force_login(outsider)
    assert client.get(reverse("programmes:call", args=[call.pk])).status_code == 404
    assert client.post(reverse("programmes:call_referral", args=[call.pk]), {}).status_code == 404


def test_a_named_callers_name_and_number_go_after_the_retention_period(specialist, cop):
    from zakrila.privacy.retention import retention_run

    old = call_log(
        actor=specialist, unit=cop, started_at=timezone.now() - timezone.timedelta(days=4 * 365),
        category="family", anonymous=False, caller_name="Мария", caller_phone="0888",
        advice="Съвет.",
    )  # fmt: skip
    recent = call_log(
        actor=specialist, unit=cop, started_at=timezone.now(), category="family",
        anonymous=False, caller_name="Петя",
    )  # fmt: skip
    result = retention_run()
    assert result.records["call"] == 1
    old.refresh_from_db()
    recent.refresh_from_db()
    assert (old.anonymous, old.caller_name, old.caller_phone, old.advice) == (
        True,
        "",
        "",
        "Съвет.",
    )
    assert recent.caller_name == "Петя"
    assert AuditEvent.objects.filter(
        object_type="programmes.call", object_id=str(old.pk), action="delete"
    ).exists()
