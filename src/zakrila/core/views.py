from __future__ import annotations

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from zakrila import __version__
from zakrila.accounts.models import Role
from zakrila.accounts.policy import programmes_visible_to, units_visible_to
from zakrila.core.http import MemberRequest


@login_required
def home(request: MemberRequest) -> HttpResponse:
    """The start page: what this person's roles do here, and what to do next."""
    membership = request.membership
    if membership is None:  # the system administrator, without an organisation of their own
        return render(request, "core/home_admin.html")
    organisation = membership.organisation
    units = units_visible_to(request.user).filter(organisation=organisation, is_active=True)
    unit = getattr(request, "unit", None)
    if unit is not None:
        units = units.filter(pk=unit.pk) | units.filter(parent=unit)
    programmes = programmes_visible_to(request.user).filter(organisation=organisation)
    if unit is not None:
        programmes = programmes.filter(unit=unit)
    roles = set(membership.roles)
    return render(
        request,
        "core/home.html",
        {
            "organisation": organisation,
            "units": units.select_related("parent").order_by("parent_id", "name"),
            "programmes": programmes.select_related("unit"),
            "roles": roles,
            "Role": Role,
            **_work_summary(request, organisation.pk),
        },
    )


def _work_summary(request: MemberRequest, organisation_id: int) -> dict[str, object]:
    """The counts a worker starts the day with: their open cases and overdue work, closures
    waiting for the director, the residents of the units a carer works in."""
    from zakrila.accounts.policy import (
        cases_visible_to,
        has_capability,
        residential_units_visible_to,
    )
    from zakrila.cases.models import Case, CaseStatus, Closure, Task
    from zakrila.placements.models import Placement

    today = timezone.localdate()
    summary: dict[str, object] = {}
    if has_capability(request.user, "case.view", organisation_id):
        team = Case.team.through.objects.filter(user_id=request.user.pk).values("case_id")
        mine = (
            cases_visible_to(request.user)
            .filter(organisation_id=organisation_id)
            .exclude(status=CaseStatus.CLOSED)
        )
        summary["my_cases"] = mine.filter(pk__in=team).count()
        tasks = Task.objects.open().filter(organisation_id=organisation_id, assignee=request.user)
        summary["overdue"] = tasks.filter(due_on__lt=today).count()
        summary["due_this_week"] = tasks.filter(
            due_on__gte=today, due_on__lte=today + dt.timedelta(days=7)
        ).count()
    if has_capability(request.user, "case.approve", organisation_id):
        summary["closures_waiting"] = Closure.objects.filter(
            organisation_id=organisation_id, approved_at__isnull=True
        ).count()
    if Role.TRAINER in request.membership.roles:
        from zakrila.training.queries import trainer_day

        summary["training_day"] = trainer_day(
            user=request.user, organisation_id=organisation_id, today=today
        )
    if Role.FIELD_WORKER in request.membership.roles:
        from zakrila.programmes.queries import worker_day

        summary.update(worker_day(user=request.user, organisation_id=organisation_id, today=today))
    if has_capability(request.user, "placement.view", organisation_id):
        boards = residential_units_visible_to(request.user).filter(organisation_id=organisation_id)
        now = timezone.now()
        summary["boards"] = [
            (unit, Placement.objects.filter(unit=unit).current(now).count()) for unit in boards
        ]
    return summary


@require_GET
@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """For the load balancer and the operator: is the app up, and can it reach its database?"""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        database = "ok"
    except DatabaseError:
        database = "error"
    status = "ok" if database == "ok" else "error"
    return JsonResponse(
        {"status": status, "database": database, "version": __version__},
        status=200 if status == "ok" else 503,
    )
