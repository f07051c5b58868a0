"""The placements routes added with the night admission, for the route harness
(``tests/routes.py`` merges this module's ``ROUTES``)."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from tests.routes import BOTH, Route, World


def _now() -> str:
    return timezone.localtime().strftime("%d.%m.%Y %H:%M")


def _new_child(world: World, unit: Any) -> dict[str, Any]:
    from zakrila.placements.models import Bed, Placement

    taken = Placement.objects.filter(discharged_at__isnull=True).values("bed_id")
    bed = Bed.objects.filter(unit=unit, is_active=True).exclude(pk__in=taken).first()
    assert bed is not None, "the harness's home has a free bed"
    return {
        "first_name": "Нощна", "last_name": "Маршрутова", "description": "", "sex": "female",
        "age_years": "9", "age_months": "", "bed": bed.pk, "legal_basis": "police",
        "order_number": "", "order_date": "", "admitted_at": _now(), "planned_end": "",
        "not_a_duplicate": "on",
    }  # fmt: skip


def _discharge(world: World, placement: Any) -> dict[str, Any]:
    return {
        "discharged_at": _now(), "destination": "family", "version": placement.version,
        "confirmed": "yes",
    }  # fmt: skip


ROUTES: dict[str, Route] = {
    "placements:admit_new_child": Route(
        "residential_unit", right="placement.admit", methods=BOTH, post=_new_child
    ),
    "placements:discharge": Route(
        "placement", right="placement.admit", methods=BOTH, post=_discharge
    ),
}
