"""Closure with the director's approval, follow-ups at 3, 6 and 12 months, and the tasks that
rules and people make: the "my work" page and the director's view of overdue work."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from tests.factories import PersonFactory, member
from zakrila.accounts.models import Role
from zakrila.audit.models import AuditAction, AuditEvent
from zakrila.cases.models import Case, CaseStatus, FollowUp, Task, TaskKind
from zakrila.cases.reminders import ASSESSMENT_DAYS, reminders_refresh
from zakrila.cases.services import case_move, case_open, closure_approve, closure_request


@pytest.fixture
def director(org):
    return member(org, Role.DIRECTOR, email="dir@example.bg", full_name="Директорка")


@pytest.fixture
def case(case_manager, cop, org):
    child = PersonFactory(organisation=org, unit=cop)
    case = case_open(
        actor=case_manager,
        unit=cop,
        person=child,
        key_worker=case_manager,
        without_referral_reason="консултация",
    )
    return case_move(
        actor=case_manager, case=case, to_status="support", expected_version=case.version
    )


def test_a_case_managers_closure_waits_for_the_director(client, case, case_manager, director):
    client.force_login(case_manager)
    response = client.post(
        reverse("cases:close", args=[case.pk]),
        {
            "outcome": "reintegrated",
            "reason": "Детето се върна при майка си.",
            "version": case.version,
        },
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == CaseStatus.SUPPORT
    approval = Task.objects.get(kind=TaskKind.APPROVAL)
    assert approval.assignee == director
    # The case manager may not approve.
    assert client.get(reverse("cases:closure_decide", args=[case.pk])).status_code == 403
    client.force_login(director)
    assert case.number in client.get(reverse("cases:my_work")).content.decode()
    response = client.post(
        reverse("cases:closure_decide", args=[case.pk]), {"decision": "approve", "reason": ""}
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert (case.status, case.closure.outcome, case.closure.approved_by) == (
        CaseStatus.CLOSED,
        "reintegrated",
        director,
    )
    approval.refresh_from_db()
    assert approval.done_at is not None
    follow_ups = list(case.follow_ups.order_by("months"))
    assert [f.months for f in follow_ups] == [3, 6, 12]
    closed = case.closed_on
    months_later = [
        (f.due_on.year - closed.year) * 12 + f.due_on.month - closed.month for f in follow_ups
    ]
    assert months_later == [3, 6, 12]
    assert Task.objects.filter(kind=TaskKind.FOLLOW_UP, assignee=case_manager).count() == 3


def test_a_rejected_closure_keeps_the_case_open_with_the_reason(
    client, case, case_manager, director
):
    closure_request(
        actor=case_manager, case=case, outcome="other", reason="x", expected_version=case.version
    )
    client.force_login(director)
    response = client.post(
        reverse("cases:closure_decide", args=[case.pk]), {"decision": "reject", "reason": ""}
    )
    assert response.status_code == 200
    response = client.post(
        reverse("cases:closure_decide", args=[case.pk]),
        {"decision": "reject", "reason": "Планът не е изпълнен."},
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == CaseStatus.SUPPORT
    assert not hasattr(case, "closure") or Case.objects.get(pk=case.pk).closure is None
    assert (
        AuditEvent.objects.filter(object_type="cases.closure", action=AuditAction.DELETE)
        .get()
        .details["rejected"]
        == "Планът не е изпълнен."
    )


def test_the_follow_up_records_whether_the_child_lives_in_a_family(
    client, case, director, case_manager
):
    closure_request(
        actor=director,
        case=case,
        outcome="stays_in_family",
        reason="край",
        expected_version=case.version,
    )
    follow_up = FollowUp.objects.get(case=case, months=3)
    client.force_login(case_manager)
    response = client.post(
        reverse("cases:follow_up", args=[follow_up.pk]),
        {"lives_in_family": "yes", "notes": "Добре е.", "done_on": "23.11.2026"},
    )
    assert response.status_code == 302
    follow_up.refresh_from_db()
    assert (follow_up.lives_in_family, follow_up.done_on) == (True, dt.date(2026, 11, 23))
    assert Task.objects.open().filter(kind=TaskKind.FOLLOW_UP).count() == 2


def test_reopening_cancels_the_checks_still_to_come(case, director, case_manager):
    closure_request(
        actor=director,
        case=case,
        outcome="stays_in_family",
        reason="край",
        expected_version=case.version,
    )
    case.refresh_from_db()
    case_move(
        actor=case_manager,
        case=case,
        to_status="assessment",
        reason="нов сигнал от училището",
        expected_version=case.version,
    )
    assert not FollowUp.objects.filter(case=case).exists()
    assert not Task.objects.open().filter(kind=TaskKind.FOLLOW_UP).exists()


def test_closure_approve_refuses_someone_who_is_not_director(case, case_manager):
    closure = closure_request(
        actor=case_manager, case=case, outcome="other", reason="x", expected_version=case.version
    )
    with pytest.raises(Exception, match="директорът"):
        closure_approve(actor=case_manager, closure=closure)


def test_rules_make_assessment_tasks_once_and_close_them_when_done(case_manager, cop, org):
    child = PersonFactory(organisation=org)
    fresh = case_open(actor=case_manager, unit=cop, person=child, key_worker=case_manager, without_referral_reason="x",
                      opened_on=timezone.localdate() - dt.timedelta(days=ASSESSMENT_DAYS + 5))  # fmt: skip
    first = reminders_refresh()
    again = reminders_refresh()
    task = Task.objects.get(kind=TaskKind.ASSESSMENT_DUE, case=fresh)
    assert (first.created, again.created) == (1, 0)
    assert task.is_overdue()
    fresh = case_move(
        actor=case_manager, case=fresh, to_status="support", expected_version=fresh.version
    )
    assert reminders_refresh().closed == 1
    task.refresh_from_db()
    assert task.done_at is not None


def test_the_reminders_job_asks_the_same_few_queries_however_much_work_is_open(
    case_manager, cop, org
):
    """Every open case and follow-up of the country is looked at on every run (every few
    minutes): which already have their task is asked for a thousand at a time, not one by one."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def open_work(count: int) -> None:
        for _ in range(count):
            case = case_open(actor=case_manager, unit=cop, person=PersonFactory(organisation=org),
                             key_worker=case_manager, without_referral_reason="x")  # fmt: skip
            FollowUp.objects.create(organisation=org, case=case, months=3,
                                    due_on=timezone.localdate() + dt.timedelta(days=90))  # fmt: skip

    def queries_of_a_run() -> int:
        with CaptureQueriesContext(connection) as run:
            assert reminders_refresh().created == 0  # everything has its task already
        return len(run.captured_queries)

    open_work(2)
    assert reminders_refresh().created == 4
    few = queries_of_a_run()
    open_work(10)
    assert reminders_refresh().created == 20
    assert queries_of_a_run() == few
    assert Task.objects.filter(kind=TaskKind.FOLLOW_UP).count() == 12
    assert Task.objects.filter(kind=TaskKind.ASSESSMENT_DUE).count() == 12


