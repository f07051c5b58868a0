"""Organisations, units, programmes and contracts the user may see."""

from __future__ import annotations

from typing import Any

from django.db import models

from zakrila.accounts.policy.access import access_for, unit_scope
from zakrila.accounts.policy.capabilities import CAPABILITIES


def organisations_visible_to(user: Any) -> models.QuerySet[Any]:
    from zakrila.organisations.models import Organisation

    return Organisation.objects.filter(pk__in=access_for(user).organisation_ids, is_active=True)


def units_visible_to(user: Any) -> models.QuerySet[Any]:
    """Units of the user's organisations; a membership limited to units sees only those."""
    from zakrila.organisations.models import Unit

    return Unit.objects.filter(unit_scope(access_for(user), "pk"))


def programmes_visible_to(user: Any) -> models.QuerySet[Any]:
    from zakrila.organisations.models import Programme

    return Programme.objects.filter(unit_scope(access_for(user), "unit_id"))


def contracts_visible_to(user: Any) -> models.QuerySet[Any]:
    from zakrila.organisations.models import Contract

    access = access_for(user)
    allowed = CAPABILITIES["contract.view"]
    org_ids = [r.organisation_id for r in access.reaches if r.roles & allowed]
    return Contract.objects.filter(organisation_id__in=org_ids)
