"""The request as Zakrila's middleware leaves it, for type checking views."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import HttpRequest

if TYPE_CHECKING:
    from django_htmx.middleware import HtmxDetails

    from zakrila.accounts.models import Membership, User
    from zakrila.organisations.models import Unit


class AuthenticatedRequest(HttpRequest):
    """A request from a signed-in user (behind ``login_required``)."""

    user: User
    membership: Membership | None
    memberships: list[Membership]
    unit: Unit | None
    request_id: str
    htmx: HtmxDetails  # django-htmx's middleware: ``bool(request.htmx)`` for an htmx request


class MemberRequest(AuthenticatedRequest):
    """A request from a signed-in member of an organisation (the middleware guarantees it)."""

    membership: Membership
