"""The completion rule: who completed a cohort's programme edition, and who is missing what.

The rule belongs to the edition the cohort runs (``ProgrammeEdition.completion_rule`` and
``completion_percent``), so a later edition with other modules or another rule never changes
what earlier trainees completed:

- ``every_module``: for every module, the hours attended × 100 ≥ the module's hours × the
  percentage. Exactly 80 % of a 16-hour module (12.8 hours) is enough; a module missed entirely
  is never made up by the others.
- ``total_hours``: the hours attended over all modules × 100 ≥ all the hours × the percentage.

Hours attended are the hours of the sessions a trainee was marked present at, counted at most
up to the module's hours (an extra session does not make up another module). Everything is
computed in exact decimals: no rounding decides a completion.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Sum
from django.utils.formats import number_format

from zakrila.training.models import (
    Attendance,
    Cohort,
    CompletionRule,
    Module,
    ProgrammeEdition,
    Trainee,
    TrainingSession,
)

ZERO = Decimal("0")
HUNDRED = Decimal("100")


@dataclass(frozen=True)
class ModuleHours:
    """A module as the rule sees it."""

    pk: int
    number: int
    title: str
    hours: Decimal


@dataclass(frozen=True)
class ModuleProgress:
    module: ModuleHours
    attended: Decimal  # counted hours: at most the module's hours
    required: Decimal  # what the rule asks of this module (every_module), exact
    met: bool

    @property
    def missing(self) -> Decimal:
        return max(ZERO, self.required - self.attended)


@dataclass(frozen=True)
class Completion:
    """One trainee against the rule of their cohort's edition."""

    trainee_id: int
    modules: tuple[ModuleProgress, ...]
    attended: Decimal
    total_hours: Decimal
    required_total: Decimal
    completed: bool

    @property
    def unmet(self) -> list[ModuleProgress]:
        return [progress for progress in self.modules if not progress.met]

    @property
    def missing_total(self) -> Decimal:
        return max(ZERO, self.required_total - self.attended)


def judge(
    *,
    rule: str,
    percent: int,
    modules: Sequence[ModuleHours],
    attended: Mapping[int, Decimal],
    trainee_id: int = 0,
) -> Completion:
    """The rule applied to one trainee's attended hours per module (``{module pk: hours}``)."""
    share = Decimal(percent)
    progress = []
    for module in modules:
        counted = min(attended.get(module.pk, ZERO), module.hours)
        required = module.hours * share / HUNDRED
        met = counted * HUNDRED >= module.hours * share
        progress.append(ModuleProgress(module, counted, required, met))
    total_hours = sum((m.hours for m in modules), ZERO)
    total_attended = sum((p.attended for p in progress), ZERO)
    if rule == CompletionRule.EVERY_MODULE:
        completed = bool(modules) and all(p.met for p in progress)
    elif rule == CompletionRule.TOTAL_HOURS:
        completed = bool(modules) and total_attended * HUNDRED >= total_hours * share
    else:
        raise ValueError(f"unknown completion rule {rule!r}")
    return Completion(
        trainee_id=trainee_id,
        modules=tuple(progress),
        attended=total_attended,
        total_hours=total_hours,
        required_total=total_hours * share / HUNDRED,
        completed=completed,
    )


def modules_of(edition: ProgrammeEdition) -> list[ModuleHours]:
    return [
        ModuleHours(pk, number, title, hours)
        for pk, number, title, hours in Module.objects.filter(edition=edition)
        .order_by("number")
        .values_list("pk", "number", "title", "hours")
    ]


def attended_hours(trainee_ids: Iterable[int]) -> dict[int, dict[int, Decimal]]:
    """``{trainee: {module: hours present}}`` in one query."""
    hours: dict[int, dict[int, Decimal]] = defaultdict(dict)
    rows = (
        Attendance.objects.filter(trainee_id__in=list(trainee_ids), present=True)
        .values("trainee_id", "session__module_id")
        .annotate(hours=Sum("session__hours"))
    )
    for row in rows:
        hours[row["trainee_id"]][row["session__module_id"]] = row["hours"] or ZERO
    return hours


def cohort_completion(cohort: Cohort) -> dict[int, Completion]:
    """Every trainee of the cohort against its edition's rule, ``{trainee pk: completion}``."""
    edition = cohort.edition
    modules = modules_of(edition)
    trainee_ids = list(Trainee.objects.filter(cohort=cohort).values_list("pk", flat=True))
    hours = attended_hours(trainee_ids)
    return {
        pk: judge(
            rule=edition.completion_rule,
            percent=edition.completion_percent,
            modules=modules,
            attended=hours.get(pk, {}),
            trainee_id=pk,
        )
        for pk in trainee_ids
    }


def trainee_completion(trainee: Trainee) -> Completion:
    edition = trainee.cohort.edition
    return judge(
        rule=edition.completion_rule,
        percent=edition.completion_percent,
        modules=modules_of(edition),
        attended=attended_hours([trainee.pk]).get(trainee.pk, {}),
        trainee_id=trainee.pk,
    )


def scheduled_hours(cohort: Cohort) -> dict[int, Decimal]:
    """The hours of each module the cohort's sessions teach, ``{module pk: hours}``."""
    return {
        row["module_id"]: row["hours"] or ZERO
        for row in TrainingSession.objects.filter(cohort=cohort)
        .values("module_id")
        .annotate(hours=Sum("hours"))
    }


def hours_text(value: Decimal) -> str:
    """Hours as people write them: 16, 12,8 (in Bulgarian), never 16,0."""
    value = value.quantize(Decimal("0.1"))
    if value == value.to_integral_value():
        value = value.to_integral_value()
    return number_format(value)
