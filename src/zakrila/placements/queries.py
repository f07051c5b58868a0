"""Reading placements: who is in which bed, alerts, the month calendar, and monthly figures.

A bed-day is a night: the days from the day of admission up to, not including, the day of
discharge (local time). Utilisation is bed-days over capacity × days of the month. The average
length of stay is over the stays that ended in the month, in days.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from zakrila.organisations.models import Unit
from zakrila.placements.models import Destination, LegalBasis, Placement

POLICE_WARNING_HOURS = 12

# The figures and the month calendar cover January 2000 (the Child Protection Act) up to the
# end of next year; a month or a year outside, or not a month at all, means "now".
FIRST_YEAR = 2000


def month_from(text: str | None, *, today: dt.date) -> tuple[int, int]:
    """The (year, month) of a ``YYYY-MM`` link parameter; this month for anything else."""
    try:
        year_text, month_text = (text or "").split("-")
        year, month = int(year_text), int(month_text)
    except ValueError:
        return today.year, today.month
    if not (FIRST_YEAR <= year <= today.year + 1 and 1 <= month <= 12):
        return today.year, today.month
    return year, month


def year_from(text: str | None, *, today: dt.date) -> int:
    """The year of the figures from a parameter; this year for anything else or a year with no
    figures yet (before 2000, after this one)."""
    try:
        year = int(text or "")
    except ValueError:
        return today.year
    return year if FIRST_YEAR <= year <= today.year else today.year


def neighbour_months(year: int, month: int, *, today: dt.date) -> tuple[str | None, str | None]:
    """The ``YYYY-MM`` of the month before and after, where the calendar still goes."""
    previous = (year - (month == 1), (month - 2) % 12 + 1)
    following = (year + (month == 12), month % 12 + 1)
    return (
        f"{previous[0]}-{previous[1]}" if previous[0] >= FIRST_YEAR else None,
        f"{following[0]}-{following[1]}" if following[0] <= today.year + 1 else None,
    )


def local_day(moment: dt.datetime) -> dt.date:
    return timezone.localtime(moment).date()


def month_bounds(year: int, month: int) -> tuple[dt.date, dt.date]:
    """The first day of the month and the first day of the next."""
    first = dt.date(year, month, 1)
    following = dt.date(year + (month == 12), month % 12 + 1, 1)
    return first, following


def _start_of(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, tzinfo=timezone.get_current_timezone())


def nights_in(placement: Placement, first: dt.date, following: dt.date, today: dt.date) -> int:
    """The nights of a stay within [first, following); an open stay counts up to today."""
    start = max(local_day(placement.admitted_at), first)
    end_day = (
        local_day(placement.discharged_at)
        if placement.discharged_at
        else today + dt.timedelta(days=1)
    )
    end = min(end_day, following)
    return max((end - start).days, 0)


@dataclass
class MonthFigures:
    year: int
    month: int
    capacity: int
    days: int
    bed_days: int = 0
    admissions: int = 0
    discharges: Counter[str] = field(default_factory=Counter)
    stay_days: list[float] = field(default_factory=list)

    @property
    def utilisation(self) -> float:
        return self.bed_days / (self.capacity * self.days) if self.capacity and self.days else 0.0

    @property
    def average_stay(self) -> float | None:
        return round(sum(self.stay_days) / len(self.stay_days), 1) if self.stay_days else None


def occupancy_for_month(
    unit: Unit, year: int, month: int, *, today: dt.date | None = None
) -> MonthFigures:
    today = today or timezone.localdate()
    first, following = month_bounds(year, month)
    figures = MonthFigures(year, month, unit.capacity, (following - first).days)
    stays = Placement.objects.filter(unit=unit).overlapping(_start_of(first), _start_of(following))
    # Stays admitted or discharged in the month also count when they lasted no night in it.
    for placement in stays.only("admitted_at", "discharged_at", "destination"):
        figures.bed_days += nights_in(placement, first, following, today)
        if first <= local_day(placement.admitted_at) < following:
            figures.admissions += 1
        if placement.discharged_at and first <= local_day(placement.discharged_at) < following:
            figures.discharges[placement.destination] += 1
            figures.stay_days.append(
                (placement.discharged_at - placement.admitted_at).total_seconds() / 86400
            )
    return figures


def occupancy_for_year(unit: Unit, year: int) -> list[MonthFigures]:
    today = timezone.localdate()
    last = 12 if year < today.year else today.month
    return [occupancy_for_month(unit, year, month, today=today) for month in range(1, last + 1)]


@dataclass
class Alert:
    placement: Placement
    kind: str  # "police", "planned_end", "long_stay"
    message: str


def alerts_for(
    placements: list[Placement], unit: Unit, *, now: dt.datetime | None = None
) -> list[Alert]:
    now = now or timezone.now()
    today = local_day(now)
    alerts = []
    for placement in placements:
        if placement.discharged_at is not None:
            continue
        deadline = placement.police_deadline()
        if deadline is not None and deadline - now <= dt.timedelta(hours=POLICE_WARNING_HOURS):
            hours = int((deadline - now).total_seconds() // 3600)
            message = (
                _("Police protection ends in %(hours)s h: a longer measure is needed.")
                % {"hours": hours}
                if hours >= 0
                else _(
                    "Police protection ended %(hours)s h ago: the child needs a legal basis now."
                )
                % {"hours": -hours}
            )
            alerts.append(Alert(placement, "police", message))
        if placement.planned_end and placement.planned_end < today:
            alerts.append(
                Alert(
                    placement,
                    "planned_end",
                    _("The planned end (%(day)s) has passed.")
                    % {"day": placement.planned_end.strftime("%d.%m.%Y")},
                )
            )
        if (
            unit.max_stay_days
            and (today - local_day(placement.admitted_at)).days > unit.max_stay_days
        ):
            alerts.append(
                Alert(
                    placement,
                    "long_stay",
                    _("The stay is longer than the unit's %(days)s days.")
                    % {"days": unit.max_stay_days},
                )
            )
    return alerts


def month_calendar(unit: Unit, year: int, month: int) -> dict[str, Any]:
    """For each bed, the day cells of the month: who slept there that night."""
    first, following = month_bounds(year, month)
    days = [first + dt.timedelta(days=n) for n in range((following - first).days)]
    stays = list(
        Placement.objects.filter(unit=unit)
        .overlapping(_start_of(first), _start_of(following))
        .select_related("person", "bed")
    )
    today = timezone.localdate()
    rows = []
    for bed in unit.beds.filter(is_active=True).order_by("label"):
        cells: list[Placement | None] = []
        for day in days:
            here = None
            for stay in stays:
                if stay.bed_id != bed.pk:
                    continue
                end = (
                    local_day(stay.discharged_at)
                    if stay.discharged_at
                    else today + dt.timedelta(days=1)
                )
                if local_day(stay.admitted_at) <= day < end:
                    here = stay
                    break
            cells.append(here)
        rows.append((bed, cells))
    return {"days": days, "rows": rows, "first": first, "month_name": calendar.month_name[month]}


DESTINATIONS = list(Destination)
LEGAL_BASES = list(LegalBasis)
