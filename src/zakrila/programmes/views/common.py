"""What the programmes' pages share: the units a form offers."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from zakrila.accounts.policy import units_visible_to
from zakrila.organisations.models import Programme, UnitKind
from zakrila.programmes.models import OutreachKind


def units_for(user: Any, organisation_id: int, *, programme_kind: str = "") -> QuerySet[Any]:
    """The active units the user reaches; when the organisation runs the programme in one of
    them, only that one (the line is the SOS programme's unit)."""
    units = units_visible_to(user).filter(organisation_id=organisation_id, is_active=True)
    if programme_kind:
        running = Programme.objects.filter(
            organisation_id=organisation_id, kind=programme_kind, is_active=True
        ).values("unit_id")
        if units.filter(pk__in=running).exists():
            return units.filter(pk__in=running).order_by("name")
    return units.order_by("name")


def outreach_units(user: Any, organisation_id: int, kind: str) -> QuerySet[Any]:
    """Street work belongs to the Centre for Street Children, field work to the unit running
    family planning; where there is none, any unit the user reaches."""
    units = units_visible_to(user).filter(organisation_id=organisation_id, is_active=True)
    if kind == OutreachKind.STREET and units.filter(kind=UnitKind.STREET_CHILDREN).exists():
        return units.filter(kind=UnitKind.STREET_CHILDREN).order_by("name")
    if kind == OutreachKind.FIELD:
        return units_for(user, organisation_id, programme_kind="family_planning")
    return units.order_by("name")
