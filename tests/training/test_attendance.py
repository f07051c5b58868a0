"""Attendance: everyone in the cohort in one save; refused for someone not in the cohort, before
the session, from a stale form; sessions only within the cohort's dates."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.training.conftest import make_cohort, make_edition, session
from zakrila.audit.models import AuditAction, AuditEvent
from zakrila.core.concurrency import StaleEditError
from zakrila.training.models import Attendance, TrainingSession
from zakrila.training.services import attendance_record, cohort_update, session_schedule


@pytest.fixture
def cohort(trainer):
    return make_cohort(trainer, make_edition(trainer, hours=(8, 8)))


def test_attendance_records_everyone_present_or_not_with_its_audit_row(trainer, cohort):
    maria, petya = cohort.trainees.order_by("pk")
    day = session(trainer, cohort, 1, 8)
    taken = attendance_record(
        actor=trainer, session=day, present=[str(maria.pk)], expected_version=day.version
    )
    rows = dict(Attendance.objects.filter(session=day).values_list("trainee_id", "present"))
    assert rows == {maria.pk: True, petya.pk: False}
    assert taken.version == day.version + 1 and taken.attendance_taken_by == trainer
    event = AuditEvent.objects.get(
        object_type="training.trainingsession", action=AuditAction.UPDATE
    )
    assert event.details["present"] == [maria.pk] and event.details["absent"] == [petya.pk]


def test_attendance_for_a_trainee_not_in_the_cohort_is_refused_and_nothing_is_written(
    trainer, cohort
):
    stranger_cohort = make_cohort(
        trainer, cohort.edition, trainees=["Чужда Курсистка"], name="Друг"
    )
    stranger = stranger_cohort.trainees.get()
    maria = cohort.trainees.order_by("pk").first()
    day = session(trainer, cohort, 1, 8)
    with pytest.raises(ValidationError, match="само курсистите от този випуск"):
        attendance_record(
            actor=trainer,
            session=day,
            present=[maria.pk, stranger.pk],
            expected_version=day.version,
        )
    day.refresh_from_db()
    assert not Attendance.objects.exists() and day.attendance_taken_at is None and day.version == 1


def test_attendance_is_refused_before_the_session(trainer):
    today = timezone.localdate()
    cohort = make_cohort(trainer, make_edition(trainer, hours=(8,)), starts_on=today, days=10)
    tomorrow = session(trainer, cohort, 1, 8, day=2)
    with pytest.raises(ValidationError, match="присъствието се взема в деня на занятието"):
        attendance_record(actor=trainer, session=tomorrow, present=[], expected_version=1)
    assert not Attendance.objects.exists()


def test_a_stale_attendance_form_is_refused_with_who_saved(trainer, director, cohort):
    maria, petya = cohort.trainees.order_by("pk")
    day = session(trainer, cohort, 1, 8)
    opened_at = day.version  # both trainers opened the page at this version
    attendance_record(
        actor=director, session=day, present=[maria.pk, petya.pk], expected_version=opened_at
    )
    with pytest.raises(StaleEditError) as refusal:
        attendance_record(
            actor=trainer, session=day, present=[maria.pk], expected_version=opened_at
        )
    assert "director@example.bg" in str(refusal.value)
    assert set(
        Attendance.objects.filter(session=day, present=True).values_list("trainee_id", flat=True)
    ) == {maria.pk, petya.pk}


def test_a_stale_attendance_page_keeps_the_ticks_and_says_so(client, trainer, director, cohort):
    maria, petya = cohort.trainees.order_by("pk")
    day = session(trainer, cohort, 1, 8)
    attendance_record(actor=director, session=day, present=[petya.pk], expected_version=day.version)
    client.force_login(trainer)
    response = client.post(
        reverse("training:attendance", args=[day.pk]), {"present": [maria.pk], "version": 1}
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Някой друг е записал този запис" in page and "director@example.bg" in page
    assert f'value="{maria.pk}" checked' in page and f'value="{petya.pk}" checked' not in page
    assert set(
        Attendance.objects.filter(session=day, present=True).values_list("trainee_id", flat=True)
    ) == {petya.pk}


def test_a_session_outside_the_cohorts_dates_is_refused(trainer, cohort):
    module = cohort.edition.modules.get(number=1)
    for day in (cohort.starts_on - dt.timedelta(days=1), cohort.ends_on + dt.timedelta(days=1)):
        with pytest.raises(ValidationError) as refusal:
            session_schedule(
                actor=trainer, cohort=cohort, module=module, held_on=day, hours=Decimal(4)
            )
        assert "held_on" in refusal.value.error_dict
    assert not TrainingSession.objects.exists()
    session_schedule(
        actor=trainer, cohort=cohort, module=module, held_on=cohort.ends_on, hours=Decimal(4)
    )


def test_a_cohorts_dates_cannot_leave_a_session_outside(trainer, cohort):
    late = session(trainer, cohort, 1, 4, day=30)
    with pytest.raises(ValidationError, match="извън датите на випуска"):
        cohort_update(
            actor=trainer, cohort=cohort, name=cohort.name, starts_on=cohort.starts_on,
            ends_on=cohort.starts_on + dt.timedelta(days=10), place="", trainers=[trainer],
            expected_version=cohort.version,
        )  # fmt: skip
    cohort.refresh_from_db()
    assert cohort.ends_on > late.held_on


def test_a_session_of_another_editions_module_is_refused(trainer, cohort):
    other = make_edition(trainer, hours=(4,), name="Друга програма", code="ДП")
    with pytest.raises(ValidationError, match="не е част от изданието"):
        session_schedule(
            actor=trainer, cohort=cohort, module=other.modules.get(), held_on=cohort.starts_on,
            hours=Decimal(4),
        )  # fmt: skip


def test_only_the_trainers_and_the_director_take_attendance(dpo, trainer, cohort):
    day = session(trainer, cohort, 1, 8)
    with pytest.raises(PermissionDenied):
        attendance_record(actor=dpo, session=day, present=[], expected_version=day.version)


def test_the_attendance_page_lists_everyone_and_saves_in_one_post(client, trainer, cohort):
    maria, petya = cohort.trainees.order_by("pk")
    day = session(trainer, cohort, 1, 8)
    client.force_login(trainer)
    page = client.get(reverse("training:attendance", args=[day.pk])).content.decode()
    assert page.count('data-testid="attendance-row"') == 2
    assert "Мария Стоянова" in page and "Петя Иванова" in page
    response = client.post(
        reverse("training:attendance", args=[day.pk]),
        {"present": [maria.pk, petya.pk], "version": day.version},
    )
    assert response.status_code == 302 and response.url == cohort.get_absolute_url()
    assert Attendance.objects.filter(session=day, present=True).count() == 2
    assert AuditEvent.objects.filter(
        action=AuditAction.VIEW, object_type="training.trainingsession", actor=trainer
    ).exists()


def test_the_attendance_page_costs_the_same_queries_for_2_or_20_trainees(client, trainer):
    edition = make_edition(trainer, hours=(8,))
    small = make_cohort(trainer, edition, trainees=["А Б", "В Г"], name="Малък")
    large = make_cohort(
        trainer, edition, trainees=[f"Курсист {n}" for n in range(20)], name="Голям"
    )
    client.force_login(trainer)
    counts = []
    for cohort in (small, large):
        day = session(trainer, cohort, 1, 8)
        url = reverse("training:attendance", args=[day.pk])
        client.get(url)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]
