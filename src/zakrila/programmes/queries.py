"""Reads of the programmes, always starting from what the user may see."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import models
from django.utils import timezone

from zakrila.accounts.policy import (
    enrolments_of_visible_case,
    enrolments_visible_to,
    get_visible_or_404,
    visits_visible_to,
)
from zakrila.core.links import url_for
from zakrila.people.models import Person
from zakrila.programmes.models import Enrolment, EnrolmentStatus, Visit, VisitStatus
from zakrila.programmes.schedules import longest_window_after_due, schedule_for

LIST_SIZE = 50
DUE_HORIZON = dt.timedelta(days=7)


@dataclass(frozen=True)
class VisitRow:
    """One line of a due or overdue list, read as values (no model per row)."""

    pk: int
    enrolment_id: int
    url: str  # where the visit is recorded
    enrolment_url: str
    person: str
    programme: str
    title: str
    due_on: dt.date
    window_start: dt.date
    window_end: dt.date
    worker: str
    days_late: int

    @property
    def overdue(self) -> bool:
        return self.days_late > 0


@dataclass(frozen=True)
class VisitLists:
    """Overdue first (as the Community Health Toolkit sorts tasks), then due this week."""

    overdue: list[VisitRow]
    due: list[VisitRow]
    overdue_count: int
    due_count: int


ROW_FIELDS = (
    "pk",
    "enrolment_id",
    "key",
    "sequence",
    "due_on",
    "window_start",
    "window_end",
    "programme__kind",
    "programme__name",
    "enrolment__person__first_name",
    "enrolment__person__middle_name",
    "enrolment__person__last_name",
    "enrolment__person__description",
    "enrolment__person__anonymised_at",
    "worker__full_name",
    "worker__email",
)


def visit_title(kind: str, key: str, sequence: int) -> str:
    definition = schedule_for(kind).visit(key) if key else None
    if definition is None:
        from django.utils.translation import gettext

        return gettext("Visit outside the schedule")
    return f"{definition.title} {sequence}" if sequence > 1 else definition.title


def _row(
    values: dict[str, Any],
    today: dt.date,
    visit_url: Callable[[int], str],
    enrolment_url: Callable[[int], str],
) -> VisitRow:
    return VisitRow(
        pk=values["pk"],
        enrolment_id=values["enrolment_id"],
        url=visit_url(values["pk"]),
        enrolment_url=enrolment_url(values["enrolment_id"]),
        person=Person.name_from_values(values, "enrolment__person"),
        programme=values["programme__name"],
        title=visit_title(values["programme__kind"], values["key"], values["sequence"]),
        due_on=values["due_on"],
        window_start=values["window_start"],
        window_end=values["window_end"],
        worker=values["worker__full_name"] or values["worker__email"],
        days_late=max((today - values["window_end"]).days, 0),
    )


def planned_visits(
    *,
    user: Any,
    organisation_id: int,
    worker_id: int | None = None,
    unit_id: int | None = None,
    programme_id: int | None = None,
) -> models.QuerySet[Visit]:
    visits = visits_visible_to(user).filter(
        organisation_id=organisation_id, status=VisitStatus.PLANNED
    )
    if worker_id is not None:
        visits = visits.filter(worker_id=worker_id)
    if unit_id is not None:
        visits = visits.filter(unit_id=unit_id)
    if programme_id is not None:
        visits = visits.filter(programme_id=programme_id)
    return visits


def visit_lists(
    *,
    user: Any,
    organisation_id: int,
    worker_id: int | None = None,
    unit_id: int | None = None,
    programme_id: int | None = None,
    today: dt.date | None = None,
    size: int = LIST_SIZE,
) -> VisitLists:
    """The planned visits of a worker, a unit or a programme: overdue (past the end of their
    window, the longest overdue first) and due within the next seven days (soonest first).
    Four queries whatever the number of visits."""
    today = today or timezone.localdate()
    visits = planned_visits(
        user=user,
        organisation_id=organisation_id,
        worker_id=worker_id,
        unit_id=unit_id,
        programme_id=programme_id,
    )
    overdue = visits.filter(window_end__lt=today)
    due = _due(visits, today)
    links = (url_for("programmes:visit"), url_for("programmes:enrolment"))
    return VisitLists(
        overdue=[_row(v, today, *links) for v in _first(overdue, ("window_end", "pk"), size)],
        due=[_row(v, today, *links) for v in _first(due, ("due_on", "pk"), size)],
        overdue_count=overdue.count(),
        due_count=due.count(),
    )


def _first(visits: models.QuerySet[Visit], order: tuple[str, ...], size: int) -> Any:
    """The first ``size`` visits in this order, as rows: chosen from the visits' own index
    first, then joined to their enrolment, person, programme and worker. Joined before the
    cut, the planner (which cannot tell how many of thousands of planned visits fall in a
    week) joined every one of them and sorted them all for the first 50."""
    chosen = visits.order_by(*order).values("pk")[:size]
    return Visit.objects.filter(pk__in=chosen).order_by(*order).values(*ROW_FIELDS)


def visit_counts(*, user: Any, organisation_id: int, worker_id: int) -> tuple[int, int]:
    """(overdue, due this week) of a worker, for the home page: one query."""
    today = timezone.localdate()
    visits = planned_visits(user=user, organisation_id=organisation_id, worker_id=worker_id)
    counts = visits.aggregate(
        overdue=models.Count("pk", filter=models.Q(window_end__lt=today)),
        due=models.Count("pk", filter=_due_condition(today)),
    )
    return counts["overdue"], counts["due"]


def _due(visits: models.QuerySet[Visit], today: dt.date) -> models.QuerySet[Visit]:
    return visits.filter(_due_condition(today))


def _due_condition(today: dt.date) -> models.Q:
    """Planned visits whose window is open or opens within the week. A window closes at most
    ``longest_window_after_due()`` days after the visit is due, so a visit whose window is still
    open was due at most that many days ago: that bound lets the (…, status, due_on) indexes
    read only those weeks, in the list's order, not every overdue visit before them."""
    return models.Q(
        window_end__gte=today,
        due_on__gte=today - dt.timedelta(days=longest_window_after_due()),
        due_on__lte=today + DUE_HORIZON,
    )


