"""What the giving views share."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpResponse
from django.shortcuts import render

from zakrila.accounts.policy import has_capability, require
from zakrila.audit.services import audit_search
from zakrila.core.http import MemberRequest
from zakrila.core.paging import Page
from zakrila.giving.forms import NameSearchForm

NAV = "giving"


def organisation_of(request: MemberRequest) -> int:
    """The organisation of the request, after checking the user works with giving there."""
    organisation_id = request.membership.organisation_id
    require(request.user, "giving.view", organisation_id=organisation_id)
    return organisation_id


def can_manage(request: MemberRequest, organisation_id: int) -> bool:
    return has_capability(request.user, "giving.manage", organisation_id)


def form_page(request: MemberRequest, context: dict[str, Any]) -> HttpResponse:
    return render(request, "giving/form.html", {"nav_active": NAV, **context})


def name_list(
    request: MemberRequest,
    organisation_id: int,
    *,
    object_type: str,
    read: Callable[..., Page[Any]],
    form_class: type[NameSearchForm] = NameSearchForm,
) -> dict[str, Any]:
    """A list of people by name, a page at a time, found by part of the name (``read`` is
    given the user, the organisation, the text, the position and the form's other filters
    that are set), its listing audited: what the page's template needs of it. A field typed
    wrong is said so on the form and left out; the others still apply."""
    form = form_class(request.GET or None)
    form.is_valid()
    chosen = dict(getattr(form, "cleaned_data", {}))
    text = chosen.pop("q", "")
    filters = {name: value for name, value in chosen.items() if value}
    page = read(
        user=request.user, organisation_id=organisation_id, text=text,
        after=request.GET.get("after"), **filters,
    )  # fmt: skip
    audit_search(
        actor=request.user,
        organisation_id=organisation_id,
        object_type=object_type,
        details={"list": True, "text": text, **filters, "shown": len(page.rows)},
    )
    query = request.GET.copy()
    query.pop("after", None)
    return {
        "form": form,
        "rows": page.rows,
        "next_token": page.next_token,
        "first_page": page.started_after is None,
        "query": query.urlencode(),
    }
