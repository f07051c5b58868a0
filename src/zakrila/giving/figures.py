"""The figures of donations and volunteers for one year: donations by month and by kind of
donor, the value of in-kind donations, what went to how many families, and volunteer hours by
unit and month — the work "that can hardly be valued", valued in hours.

A family is counted once per kind of thing however often it received it; a distribution to a
case counts as the case's family (its household when the case has one).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import models
from django.utils import timezone

from zakrila.giving.models import (
    Assignment,
    AssignmentStatus,
    DistributionLine,
    DonorKind,
    ItemCategory,
    MoneyDonation,
    StockLot,
)

MONTHS = range(1, 13)
ANONYMOUS = "anonymous"


@dataclass
class GivenTally:
    """What went out of one kind: to how many families, how much value, how many lines."""

    category: str
    label: str
    families: int = 0
    distributions: int = 0
    value: Decimal = Decimal(0)


@dataclass
class GivingFigures:
    year: int
    years: list[int]
    money: dict[str, dict[int, Decimal]] = field(default_factory=dict)  # donor kind → month → €
    in_kind: dict[str, dict[int, Decimal]] = field(default_factory=dict)  # same, estimated €
    money_total: Decimal = Decimal(0)
    in_kind_total: Decimal = Decimal(0)
    given: list[GivenTally] = field(default_factory=list)
    families_total: int = 0
    given_value: Decimal = Decimal(0)
    hours: dict[str, dict[int, Decimal]] = field(default_factory=dict)  # unit name → month → h
    hours_total: Decimal = Decimal(0)
    volunteers: int = 0

    def month_totals(self, table: dict[str, dict[int, Decimal]]) -> dict[int, Decimal]:
        return {
            m: sum((row.get(m, Decimal(0)) for row in table.values()), Decimal(0)) for m in MONTHS
        }


def kind_labels() -> dict[str, str]:
    from django.utils.translation import gettext as _

    return {
        DonorKind.PERSON: str(DonorKind.PERSON.label),
        DonorKind.COMPANY: str(DonorKind.COMPANY.label),
        ANONYMOUS: _("Anonymous"),
    }


def giving_figures(*, organisation_id: int, year: int | None = None) -> GivingFigures:
    year = year or timezone.localdate().year
    years = sorted(
        {d.year for d in MoneyDonation.objects.filter(organisation_id=organisation_id).dates("received_on", "year")}
        | {d.year for d in StockLot.objects.filter(organisation_id=organisation_id).dates("donation__received_on", "year")}
        | {year}
    )  # fmt: skip
    figures = GivingFigures(year=year, years=years)

    money = (
        MoneyDonation.objects.filter(organisation_id=organisation_id, received_on__year=year)
        .values("donor__kind", "received_on__month")
        .annotate(total=models.Sum("amount"))
    )
    for row in money:
        figures.money.setdefault(row["donor__kind"], {})[row["received_on__month"]] = row["total"]
        figures.money_total += row["total"]

    in_kind = (
        StockLot.objects.filter(organisation_id=organisation_id, donation__received_on__year=year)
        .values("donation__donor__kind", "donation__received_on__month")
        .annotate(total=models.Sum(models.F("received_quantity") * models.F("unit_value")))
    )
    for row in in_kind:
        kind = row["donation__donor__kind"] or ANONYMOUS
        month = row["donation__received_on__month"]
        table = figures.in_kind.setdefault(kind, {})
        table[month] = table.get(month, Decimal(0)) + (row["total"] or Decimal(0))
        figures.in_kind_total += row["total"] or Decimal(0)

    lines = DistributionLine.objects.filter(
        organisation_id=organisation_id, distribution__distributed_on__year=year
    ).values(
        "item__category", "value", "distribution_id", "distribution__household_id",
        "distribution__case_id", "distribution__case__household_id",
    )  # fmt: skip
    families: dict[str, set[str]] = defaultdict(set)
    distributions: dict[str, set[int]] = defaultdict(set)
    values: dict[str, Decimal] = defaultdict(Decimal)
    everyone: set[str] = set()
    for line in lines:
        household = line["distribution__household_id"] or line["distribution__case__household_id"]
        family = f"h{household}" if household else f"c{line['distribution__case_id']}"
        category = line["item__category"]
        families[category].add(family)
        distributions[category].add(line["distribution_id"])
        values[category] += line["value"]
        everyone.add(family)
        figures.given_value += line["value"]
    figures.given = [
        GivenTally(
            category=category,
            label=str(label),
            families=len(families[category]),
            distributions=len(distributions[category]),
            value=values[category],
        )
        for category, label in ItemCategory.choices
        if category in families
    ]
    figures.families_total = len(everyone)

    hours = (
        Assignment.objects.filter(
            organisation_id=organisation_id, status=AssignmentStatus.DONE, starts_at__year=year
        )
        .values("need__unit__name", "starts_at__month")
        .annotate(total=models.Sum("hours_done"))
    )
    for row in hours:
        figures.hours.setdefault(row["need__unit__name"], {})[row["starts_at__month"]] = row[
            "total"
        ]
        figures.hours_total += row["total"] or Decimal(0)
    figures.volunteers = (
        Assignment.objects.filter(
            organisation_id=organisation_id, status=AssignmentStatus.DONE, starts_at__year=year
        )
        .values("volunteer_id")
        .distinct()
        .count()
    )
    return figures
