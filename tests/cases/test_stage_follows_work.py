"""The case's stage follows the work (#12 §4.4): an approved assessment makes it "assessment
done", an approved plan starts support; a closed case shows no review still to come."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import PersonFactory
from zakrila.cases.models import (
    Assessment,
    AssessmentStatus,
    AssessmentTemplate,
    CaseStatus,
    Referral,
    Task,
    TaskKind,
)
from zakrila.cases.services import (
    activity_add,
    assessment_approve,
    assessment_start,
    case_open,
    closure_request,
    goal_add,
    plan_approve,
    plan_create,
)


@pytest.fixture
def referred_case(case_manager, cop, org):
    child = PersonFactory(organisation=org, unit=cop)
    referral = Referral.objects.create(
        organisation=org, unit=cop, person=child, source="child_protection",
        received_on=dt.date(2026, 11, 2), reason="риск", created_by=case_manager,
        decision="accepted",
    )  # fmt: skip
    return case_open(
        actor=case_manager, unit=cop, person=child, key_worker=case_manager, referral=referral
    )


def _approved_assessment(case, case_manager, director):
    template = AssessmentTemplate.objects.get(code="development-0-6", is_current=True)
    assessment = assessment_start(actor=case_manager, case=case, template=template)
    Assessment.objects.filter(pk=assessment.pk).update(
        status=AssessmentStatus.COMPLETED, completed_at=timezone.now()
    )
    return assessment_approve(actor=director, assessment=assessment)


def _approved_plan(case, case_manager, director):
    plan = plan_create(actor=case_manager, case=case, starts_on=dt.date(2026, 11, 1))
    goal = goal_add(actor=case_manager, plan=plan, text="Детето е в семейството")
    activity_add(actor=case_manager, goal=goal, what="Посещения", who="социален работник")
    return plan_approve(actor=director, plan=plan)


def test_an_approved_assessment_then_plan_move_the_case_to_assessment_done_then_support(
    referred_case, case_manager, director
):
    assert referred_case.status == CaseStatus.REFERRED
    _approved_assessment(referred_case, case_manager, director)
    referred_case.refresh_from_db()
    assert referred_case.status == CaseStatus.ASSESSED
    assert referred_case.get_status_display() == "оценката е направена"
    _approved_plan(referred_case, case_manager, director)
    referred_case.refresh_from_db()
    assert referred_case.status == CaseStatus.SUPPORT
    moves = list(referred_case.status_changes.values_list("to_status", flat=True))
    assert moves == [CaseStatus.REFERRED, CaseStatus.ASSESSED, CaseStatus.SUPPORT]


def test_a_plan_approved_before_the_assessment_waits_and_the_page_offers_the_move(
    client, referred_case, case_manager, director
):
    _approved_plan(referred_case, case_manager, director)
    referred_case.refresh_from_db()
    # Support needs an approved assessment for a referred case: the case stays.
    assert referred_case.status == CaseStatus.REFERRED
    client.force_login(case_manager)
    assert (
        'data-testid="start-support"'
        in client.get(referred_case.get_absolute_url()).content.decode()
    )
    # The assessment approved later moves it straight to support.
    _approved_assessment(referred_case, case_manager, director)
    referred_case.refresh_from_db()
    assert referred_case.status == CaseStatus.SUPPORT
    assert (
        'data-testid="start-support"'
        not in client.get(referred_case.get_absolute_url()).content.decode()
    )


def test_a_closed_case_shows_no_next_review_and_keeps_no_review_task(
    client, referred_case, case_manager, director
):
    _approved_assessment(referred_case, case_manager, director)
    plan = _approved_plan(referred_case, case_manager, director)
    referred_case.refresh_from_db()
    assert Task.objects.open().filter(kind=TaskKind.REVIEW_DUE, case=referred_case).exists()
    client.force_login(case_manager)
    assert ", преглед на " in client.get(referred_case.get_absolute_url()).content.decode()
    closure_request(
        actor=director, case=referred_case, outcome="other", reason="x",
        expected_version=referred_case.version,
    )  # fmt: skip
    referred_case.refresh_from_db()
    assert referred_case.status == CaseStatus.CLOSED
    assert not Task.objects.open().filter(kind=TaskKind.REVIEW_DUE, case=referred_case).exists()
    page = client.get(referred_case.get_absolute_url()).content.decode()
    assert ", преглед на " not in page
    plan_page = client.get(reverse("cases:plan", args=[plan.pk])).content.decode()
    assert "<dt>Преглед на</dt>" not in plan_page
