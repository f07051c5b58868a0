"""People and households the user may see, and who sees their confidential details."""

from __future__ import annotations

from typing import Any

from django.db import models

from zakrila.accounts.policy.access import Access, access_for, has_capability, unit_scope
from zakrila.accounts.policy.capabilities import CAPABILITIES


def people_visible_to(user: Any, *, include_merged: bool = False) -> models.QuerySet[Any]:
    """People the user may open: their organisations' people, not merged away (unless asked,
    to follow an old link to the record it was merged into); a membership limited to units
    sees the people of those units."""
    from zakrila.people.models import Person

    access = access_for(user)
    allowed = CAPABILITIES["person.view"]
    reaches = [r for r in access.reaches if r.roles & allowed]
    people = Person.objects.all() if include_merged else Person.objects.active()
    return people.filter(unit_scope(Access(access.user_id, reaches=reaches), "unit_id"))


def person_openable(user: Any, person: Any) -> bool:
    """Whether the user may open this (loaded) person's page: ``people_visible_to`` answered
    from the row itself, without a query, so that a page shows no link that would be a 404
    (a member limited to one unit and a relative registered by another)."""
    if person is None or person.merged_into_id is not None:
        return False
    allowed = CAPABILITIES["person.view"]
    return any(
        reach.organisation_id == person.organisation_id
        and reach.roles & allowed
        and (reach.unit_ids is None or person.unit_id in reach.unit_ids)
        for reach in access_for(user).reaches
    )


def household_openable(user: Any, household: Any) -> bool:
    """``households_visible_to`` for a loaded household (its child loaded with it)."""
    return household is not None and person_openable(user, household.child)


def households_visible_to(user: Any) -> models.QuerySet[Any]:
    """Households whose child the user may see."""
    from zakrila.people.models import Household

    return Household.objects.filter(child__in=people_visible_to(user))


def can_see_confidential(user: Any, record: Any) -> bool:
    """Health, disability, abuse and violence details of this record's person (the same rule
    as ``withheld_fields`` for a person)."""
    return has_capability(user, "person.confidential", record.organisation_id)
