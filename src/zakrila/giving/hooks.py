"""What the giving app adds to other apps: its records on a case's timeline, the path from a
distribution to its case for the access policy, and its retention rules:

- ``donor``: the years after a donor's last donation (``ZAKRILA_RETENTION_DONOR_YEARS``,
  default 10, as long as the accounts keep donation documents), the donor's name, UIC and
  contact details are removed; the kind of donor and the donations stay, so the figures stay
  true.
- ``volunteer``: the years after a volunteer's last assignment (or, without one, after their
  consent) (``ZAKRILA_RETENTION_VOLUNTEER_YEARS``, default 3), the volunteer's name, contacts
  and criminal-record certificate are removed; their hours stay in the figures.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _

from zakrila.accounts.policy import (
    WITHHELD_REASONS,
    case_withheld_reason,
    distributions_visible_to,
    register_case_path,
    withheld_marker,
)
from zakrila.cases.models import Case
from zakrila.cases.timeline import CASE_SECTIONS, register_timeline_source
from zakrila.giving.models import Distribution, Donor, Volunteer
from zakrila.giving.services._common import quantity_text
from zakrila.people.exports import register_section
from zakrila.people.models import Household, Person
from zakrila.privacy.retention import (
    RecordRetentionRule,
    anonymise_in_batches,
    register_record_rule,
)

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


def case_distributions(case: Case, user: Any) -> list[dict[str, Any]]:
    """The things handed to the case's family, on the case's timeline."""
    if not CASE_SECTIONS.has(case, Distribution):
        return []
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
CASE_SECTIONS.add(Distribution, "case")
CASE_SECTIONS.add(Distribution, "household", of="household_id")


@register_section
def distributions_section(person: Person, *, viewer: Any) -> tuple[str, list[dict[str, Any]]]:
    """What was handed to the person's family (as the household's child or a member of it, or
    on the person's case), for the person's data export; what the viewer may not see is
    withheld."""
    households = Household.objects.filter(
        models.Q(child=person) | models.Q(members__person=person)
    ).values("pk")
    distributions = (
        Distribution.objects.filter(
            models.Q(household__in=households) | models.Q(case__person=person)
        )
        .distinct()
        .select_related("handed_over_by", "case")
        .prefetch_related("lines__item")
        .order_by("distributed_on", "id")
    )
    visible = set(
        distributions_visible_to(viewer)
        .filter(pk__in=[d.pk for d in distributions])
        .values_list("pk", flat=True)
    )
    rows: list[dict[str, Any]] = []
    for d in distributions:
        if d.pk not in visible:
            reason = (case_withheld_reason(viewer, d.case) if d.case else None) or str(
                WITHHELD_REASONS["case.unit"]
            )
            rows.append(withheld_marker(reason))
            continue
        rows.append(
            {
                # The keys the printed export has labels for (people/exports.py LABELS).
                "number": d.number,
                "when": d.distributed_on.isoformat(),
                "text": distribution_text(d),
            }
        )
    return str(_("Things received (donations)")), rows


# --- Retention --------------------------------------------------------------------------------


def _cutoff(kind: str, now: dt.datetime) -> dt.date:
    return now.date() - relativedelta(years=settings.ZAKRILA_RETENTION_YEARS[kind])


def _donors_due(now: dt.datetime) -> models.QuerySet[Donor]:
    cutoff = _cutoff("donor", now)
    recent_money = models.Q(money_donations__received_on__gte=cutoff)
    recent_things = models.Q(in_kind_donations__received_on__gte=cutoff)
    return Donor.objects.filter(anonymised_at__isnull=True, created_at__date__lt=cutoff).exclude(
        pk__in=Donor.objects.filter(recent_money | recent_things).values("pk")
    )


def _volunteers_due(now: dt.datetime) -> models.QuerySet[Volunteer]:
    cutoff = _cutoff("volunteer", now)
    recent = Volunteer.objects.filter(assignments__starts_at__date__gte=cutoff).values("pk")
    return Volunteer.objects.filter(anonymised_at__isnull=True, consent_on__lt=cutoff).exclude(
        pk__in=recent
    )


def _anonymise(
    queryset: models.QuerySet[Any], kind: str, cleared: dict[str, object], now: dt.datetime
) -> int:
    return anonymise_in_batches(
        queryset,
        lambda record: {**cleared, "anonymised_at": now},
        lambda record: {"retention": kind},
    )


def giving_anonymise(now: dt.datetime) -> int:
    """Anonymise the donors and volunteers kept long enough, in batches of one transaction
    each, every record in its organisation's audit trail."""
    donors = _anonymise(
        _donors_due(now), "donor",
        {"name": "", "eik": "", "address": "", "email": "", "phone": "", "notes": "",
         "keep_contact": False, "consent_on": None, "wishes_to_be_named": False},
        now,
    )  # fmt: skip
    volunteers = _anonymise(
        _volunteers_due(now), "volunteer",
        {"full_name": "", "email": "", "phone": "", "skills": "", "record_certificate_number": "",
         "record_certificate_on": None},
        now,
    )  # fmt: skip
    return donors + volunteers


register_record_rule(
    RecordRetentionRule(
        kind="giving",
        description="donors whose last donation is older than the donor period; volunteers "
        "whose last assignment is older than the volunteer period",
        due=lambda now: _donors_due(now).count() + _volunteers_due(now).count(),
        apply=giving_anonymise,
    )
)
