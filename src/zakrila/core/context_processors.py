"""What the layout needs on every page: the user's organisation, units and navigation."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from zakrila.accounts.policy import has_capability, units_visible_to


def shell(request: HttpRequest) -> dict[str, Any]:
    membership = getattr(request, "membership", None)
    if membership is None:
        return {"shell_membership": None}
    org_id = membership.organisation_id
    nav = [
        {"url": reverse("core:home"), "label": _("Home"), "key": "home"},
        {"url": reverse("organisations:unit_list"), "label": _("Units"), "key": "units"},
        {
            "url": reverse("organisations:programme_list"),
            "label": _("Programmes"),
            "key": "programmes",
        },
    ]
    if has_capability(request.user, "case.view", org_id):
        nav.append({"url": reverse("cases:my_work"), "label": _("My work"), "key": "my_work"})
        nav.append({"url": reverse("cases:list"), "label": _("Cases"), "key": "cases"})
    if has_capability(request.user, "placement.view", org_id):
        nav.append(
            {"url": reverse("placements:boards"), "label": _("Residential"), "key": "placements"}
        )
    if has_capability(request.user, "training.view", org_id):
        nav.append({"url": reverse("training:index"), "label": _("Training"), "key": "training"})
    if has_capability(request.user, "person.view", org_id):
        nav.append({"url": reverse("people:list"), "label": _("People"), "key": "people"})
    if has_capability(request.user, "person.merge", org_id):
        nav.append(
            {"url": reverse("people:duplicates"), "label": _("Duplicates"), "key": "duplicates"}
        )
    if has_capability(request.user, "contract.view", org_id):
        nav.append(
            {
                "url": reverse("organisations:contract_list"),
                "label": _("Contracts"),
                "key": "contracts",
            }
        )
    if has_capability(request.user, "audit.search", org_id):
        nav.append({"url": reverse("audit:search"), "label": _("Audit trail"), "key": "audit"})
    if has_capability(request.user, "privacy.records", org_id):
        nav.append(
            {
                "url": reverse("privacy:records"),
                "label": _("Records of processing"),
                "key": "privacy",
            }
        )
    units = list(units_visible_to(request.user).filter(organisation_id=org_id, is_active=True))
    return {
        "shell_membership": membership,
        "shell_nav": nav,
        "shell_units": units,
        "shell_unit": getattr(request, "unit", None),
        "shell_search": has_capability(request.user, "person.view", org_id),
    }
