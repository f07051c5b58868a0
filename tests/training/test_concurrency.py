"""Simultaneous issuing and attendance on PostgreSQL, in real transactions from many threads:
every completer holds one certificate, numbers never repeat, and of two attendance forms
opened at the same version one is saved and the other refused."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections

from tests.training.conftest import full_course, make_cohort, make_edition, session
from zakrila.accounts.models import User
from zakrila.core.concurrency import StaleEditError
from zakrila.training.models import Attendance, Certificate, Cohort, Trainee, TrainingSession
from zakrila.training.services import (
    attendance_record,
    certificate_issue,
    certificates_issue_for_cohort,
)

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="the embedded SQLite serialises writers; the race exists only with concurrent writers",
    ),
]


def _at_once(calls: list[Callable[[], object]]) -> list[object]:
    results: list[object] = [None] * len(calls)
    barrier = threading.Barrier(len(calls))

    def run(index: int) -> None:
        try:
            barrier.wait(timeout=30)
            results[index] = calls[index]()
        except Exception as error:  # the test inspects every outcome
            results[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def test_simultaneous_issuing_gives_each_completer_one_certificate_with_its_own_number(trainer):
    names = [f"Курсист {n}" for n in range(6)]
    cohort = make_cohort(trainer, make_edition(trainer, hours=(8,)), trainees=names)
    full_course(trainer, cohort)
    first = cohort.trainees.order_by("pk").first()

    def whole_cohort() -> object:
        actor = User.objects.get(pk=trainer.pk)
        return certificates_issue_for_cohort(actor=actor, cohort=Cohort.objects.get(pk=cohort.pk))

    def one() -> object:
        actor = User.objects.get(pk=trainer.pk)
        return certificate_issue(actor=actor, trainee=Trainee.objects.get(pk=first.pk))

    results = _at_once([whole_cohort, one] * 4)
    for result in results:
        assert isinstance(result, (list, Certificate, ValidationError)), repr(result)
    valid = Certificate.objects.filter(revoked_at__isnull=True)
    assert sorted(valid.values_list("trainee_id", flat=True)) == sorted(
        cohort.trainees.values_list("pk", flat=True)
    )
    numbers = list(Certificate.objects.values_list("number", flat=True))
    assert len(numbers) == len(set(numbers)) == len(names)


def test_two_trainers_saving_one_attendance_at_once_one_is_refused(trainer, director):
    cohort = make_cohort(trainer, make_edition(trainer, hours=(8,)))
    maria, petya = cohort.trainees.order_by("pk")
    day = session(trainer, cohort, 1, 8)

    def save(actor_id: int, present: list[int]) -> Callable[[], object]:
        return lambda: attendance_record(
            actor=User.objects.get(pk=actor_id), session=TrainingSession.objects.get(pk=day.pk),
            present=present, expected_version=1,
        )  # fmt: skip

    results = _at_once([save(trainer.pk, [maria.pk]), save(director.pk, [petya.pk])])
    saved = [r for r in results if isinstance(r, TrainingSession)]
    refused = [r for r in results if isinstance(r, StaleEditError)]
    assert len(saved) == 1 and len(refused) == 1, results
    assert Attendance.objects.filter(session=day).count() == 2
    assert Attendance.objects.filter(session=day, present=True).count() == 1