def test_my_work_puts_overdue_first_and_the_director_sees_it_per_worker(
    client, org, case, case_manager, director
):
    today = timezone.localdate()
    Task.objects.create(
        organisation=org,
        title="По-късно",
        assignee=case_manager,
        due_on=today + dt.timedelta(days=5),
    )
    Task.objects.create(
        organisation=org,
        title="Закъсняла",
        assignee=case_manager,
        due_on=today - dt.timedelta(days=3),
        case=case,
    )
    client.force_login(case_manager)
    response = client.get(reverse("cases:my_work"))
    assert [t.title for t in response.context["overdue"]] == ["Закъсняла"]
    assert [t.title for t in response.context["upcoming"]] == ["По-късно"]
    assert response.context["per_worker"] is None
    client.force_login(director)
    rows = list(client.get(reverse("cases:my_work")).context["per_worker"])
    assert rows == [
        {
            "assignee__full_name": case_manager.full_name,
            "assignee__email": case_manager.email,
            "overdue": 1,
            "oldest": today - dt.timedelta(days=3),
        }
    ]


def test_a_task_of_a_restricted_case_is_not_shown_to_others(client, org, case, case_manager):
    case.is_restricted = True
    case.save()
    colleague = member(org, Role.CASE_MANAGER, email="colleague@example.bg")
    task = Task.objects.create(
        organisation=org,
        title="Тайна задача",
        assignee=colleague,
        due_on=timezone.localdate(),
        case=case,
    )
    client.force_login(colleague)
    assert "Тайна задача" not in client.get(reverse("cases:my_work")).content.decode()
    # Even assigned to them: a restricted case's work is its team's (a 404, nothing done).
    assert client.post(reverse("cases:task_done", args=[task.pk])).status_code == 404
    task.refresh_from_db()
    assert task.done_at is None


def test_the_reminders_job_runs_through_the_task_queue(case_manager, cop, org, monkeypatch):
    from django_tasks_db.models import DBTaskResult

    child = PersonFactory(organisation=org)
    case_open(
        actor=case_manager,
        unit=cop,
        person=child,
        key_worker=case_manager,
        without_referral_reason="x",
    )
    call_command("reminders", "--enqueue")
    assert DBTaskResult.objects.count() == 1
    assert not Task.objects.filter(kind=TaskKind.ASSESSMENT_DUE).exists()
    # A worker closes connections between jobs, which would also close the test's own
    # transaction; in its own process it is right to, here it is switched off.
    monkeypatch.setattr(
        "django_tasks_db.management.commands.db_worker.close_old_connections", lambda: None
    )
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload")
    assert Task.objects.filter(kind=TaskKind.ASSESSMENT_DUE).count() == 1
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (dt.date(2026, 1, 31), 3, dt.date(2026, 4, 30)),
        (dt.date(2026, 11, 30), 3, dt.date(2027, 2, 28)),
        (dt.date(2027, 11, 29), 3, dt.date(2028, 2, 29)),
        (dt.date(2026, 6, 15), 12, dt.date(2027, 6, 15)),
    ],
)
def test_follow_ups_fall_on_the_same_day_months_later_or_the_months_last_day(day, months, expected):
    from zakrila.cases.services import add_months

    assert add_months(day, months) == expected


def test_the_home_page_starts_the_day_with_my_cases_and_overdue_work(
    client, org, case, case_manager, director
):
    Task.objects.create(
        organisation=org,
        title="Закъсняла",
        assignee=case_manager,
        case=case,
        due_on=timezone.localdate() - dt.timedelta(days=2),
    )
    client.force_login(case_manager)
    body = client.get("/").content.decode()
    assert "1 открит случай, по който работите" in body
    assert "1 задача е просрочена" in body
    closure_request(
        actor=case_manager, case=case, outcome="other", reason="x", expected_version=case.version
    )
    client.force_login(director)
    home = client.get("/").content.decode()
    assert "1 решение чака вас" in home
    assert reverse("cases:closure_decide", args=[case.pk]) in home
