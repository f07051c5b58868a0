from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import render

from zakrila.accounts.policy import require
from zakrila.audit.forms import AuditSearchForm
from zakrila.audit.models import AuditAction
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
