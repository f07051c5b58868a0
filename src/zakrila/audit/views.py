from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpResponse
from django.shortcuts import render

from zakrila.accounts.policy import require
from zakrila.audit.describe import describe_events
from zakrila.audit.forms import AuditSearchForm
from zakrila.audit.models import AuditAction, AuditEvent
from zakrila.audit.queries import audit_events_in_organisation, keyset_page
from zakrila.audit.services import audit_record
from zakrila.core.http import MemberRequest


@login_required
def audit_search(request: MemberRequest) -> HttpResponse:
    """The DPO's search across the organisation's trail; the search itself is recorded too."""
    organisation_id = request.membership.organisation_id
    require(request.user, "audit.search", organisation_id=organisation_id)
    form = AuditSearchForm(request.GET or None)
    events: list = []
    next_before = None
    if form.is_bound and not form.is_valid():
        pass
    else:
        filters = form.cleaned_data if form.is_bound else {}
        before = _int(request.GET.get("before"))
        with transaction.atomic():
            audit_record(
                action=AuditAction.SEARCH,
                actor=request.user,
                organisation_id=organisation_id,
                object_type="audit.auditevent",
                details={"filters": form.used_filters() if form.is_bound else {}},
            )
        queryset = audit_events_in_organisation(organisation_id=organisation_id, filters=filters)
        events, next_before = keyset_page(queryset, before=before)
    query = request.GET.copy()
    query.pop("before", None)
    return render(
        request,
        "audit/search.html",
        {
            "form": form,
            "events": events,
            "rows": describe_events(events, viewer=request.user),
            "next_before": next_before,
            "query": query.urlencode(),
            "nav_active": "audit",
        },
    )


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value else None
    except ValueError:
        return None


def record_history(
    request: MemberRequest,
    *,
    record: Any,
    events: QuerySet[AuditEvent],
    viewed: Callable[[], None],
    nav_active: str,
) -> HttpResponse:
    """ "Who saw this file": every access to and change of one record (``events``), filtered by
    who, what and when, newest first by keyset. Opening it is recorded (``viewed``)."""
    form = AuditSearchForm(request.GET or None)
    page: list[AuditEvent] = []
    next_before = None
    if not form.is_bound or form.is_valid():
        filters = form.cleaned_data if form.is_bound else {}
        filtered = audit_events_in_organisation(
            organisation_id=record.organisation_id,
            filters={
                k: v for k, v in filters.items() if k in ("actor", "action", "date_from", "date_to")
            },
        )
        page, next_before = keyset_page(events & filtered, before=_int(request.GET.get("before")))
        with transaction.atomic():
            viewed()
    query = request.GET.copy()
    query.pop("before", None)
    return render(
        request,
        "audit/record_history.html",
        {
            "record": record,
            "form": form,
            "events": page,
            "rows": describe_events(page, viewer=request.user),
            "next_before": next_before,
            "query": query.urlencode(),
            "nav_active": nav_active,
        },
    )
