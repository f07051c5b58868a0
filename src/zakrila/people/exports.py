"""Everything held about one person, for the data subject's right of access (GDPR Art. 15).

``person_data`` collects it as plain data (the JSON export); ``person_pdf`` prints the same
data for the family, in Bulgarian, with a font that has every Cyrillic letter. Apps that link
records to a person (cases, placements) add their sections with ``register_section``.

What the exporting user may not see is not left out silently: the access policy's one rule
(``zakrila.accounts.policy.withheld_fields``, the same as on the pages) decides, and the export
holds ``{"withheld": true, "reason": "…"}`` in place of each such field or record.
"""

from __future__ import annotations

import datetime as dt
import inspect
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.http import HttpRequest
from django.utils import timezone
from django.utils.formats import date_format
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


# Titles of the sections and of their columns, for the printed export. Apps that add a section
# name its title and columns here too (``LABELS.update`` in their hooks), or they are looked up
# as Person fields and last shown as words.
LABELS: dict[str, Any] = {
    "aliases": _("Other names"),
    "households": _("Households"),
    "consents": _("Consents"),
    "disclosures": _("Disclosures to other organisations"),
    "cases": _("Cases"),
    "placements": _("Placements"),
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
_ISO = re.compile(r"^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?([+-]\d{2}:\d{2}|Z)?)?$")


@dataclass(frozen=True)
class PrintedField:
    """One line of the printed export: its label, its value as words, and the rows under it
    when the value is a list of records (the contacts of a case)."""

    label: str
    text: str
    rows: list[list[PrintedField]] = field(default_factory=list)


def _label(name: str) -> str:
    if name in LABELS:
        return str(LABELS[name])
    try:
        return str(getattr(Person._meta.get_field(name), "verbose_name", name))
    except FieldDoesNotExist:
        return name.replace("_", " ")


def _text(value: Any, *, name: str = "") -> str:
    """A value as a person reads it: дд.мм.гггг, да/не, the choice's label, lists as words."""
    if is_withheld(value):
        return str(_("withheld: %(reason)s") % {"reason": value["reason"]})
    if value is None or value == "":
        return "—"
    if value is True:
        return str(_("yes"))
    if value is False:
        return str(_("no"))
    if isinstance(value, dt.datetime):
        return date_format(timezone.localtime(value), "SHORT_DATETIME_FORMAT")
    if isinstance(value, dt.date):
        return date_format(value, "SHORT_DATE_FORMAT")
    if isinstance(value, str) and _ISO.match(value):
        parsed: dt.date | dt.datetime
        try:
            parsed = (
                dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
                if len(value) > 10
                else dt.date.fromisoformat(value)
            )
        except ValueError:
            return value
        if isinstance(parsed, dt.datetime) and timezone.is_naive(parsed):
            parsed = timezone.make_aware(parsed)
        return _text(parsed)
    if isinstance(value, list | tuple):
        return ", ".join(_text(item) for item in value) or "—"
    if name:
        try:
            choices = dict(getattr(Person._meta.get_field(name), "flatchoices", ()))
        except FieldDoesNotExist:
            choices = {}
        if value in choices:
            return str(choices[value])
    return str(value)


def _printed(name: str, value: Any) -> PrintedField:
    if (
        isinstance(value, list)
        and value
        and all(isinstance(item, dict) and not is_withheld(item) for item in value)
    ):
        rows = [[_printed(key, item_value) for key, item_value in item.items()] for item in value]
        return PrintedField(_label(name), "", rows)
    return PrintedField(_label(name), _text(value, name=name))


def person_pdf(data: dict[str, Any], *, request: HttpRequest | None = None) -> bytes:
    """The export printed for the family: labels, not field names; Bulgarian values, dates as
    дд.мм.гггг; a list of records (a case's contacts) as rows, never as Python text."""
    rows = [
        _printed(name, value)
        for name, value in data["person"].items()
        if value not in ("", None, False)
    ]
    sections = [
        (
            _label(key),
            [
                [PrintedField(str(_("withheld")), _text(item))]
                if is_withheld(item)
                else [_printed(name, value) for name, value in item.items()]
                for item in items
            ],
        )
        for key, items in data.items()
        if key not in _META_KEYS and isinstance(items, list)
    ]
    context = {
        "data": data,
        "rows": rows,
        "sections": sections,
        "exported_at": _text(data.get("exported_at")),
    }
    return render_pdf("people/export_pdf.html", context, request=request)
