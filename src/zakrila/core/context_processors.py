"""What the layout needs on every page: the user's organisation, units and navigation.

The navigation depends only on the roles and the language, so it is built once per pair and
kept; the unit switcher reads the organisation's units from the cache (``core.lookups``).
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from django.http import HttpRequest
from django.urls import get_script_prefix, reverse
from django.utils.html import escape
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from zakrila.accounts.policy import CAPABILITIES, access_for
from zakrila.core.lookups import units_reached

# (label, route, key, capability needed or None), in the order of the menu.
NAV: list[tuple[Any, str, str, str | None]] = [
    (_("Home"), "core:home", "home", None),
    (_("Units"), "organisations:unit_list", "units", None),
    (_("Programmes"), "organisations:programme_list", "programmes", None),
    (_("My work"), "cases:my_work", "my_work", "case.view"),
    (_("Cases"), "cases:list", "cases", "case.view"),
    (_("Residential"), "placements:boards", "placements", "placement.view"),
    (_("Training"), "training:index", "training", "training.view"),
    (_("Donations and volunteers"), "giving:index", "giving", "giving.view"),
    (_("SOS line"), "programmes:line", "line", "line.view"),
    (_("Groups"), "programmes:groups", "groups", "group.view"),
    (_("Street and field"), "programmes:outreach", "outreach", "outreach.view"),
    (_("People"), "people:list", "people", "person.view"),
    (_("Duplicates"), "people:duplicates", "duplicates", "person.merge"),
    (_("Contracts"), "organisations:contract_list", "contracts", "contract.view"),
    (_("Audit trail"), "audit:search", "audit", "audit.search"),
    (_("Records of processing"), "privacy:records", "privacy", "privacy.records"),
]


@lru_cache(maxsize=512)
def navigation(roles: frozenset[str], language: str) -> tuple[dict[str, str], ...]:
    """The menu for these roles in this language (labels already in it)."""
    return tuple(
        {"url": reverse(route), "label": str(label), "key": key}
        for label, route, key, needed in NAV
        if needed is None or roles & CAPABILITIES[needed]
    )


# The layout's own links, the same on every page: reversed once per process.
SHELL_ROUTES = (
    "core:home",
    "core:outbox",
    "manifest",
    "set_language",
    "people:search",
    "accounts:switch_unit",
    "accounts:password_change",
    "accounts:sessions",
    "accounts:2fa_recovery_codes",
    "accounts:logout",
    "admin:index",
)


@lru_cache(maxsize=8)
def shell_urls(script_prefix: str) -> dict[str, str]:
    """``{{ shell_urls.accounts_logout }}``: the layout's links by route, ':' as '_', escaped
    once here for every page (reverse() quotes '"' and '<' but keeps '&', which a deployment's
    URL prefix may hold)."""
    return {route.replace(":", "_"): escape(reverse(route)) for route in SHELL_ROUTES}


def shell(request: HttpRequest) -> dict[str, Any]:
    membership = getattr(request, "membership", None)
    urls = shell_urls(get_script_prefix())
    if membership is None:
        return {"shell_membership": None, "shell_urls": urls}
    org_id = membership.organisation_id
    reach = access_for(request.user).reach_in(org_id)
    roles = reach.roles if reach else frozenset()
    return {
        "shell_urls": urls,
        "shell_membership": membership,
        "shell_nav": navigation(roles, get_language() or ""),
        "shell_units": units_reached(org_id, reach.unit_ids if reach else frozenset()),
        "shell_unit": getattr(request, "unit", None),
        "shell_search": bool(roles & CAPABILITIES["person.view"]),
    }
