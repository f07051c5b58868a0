"""Reading placements: who is in which bed, alerts, the month calendar, and monthly figures.

A bed-day is a night: the days from the day of admission up to, not including, the day of
discharge (local time). Utilisation is bed-days over capacity × days of the month. The average
length of stay is over the stays that ended in the month, in days.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from zakrila.accounts.policy import (
    CAPABILITIES,
    access_for,
    cases_visible_to,
    has_capability,
    people_visible_to,
    placements_visible_to,
)
from zakrila.cases.models import Case
from zakrila.cases.timeline import CASE_SECTIONS
from zakrila.core.lookups import UnitRow, unit_rows_reached
from zakrila.organisations.models import RESIDENTIAL_KINDS, Unit
from zakrila.people.models import Person
from zakrila.people.names import search_key
from zakrila.people.queries import likely_duplicates, search_people
from zakrila.placements import counts
from zakrila.placements.models import Bed, Destination, LegalBasis, Placement

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
                    _("The stay is longer than the unit's %(days)s.")
                    % {"days": counts.days(unit.max_stay_days)},
                )
            )
    return alerts


def month_calendar(
    unit: Unit, year: int, month: int, *, beds: list[Bed] | None = None
) -> dict[str, Any]:
    """For each bed (the unit's beds in use, unless the caller has read them), the day cells
    of the month: who slept there that night.

    Each stay fills the cells of its own nights (an open stay up to tonight); where two stays
    claim a night, the first read keeps it."""
    first, following = month_bounds(year, month)
    days = [first + dt.timedelta(days=n) for n in range((following - first).days)]
    stays = (
        Placement.objects.filter(unit=unit)
        .overlapping(_start_of(first), _start_of(following))
        .select_related("person")
    )
    tonight_ends = timezone.localdate() + dt.timedelta(days=1)
    nights: dict[int, list[tuple[int, int, Placement]]] = defaultdict(list)
    for stay in stays:
        ends = local_day(stay.discharged_at) if stay.discharged_at else tonight_ends
        start = max((local_day(stay.admitted_at) - first).days, 0)
        nights[stay.bed_id].append((start, min((ends - first).days, len(days)), stay))
    rows = []
    if beds is None:
        beds = list(unit.beds.filter(is_active=True).order_by("label"))
    for bed in beds:
        cells: list[Placement | None] = [None] * len(days)
        for start, stop, stay in nights.get(bed.pk, ()):
            for night in range(start, stop):
                if cells[night] is None:
                    cells[night] = stay
        rows.append((bed, cells))
    return {"days": days, "rows": rows, "first": first, "month_name": calendar.month_name[month]}


DESTINATIONS = list(Destination)
LEGAL_BASES = list(LegalBasis)


# --- Finding the child's case at admission ------------------------------------------------------

CASE_SEARCH_LIMIT = 10
MIN_SEARCH_LENGTH = 2
# A case number as people type it, once folded like a name ("ЦОП-2026-0042", "cop 2026 42",
# "цоп-2026-42", "2026-42", "42"): the unit's code, the year, the serial without its zeros.
_CASE_NUMBER = re.compile(
    r"^(?:(?P<prefix>[a-z][a-z0-9 ]*?) )?(?:(?P<year>\d{4}) )?(?P<serial>\d{1,6})$"
)


@dataclass
class CaseChoice:
    """A case found for an admission, with where its child is placed now (if anywhere)."""

    case: Case
    placed_in: Placement | None


def cases_for_admission(*, user: Any, organisation_id: int, text: str) -> list[CaseChoice]:
    """The cases the user may see in the organisation that match ``text`` — a case number in
    either script and any letter case, with or without the zeros, or the child's name as people
    search finds it (either script, partial, a typo on PostgreSQL) — open cases first."""
    visible = cases_visible_to(user).filter(organisation_id=organisation_id)
    folded = search_key(text)
    number = _CASE_NUMBER.match(folded)
    if number:
        found = visible.filter(number__endswith=f"-{int(number['serial']):04d}")
        if number["year"]:
            found = found.filter(number__contains=f"-{number['year']}-")
        prefix = (number["prefix"] or "").replace(" ", "")
        cases = [
            case
            for case in found.select_related("person", "unit").order_by("-opened_on", "-id")[:50]
            if search_key(case.number.rsplit("-", 2)[0]).replace(" ", "").startswith(prefix)
        ]
    else:
        people = [person.pk for person in search_people(user=user, text=text)]
        rank = {pk: index for index, pk in enumerate(people)}
        cases = sorted(
            visible.filter(person_id__in=people).select_related("person", "unit"),
            key=lambda case: (rank[case.person_id], not case.is_open, -case.pk),
        )
    cases = sorted(cases, key=lambda case: not case.is_open)[:CASE_SEARCH_LIMIT]
    return with_current_placements(cases)


def with_current_placements(cases: list[Case]) -> list[CaseChoice]:
    """Each case with its child's current stay, in one query."""
    stays = {
        stay.person_id: stay
        for stay in Placement.objects.filter(person_id__in=[case.person_id for case in cases])
        .current()
        .select_related("unit", "bed")
    }
    return [CaseChoice(case, stays.get(case.person_id)) for case in cases]


def search_text(typed: str) -> str:
    """What is searched for: the typed text without control and format characters (a NUL
    cannot even be stored in PostgreSQL's text), at most 100 characters."""
    kept = "".join(char for char in typed if unicodedata.category(char) not in ("Cc", "Cf"))
    return " ".join(kept.split())[:100]


def searchable(text: str) -> bool:
    """Two letters, or any digits (a case's serial number), are enough to search."""
    return len(text) >= MIN_SEARCH_LENGTH or (text.isascii() and text.isdigit())


@dataclass
class LikelyChild:
    """A child already registered who may be the one being admitted as new, with the cases of
    theirs the user may see."""

    person: Person
    choices: list[CaseChoice]


def likely_children(
    *,
    user: Any,
    organisation_id: int,
    first_name: str,
    last_name: str,
    birth_date: dt.date,
) -> list[LikelyChild]:
    """Before a child is registered at admission: the children the user may see with a similar
    name and a close birth date (the birth date is estimated), and their cases."""
    candidates = likely_duplicates(
        organisation_id=organisation_id,
        first_name=first_name,
        last_name=last_name,
        birth_date=birth_date,
        estimated=True,
    )
    if not candidates:
        return []
    visible = set(
        people_visible_to(user)
        .filter(pk__in=[candidate.person.pk for candidate in candidates])
        .values_list("pk", flat=True)
    )
    people = [candidate.person for candidate in candidates if candidate.person.pk in visible]
    cases = with_current_placements(
        list(
            cases_visible_to(user)
            .filter(organisation_id=organisation_id, person_id__in=[p.pk for p in people])
            .select_related("person", "unit")
            .order_by("-opened_on", "-id")
        )
    )
    return [
        LikelyChild(person, [choice for choice in cases if choice.case.person_id == person.pk])
        for person in people
    ]


@dataclass
class CasePlacement:
    """What the case page shows about placement: where the child is placed now (and whether
    the user may open that stay), or the units the user may admit the child into."""

    stay: Placement | None
    stay_visible: bool
    admit_into: list[UnitRow]


CASE_SECTIONS.add(Placement, "person", of="person_id")


def placement_for_case(*, user: Any, case: Case) -> CasePlacement:
    stay = (
        Placement.objects.filter(person_id=case.person_id)
        .current()
        .select_related("unit", "bed")
        .first()
        if CASE_SECTIONS.has(case, Placement)
        else None
    )
    if stay is not None:
        visible = placements_visible_to(user).filter(pk=stay.pk).exists()
        return CasePlacement(stay, visible, [])
    if not case.is_open or not has_capability(user, "placement.admit", case.organisation_id):
        return CasePlacement(None, False, [])
    return CasePlacement(None, False, residential_units_reached(user, case.organisation_id))


def residential_units_reached(user: Any, organisation_id: int) -> list[UnitRow]:
    """The organisation's residential units in use that the user works with, by name: from the
    cached list of its units (``core.lookups``), not a query on every case page. The same
    units as ``residential_units_visible_to``, less those closed."""
    reach = access_for(user).reach_in(organisation_id)
    if reach is None or not reach.roles & CAPABILITIES["placement.view"]:
        return []
    units = unit_rows_reached(organisation_id, reach.unit_ids)
    return sorted((u for u in units if u.kind in RESIDENTIAL_KINDS), key=lambda u: u.name)
