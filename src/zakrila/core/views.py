from __future__ import annotations

from dataclasses import replace

from django.contrib.auth.decorators import login_required
from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from zakrila import __version__
from zakrila.accounts.policy import access_for
from zakrila.core.home import home_panels
from zakrila.core.http import MemberRequest
from zakrila.core.links import url_for
from zakrila.core.lookups import programme_rows, unit_rows_reached


@login_required
def home(request: MemberRequest) -> HttpResponse:
    """The start page: what this person's roles do here, and what to do next."""
    membership = request.membership
    if membership is None:  # the system administrator, without an organisation of their own
        return render(request, "core/home_admin.html")
    organisation = membership.organisation
    # The organisation's units and programmes from the cache (core.lookups), narrowed here as
    # units_visible_to and programmes_visible_to narrow them: to the units the membership
    # reaches, and to the unit the worker chose.
    reach = access_for(request.user).reach_in(organisation.pk)
    reached = None if reach is None else reach.unit_ids
    unit = getattr(request, "unit", None)
    unit_url, programme_url = url_for("organisations:unit"), url_for("organisations:programme")
    units = [
        replace(row, url=unit_url(row.pk))
        for row in ([] if reach is None else unit_rows_reached(organisation.pk, reached))
        if unit is None or unit.pk in (row.pk, row.parent_id)
    ]
    programmes = [
        replace(row, url=programme_url(row.pk))
        for row in programme_rows(organisation.pk)
        if (reach is not None and (reached is None or row.unit_id in reached))
        and (unit is None or row.unit_id == unit.pk)
    ]
    return render(
        request,
        "core/home.html",
        {
            "organisation": organisation,
            "units": units,
            "programmes": programmes,
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
