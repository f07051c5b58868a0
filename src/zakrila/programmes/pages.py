"""What the four programmes add to the enrolment page (``sections``) and to the programme
page (``summaries``)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from zakrila.accounts.policy import can_see_confidential, has_capability
from zakrila.cases.timeline import CASE_SECTIONS, register_timeline_source
from zakrila.organisations.models import ProgrammeKind
from zakrila.people.sections import PERSON_SECTIONS
from zakrila.programmes.models import (
    MATERNITY_HEALTH_RISKS,
    Enrolment,
    InstitutionKind,
    InstitutionLeaving,
    MaternityRisk,
    MaternitySignal,
    ParentGoal,
    Pregnancy,
    PregnancyRisk,
    Screening,
    Visit,
    VisitStatus,
)
from zakrila.programmes.queries import enrolments_of_case
from zakrila.programmes.schedules import schedule_for
from zakrila.programmes.screening import age_in_months, domain_charts, screening_scale
from zakrila.programmes.sections import Section, register_section
from zakrila.programmes.summaries import Summary, register_summary

# --- The enrolment page ------------------------------------------------------------------------


def _maternity_section(request: Any, enrolment: Enrolment) -> list[Section]:
    signal = MaternitySignal.objects.filter(enrolment=enrolment).select_related("mother").first()
    if signal is None:
        return []
    health = can_see_confidential(request.user, enrolment)
    labels = dict(MaternityRisk.choices)
    risks = [
        str(labels.get(code, code))
        for code in signal.risk_factors
        if health or code not in MATERNITY_HEALTH_RISKS
    ]
    return [("programmes/_maternity_section.html", {"signal": signal, "risks": risks})]


def _pregnancy_section(request: Any, enrolment: Enrolment) -> list[Section]:
    pregnancy = Pregnancy.objects.filter(enrolment=enrolment).select_related("newborn").first()
    if pregnancy is None:
        return []
    today = timezone.localdate()
    labels = dict(PregnancyRisk.choices)
    upcoming = list(
        enrolment.visits.filter(status=VisitStatus.PLANNED, window_end__gte=today)
        .select_related("programme")
        .order_by("due_on")
    )
    return [
        (
            "programmes/_pregnancy_section.html",
            {
                "pregnancy": pregnancy,
                "weeks": pregnancy.weeks_on(today) if enrolment.is_active else None,
                "health": can_see_confidential(request.user, enrolment),
                "risks": [str(labels.get(code, code)) for code in pregnancy.risk_flags],
                "upcoming": upcoming,
                "can_birth": enrolment.is_active
                and has_capability(request.user, "enrolment.manage", enrolment.organisation_id),
            },
        )
    ]


def _leaving_section(request: Any, enrolment: Enrolment) -> list[Section]:
    leaving = InstitutionLeaving.objects.filter(enrolment=enrolment).first()
    if leaving is None:
        return []
    destination = enrolment.schedule.outcome(leaving.destination) if leaving.destination else None
    return [
        (
            "programmes/_leaving_section.html",
            {
                "leaving": leaving,
                "kind": dict(InstitutionKind.choices).get(leaving.institution_kind, ""),
                "destination": destination.title if destination else "",
                "can_record": leaving.left_on is None
                and enrolment.is_active
                and has_capability(request.user, "enrolment.manage", enrolment.organisation_id),
            },
        )
    ]


def _early_section(request: Any, enrolment: Enrolment) -> list[Section]:
    screenings = list(Screening.objects.filter(enrolment=enrolment))
    birth = enrolment.person.birth_date
    return [
        (
            "programmes/_early_section.html",
            {
                "age_months": age_in_months(birth, timezone.localdate()) if birth else None,
                "screenings": screenings,
                "domains": screening_scale().domains,
                "charts": domain_charts(screenings),
                "goals": list(ParentGoal.objects.filter(enrolment=enrolment)),
                "can_work": enrolment.is_active
                and has_capability(request.user, "enrolment.visit", enrolment.organisation_id),
            },
        )
    ]


register_section(ProgrammeKind.MATERNITY_WARD, _maternity_section)
register_section(ProgrammeKind.FAMILY_PLANNING, _pregnancy_section)
register_section(ProgrammeKind.DEINSTITUTIONALISATION, _leaving_section)
register_section(ProgrammeKind.EARLY_INTERVENTION, _early_section)


# --- The programme page ------------------------------------------------------------------------


def _action(kind: str, programme: Any, label: str) -> dict[str, Any]:
    return {"action_url": reverse(kind, args=[programme.pk]), "action_label": label}


def _maternity_summary(programme: Any, years: list[int]) -> list[Summary]:
    """Per year of the signal: signals, newborns who went home with their family, the share."""
    family = {"home_with_mother", "home_with_relatives"}
    first = dt.date(min(years) - 1, 1, 1)
    rows: dict[int, dict[str, int]] = {}
    grouped = (
        Enrolment.objects.filter(programme=programme, started_on__gte=first)
        .values("started_on__year", "outcome")
        .annotate(n=Count("pk"))
    )
    for row in grouped:
        year = rows.setdefault(row["started_on__year"], {"signals": 0, "home": 0})
        year["signals"] += row["n"]
        if row["outcome"] in family:
            year["home"] += row["n"]
    table = [
        {
            "year": year,
            "signals": rows.get(year, {}).get("signals", 0),
            "home": rows.get(year, {}).get("home", 0),
            "share": round(100 * rows[year]["home"] / rows[year]["signals"])
            if rows.get(year, {}).get("signals")
            else None,
        }
        for year in range(min(years) - 1, max(years) + 1)
    ]
    return [
        (
            "programmes/_maternity_summary.html",
            {"table": table, **_action("programmes:maternity_new", programme, _("New signal"))},
        )
    ]


def _pregnancy_summary(programme: Any, years: list[int]) -> list[Summary]:
    return [
        (
            "programmes/_empty_summary.html",
            _action("programmes:pregnancy_new", programme, _("Register a pregnancy")),
        )
    ]


def _leaving_summary(programme: Any, years: list[int]) -> list[Summary]:
    """Children moved out per year, by destination, and the answer at 12 months."""
    schedule = schedule_for(programme.kind)
    titles = {outcome.code: outcome.title for outcome in schedule.outcomes}
    moved = (
        InstitutionLeaving.objects.filter(enrolment__programme=programme, left_on__year__in=years)
        .values("left_on__year", "destination")
        .annotate(n=Count("pk"))
    )
    by_year: dict[int, dict[str, int]] = {year: {} for year in years}
    for row in moved:
        by_year[row["left_on__year"]][row["destination"]] = row["n"]
    twelve = Visit.objects.filter(
        programme=programme, key="follow_12m", status=VisitStatus.DONE
    ).values_list("answers", flat=True)
    in_family = sum(1 for a in twelve if a.get("in_family") == "yes")
    not_in_family = sum(1 for a in twelve if a.get("in_family") == "no")
    living: dict[str, int] = {}
    for answers in twelve:
        where = answers.get("living_with")
        if where:
            living[where] = living.get(where, 0) + 1
    return [
        (
            "programmes/_leaving_summary.html",
            {
                **_action("programmes:leaving_new", programme, _("A child leaving an institution")),
                "moved": [
                    {
                        "year": year,
                        "total": sum(by_year[year].values()),
                        "destinations": [
                            (titles.get(code, code), n) for code, n in sorted(by_year[year].items())
                        ],
                    }
                    for year in years
                ],
                "in_family": in_family,
                "not_in_family": not_in_family,
                "living": [(titles.get(code, code), n) for code, n in sorted(living.items())],
            },
        )
    ]


register_summary(ProgrammeKind.MATERNITY_WARD, _maternity_summary)
register_summary(ProgrammeKind.FAMILY_PLANNING, _pregnancy_summary)
register_summary(ProgrammeKind.DEINSTITUTIONALISATION, _leaving_summary)


# --- The case timeline -------------------------------------------------------------------------


def _case_visits(case: Any, user: Any) -> list[dict[str, Any]]:
    """The programme visits done with the case's family, on the case's timeline: those of the
    enrolments the case page lists (of the units the user reaches)."""
    from zakrila.cases.timeline import moment_of_day

    enrolments = [enrolment.pk for enrolment in enrolments_of_case(user=user, case=case)]
    if not enrolments:
        return []
    visits = Visit.objects.filter(
        enrolment_id__in=enrolments, status=VisitStatus.DONE
    ).select_related("programme", "done_by")
    return [
        {
            "kind": "programme_visit",
            "at": visit.done_on,
            "moment": moment_of_day(visit.done_on, visit.updated_at),
            "item": visit,
        }
        for visit in visits
        if visit.done_on
    ]


register_timeline_source(_case_visits)
CASE_SECTIONS.add(Enrolment, "case")
PERSON_SECTIONS.add(Enrolment, "person")
