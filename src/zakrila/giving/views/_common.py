"""What the giving views share."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from django.shortcuts import render

from zakrila.accounts.policy import has_capability, require
from zakrila.core.http import MemberRequest

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
