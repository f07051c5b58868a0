"""Everything held about one person, for the data subject's right of access (GDPR Art. 15).

``person_data`` collects it as plain data (the JSON export); ``person_pdf`` prints the same
data for the family, in Bulgarian, with a font that has every Cyrillic letter. Apps that link
records to a person (cases, placements) add their sections with ``register_section``.

What the exporting user may not see is not left out silently: the access policy's one rule
(``zakrila.accounts.policy.withheld_fields``, the same as on the pages) decides, and the export
holds ``{"withheld": true, "reason": "…"}`` in place of each such field or record.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zakrila.accounts.policy import is_withheld, withheld_fields, withheld_marker
from zakrila.core.pdf import render_pdf
from zakrila.people.models import Person

# A section is called with the person and the exporting user (``viewer``), and applies the
# policy to what it adds (see cases/hooks.py).
Section = Callable[..., tuple[str, list[dict[str, Any]]]]
_sections: list[Section] = []


def register_section(section: Section) -> Section:
    """Add a section (its title and its rows) to every person's export."""
    if section not in _sections:
        _sections.append(section)
    return section


def _run_section(section: Section, person: Person, viewer: Any) -> tuple[str, list[Any]]:
    if "viewer" in inspect.signature(section).parameters:
        return section(person, viewer=viewer)
    return section(person)  # an older section that shows nothing the policy withholds


def _value(value: Any) -> Any:
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


PERSON_FIELDS = (
    "first_name", "middle_name", "last_name", "first_name_latin", "middle_name_latin",
    "last_name_latin", "description", "sex", "birth_date", "birth_date_precision",
    "personal_number", "personal_number_kind", "citizenship", "settlement", "municipality",
    "address", "phone", "languages", "health_notes", "disability_notes",
    "identification_status", "is_deceased", "deceased_on", "legal_hold_reason", "created_at",
    "updated_at",
)  # fmt: skip


def person_data(person: Person, *, viewer: Any) -> dict[str, Any]:
    """The person's record and everything linked to it that ``viewer`` may see, as JSON-ready
    data; what they may not see is marked as withheld, with the reason."""
    labels = {field.name: str(field.verbose_name) for field in Person._meta.fields}
    withheld = withheld_fields(viewer, person)
    record = {
        name: withheld_marker(withheld[name]) if name in withheld else _value(getattr(person, name))
        for name in PERSON_FIELDS
    }
    sections: dict[str, list[dict[str, Any]]] = {
        "aliases": [
            {
                "first_name": a.first_name,
                "middle_name": a.middle_name,
                "last_name": a.last_name,
                "source": a.source,
            }
            for a in person.aliases.all()
        ],
        "households": [
            {
                "household": m.household.name,
                "child": str(m.household.child),
                "relationship": m.get_relationship_display(),
                "legal_representative": m.is_legal_representative,
                "lives_with_child": m.lives_with_child,
                "from": _value(m.starts_on),
                "until": _value(m.ends_on),
            }
            for m in person.household_memberships.select_related("household", "household__child")
        ]
        + [
            {
                "household": h.name,
                "child": str(person),
                "relationship": "",
                "settlement": h.settlement,
                "address": h.address,
            }
            for h in person.households_as_child.all()
        ],
        "consents": [
            {
                "purpose": c.purpose,
                "given_by": str(c.given_by),
                "legal_basis": c.get_legal_basis_display(),
                "given_on": _value(c.given_on),
                "withdrawn_on": _value(c.withdrawn_on),
            }
            for c in person.consents.select_related("given_by")
        ],
        "disclosures": [
            {
                "recipient": d.recipient,
                "what": d.what,
                "legal_basis": d.get_legal_basis_display(),
                "disclosed_on": _value(d.disclosed_on),
            }
            for d in person.disclosures.all()
        ],
    }
    for section in _sections:
        title, rows = _run_section(section, person, viewer)
        sections[title] = rows
    return {
        "exported_at": timezone.now().isoformat(),
        "organisation": str(person.organisation),
        "person_id": person.pk,
        "person": record,
        "labels": {name: labels.get(name, name) for name in PERSON_FIELDS},
        **sections,
    }


# Titles of the sections and of their columns, for the printed export.
LABELS = {
    "aliases": _("Other names"),
    "households": _("Households"),
    "consents": _("Consents"),
    "disclosures": _("Disclosures to other organisations"),
    "first_name": _("first name"),
    "middle_name": _("middle name"),
    "last_name": _("last name"),
    "source": _("source"),
    "household": _("household"),
    "child": _("child"),
    "relationship": _("relationship to the child"),
    "legal_representative": _("legal representative"),
    "lives_with_child": _("lives with the child"),
    "from": _("from"),
    "until": _("until"),
    "settlement": _("settlement"),
    "address": _("address"),
    "purpose": _("consented to"),
    "given_by": _("given by"),
    "legal_basis": _("legal basis"),
    "given_on": _("given on"),
    "withdrawn_on": _("withdrawn on"),
    "recipient": _("recipient"),
    "what": _("what was disclosed"),
    "disclosed_on": _("disclosed on"),
    "cases": _("Cases"),
    "placements": _("Placements"),
    "number": _("number"),
    "unit": _("unit"),
    "status": _("status"),
    "opened_on": _("opened on"),
    "closed_on": _("closed on"),
    "contacts": _("contacts"),
    "kind": _("kind"),
    "occurred_at": _("when"),
    "note": _("note"),
    "admitted_at": _("admitted"),
    "discharged_at": _("discharged"),
    "destination": _("went to"),
    "diary": _("care diary"),
    "when": _("when"),
    "text": _("text"),
}
_META_KEYS = {"exported_at", "organisation", "person_id", "person", "labels"}


def _printable(value: Any) -> Any:
    if is_withheld(value):
        return _("withheld: %(reason)s") % {"reason": value["reason"]}
    if value is True:
        return _("yes")
    if value is False:
        return _("no")
    if isinstance(value, list):  # rows inside a row (a case's contacts): one line each
        return "\n".join(
            "; ".join(f"{LABELS.get(k, k)}: {_printable(v) if v not in ('', None) else '—'}" for k, v in item.items())
            if isinstance(item, dict) else str(_printable(item))
            for item in value
        )  # fmt: skip
    return value


def person_pdf(data: dict[str, Any], *, request: HttpRequest | None = None) -> bytes:
    """The export printed for the family."""
    rows = [
        (data["labels"][name], _printable(value))
        for name, value in data["person"].items()
        if value not in ("", None, False)
    ]
    sections = [
        (
            LABELS.get(key, key),
            [
                [(_("withheld"), _printable(item))]
                if is_withheld(item)
                else [(LABELS.get(name, name), _printable(value)) for name, value in item.items()]
                for item in items
            ],
        )
        for key, items in data.items()
        if key not in _META_KEYS
    ]
    context = {"data": data, "rows": rows, "sections": sections}
    return render_pdf("people/export_pdf.html", context, request=request)
