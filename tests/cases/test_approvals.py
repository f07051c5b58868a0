"""What waits for the director (#12 §4.3): completed assessments, plans ready to approve and
proposed closures, on the home page and in "my work"; the closure's approval task is done by
deciding on the closure, never by ticking it."""

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
    Task,
    TaskKind,
)
from zakrila.cases.services import (
    activity_add,
    assessment_start,
    case_move,
    case_open,
    closure_request,
    goal_add,
    plan_create,
)


@pytest.fixture
def case(case_manager, cop, org):
    child = PersonFactory(organisation=org, unit=cop, first_name="Мартин", last_name="Стоянов")
    case = case_open(
        actor=case_manager, unit=cop, person=child, key_worker=case_manager,
        without_referral_reason="консултация",
    )  # fmt: skip
    return case_move(
        actor=case_manager, case=case, to_status="support", expected_version=case.version
    )


def _completed_assessment(case, actor):
    template = AssessmentTemplate.objects.get(code="development-0-6", is_current=True)
    assessment = assessment_start(actor=actor, case=case, template=template)
    # Completion through the form is tested in test_assessments.py; here only its outcome.
    Assessment.objects.filter(pk=assessment.pk).update(
        status=AssessmentStatus.COMPLETED, completed_at=timezone.now()
    )
    return assessment


def _ready_plan(case, actor):
    plan = plan_create(actor=actor, case=case, starts_on=dt.date(2026, 11, 1))
    goal = goal_add(actor=actor, plan=plan, text="Мартин ходи редовно на училище")
    activity_add(actor=actor, goal=goal, what="Среща", who="социален работник", frequency="")
    return plan


def test_the_director_sees_every_decision_waiting_on_the_home_page_and_in_my_work(
    client, case, case_manager, director, colleague
):
    plan = _ready_plan(case, case_manager)
    closure_request(
        actor=case_manager, case=case, outcome="other", reason="x", expected_version=case.version
    )
    client.force_login(director)
    home = client.get("/").content.decode()
    assert 'data-testid="home-approvals"' in home
    assert "2 решения чакат вас" in home
    assert reverse("cases:plan", args=[plan.pk]) in home
    assert reverse("cases:closure_decide", args=[case.pk]) in home
    work = client.get(reverse("cases:my_work"))
    kinds = [approval.kind for approval in work.context["approvals"]]
    assert sorted(kinds) == sorted(["Индивидуален план за подкрепа", "Закриване"])
    # A case manager decides nothing: no panel of decisions, none in their work.
    client.force_login(colleague)
    assert "home-approvals" not in client.get("/").content.decode()
    assert client.get(reverse("cases:my_work")).context["approvals"] == []


def test_a_completed_assessment_waits_for_the_director(client, case, case_manager, director):
    assessment = _completed_assessment(case, case_manager)
    client.force_login(director)
    work = client.get(reverse("cases:my_work"))
    assert [a.url for a in work.context["approvals"]] == [
        reverse("cases:assessment", args=[assessment.pk])
    ]


def test_a_plan_still_missing_an_activity_is_not_waiting(client, case, case_manager, director):
    plan = plan_create(actor=case_manager, case=case, starts_on=dt.date(2026, 11, 1))
    goal_add(actor=case_manager, plan=plan, text="Цел без дейност")
    client.force_login(director)
    assert client.get(reverse("cases:my_work")).context["approvals"] == []


def test_ticking_the_closure_approval_task_while_the_closure_waits_is_refused(
    client, case, case_manager, director
):
    closure_request(
        actor=case_manager, case=case, outcome="other", reason="x", expected_version=case.version
    )
    task = Task.objects.get(kind=TaskKind.APPROVAL)
    client.force_login(director)
    work = client.get(reverse("cases:my_work")).content.decode()
    # The row offers the decision, not "done".
    assert reverse("cases:closure_decide", args=[case.pk]) in work
    assert reverse("cases:task_done", args=[task.pk]) not in work
    response = client.post(reverse("cases:task_done", args=[task.pk]), follow=True)
    assert "Закриването още чака решение" in response.content.decode()
    task.refresh_from_db()
    assert task.done_at is None
