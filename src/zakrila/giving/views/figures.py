"""The figures page and its Excel export."""

from __future__ import annotations

from decimal import Decimal

from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone

from zakrila.audit.models import AuditAction
from zakrila.audit.services import audit_record
from zakrila.core.downloads import spreadsheet_download
from zakrila.core.http import MemberRequest
from zakrila.giving.excel import figures_workbook
from zakrila.giving.figures import MONTHS, giving_figures, kind_labels
from zakrila.giving.views._common import NAV, organisation_of


def _year(request: MemberRequest) -> int:
    try:
        year = int(request.GET.get("year", ""))
    except ValueError:
        return timezone.localdate().year
    return year if 2000 <= year <= 2100 else timezone.localdate().year


@login_required
def figures(request: MemberRequest) -> HttpResponse:
    organisation_id = organisation_of(request)
    data = giving_figures(organisation_id=organisation_id, year=_year(request))
    labels = kind_labels()

    def rows(
        table: dict[str, dict[int, Decimal]], names: dict[str, str] | None = None
    ) -> list[tuple[str, list[Decimal | None], Decimal]]:
        return [
            (
                (names or {}).get(key, key),
                [row.get(m) for m in MONTHS],
                sum(row.values(), Decimal(0)),
            )
            for key, row in sorted(table.items())
        ]

    return render(
        request,
        "giving/figures.html",
        {
            "figures": data,
            "months": list(MONTHS),
            "money_rows": rows(data.money, labels),
            "in_kind_rows": rows(data.in_kind, labels),
            "hours_rows": rows(data.hours),
            "hours_totals": [data.month_totals(data.hours)[m] for m in MONTHS],
            "nav_active": NAV,
        },
    )


@login_required
def figures_xlsx(request: MemberRequest) -> HttpResponse:
    organisation_id = organisation_of(request)
    data = giving_figures(organisation_id=organisation_id, year=_year(request))
    with transaction.atomic():
        audit_record(
            action=AuditAction.EXPORT, actor=request.user, organisation_id=organisation_id,
            object_type="giving.figures", details={"year": data.year, "format": "xlsx"},
        )  # fmt: skip
    content = figures_workbook(request.membership.organisation.display_name, data)
    return spreadsheet_download(content, f"giving-figures-{data.year}.xlsx")
