"""What casework adds to the people registry: holds on erasure, a section of a person's data
export, and the retention rule "years after the case was closed"."""

from __future__ import annotations

import datetime as dt
from typing import Any

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.db import models
from django.utils.translation import gettext as _

from zakrila.cases.models import Case, CaseStatus
from zakrila.people.exports import register_section
from zakrila.people.holds import register_hold
from zakrila.people.models import Person
from zakrila.privacy.retention import RetentionRule, register_rule


@register_hold
def open_cases(person: Person) -> list[str]:
    numbers = Case.objects.filter(person=person).open().values_list("number", flat=True)
    return [_("An open case: %(number)s") % {"number": number} for number in numbers]


@register_section
def cases_section(person: Person) -> tuple[str, list[dict[str, Any]]]:
    rows = [
        {
            "number": case.number,
            "unit": case.unit.name,
            "status": case.get_status_display(),
            "opened_on": case.opened_on.isoformat(),
            "closed_on": case.closed_on.isoformat() if case.closed_on else None,
            "contacts": [
                {
                    "kind": c.get_kind_display(),
                    "occurred_at": c.occurred_at.isoformat(),
                    "note": c.note,
                }
                for c in case.contacts.all()
            ],
        }
        for case in Case.objects.filter(person=person)
        .select_related("unit")
        .prefetch_related("contacts")
    ]
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
