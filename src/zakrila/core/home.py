"""The home page is a list of panels, one per kind of work: what this person does here, what
waits for them, and what to do next.

A panel is a template and a function that returns its context, or ``None`` when the panel is
not for this person. An app adds its own panel by appending to ``HOME_PANELS`` (from its
``AppConfig.ready``, or here): the home page needs no other change.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import models
from django.utils import timezone

from zakrila.accounts.models import Role
from zakrila.accounts.policy import has_capability
from zakrila.core.http import MemberRequest


@dataclass(frozen=True)
class HomeContext:
    """What every panel is given: the request, the organisation and today."""

    request: MemberRequest
    organisation_id: int
    roles: frozenset[str]
    today: dt.date

    @property
    def user(self) -> Any:
        return self.request.user


PanelContext = Callable[[HomeContext], dict[str, Any] | None]


@dataclass(frozen=True)
class Panel:
    key: str
    template: str
    context: PanelContext


@dataclass(frozen=True)
class ShownPanel:
    template: str
    context: dict[str, Any]


def _director(home: HomeContext) -> dict[str, Any] | None:
    if Role.DIRECTOR not in home.roles:
        return None
    from zakrila.cases.queries import approvals_waiting

    approvals = approvals_waiting(user=home.user, organisation_id=home.organisation_id)
    return {"approvals": approvals[:10], "approvals_count": len(approvals)}


def _casework(home: HomeContext) -> dict[str, Any] | None:
    if not home.roles & {Role.CASE_MANAGER, Role.SPECIALIST}:
        return None
    return _caseload(home)


def _caseload(home: HomeContext) -> dict[str, Any]:
    from zakrila.cases.models import Task
    from zakrila.cases.queries import my_cases

    context: dict[str, Any] = {"my_cases": 0, "overdue": 0, "due_this_week": 0}
    if not has_capability(home.user, "case.view", home.organisation_id):
        return context
    context["my_cases"] = my_cases(user=home.user, organisation_id=home.organisation_id).count()
    tasks = Task.objects.open().filter(organisation_id=home.organisation_id, assignee=home.user)
    week = models.Q(due_on__gte=home.today, due_on__lte=home.today + dt.timedelta(days=7))
    context.update(
        tasks.aggregate(
            overdue=models.Count("pk", filter=models.Q(due_on__lt=home.today)),
            due_this_week=models.Count("pk", filter=week),
        )
    )
    return context


def _field(home: HomeContext) -> dict[str, Any] | None:
    """The field worker: the families they visit, their contacts this month, their programmes."""
    if Role.FIELD_WORKER not in home.roles:
        return None
    from zakrila.accounts.policy import programmes_visible_to
    from zakrila.cases.models import Contact
    from zakrila.programmes.outreach_queries import worker_day

    context = _caseload(home)
    context.update(
        worker_day(user=home.user, organisation_id=home.organisation_id, today=home.today)
    )
    month_start = home.today.replace(day=1)
    context["contacts_this_month"] = (
        Contact.objects.filter(
            organisation_id=home.organisation_id,
            staff=home.user,
            occurred_at__date__gte=month_start,
        )
        .distinct()
        .count()
    )
    context["field_programmes"] = list(
        programmes_visible_to(home.user)
        .filter(organisation_id=home.organisation_id)
        .order_by("name")
        .values("pk", "name")[:8]
    )
    return context


def _carer(home: HomeContext) -> dict[str, Any] | None:
    if Role.CARER not in home.roles:
        return None
    if not has_capability(home.user, "placement.view", home.organisation_id):
        return {"boards": []}
    from zakrila.accounts.policy import residential_units_visible_to
    from zakrila.placements.models import Placement

    boards = residential_units_visible_to(home.user).filter(organisation_id=home.organisation_id)
    now = timezone.now()
    return {
        "boards": [
            (unit, Placement.objects.filter(unit=unit).current(now).count()) for unit in boards
        ]
    }


def _trainer(home: HomeContext) -> dict[str, Any] | None:
    if Role.TRAINER not in home.roles:
        return None
    from zakrila.training.queries import trainer_day

    return {
        "training_day": trainer_day(
            user=home.user, organisation_id=home.organisation_id, today=home.today
        )
    }


def _giving(home: HomeContext) -> dict[str, Any] | None:
    if Role.GIVING_COORDINATOR not in home.roles:
        return None
    from zakrila.giving.queries import coordinator_day

    return {"giving_day": coordinator_day(home.user, home.organisation_id, today=home.today)}


def _data_protection(home: HomeContext) -> dict[str, Any] | None:
    return {} if home.roles & {Role.DPO, Role.AUDITOR} else None


HOME_PANELS: list[Panel] = [
    Panel("director", "core/panels/director.html", _director),
    Panel("casework", "core/panels/casework.html", _casework),
    Panel("field", "core/panels/field.html", _field),
    Panel("carer", "core/panels/carer.html", _carer),
    Panel("trainer", "training/_home_card.html", _trainer),
    Panel("giving", "core/panels/giving.html", _giving),
    Panel("data_protection", "core/panels/data_protection.html", _data_protection),
]


def home_panels(request: MemberRequest) -> list[ShownPanel]:
    """The panels this person sees, in the order of ``HOME_PANELS``."""
    membership = request.membership
    home = HomeContext(
        request=request,
        organisation_id=membership.organisation_id,
        roles=frozenset(membership.roles),
        today=timezone.localdate(),
    )
    shown = []
    for panel in HOME_PANELS:
        context = panel.context(home)
        if context is not None:
            shown.append(ShownPanel(panel.template, context))
    return shown
