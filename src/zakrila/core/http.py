"""The request as Zakrila's middleware leaves it, for type checking views."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import HttpRequest

if TYPE_CHECKING:
    from zakrila.accounts.models import Membership, User
    from zakrila.organisations.models import Unit


class AuthenticatedRequest(HttpRequest):
    """A request from a signed-in user (behind ``login_required``)."""

    user: User
    membership: Membership | None
    memberships: list[Membership]
    unit: Unit | None
    request_id: str


class MemberRequest(AuthenticatedRequest):
    """A request from a signed-in member of an organisation (the middleware guarantees it)."""

    membership: Membership
