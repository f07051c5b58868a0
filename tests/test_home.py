"""The home page is a list of panels (zakrila.core.home): each role finds real content there, or
an empty state that says what to do next (#12 §4.10); "my work" comes fifty tasks at a time."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from tests.factories import PersonFactory, member
from zakrila.accounts.models import Role
from zakrila.cases.models import Task
from zakrila.cases.services import case_open, contact_record
from zakrila.core.home import HOME_PANELS


def test_a_field_worker_without_families_is_told_what_to_do_next(client, org, cop):
    worker = member(org, Role.FIELD_WORKER, units=[cop], email="field@example.bg")
    client.force_login(worker)
    html = client.get("/").content.decode()
    assert 'data-testid="card-field"' in html
    assert "Все още няма семейства и контакти." in html
    assert "помолете водещия случая да ви добави в екипа" in html


def test_a_field_worker_sees_the_families_they_visit_and_their_contacts(
    client, org, cop, case_manager
):
    worker = member(org, Role.FIELD_WORKER, units=[cop], email="field@example.bg")
    child = PersonFactory(organisation=org, unit=cop)
    case = case_open(
        actor=case_manager, unit=cop, person=child, key_worker=case_manager, team=[worker],
        without_referral_reason="работа на терен",
    )  # fmt: skip
    contact_record(
        actor=worker, case=case, kind="home_visit", occurred_at=timezone.now(),
        duration_minutes=45, staff=[worker], participants="", place="", note="Посещение",
        is_confidential=False,
    )  # fmt: skip
    client.force_login(worker)
    html = client.get("/").content.decode()
    assert "1 семейство, което посещавате" in html
    assert "1 контакт, записан този месец" in html


def test_the_giving_coordinator_is_told_what_to_do_next(client, org):
    coordinator = member(org, Role.GIVING_COORDINATOR, email="giving@example.bg")
    client.force_login(coordinator)
    html = client.get("/").content.decode()
    assert 'data-testid="card-giving"' in html and 'class="next"' in html


def test_home_panels_are_a_list_an_app_extends():
    assert [panel.key for panel in HOME_PANELS][:3] == ["director", "casework", "field"]


def test_my_work_comes_fifty_tasks_at_a_time(client, org, case_manager):
    today = timezone.localdate()
    Task.objects.bulk_create(
        Task(
            organisation=org,
            title=f"Задача {i:02d}",
            assignee=case_manager,
            due_on=today + dt.timedelta(days=i - 5),
        )
        for i in range(60)
    )
    client.force_login(case_manager)
    first = client.get(reverse("cases:my_work"))
    shown = first.context["overdue"] + first.context["upcoming"]
    assert len(shown) == 50 and first.context["overdue_count"] == 5
    assert first.context["page"].has_next
    second = client.get(reverse("cases:my_work"), {"after": first.context["page"].next_token})
    rest = second.context["overdue"] + second.context["upcoming"]
    assert [task.title for task in rest] == [f"Задача {i:02d}" for i in range(50, 60)]
    assert not second.context["page"].has_next


def test_the_casework_panel_counts_my_open_cases_and_my_tasks_overdue_and_due_this_week(
    client, org, cop, case_manager
):
    """Each count is what its link lists: open cases where I am key worker or on the team; my
    open tasks past their date; my open tasks due within the week. Done tasks, tasks due later
    and a colleague's are not counted."""
    colleague = member(org, Role.CASE_MANAGER, email="colleague@example.bg")
    mine = case_open(
        actor=case_manager, unit=cop, person=PersonFactory(organisation=org, unit=cop),
        key_worker=case_manager, without_referral_reason="консултация",
    )  # fmt: skip
    on_team = case_open(
        actor=colleague, unit=cop, person=PersonFactory(organisation=org, unit=cop),
        key_worker=colleague, without_referral_reason="консултация",
    )  # fmt: skip
    on_team.team.add(case_manager)
    case_open(
        actor=colleague,
        unit=cop,
        person=PersonFactory(organisation=org, unit=cop),
        key_worker=colleague,
        without_referral_reason="консултация",
    )  # fmt: skip  (not mine)
    today = timezone.localdate()
    days = {"late-1": -3, "late-2": -1, "soon": 3, "today": 0, "later": 10}
    for title, offset in days.items():
        Task.objects.create(
            organisation=org, case=mine, title=title, assignee=case_manager,
            due_on=today + dt.timedelta(days=offset),
        )  # fmt: skip
    Task.objects.create(
        organisation=org, title="done", assignee=case_manager, due_on=today - dt.timedelta(days=2),
        done_at=timezone.now(),
    )  # fmt: skip
    Task.objects.create(organisation=org, title="theirs", assignee=colleague, due_on=today)
    client.force_login(case_manager)
    body = client.get("/").content.decode()
    assert "2 открити случая, по които работите" in body
    assert "2 задачи са просрочени" in body
    assert "2 задачи със срок тази седмица" in body


def test_the_home_lists_the_units_and_programmes_a_member_reaches_and_follows_their_changes(
    client, org, cop
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.factories import ProgrammeFactory, UnitFactory

    other_unit = UnitFactory(organisation=org, name="Звено „Майка и бебе“")
    ProgrammeFactory(unit=cop, name="Ранна интервенция в ЦОП")
    other_programme = ProgrammeFactory(
        unit=other_unit, name="Група за родители", kind="parent_group"
    )
    limited = member(org, Role.CASE_MANAGER, units=[cop], email="limited@example.bg")
    director = member(org, Role.DIRECTOR, email="director@example.bg")

    client.force_login(limited)
    html = client.get("/").content.decode()
    assert cop.name in html and "Ранна интервенция в ЦОП" in html
    assert other_unit.name not in html and "Група за родители" not in html

    client.force_login(director)
    html = client.get("/").content.decode()
    assert other_unit.name in html and "Група за родители" in html
    with CaptureQueriesContext(connection) as captured:  # the lists come from the cache now
        client.get("/")
    assert not any(
        '"organisations_programme"' in q["sql"] or 'FROM "organisations_unit"' in q["sql"]
        for q in captured.captured_queries
    )
    other_programme.name = "Група за взаимопомощ"
    other_programme.save()
    html = client.get("/").content.decode()
    assert "Група за взаимопомощ" in html and "Група за родители" not in html
    other_unit.is_active = False
    other_unit.save()
    html = client.get("/").content.decode()
    assert other_unit.name not in html.split('data-testid="home-units"')[1].split("</table>")[0]
