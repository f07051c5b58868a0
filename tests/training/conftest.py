"""People and records of the training centre's tests.

The trainer and the director run it; the DPO reads it; a case manager of the same
organisation has no part in it; ``outsider`` works for another organisation.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from tests.factories import member
from zakrila.accounts.models import Role
from zakrila.training.models import CompletionRule
from zakrila.training.services import (
    attendance_record,
    cohort_create,
    edition_publish,
    module_add,
    programme_create,
    session_schedule,
    trainee_add,
)

EKSPERT_HOURS = (16, 16, 16, 12, 12, 16, 8, 8)


@pytest.fixture
def trainer(org):
    return member(org, Role.TRAINER, email="trainer@example.bg", full_name="Даниела Маринова")


@pytest.fixture
def dpo(org):
    return member(org, Role.DPO, email="dpo@example.bg", full_name="Зорница Защитова")


@pytest.fixture
def other_trainer(other_org):
    return member(
        other_org, Role.TRAINER, email="other-trainer@example.bg", full_name="Чужд Треньор"
    )


def make_edition(
    trainer: Any,
    *,
    hours: Sequence[int | str] = EKSPERT_HOURS,
    rule: str = CompletionRule.EVERY_MODULE,
    percent: int = 80,
    name: str = "ЕКсперт",
    code: str = "ЕКС",
) -> Any:
    """A programme and its first edition with these modules, published."""
    from zakrila.accounts.policy import access_for

    organisation_id = access_for(trainer).reaches[0].organisation_id
    programme = programme_create(
        actor=trainer, organisation_id=organisation_id, code=code, name=name,
        completion_rule=rule, completion_percent=percent,
    )  # fmt: skip
    edition = programme.editions.get()
    for number, h in enumerate(hours, start=1):
        module_add(
            actor=trainer, edition=edition, title=f"Модул за практиката {number}",
            title_en=f"Practice module {number}", hours=Decimal(str(h)),
        )  # fmt: skip
    return edition_publish(actor=trainer, edition=edition)


def make_cohort(
    trainer: Any,
    edition: Any,
    *,
    trainees: Iterable[str] = ("Мария Стоянова", "Петя Иванова"),
    starts_on: dt.date | None = None,
    days: int = 60,
    name: str = "ЕКсперт – Русе, 1-ви випуск",
) -> Any:
    start = starts_on or timezone.localdate() - dt.timedelta(days=days)
    cohort = cohort_create(
        actor=trainer, edition=edition, name=name, starts_on=start,
        ends_on=start + dt.timedelta(days=days), place="Русе", trainers=[trainer],
    )  # fmt: skip
    for n, full_name in enumerate(trainees):
        trainee_add(
            actor=trainer, cohort=cohort, full_name=full_name, employer="ДСП – Русе",
            employer_type="social_assistance", region="ruse", position="социален работник",
            email=f"trainee{n}.{cohort.pk}@example.org",
        )  # fmt: skip
    return cohort


def session(trainer: Any, cohort: Any, number: int, hours: str | int, *, day: int = 1) -> Any:
    """A session of module ``number`` on the ``day``-th day of the cohort."""
    module = cohort.edition.modules.get(number=number)
    return session_schedule(
        actor=trainer, cohort=cohort, module=module,
        held_on=cohort.starts_on + dt.timedelta(days=day - 1), hours=Decimal(str(hours)),
    )  # fmt: skip


def attend(trainer: Any, session_: Any, *trainees: Any) -> Any:
    session_.refresh_from_db()
    return attendance_record(
        actor=trainer, session=session_, present=[t.pk for t in trainees],
        expected_version=session_.version,
    )  # fmt: skip


def full_course(
    trainer: Any, cohort: Any, *, skip: dict[int, Iterable[Any]] | None = None
) -> list[Any]:
    """One session per module with all its hours; everyone present except ``skip[module]``."""
    skip = skip or {}
    everyone = list(cohort.trainees.order_by("pk"))
    sessions = []
    day = 0
    for module in cohort.edition.modules.order_by("number"):
        absent = {t.pk for t in skip.get(module.number, ())}
        left = module.hours
        while left > 0:  # days of at most 8 hours
            day += 1
            hours = min(left, Decimal(8))
            s = session(trainer, cohort, module.number, hours, day=day)
            attend(trainer, s, *[t for t in everyone if t.pk not in absent])
            sessions.append(s)
            left -= hours
    return sessions
