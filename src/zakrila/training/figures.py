"""The centre's figures: specialists trained per year, by type of organisation and by region,
and the completion rate.

A cohort counts in the year it ends. "Enrolled" is everyone in the cohorts that ended; "trained"
is those who completed under the rule of their cohort's edition; the completion rate is trained
÷ enrolled. Cohorts still running are counted apart, not in the rate.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from zakrila.training.completion import cohort_completion
from zakrila.training.models import EmployerType, Region, Trainee


@dataclass
class Tally:
    enrolled: int = 0
    trained: int = 0

    @property
    def rate(self) -> float | None:
        return round(100 * self.trained / self.enrolled, 1) if self.enrolled else None


@dataclass
class TrainingFigures:
    years: list[int]
    year: int | None  # the year chosen, or None for all years
    per_year: dict[int, Tally] = field(default_factory=dict)
    by_type: list[tuple[str, Tally]] = field(default_factory=list)
    by_region: list[tuple[str, Tally]] = field(default_factory=list)
    total: Tally = field(default_factory=Tally)
    running_cohorts: int = 0
    in_training: int = 0


def training_figures(*, cohorts: Any, today: dt.date, year: int | None = None) -> TrainingFigures:
    """Figures over ``cohorts`` (a queryset the user may see, of one organisation)."""
    ended = list(cohorts.filter(ends_on__lt=today).select_related("edition").order_by("ends_on"))
    years = sorted({c.ends_on.year for c in ended})
    figures = TrainingFigures(years=years, year=year if year in years else None)
    by_type: dict[str, Tally] = {}
    by_region: dict[str, Tally] = {}
    for cohort in ended:
        completions = cohort_completion(cohort)
        tally = figures.per_year.setdefault(cohort.ends_on.year, Tally())
        rows = Trainee.objects.filter(cohort=cohort).values_list("pk", "employer_type", "region")
        for pk, employer_type, region in rows:
            trained = completions[pk].completed
            tally.enrolled += 1
            tally.trained += trained
            if figures.year is not None and cohort.ends_on.year != figures.year:
                continue
            figures.total.enrolled += 1
            figures.total.trained += trained
            for table, key in ((by_type, employer_type), (by_region, region)):
                entry = table.setdefault(key, Tally())
                entry.enrolled += 1
                entry.trained += trained
    types = dict(EmployerType.choices)
    regions = dict(Region.choices)
    figures.by_type = [
        (str(types.get(key, key)), tally)
        for key, tally in sorted(by_type.items(), key=lambda item: -item[1].enrolled)
    ]
    figures.by_region = [
        (str(regions.get(key, key)), tally)
        for key, tally in sorted(by_region.items(), key=lambda item: -item[1].enrolled)
    ]
    running = cohorts.filter(starts_on__lte=today, ends_on__gte=today)
    figures.running_cohorts = running.count()
    figures.in_training = Trainee.objects.filter(cohort__in=running).count()
    return figures
