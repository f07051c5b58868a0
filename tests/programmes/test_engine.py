"""The engine: schedules from data, windows, overdue, the next visit when one is done."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from tests.factories import PersonFactory
from zakrila.audit.models import AuditEvent
from zakrila.organisations.models import ProgrammeKind
from zakrila.programmes.models import Enrolment, EnrolmentStatus, Visit, VisitStatus
from zakrila.programmes.schedules import add_months, schedule_for, schedule_from_data
from zakrila.programmes.services import (
    enrolment_end,
    enrolment_move_stage,
    enrolment_set_anchors,
    enrolment_start,
    visit_miss,
    visit_record,
)

pytestmark = pytest.mark.django_db


def test_add_months_keeps_the_day_or_takes_the_last_of_a_shorter_month():
    assert add_months(dt.date(2026, 3, 15), 3) == dt.date(2026, 6, 15)
    assert add_months(dt.date(2026, 3, 31), 3) == dt.date(2026, 6, 30)
    assert add_months(dt.date(2026, 3, 15), 12) == dt.date(2027, 3, 15)
    assert add_months(dt.date(2024, 2, 29), 12) == dt.date(2025, 2, 28)


@pytest.mark.parametrize(
    "kind",
    [
        ProgrammeKind.MATERNITY_WARD,
        ProgrammeKind.EARLY_INTERVENTION,
        ProgrammeKind.FAMILY_PLANNING,
        ProgrammeKind.DEINSTITUTIONALISATION,
    ],
)
def test_it_ships_a_schedule_with_outcomes_for_each_programme_of_the_issue(kind):
    schedule = schedule_for(kind)
    assert schedule.stages and schedule.outcomes and schedule.family_outcomes


def test_the_pregnancy_schedule_is_who_2016_eight_contacts():
    schedule = schedule_for(ProgrammeKind.FAMILY_PLANNING)
    weeks = [d.due_days // 7 for d in schedule.stages[0].visits]
    assert weeks == [12, 20, 26, 30, 34, 36, 38, 40]


def test_a_schedule_with_a_bad_anchor_or_a_repeated_key_is_refused():
    base = {"kind": "x", "name_bg": "Х"}
    visit = {"key": "a", "title_bg": "А", "anchor": "enrolment", "due_days": 1}
    with pytest.raises(ValidationError):
        schedule_from_data({**base, "stages": [{"code": "s", "title_bg": "С", "visits": [{**visit, "anchor": "moon"}]}]})  # fmt: skip
    with pytest.raises(ValidationError):
        schedule_from_data({**base, "stages": [{"code": "s", "title_bg": "С", "visits": [visit, visit]}]})  # fmt: skip
    with pytest.raises(ValidationError):
        schedule_from_data({**base, "stages": [{"code": "s", "title_bg": "С", "visits": [{**visit, "expires_days": -3}]}]})  # fmt: skip


def test_di_follow_ups_fall_three_six_and_twelve_months_after_leaving(di, child, worker):
    enrolment = enrolment_start(
        actor=worker, programme=di, person=child, worker=worker, started_on=dt.date(2026, 1, 10),
        anchors={"left_institution": dt.date(2026, 3, 16)},
    )  # fmt: skip
    due = {v.key: v.due_on for v in enrolment.visits.filter(stage="follow_up")}
    assert due == {
        "follow_3m": dt.date(2026, 6, 16),
        "follow_6m": dt.date(2026, 9, 16),
        "follow_12m": dt.date(2027, 3, 16),
    }
    assert AuditEvent.objects.filter(object_type="programmes.enrolment", action="create").exists()


def test_visits_wait_for_their_anchor_then_are_scheduled(di, child, worker):
    enrolment = enrolment_start(
        actor=worker, programme=di, person=child, worker=worker, started_on=dt.date(2026, 1, 10)
    )
    assert not enrolment.visits.filter(stage="follow_up").exists()
    enrolment = enrolment_set_anchors(
        actor=worker, enrolment=enrolment, anchors={"left_institution": dt.date(2026, 3, 2)}
    )
    assert enrolment.visits.filter(stage="follow_up").count() == 3
    # Correcting the date moves the planned visits with it, without making new ones.
    enrolment_set_anchors(
        actor=worker, enrolment=enrolment, anchors={"left_institution": dt.date(2026, 3, 9)}
    )
    assert enrolment.visits.filter(stage="follow_up").count() == 3
    assert enrolment.visits.get(key="follow_3m").due_on == dt.date(2026, 6, 9)


def test_a_visit_not_done_by_the_end_of_its_window_is_overdue(di, child, worker):
    today = timezone.localdate()
    enrolment = enrolment_start(
        actor=worker, programme=di, person=child, worker=worker,
        started_on=today - dt.timedelta(days=200),
        anchors={"left_institution": today - dt.timedelta(days=150)},
    )  # fmt: skip
    three = enrolment.visits.get(key="follow_3m")
    assert three.window_end < today and three.is_overdue(today)
    six = enrolment.visits.get(key="follow_6m")
    assert not six.is_overdue(today)
    visit_record(actor=worker, enrolment=enrolment, visit=three, done_on=today, kind="home",
                 answers={"in_family": "yes"})  # fmt: skip
    three.refresh_from_db()
    assert three.status == VisitStatus.DONE and not three.is_overdue(today)


def test_a_repeatable_stage_schedules_the_next_visit_when_one_is_done(di, child, worker):
    start = timezone.localdate() - dt.timedelta(days=30)
    enrolment = enrolment_start(
        actor=worker, programme=di, person=child, worker=worker, started_on=start
    )
    [first] = enrolment.visits.filter(stage="preparation")
    assert first.due_on == start + dt.timedelta(days=7)
    visit_record(actor=worker, enrolment=enrolment, visit=first, done_on=start + dt.timedelta(days=8), kind="home")  # fmt: skip
    planned = enrolment.visits.get(stage="preparation", status=VisitStatus.PLANNED)
    assert planned.due_on == start + dt.timedelta(days=22) and planned.sequence == 2
    # Leaving the stage cancels its planned visit; the follow-ups wait for the date.
    enrolment_move_stage(actor=worker, enrolment=enrolment, stage="follow_up")
    planned.refresh_from_db()
    assert planned.status == VisitStatus.CANCELLED


def test_a_missed_visit_needs_a_reason_and_leaves_the_overdue_list(di, child, worker):
    today = timezone.localdate()
    enrolment = enrolment_start(
        actor=worker, programme=di, person=child, worker=worker,
        started_on=today - dt.timedelta(days=200),
        anchors={"left_institution": today - dt.timedelta(days=150)},
    )  # fmt: skip
    three = enrolment.visits.get(key="follow_3m")
    with pytest.raises(ValidationError):
        visit_miss(actor=worker, visit=three, reason="  ")
    visit_miss(actor=worker, visit=three, reason="семейството е в чужбина")
    three.refresh_from_db()
    assert three.status == VisitStatus.MISSED and not three.is_overdue(today)
    with pytest.raises(ValidationError):
        visit_record(actor=worker, enrolment=enrolment, visit=three, done_on=today, kind="home")


def test_a_pregnancy_registered_late_has_no_contacts_already_past(pregnancy_programme, org, cop, worker):  # fmt: skip
    woman = PersonFactory(organisation=org, unit=cop, birth_date=dt.date(2004, 5, 1))
    today = timezone.localdate()
    enrolment = enrolment_start(
        actor=worker, programme=pregnancy_programme, person=woman, worker=worker,
        anchors={"lmp": today - dt.timedelta(weeks=25)},
    )  # fmt: skip
    keys = list(enrolment.visits.values_list("key", flat=True))
    assert keys == ["anc3", "anc4", "anc5", "anc6", "anc7", "anc8"]


def test_ending_an_enrolment_needs_an_outcome_and_cancels_planned_visits(di, child, worker):
    enrolment = enrolment_start(
        actor=worker, programme=di, person=child, worker=worker,
        anchors={"left_institution": timezone.localdate()},
    )  # fmt: skip
    with pytest.raises(ValidationError):
        enrolment_end(actor=worker, enrolment=enrolment, status="completed", ended_on=timezone.localdate())  # fmt: skip
    with pytest.raises(ValidationError):
        enrolment_end(actor=worker, enrolment=enrolment, status="completed", ended_on=timezone.localdate(), outcome="moon")  # fmt: skip
    enrolment = enrolment_end(
        actor=worker, enrolment=enrolment, status="completed", ended_on=timezone.localdate(),
        outcome="foster_family",
    )  # fmt: skip
    assert (
        enrolment.status == EnrolmentStatus.COMPLETED
        and enrolment.outcome_on == timezone.localdate()
    )
    assert not enrolment.visits.filter(status=VisitStatus.PLANNED).exists()
    with pytest.raises(ValidationError):
        visit_record(actor=worker, enrolment=enrolment, done_on=timezone.localdate(), kind="home")


def test_one_person_is_enrolled_once_at_a_time_in_a_programme(di, child, worker):
    enrolment_start(actor=worker, programme=di, person=child, worker=worker)
    with pytest.raises(ValidationError):
        enrolment_start(actor=worker, programme=di, person=child, worker=worker)
    with pytest.raises(IntegrityError), transaction.atomic():
        Enrolment.objects.create(
            organisation=di.organisation, programme=di, unit=di.unit, person=child, worker=worker
        )


def test_a_person_of_another_organisation_cannot_be_enrolled(di, other_org, worker):
    stranger = PersonFactory(organisation=other_org)
    with pytest.raises(ValidationError):
        enrolment_start(actor=worker, programme=di, person=stranger, worker=worker)


def test_a_visit_outside_the_schedule_can_be_recorded(di, child, worker):
    enrolment = enrolment_start(actor=worker, programme=di, person=child, worker=worker)
    visit = visit_record(
        actor=worker, enrolment=enrolment, done_on=timezone.localdate(), kind="phone", note="тайно"
    )
    assert visit.key == "" and visit.status == VisitStatus.DONE
    event = AuditEvent.objects.filter(object_type="programmes.visit").latest("id")
    assert "тайно" not in str(event.changes) and event.person_id == child.pk
    assert Visit.objects.count() == 2
