"""A user's access (memberships, roles, units), the capability checks and the helpers every
``*_visible_to`` shares."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.db import models
from django.http import Http404
from django.utils.translation import gettext as _

from zakrila.accounts.models import Membership, Role
from zakrila.accounts.policy.capabilities import CAPABILITIES, CAPABILITY_REFUSALS

M = TypeVar("M", bound=models.Model)


@dataclass(frozen=True)
class Reach:
    """What one membership reaches: an organisation, some roles, all or some units."""

    organisation_id: int
    roles: frozenset[str]
    unit_ids: frozenset[int] | None  # None: every unit of the organisation


@dataclass
class Access:
    """Everything the policy needs about a user, loaded once per request."""

    user_id: int | None
    is_superuser: bool = False
    reaches: list[Reach] = field(default_factory=list)

    @property
    def organisation_ids(self) -> set[int]:
        return {reach.organisation_id for reach in self.reaches}

    def roles_in(self, organisation_id: int | None) -> frozenset[str]:
        for reach in self.reaches:
            if reach.organisation_id == organisation_id:
                return reach.roles
        return frozenset()

    def reach_in(self, organisation_id: int | None) -> Reach | None:
        for reach in self.reaches:
            if reach.organisation_id == organisation_id:
                return reach
        return None


def access_for(user: Any) -> Access:
    """The user's access, cached on the user object for the rest of the request."""
    if user is None or not getattr(user, "is_authenticated", False):
        return Access(user_id=None)
    cached = getattr(user, "_zakrila_access", None)
    if cached is not None:
        return cached
    memberships = (
        Membership.objects.current().filter(user=user).prefetch_related("units").order_by("id")
    )
    return access_from_memberships(user, memberships)


def access_from_memberships(user: Any, memberships: Iterable[Membership]) -> Access:
    """The access of these memberships (their units prefetched), cached on the user: the
    middleware reads the memberships once per request and the policy reuses them."""
    reaches = []
    for membership in memberships:
        unit_ids = frozenset(unit.pk for unit in membership.units.all())
        reaches.append(
            Reach(
                organisation_id=membership.organisation_id,
                roles=frozenset(membership.roles),
                unit_ids=unit_ids or None,
            )
        )
    access = Access(user_id=user.pk, is_superuser=user.is_superuser, reaches=reaches)
    user._zakrila_access = access
    return access


def forget_access(user: Any) -> None:
    if hasattr(user, "_zakrila_access"):
        del user._zakrila_access


def has_capability(user: Any, capability: str, organisation_id: int | None) -> bool:
    allowed = CAPABILITIES[capability]
    return bool(access_for(user).roles_in(organisation_id) & allowed)


def require(user: Any, capability: str, *, organisation_id: int | None) -> None:
    """Refuse with a plain message when the user lacks the capability in this organisation."""
    if not has_capability(user, capability, organisation_id):
        message = CAPABILITY_REFUSALS.get(capability) or _(
            "You do not have the right to do this. Ask your director if you need it."
        )
        raise PermissionDenied(str(message))


def unit_scope(access: Access, unit_field: str) -> models.Q:
    """A filter for records that carry a unit: whole organisations, or the listed units."""
    scope = models.Q(pk__in=[])
    for reach in access.reaches:
        condition = models.Q(organisation_id=reach.organisation_id)
        if reach.unit_ids is not None:
            condition &= models.Q(**{f"{unit_field}__in": sorted(reach.unit_ids)})
        scope |= condition
    return scope


def get_visible_or_404(queryset: models.QuerySet[M], **lookup: Any) -> M:
    """One record from a visible queryset, or a 404 that says nothing about other records."""
    try:
        return queryset.get(**lookup)
    except (ObjectDoesNotExist, ValueError, TypeError):
        raise Http404(_("There is no such record, or you may not see it.")) from None


def roles_for_display(roles: Iterable[str]) -> list[str]:
    return [str(Role(role).label) for role in roles if role in Role.values]
