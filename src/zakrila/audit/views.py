from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import HttpResponse
from django.shortcuts import render

from zakrila.accounts.policy import require
from zakrila.audit import services as audit_services
from zakrila.audit.describe import describe_events
from zakrila.audit.forms import AuditSearchForm
from zakrila.audit.models import AuditEvent
from zakrila.audit.queries import ORDER, PAGE_SIZE, audit_events_in_organisation
from zakrila.core.http import MemberRequest
from zakrila.core.paging import keyset_page


@login_required
def audit_search(request: MemberRequest) -> HttpResponse:
    """The DPO's search across the organisation's trail; the search itself is recorded too."""
    organisation_id = request.membership.organisation_id
    require(request.user, "audit.search", organisation_id=organisation_id)
    form = AuditSearchForm(request.GET or None)
    events: list[AuditEvent] = []
    next_token = None
    if form.is_bound and not form.is_valid():
        pass
    else:
        filters = form.cleaned_data if form.is_bound else {}
        audit_services.audit_search(
            actor=request.user,
            organisation_id=organisation_id,
            object_type="audit.auditevent",
            details={"filters": form.used_filters() if form.is_bound else {}},
        )
        queryset = audit_events_in_organisation(organisation_id=organisation_id, filters=filters)
        page = keyset_page(queryset, order=ORDER, after=request.GET.get("after"), size=PAGE_SIZE)
        events, next_token = page.rows, page.next_token
    query = request.GET.copy()
    query.pop("after", None)
    return render(
        request,
        "audit/search.html",
        {
            "form": form,
            "events": events,
            "rows": describe_events(events, viewer=request.user),
            "next_token": next_token,
            "query": query.urlencode(),
            "nav_active": "audit",
        },
    )


def record_history(
    request: MemberRequest,
    *,
    record: Any,
    events: QuerySet[AuditEvent],
    viewed: Callable[[], object],
    nav_active: str,
) -> HttpResponse:
    """ "Who saw this file": every access to and change of one record (``events``), filtered by
    who, what and when, newest first by keyset. Opening it is recorded (``viewed``)."""
    form = AuditSearchForm(request.GET or None)
    page: list[AuditEvent] = []
    next_token = None
    if not form.is_bound or form.is_valid():
        filters = form.cleaned_data if form.is_bound else {}
        filtered = audit_events_in_organisation(
            organisation_id=record.organisation_id,
            filters={
                k: v for k, v in filters.items() if k in ("actor", "action", "date_from", "date_to")
            },
        )
        found = keyset_page(
            events & filtered, order=ORDER, after=request.GET.get("after"), size=PAGE_SIZE
        )
        page, next_token = found.rows, found.next_token
        viewed()
    query = request.GET.copy()
    query.pop("after", None)
    return render(
        request,
        "audit/record_history.html",
        {
            "record": record,
            "form": form,
            "events": page,
            "rows": describe_events(page, viewer=request.user),
            "next_token": next_token,
            "query": query.urlencode(),
            "nav_active": nav_active,
        },
    )
