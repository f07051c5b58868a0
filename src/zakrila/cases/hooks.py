"""What casework adds to the people registry: holds on erasure, a section of a person's data
export, and the retention rule "years after the case was closed"."""

from __future__ import annotations

import datetime as dt
from typing import Any

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.db import models
from django.utils.translation import gettext as _

from zakrila.accounts.policy import case_withheld_reason, withheld_fields, withheld_marker
from zakrila.cases.models import Case, CaseStatus
from zakrila.people.exports import register_section
from zakrila.people.holds import register_hold
from zakrila.people.models import Person
from zakrila.people.sections import PERSON_SECTIONS
from zakrila.privacy.retention import RetentionRule, register_rule


@register_hold
def open_cases(person: Person) -> list[str]:
    numbers = Case.objects.filter(person=person).open().values_list("number", flat=True)
    return [_("An open case: %(number)s") % {"number": number} for number in numbers]


@register_section
def cases_section(person: Person, *, viewer: Any) -> tuple[str, list[dict[str, Any]]]:
    """The person's cases; a case the exporting user may not see (restricted, another unit)
    and a confidential note they may not read are marked as withheld, with the reason."""
    rows: list[dict[str, Any]] = []
    cases = (
        Case.objects.filter(person=person)
        .select_related("unit")
        .prefetch_related("contacts")
        .order_by("opened_on", "id")
    )
    for case in cases:
        reason = case_withheld_reason(viewer, case)
        if reason:
            rows.append(withheld_marker(reason))
            continue
        contacts = []
        for contact in case.contacts.all():
            contact.case = case  # the policy asks about the case once, not once per contact
            withheld = withheld_fields(viewer, contact)
            contacts.append(
                {
                    "kind": contact.get_kind_display(),
                    "occurred_at": contact.occurred_at.isoformat(),
                    "note": withheld_marker(withheld["note"])
                    if "note" in withheld
                    else contact.note,
                }
            )
        rows.append(
            {
                "number": case.number,
                "unit": case.unit.name,
                "status": case.get_status_display(),
                "opened_on": case.opened_on.isoformat(),
                "closed_on": case.closed_on.isoformat() if case.closed_on else None,
                "contacts": contacts,
            }
        )
    return "cases", rows


def _closed_cases_past_retention(now: dt.datetime) -> models.QuerySet[Person]:
    """People whose every case closed longer ago than the case retention period."""
    years = settings.ZAKRILA_RETENTION_YEARS["case"]
    cutoff = now.date() - relativedelta(years=years)
    recent = Case.objects.filter(
        models.Q(closed_on__gte=cutoff) | ~models.Q(status=CaseStatus.CLOSED)
    )
    return (
        Person.objects.filter(
            cases__closed_on__lt=cutoff, anonymised_at__isnull=True, merged_into__isnull=True
        )
        .exclude(pk__in=recent.values("person_id"))
        .distinct()
    )


register_rule(
    RetentionRule(
        "case",
        "people whose cases all closed longer ago than the period",
        _closed_cases_past_retention,
    )
)

PERSON_SECTIONS.add(Case, "person")  # a person's page lists their cases
