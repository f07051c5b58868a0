"""Fields that only some roles see."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy

from zakrila.accounts.policy.access import has_capability
from zakrila.accounts.policy.cases import can_read_case_confidential, cases_visible_to

# One rule for the pages, the exports, the PDFs and (later) the API: a record is shown with
# ``withheld_fields(user, record)`` taken out, and an export marks each of them as withheld,
# with the reason, instead of leaving it out silently (``withheld_marker``).

WITHHELD_REASONS: dict[str, Any] = {
    "person.confidential": gettext_lazy(
        "Health, disability, abuse and violence details are seen only by the director, case "
        "managers, specialists and carers."
    ),
    "case.confidential": gettext_lazy(
        "A confidential note: seen only by the case team, the director and specialists."
    ),
    "case.restricted": gettext_lazy("A restricted case: seen only by its team and the director."),
    "case.unit": gettext_lazy("A case of a unit you do not work in."),
}


def withheld_fields(user: Any, record: Any) -> dict[str, str]:
    """The fields of this record the user may not see, each with the reason (empty: all)."""
    label = record._meta.label_lower
    if label == "people.person":
        if has_capability(user, "person.confidential", record.organisation_id):
            return {}
        reason = str(WITHHELD_REASONS["person.confidential"])
        return dict.fromkeys(record.SENSITIVE_FIELDS, reason)
    if label == "cases.contact":
        if record.is_confidential and not _case_confidential_cached(user, record.case):
            return {"note": str(WITHHELD_REASONS["case.confidential"])}
        return {}
    return {}


def withheld_marker(reason: str) -> dict[str, Any]:
    """What an export holds in place of a value (or a whole record) the user may not see."""
    return {"withheld": True, "reason": reason}


def is_withheld(value: Any) -> bool:
    return isinstance(value, dict) and value.get("withheld") is True


def case_withheld_reason(user: Any, case: Any) -> str | None:
    """Why the user may not see this case (a restricted case, another unit), or None."""
    if cases_visible_to(user).filter(pk=case.pk).exists():
        return None
    if case.is_restricted and has_capability(user, "case.view", case.organisation_id):
        return str(WITHHELD_REASONS["case.restricted"])
    return str(WITHHELD_REASONS["case.unit"])


def _case_confidential_cached(user: Any, case: Any) -> bool:
    """``can_read_case_confidential``, asked once per case and user (an export asks it for every
    contact of the case)."""
    cache = case.__dict__.setdefault("_zakrila_confidential", {})
    if user.pk not in cache:
        cache[user.pk] = can_read_case_confidential(user, case)
    return bool(cache[user.pk])
