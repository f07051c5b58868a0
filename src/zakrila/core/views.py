from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from zakrila import __version__
from zakrila.accounts.policy import programmes_visible_to, units_visible_to
from zakrila.core.home import home_panels
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
    return render(
        request,
        "core/home.html",
        {
            "organisation": organisation,
            "units": units.select_related("parent").order_by("parent_id", "name"),
            "programmes": programmes.select_related("unit"),
            "panels": home_panels(request),
        },
    )


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
