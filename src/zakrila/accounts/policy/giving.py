"""Donations, stores, volunteers and distributions."""

from __future__ import annotations

from typing import Any, TypeVar

from django.db import models

from zakrila.accounts.policy.access import access_for
from zakrila.accounts.policy.capabilities import CAPABILITIES
from zakrila.accounts.policy.cases import cases_visible_to
from zakrila.accounts.policy.people import households_visible_to

M = TypeVar("M", bound=models.Model)


def _giving_scope(user: Any) -> models.Q:
    """Donations, stores and volunteers serve the whole organisation: the organisations where
    the user's roles may see giving, whatever units they are limited to."""
    access = access_for(user)
    allowed = CAPABILITIES["giving.view"]
    return models.Q(
        organisation_id__in=sorted(r.organisation_id for r in access.reaches if r.roles & allowed)
    )


def giving_visible_to(user: Any, model: type[M]) -> models.QuerySet[M]:
    """Records of the giving app (stores, items, donors, donations, volunteers, needs,
    assignments, distributions) for the roles that work with giving."""
    return model._default_manager.filter(_giving_scope(user))


def distributions_visible_to(user: Any) -> models.QuerySet[Any]:
    """Distributions the user may see: every one of the organisation for the giving roles; for
    a case worker, those to the cases and the families they may see (a restricted case: its
    team only)."""
    from zakrila.giving.models import Distribution

    return Distribution.objects.filter(
        _giving_scope(user)
        | models.Q(case__in=cases_visible_to(user))
        | models.Q(household__in=households_visible_to(user))
    )
