"""Admissions at any hour, the refusals that keep the board true, the director's recorded
override, alerts, the care diary and discharge."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import member
from tests.placements.conftest import bed_of, night, open_case
from zakrila.accounts.models import Role
from zakrila.audit.models import AuditAction, AuditEvent
from zakrila.cases.models import Task
from zakrila.cases.reminders import reminders_refresh
from zakrila.placements.models import Bed, Placement
from zakrila.placements.services import placement_admit, placement_discharge


def test_a_carer_admits_a_child_at_night_and_the_board_shows_it(
    client, org, emergency, case_manager, carer
):
    case = open_case(org, emergency, case_manager)
    client.force_login(carer)
    response = client.post(
        reverse("placements:admit", args=[emergency.pk]),
        {"case": case.pk, "bed": bed_of(emergency, "Легло 1").pk, "legal_basis": "administrative",
         "order_number": "ЗД-17", "order_date": "", "admitted_at": night().strftime("%d.%m.%Y %H:%M"),
         "planned_end": "", "override_reason": ""},
    )  # fmt: skip
    assert response.status_code == 302
    board = client.get(reverse("placements:board", args=[emergency.pk]))
    assert "Ани" in board.content.decode()
    assert board.context["present"] == 1 and board.context["free"] == 1
    assert AuditEvent.objects.filter(
        action=AuditAction.CREATE, object_type="placements.placement"
    ).exists()


def test_a_child_is_never_in_two_beds_and_a_bed_holds_one_child(
    org, emergency, case_manager, carer
):
    first = open_case(org, emergency, case_manager)
    placement_admit(
        actor=carer,
        case=first,
        bed=bed_of(emergency, "Легло 1"),
        legal_basis="administrative",
        admitted_at=night(3),
    )
    with pytest.raises(Exception, match="никога не е в две легла"):
        placement_admit(
            actor=carer,
            case=first,
            bed=bed_of(emergency, "Легло 2"),
            legal_basis="administrative",
            admitted_at=night(1),
        )
    second = open_case(org, emergency, case_manager, name="Боби")
    with pytest.raises(Exception, match="заето"):
        placement_admit(
            actor=carer,
            case=second,
            bed=bed_of(emergency, "Легло 1"),
            legal_basis="administrative",
            admitted_at=night(1),
        )
    # An earlier stay that would run into the current one is refused too.
    with pytest.raises(Exception, match="заето"):
        placement_admit(
            actor=carer,
            case=second,
            bed=bed_of(emergency, "Легло 1"),
            legal_basis="administrative",
            admitted_at=night(5),
        )


def test_over_capacity_is_refused_unless_the_director_overrides_with_a_reason(
    client, org, emergency, case_manager, carer, director
):
    for name, bed in (("Ани", "Легло 1"), ("Боби", "Легло 2")):
        placement_admit(
            actor=carer,
            case=open_case(org, emergency, case_manager, name),
            bed=bed_of(emergency, bed),
            legal_basis="police",
            admitted_at=night(),
        )
    third = open_case(org, emergency, case_manager, "Ваня")
    with pytest.raises(Exception, match="Само директорът"):
        placement_admit(
            actor=carer,
            case=third,
            bed=bed_of(emergency, "Допълнително"),
            legal_basis="police",
            admitted_at=timezone.now(),
        )
    client.force_login(director)
    data = {"case": third.pk, "bed": bed_of(emergency, "Допълнително").pk, "legal_basis": "police",
            "order_number": "", "order_date": "", "admitted_at": timezone.localtime().strftime("%d.%m.%Y %H:%M"),
            "planned_end": "", "override_reason": ""}  # fmt: skip
    response = client.post(reverse("placements:admit", args=[emergency.pk]), data)
    assert response.status_code == 200
    assert (
        "over_capacity" not in str(response.context["form"].errors)
        and "override_reason" in response.context["form"].errors
    )
    response = client.post(
        reverse("placements:admit", args=[emergency.pk]),
        {**data, "override_reason": "Нощен сигнал, няма друго място в областта"},
    )
    assert response.status_code == 302
    override = AuditEvent.objects.get(action=AuditAction.OVERRIDE)
    assert override.actor == director
    assert override.details["reason"] == "Нощен сигнал, няма друго място в областта"
    board = client.get(reverse("placements:board", args=[emergency.pk]))
    assert board.context["over_capacity"] is True


def test_police_protection_alerts_on_the_board_and_as_a_task(
    client, org, emergency, case_manager, carer
):
    case = open_case(org, emergency, case_manager)
    admitted = timezone.now() - dt.timedelta(hours=40)
    placement = placement_admit(
        actor=carer,
        case=case,
        bed=bed_of(emergency, "Легло 1"),
        legal_basis="police",
        admitted_at=admitted,
    )
    assert placement.planned_end == timezone.localtime(admitted + dt.timedelta(hours=48)).date()
    client.force_login(carer)
    alerts = client.get(reverse("placements:board", args=[emergency.pk])).context["alerts"]
    assert [a.kind for a in alerts] == ["police"]
    assert "закрила" in alerts[0].message
    reminders_refresh()
    task = Task.objects.get(rule_key=f"placement:{placement.pk}:police")
    assert task.assignee == case_manager
    placement_discharge(
        actor=carer,
        placement=placement,
        discharged_at=timezone.now(),
        destination="family",
        expected_version=placement.version,
    )
    task.refresh_from_db()
    assert task.done_at is not None


def test_a_stay_beyond_the_units_maximum_and_a_passed_planned_end_alert(
    client, org, emergency, case_manager, carer, director
):
    case = open_case(org, emergency, case_manager)
    placement_admit(
        actor=director,
        case=case,
        bed=bed_of(emergency, "Легло 2"),
        legal_basis="administrative",
        admitted_at=night(40),
        planned_end=timezone.localdate() - dt.timedelta(days=10),
        late_entry_reason="Пренесено от хартиения регистър",
    )
    client.force_login(carer)
    kinds = {
        a.kind
        for a in client.get(reverse("placements:board", args=[emergency.pk])).context["alerts"]
    }
    assert kinds == {"long_stay", "planned_end"}


def test_an_incident_in_the_diary_is_a_task_for_the_key_worker_today(
    client, org, emergency, case_manager, carer
):
    placement = placement_admit(
        actor=carer,
        case=open_case(org, emergency, case_manager),
        bed=bed_of(emergency, "Легло 1"),
        legal_basis="administrative",
        admitted_at=night(),
    )
    client.force_login(carer)
    client.post(
        placement.get_absolute_url(), {"form": "diary", "kind": "daily", "text": "Спа спокойно."}
    )
    client.post(
        placement.get_absolute_url(),
        {"form": "diary", "kind": "incident", "text": "Падна и си удари коляното."},
    )
    assert placement.diary.count() == 2
    task = Task.objects.get(rule_key__startswith="incident:")
    assert (task.assignee, task.due_on) == (case_manager, timezone.localdate())
    assert "Спа спокойно" not in str(
        AuditEvent.objects.filter(object_type="placements.diaryentry").values_list(
            "changes", flat=True
        )
    )


def test_discharge_asks_for_confirmation_then_frees_the_bed_and_refuses_impossible_times(
    client, org, emergency, case_manager, carer
):
    placement = placement_admit(
        actor=carer,
        case=open_case(org, emergency, case_manager),
        bed=bed_of(emergency, "Легло 1"),
        legal_basis="administrative",
        admitted_at=night(),
    )
    client.force_login(carer)
    url = reverse("placements:discharge", args=[placement.pk])
    assert url in client.get(placement.get_absolute_url()).content.decode()
    early = (night() - dt.timedelta(hours=5)).strftime("%d.%m.%Y %H:%M")
    data = {"discharged_at": early, "destination": "family", "version": placement.version}
    response = client.post(url, {**data, "confirmed": "yes"})
    assert response.status_code == 200
    assert "след приемането" in response.content.decode()

    data["discharged_at"] = timezone.localtime().strftime("%d.%m.%Y %H:%M")
    response = client.post(url, data)  # the first step only asks
    assert response.status_code == 200 and response.context["confirming"]
    page = response.content.decode()
    assert "Да, изписване" in page and "собственото семейство" in page
    placement.refresh_from_db()
    assert placement.discharged_at is None

    response = client.post(url, {**data, "confirmed": "yes"})
    assert response.status_code == 302
    placement.refresh_from_db()
    assert placement.destination == "family"
    assert client.get(reverse("placements:board", args=[emergency.pk])).context["present"] == 0
    # Once discharged, the page says so instead of discharging twice.
    assert client.post(url, {**data, "confirmed": "yes"}).status_code == 302
    assert Placement.objects.get().version == placement.version


def test_others_see_no_board_and_a_restricted_childs_name_is_hidden(
    client, org, emergency, case_manager, carer, outsider
):
    case = open_case(org, emergency, case_manager, name="Тайна")
    case.is_restricted = True
    case.save()
    placement = placement_admit(
        actor=case_manager,
        case=case,
        bed=bed_of(emergency, "Легло 1"),
        legal_basis="court",
        admitted_at=night(),
    )
    client.force_login(carer)
    board = client.get(reverse("placements:board", args=[emergency.pk]))
    assert "Тайна" not in board.content.decode()
    assert board.context["present"] == 1
    assert client.get(placement.get_absolute_url()).status_code == 404
    client.force_login(outsider)
    for url in (reverse("placements:board", args=[emergency.pk]), reverse("placements:admit", args=[emergency.pk]),
                reverse("placements:figures", args=[emergency.pk]), placement.get_absolute_url()):  # fmt: skip
        assert client.get(url).status_code == 404, url
    trainer = member(org, Role.TRAINER)
    client.force_login(trainer)
    assert client.get(reverse("placements:boards")).status_code == 403


def test_beds_stay_within_capacity_unless_marked_extra(org, emergency):
    bed = Bed(organisation=org, unit=emergency, label="Легло 3")
    with pytest.raises(Exception, match="допълнително"):
        bed.full_clean()
    assert Placement.objects.count() == 0


def test_the_month_calendar_shows_each_night_by_initials_and_hides_a_restricted_child(
    client, org, emergency, case_manager, carer
):
    seen = open_case(org, emergency, case_manager, name="Ани")
    placement_admit(
        actor=carer, case=seen, bed=bed_of(emergency, "Легло 1"), legal_basis="court",
        admitted_at=night(3),
    )  # fmt: skip
    hidden = open_case(org, emergency, case_manager, name="Тайна")
    hidden.is_restricted = True
    hidden.save()
    placement_admit(
        actor=case_manager, case=hidden, bed=bed_of(emergency, "Легло 2"), legal_basis="court",
        admitted_at=night(1),
    )  # fmt: skip
    Bed.objects.create(organisation=org, unit=emergency, label="Стая <b>", is_extra=True)
    client.force_login(carer)
    page = client.get(reverse("placements:board", args=[emergency.pk])).content.decode()
    table = re.search(r'data-testid="calendar">.*?<tbody>(.*?)</tbody>', page, re.S).group(1)
    rows = {
        label: re.findall(r'<td(?: class="(\w*)")?>(.*?)</td>', cells)
        for label, cells in re.findall(r"<tr><th>(.*?)</th>(.*?)</tr>", table)
    }
    assert list(rows) == ["Допълнително", "Легло 1", "Легло 2", "Стая &lt;b&gt;"]
    today = timezone.localdate()
    first = today.replace(day=1)

    def expected(since_days_ago, shown):
        return [
            ("busy", shown)
            if today - dt.timedelta(days=since_days_ago) <= day <= today
            else ("", "")
            for day in (first + dt.timedelta(days=n) for n in range(len(rows["Легло 1"])))
        ]

    assert len(rows["Легло 1"]) >= 28
    assert rows["Легло 1"] == expected(3, "АК")
    assert rows["Легло 2"] == expected(1, "•")
    assert rows["Допълнително"] == rows["Стая &lt;b&gt;"] == expected(-1, "")
