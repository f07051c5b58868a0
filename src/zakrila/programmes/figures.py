"""A programme's figures: enrolments and outcomes this year against last year, with the share
that ended in the outcome that matters (the child living in a family)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count

from zakrila.organisations.models import Programme
from zakrila.programmes.models import Enrolment, EnrolmentStatus
from zakrila.programmes.schedules import schedule_for


@dataclass
class YearFigures:
    year: int
    enrolled: int = 0  # enrolments that started in the year (for the maternity ward: signals)
    ended: int = 0  # enrolments with an outcome dated in the year
    in_family: int = 0  # of those, the outcomes that count as living in a family
    outcomes: dict[str, int] = field(default_factory=dict)

    @property
    def share(self) -> float | None:
        return self.in_family / self.ended if self.ended else None

    @property
    def share_percent(self) -> int | None:
        return round(self.share * 100) if self.share is not None else None


def programme_year_figures(programme: Programme, years: list[int]) -> dict[int, YearFigures]:
    """Two grouped queries whatever the number of enrolments."""
    schedule = schedule_for(programme.kind)
    family = set(schedule.family_outcomes)
    figures = {year: YearFigures(year=year) for year in years}
    enrolments = Enrolment.objects.filter(programme=programme)
    first, last = dt.date(min(years), 1, 1), dt.date(max(years), 12, 31)
    started = (
        enrolments.filter(started_on__range=(first, last))
        .values("started_on__year")
        .annotate(n=Count("pk"))
    )
    for row in started:
        figures[row["started_on__year"]].enrolled = row["n"]
    outcomes = (
        enrolments.filter(outcome_on__range=(first, last))
        .exclude(outcome="")
        .values("outcome_on__year", "outcome")
        .annotate(n=Count("pk"))
    )
    for row in outcomes:
        year = figures[row["outcome_on__year"]]
        year.outcomes[row["outcome"]] = row["n"]
        year.ended += row["n"]
        if row["outcome"] in family:
            year.in_family += row["n"]
    return figures


def active_count(programme: Programme) -> int:
    return Enrolment.objects.filter(programme=programme, status=EnrolmentStatus.ACTIVE).count()


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    value: int
    css: str

    @property
    def label_y(self) -> float:
        return self.y - 3


@dataclass(frozen=True)
class BarGroup:
    label: str
    x: float
    bars: list[Bar]


def outcome_chart(
    programme: Programme, this: YearFigures, last: YearFigures, *, height: int = 160
) -> dict[str, Any]:
    """Bars of each outcome, last year beside this year, as numbers for an SVG drawn by the
    template (no script, readable when printed)."""
    schedule = schedule_for(programme.kind)
    codes = [outcome.code for outcome in schedule.outcomes]
    top = max([1, *this.outcomes.values(), *last.outcomes.values()])
    group_width, bar_width, left = 90.0, 28.0, 10.0
    groups = []
    for index, code in enumerate(codes):
        x = left + index * group_width
        bars = []
        for offset, (figures, css) in enumerate(((last, "last"), (this, "this"))):
            value = figures.outcomes.get(code, 0)
            bar_height = (height - 20) * value / top
            bars.append(
                Bar(
                    x=x + offset * (bar_width + 4),
                    y=height - bar_height,
                    width=bar_width,
                    height=bar_height,
                    value=value,
                    css=css,
                )
            )
        found = schedule.outcome(code)
        groups.append(BarGroup(label=found.title if found else code, x=x, bars=bars))
    return {
        "groups": groups,
        "width": left + group_width * max(len(codes), 1),
        "height": height,
        "label_height": height + 60,
    }
