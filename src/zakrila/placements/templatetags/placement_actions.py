"""What placements add to pages of other apps, without those apps' views knowing about it."""

from __future__ import annotations

from typing import Any

from django import template

from zakrila.placements.queries import placement_for_case

register = template.Library()


@register.inclusion_tag("placements/_case_placement.html", takes_context=True)
def case_placement(context: template.Context, case: Any) -> dict[str, Any]:
    """On the case page: "Admit" into each residential unit the user may admit into while the
    child is not placed, or where the child is placed now."""
    return {"case": case, "placement": placement_for_case(user=context["request"].user, case=case)}
