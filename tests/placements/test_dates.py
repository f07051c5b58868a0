"""Dates that cannot be true are refused with a message that says what to check; an admission
more than a week old only by the director, with a reason the audit trail keeps."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from tests.placements.conftest import bed_of, night, open_case
from zakrila.audit.models import AuditAction, AuditEvent
from zakrila.placements.models import Placement
from zakrila.placements.services import (
    LATE_ENTRY_DAYS,
    diary_write,
    placement_admit,
    placement_discharge,
)


def _admit(actor, case, bed, **fields):
    return placement_admit(actor=actor, case=case, bed=bed, legal_basis="court", **fields)


def _refusal(error: pytest.ExceptionInfo[ValidationError]) -> dict[str, list[str]]:
    return (
        error.value.message_dict
        if hasattr(error.value, "error_dict")
        else {"": error.value.messages}
    )


def _form(case, bed, when, **extra):
    return {
        "case": case.pk, "bed": bed.pk, "legal_basis": "administrative", "order_number": "",
        "order_date": "", "admitted_at": when.strftime("%d.%m.%Y %H:%M"), "planned_end": "",
        "override_reason": "", "late_entry_reason": "", **extra,
    }  # fmt: skip


def test_an_admission_back_dated_to_1900_is_refused_even_for_the_director(
    org, emergency, case_manager, director
):
    case = open_case(org, emergency, case_manager)
    long_ago = dt.datetime(1900, 1, 1, 10, tzinfo=timezone.get_current_timezone())
    with pytest.raises(ValidationError) as error:
        _admit(director, case, bed_of(emergency, "Легло 1"), admitted_at=long_ago,
               late_entry_reason="от архива")  # fmt: skip
    assert "преди 2000" in _refusal(error)["admitted_at"][0]
    assert not Placement.objects.exists()


def test_an_admission_before_the_child_was_born_is_refused(org, emergency, case_manager, carer):
    case = open_case(org, emergency, case_manager)
    case.person.birth_date = timezone.localdate() - dt.timedelta(days=2)
    case.person.save()
    with pytest.raises(ValidationError) as error:
        _admit(carer, case, bed_of(emergency, "Легло 1"), admitted_at=night(3))
    assert "преди раждането" in _refusal(error)["admitted_at"][0]


def test_an_admission_in_the_future_is_refused_and_a_few_minutes_of_clock_are_not(
    org, emergency, case_manager, carer
):
    case = open_case(org, emergency, case_manager)
    with pytest.raises(ValidationError) as error:
        _admit(carer, case, bed_of(emergency, "Легло 1"),
               admitted_at=timezone.now() + dt.timedelta(hours=1))  # fmt: skip
    assert "в бъдещето" in _refusal(error)["admitted_at"][0]
    _admit(carer, case, bed_of(emergency, "Легло 1"),
           admitted_at=timezone.now() + dt.timedelta(minutes=5))  # fmt: skip


def test_a_planned_end_before_the_admission_and_an_order_dated_in_the_future_are_refused(
    org, emergency, case_manager, carer
):
    case = open_case(org, emergency, case_manager)
    bed = bed_of(emergency, "Легло 1")
    with pytest.raises(ValidationError) as error:
        _admit(carer, case, bed, admitted_at=night(1),
               planned_end=timezone.localdate() - dt.timedelta(days=2))  # fmt: skip
    assert "преди приемането" in _refusal(error)["planned_end"][0]
    with pytest.raises(ValidationError) as error:
        _admit(carer, case, bed, admitted_at=night(1),
               order_date=timezone.localdate() + dt.timedelta(days=1))  # fmt: skip
    assert "в бъдещето" in _refusal(error)["order_date"][0]
    assert not Placement.objects.exists()


def test_the_carer_records_an_admission_within_a_week(org, emergency, case_manager, carer):
    placement = _admit(
        carer,
        open_case(org, emergency, case_manager),
        bed_of(emergency, "Легло 1"),
        admitted_at=night(LATE_ENTRY_DAYS - 1),
    )
    assert placement.late_entry_reason == ""
    assert not AuditEvent.objects.filter(action=AuditAction.OVERRIDE).exists()


def test_an_admission_older_than_a_week_needs_the_director_and_a_reason_kept_in_the_trail(
    client, org, emergency, case_manager, carer, director
):
    case = open_case(org, emergency, case_manager)
    bed = bed_of(emergency, "Легло 1")
    month_ago = night(30)
    url = reverse("placements:admit", args=[emergency.pk])

    client.force_login(carer)
    response = client.post(url, _form(case, bed, month_ago))
    assert response.status_code == 200
    assert "Само директорът" in " ".join(response.context["form"].non_field_errors())

    client.force_login(director)
    response = client.post(url, _form(case, bed, month_ago))
    assert response.status_code == 200
    assert "защо" in response.context["form"].errors["late_entry_reason"][0]
    assert not Placement.objects.exists()

    reason = "Приет от дежурния в празниците; заповедта дойде днес"
    response = client.post(url, _form(case, bed, month_ago, late_entry_reason=reason))
    assert response.status_code == 302
    placement = Placement.objects.get()
    assert placement.late_entry_reason == reason
    override = AuditEvent.objects.get(action=AuditAction.OVERRIDE)
    assert override.actor == director and override.object_id == str(placement.pk)
    assert override.details["rule"] == "late_entry"
    assert override.details["reason"] == reason and override.details["days"] >= 29
    assert reason in client.get(placement.get_absolute_url()).content.decode()


def test_a_discharge_in_the_future_or_before_the_admission_is_refused(
    org, emergency, case_manager, carer
):
    placement = _admit(carer, open_case(org, emergency, case_manager),
                       bed_of(emergency, "Легло 1"), admitted_at=night(2))  # fmt: skip
    for moment, words in (
        (timezone.now() + dt.timedelta(hours=2), "в бъдещето"),
        (night(3), "след приемането"),
        (placement.admitted_at, "след приемането"),
    ):
        with pytest.raises(ValidationError) as error:
            placement_discharge(actor=carer, placement=placement, discharged_at=moment,
                                destination="family", expected_version=placement.version)  # fmt: skip
        assert words in _refusal(error)["discharged_at"][0]
    placement.refresh_from_db()
    assert placement.discharged_at is None


def test_a_diary_entry_before_the_admission_is_refused(org, emergency, case_manager, carer):
    placement = _admit(carer, open_case(org, emergency, case_manager),
                       bed_of(emergency, "Легло 1"), admitted_at=night(2))  # fmt: skip
    with pytest.raises(ValidationError, match="между приемането"):
        diary_write(actor=carer, placement=placement, kind="daily", text="…", written_at=night(3))
    assert placement.diary.count() == 0
