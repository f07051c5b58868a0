"""The individual support plan with the parent: goals and activities, the director's approval,
versions that supersede, reviews of progress, the contract for use of the service."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from tests.factories import PersonFactory, member
from tests.test_downloads import offered_name
from zakrila.accounts.models import Role
from zakrila.audit.models import AuditAction, AuditEvent
from zakrila.cases.models import PlanStatus, Review, SupportPlan, Task, TaskKind
from zakrila.cases.services import activity_add, case_open, goal_add, plan_approve, plan_create


@pytest.fixture
def director(org):
    return member(org, Role.DIRECTOR, email="dir@example.bg")


@pytest.fixture
def case(case_manager, cop, org):
    child = PersonFactory(organisation=org, unit=cop, first_name="Мартин", last_name="Стоянов")
    return case_open(
        actor=case_manager,
        unit=cop,
        person=child,
        key_worker=case_manager,
        without_referral_reason="x",
    )


def _plan_with_goal(case, actor, text="Мартин ходи редовно на училище"):
    plan = plan_create(actor=actor, case=case, starts_on=dt.date(2026, 11, 1))
    goal = goal_add(actor=actor, plan=plan, text=text)
    activity_add(
        actor=actor,
        goal=goal,
        what="Среща с класния ръководител",
        who="социален работник",
        frequency="всяка седмица",
    )
    return plan


def test_a_plan_is_built_with_goals_and_activities_from_the_pages(client, case, case_manager):
    client.force_login(case_manager)
    response = client.post(reverse("cases:plan_new", args=[case.pk]))
    plan = SupportPlan.objects.get()
    assert response.url == plan.get_absolute_url()
    assert plan.review_on.month == (plan.starts_on.month + 5) % 12 + 1  # six months by default
    client.post(reverse("cases:plan_goal_add", args=[plan.pk]), {"text": "Жилище за семейството"})
    goal = plan.goals.get()
    response = client.post(
        reverse("cases:plan_activity_add", args=[goal.pk]),
        {"what": "", "who": "", "frequency": "", "due_on": ""},
    )
    assert not goal.activities.exists()
    client.post(
        reverse("cases:plan_activity_add", args=[goal.pk]),
        {
            "what": "Кандидатстване за общинско жилище",
            "who": "майката със социалния работник",
            "frequency": "веднъж",
            "due_on": "31.12.2026",
        },
    )
    assert goal.activities.get().due_on == dt.date(2026, 12, 31)
    version = plan.version
    response = client.post(
        plan.get_absolute_url(),
        {
            "parent_view": "„Искам децата да са с мен.“",
            "parent_goals": "Работа и жилище",
            "starts_on": "01.11.2026",
            "review_on": "01.05.2027",
            "version": version,
        },
    )
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.parent_goals == "Работа и жилище"
    update = AuditEvent.objects.filter(
        object_type="cases.supportplan", action=AuditAction.UPDATE
    ).get()
    assert "parent_view" in update.changes
    assert "Искам" not in str(update.changes)


def test_a_review_date_before_the_start_is_refused(client, case, case_manager):
    plan = plan_create(actor=case_manager, case=case, starts_on=dt.date(2026, 11, 1))
    client.force_login(case_manager)
    response = client.post(
        plan.get_absolute_url(),
        {
            "parent_view": "",
            "parent_goals": "",
            "starts_on": "01.11.2026",
            "review_on": "01.10.2026",
            "version": plan.version,
        },
    )
    assert response.status_code == 200
    assert "след началото" in response.content.decode()


def test_only_the_director_approves_and_a_goal_needs_an_activity(
    client, case, case_manager, director
):
    plan = plan_create(actor=case_manager, case=case)
    goal_add(actor=case_manager, plan=plan, text="Цел без дейност")
    client.force_login(case_manager)
    assert client.post(reverse("cases:plan_approve", args=[plan.pk])).status_code == 403
    client.force_login(director)
    response = client.post(reverse("cases:plan_approve", args=[plan.pk]), follow=True)
    assert "поне една дейност" in response.content.decode()
    plan.refresh_from_db()
    assert plan.status == PlanStatus.DRAFT


def test_approval_plans_the_review_and_a_new_version_supersedes_the_old(
    case, case_manager, director
):
    first = _plan_with_goal(case, case_manager)
    plan_approve(actor=director, plan=first)
    task = Task.objects.get(kind=TaskKind.REVIEW_DUE)
    assert (task.assignee, task.due_on) == (case_manager, first.review_on)
    second = plan_create(actor=case_manager, case=case)
    assert second.number == 2
    assert [g.text for g in second.goals.all()] == ["Мартин ходи редовно на училище"]
    assert second.goals.get().activities.get().what == "Среща с класния ръководител"
    with pytest.raises(Exception, match="чернова"):
        plan_create(actor=case_manager, case=case)
    plan_approve(actor=director, plan=second)
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, second.status) == (PlanStatus.SUPERSEDED, PlanStatus.APPROVED)
    task.refresh_from_db()
    assert task.done_at is not None
    with pytest.raises(Exception, match="нова версия"):
        goal_add(actor=case_manager, plan=second, text="късна цел")


def test_a_review_records_progress_on_every_goal(client, case, case_manager, director):
    plan = _plan_with_goal(case, case_manager)
    plan_approve(actor=director, plan=plan)
    goal = plan.goals.get()
    client.force_login(case_manager)
    url = reverse("cases:review_new", args=[plan.pk])
    response = client.post(url, {"held_on": "20.11.2026", "decision": "continue", "notes": ""})
    assert response.status_code == 200
    assert f"progress_{goal.pk}" in response.context["form"].errors
    response = client.post(
        url,
        {
            "held_on": "20.11.2026",
            "decision": "continue",
            "notes": "Добре",
            f"progress_{goal.pk}": "good",
            f"comment_{goal.pk}": "ходи 4 от 5 дни",
        },
    )
    assert response.status_code == 302
    review = Review.objects.get()
    assert review.progress.get().progress == "good"
    assert Task.objects.get(kind=TaskKind.REVIEW_DUE).done_at is not None


def test_the_printed_plan_is_in_bulgarian_and_recorded(client, case, case_manager, director):
    plan = _plan_with_goal(case, case_manager)
    client.force_login(case_manager)
    response = client.get(reverse("cases:plan_pdf", args=[plan.pk]))
    assert case.number.startswith("ЦОП")
    assert offered_name(response["Content-Disposition"]) == f"{case.number}-ipp-{plan.number}.pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "Индивидуален план за подкрепа" in text
    assert "Мартин ходи редовно на училище" in text
    assert "всяка седмица" in text
    assert (
        AuditEvent.objects.filter(action=AuditAction.PRINT, object_type="cases.supportplan").count()
        == 1
    )


def test_an_outsider_sees_no_plan(client, case, case_manager, outsider):
    plan = _plan_with_goal(case, case_manager)
    client.force_login(outsider)
    for url in (
        plan.get_absolute_url(),
        reverse("cases:plan_pdf", args=[plan.pk]),
        reverse("cases:review_new", args=[plan.pk]),
    ):
        assert client.get(url).status_code == 404


def test_a_contract_and_its_annex_refuse_impossible_dates(client, case, case_manager):
    client.force_login(case_manager)
    response = client.post(
        reverse("cases:contract_new", args=[case.pk]),
        {
            "number": "Д-17",
            "signed_on": "01.11.2026",
            "starts_on": "01.11.2026",
            "ends_on": "01.10.2026",
        },
    )
    assert response.status_code == 200
    assert "преди да е започнал" in response.content.decode()
    client.post(
        reverse("cases:contract_new", args=[case.pk]),
        {
            "number": "Д-17",
            "signed_on": "01.11.2026",
            "starts_on": "01.11.2026",
            "ends_on": "30.04.2027",
        },
    )
    contract = case.contracts.get()
    response = client.post(
        reverse("cases:annex_new", args=[contract.pk]),
        {"number": "1", "signed_on": "01.10.2026", "summary": "нов срок"},
    )
    assert response.status_code == 200
    assert not contract.annexes.exists()
    client.post(
        reverse("cases:annex_new", args=[contract.pk]),
        {"number": "1", "signed_on": "15.11.2026", "summary": "удължаване"},
    )
    assert contract.annexes.get().summary == "удължаване"


def test_a_second_worker_saving_a_stale_plan_is_refused_with_what_changed(
    client, org, case, case_manager
):
    from zakrila.cases.services import plan_update

    colleague = member(org, Role.SPECIALIST, email="psy@example.bg")
    plan = plan_create(actor=case_manager, case=case, starts_on=dt.date(2026, 11, 1))
    client.force_login(case_manager)
    opened = client.get(plan.get_absolute_url()).context["form"]["version"].value()
    plan_update(
        actor=colleague, plan=plan, parent_view=plan.parent_view, parent_goals="Работа",
        starts_on=plan.starts_on, review_on=plan.review_on, expected_version=opened,
    )  # fmt: skip
    response = client.post(
        plan.get_absolute_url(),
        {
            "parent_view": "Моят текст",
            "parent_goals": "",
            "starts_on": "01.11.2026",
            "review_on": "01.05.2027",
            "version": opened,
        },
    )
    assert response.status_code == 200
    error = response.context["form"].non_field_errors()[0]
    assert "psy@example.bg" in error and "собствените цели на родителя" in error
    assert "Моят текст" in response.content.decode()
    plan.refresh_from_db()
    assert (plan.parent_goals, plan.parent_view) == ("Работа", "")


def test_adding_a_goal_from_the_page_redraws_only_the_goals_so_typed_text_stays(
    client, case, case_manager
):
    """§4.1 of #12: with htmx the answer is the new goal and a fresh "add" form, never the whole
    page, so the parent's view typed above (and not yet saved) is not replaced."""
    plan = plan_create(actor=case_manager, case=case, starts_on=dt.date(2026, 11, 1))
    client.force_login(case_manager)
    url = reverse("cases:plan_goal_add", args=[plan.pk])
    response = client.post(url, {"text": "Жилище за семейството"}, headers={"HX-Request": "true"})
    assert response.status_code == 200
    html = response.content.decode()
    goal = plan.goals.get()
    assert f'id="goal-{goal.pk}"' in html and "Жилище за семейството" in html
    assert 'id="plan-goal-add"' in html and 'hx-swap-oob="true"' in html
    assert "parent_view" not in html and "<html" not in html
    # An empty goal: the form comes back in its own place with what to fix, nothing is added.
    response = client.post(url, {"text": ""}, headers={"HX-Request": "true"})
    assert response.headers["HX-Retarget"] == "#plan-goal-add"
    assert 'role="alert"' in response.content.decode()
    assert plan.goals.count() == 1
    # An activity redraws that goal alone; a wrong one keeps what was typed.
    activity_url = reverse("cases:plan_activity_add", args=[goal.pk])
    response = client.post(
        activity_url,
        {"what": "Кандидатстване за жилище", "who": "", "frequency": "", "due_on": ""},
        headers={"HX-Request": "true"},
    )
    html = response.content.decode()
    assert "<html" not in html and "Кандидатстване за жилище" in html
    assert not goal.activities.exists()
    response = client.post(
        reverse("cases:plan_goal_remove", args=[goal.pk]), headers={"HX-Request": "true"}
    )
    assert response.status_code == 200 and response.content == b""
    assert not plan.goals.exists()


def test_the_plan_page_sends_goals_through_htmx(client, case, case_manager):
    plan = _plan_with_goal(case, case_manager)
    client.force_login(case_manager)
    html = client.get(plan.get_absolute_url()).content.decode()
    assert 'id="plan-goals"' in html
    assert f'hx-post="{reverse("cases:plan_goal_add", args=[plan.pk])}"' in html
    assert 'hx-target="#plan-goals"' in html