def enrolment_for(*, user: Any, pk: int) -> Enrolment:
    return get_visible_or_404(
        enrolments_visible_to(user).select_related(
            "programme", "unit", "person", "household", "case", "worker"
        ),
        pk=pk,
    )


def visit_for(*, user: Any, pk: int) -> Visit:
    return get_visible_or_404(
        visits_visible_to(user).select_related(
            "programme", "enrolment", "enrolment__person", "enrolment__programme"
        ),
        pk=pk,
    )


def enrolments_of_person(*, user: Any, person: Person) -> list[Enrolment]:
    from zakrila.people.sections import PERSON_SECTIONS

    if not PERSON_SECTIONS.has(person, Enrolment):
        return []
    return list(
        enrolments_visible_to(user)
        .filter(person=person)
        .select_related("programme", "worker")
        .order_by("-started_on", "-pk")
    )


def enrolments_of_case(*, user: Any, case: Any) -> list[Enrolment]:
    """The enrolments on the page of a case the user may see (found by ``case_for``). Read once
    per case object and user: the page's programmes section and its timeline both ask."""
    from zakrila.cases.timeline import CASE_SECTIONS

    memo = case.__dict__.setdefault("_enrolments_for_user", {})
    if user.pk not in memo and not CASE_SECTIONS.has(case, Enrolment):
        memo[user.pk] = []
    if user.pk not in memo:
        memo[user.pk] = list(
            enrolments_of_visible_case(user, case)
            .select_related("programme", "worker")
            .order_by("-started_on", "-pk")
        )
    return list(memo[user.pk])


def programme_enrolments(
    *, user: Any, programme_id: int, status: str = EnrolmentStatus.ACTIVE, size: int = LIST_SIZE
) -> tuple[list[dict[str, Any]], int]:
    """Who is enrolled (newest first, one page) and how many."""
    enrolments = enrolments_visible_to(user).filter(programme_id=programme_id, status=status)
    rows = list(
        enrolments.order_by("-started_on", "-pk").values(
            "pk",
            "started_on",
            "stage",
            "outcome",
            "person__first_name",
            "person__middle_name",
            "person__last_name",
            "person__description",
            "person__anonymised_at",
            "person__birth_date",
            "worker__full_name",
            "worker__email",
        )[:size]
    )
    for row in rows:
        row["person"] = Person.name_from_values(row, "person")
        row["worker"] = row["worker__full_name"] or row["worker__email"]
    return rows, enrolments.count()
