"""Placements and the residential units the user may see."""

from __future__ import annotations

from typing import Any

from django.db import models

from zakrila.accounts.policy.access import Access, access_for, unit_scope
from zakrila.accounts.policy.capabilities import CAPABILITIES
from zakrila.accounts.policy.cases import cases_visible_to
from zakrila.accounts.policy.organisations import units_visible_to


def placements_visible_to(user: Any) -> models.QuerySet[Any]:
    """Placements in the units the user reaches whose case the user may see."""
    from zakrila.placements.models import Placement

    access = access_for(user)
    allowed = CAPABILITIES["placement.view"]
    reaches = [r for r in access.reaches if r.roles & allowed]
    scope = unit_scope(Access(access.user_id, reaches=reaches), "unit_id")
    return Placement.objects.filter(scope, case__in=cases_visible_to(user))


def residential_units_visible_to(user: Any) -> models.QuerySet[Any]:
    from zakrila.organisations.models import RESIDENTIAL_KINDS

    access = access_for(user)
    allowed = CAPABILITIES["placement.view"]
    reaches = [r for r in access.reaches if r.roles & allowed]
    return units_visible_to(user).filter(
        unit_scope(Access(access.user_id, reaches=reaches), "pk"), kind__in=RESIDENTIAL_KINDS
    )
