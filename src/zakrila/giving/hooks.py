"""What the giving app adds to other apps: its records on a case's timeline, the path from a
distribution to its case for the access policy, and (below) its retention rules."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _

from zakrila.accounts.policy import register_case_path
from zakrila.cases.models import Case
from zakrila.cases.timeline import register_timeline_source
from zakrila.giving.models import Distribution
from zakrila.giving.services._common import quantity_text

register_case_path("giving.distribution", "case")


def _moment(day: dt.date, created_at: dt.datetime) -> dt.datetime:
    if timezone.localtime(created_at).date() == day:
        return created_at
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def distribution_text(distribution: Distribution) -> str:
    """“Брашно 2 кг, Олио 1 л; предал: Мария Петрова” — what a case worker needs to know."""
    things = ", ".join(
        f"{line.item.name} {quantity_text(line.quantity)} {line.item.get_measure_display()}"
        for line in distribution.lines.all()
    )
    handed = distribution.handed_over_by.full_name or distribution.handed_over_by.email
    text = _("%(things)s; handed over by %(who)s") % {"things": things, "who": handed}
    if distribution.receipt_signed:
        text += "; " + _("receipt signed")
    return text


def case_distributions(case: Case) -> list[dict[str, Any]]:
    """The things handed to the case's family, on the case's timeline."""
    condition = models.Q(case=case)
    if case.household_id:
        condition |= models.Q(household_id=case.household_id)
    distributions = (
        Distribution.objects.filter(condition)
        .select_related("handed_over_by")
        .prefetch_related("lines__item")
    )
    return [
        {
            "kind": "distribution",
            "at": d.distributed_on,
            "moment": _moment(d.distributed_on, d.created_at),
            "item": d,
            "title": _("Distribution %(number)s") % {"number": d.number},
            "text": distribution_text(d),
            "url": "",
        }
        for d in distributions
    ]


register_timeline_source(case_distributions)
