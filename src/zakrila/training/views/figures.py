"""The centre's figures: specialists trained per year, by type of organisation and region."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from zakrila.accounts.policy import cohorts_visible_to, require
from zakrila.audit.models import AuditAction
from zakrila.audit.services import audit_record
from zakrila.core.downloads import spreadsheet_download
from zakrila.core.http import MemberRequest
from zakrila.training.excel import figures_workbook
from zakrila.training.figures import TrainingFigures, training_figures

NAV = "training"


def _year(request: MemberRequest) -> int | None:
    try:
        return int(request.GET.get("year", ""))
    except ValueError:
        return None


@login_required
def figures(request: MemberRequest) -> HttpResponse:
    organisation_id = request.membership.organisation_id
    require(request.user, "training.view", organisation_id=organisation_id)
    cohorts = cohorts_visible_to(request.user).filter(organisation_id=organisation_id)
    data = training_figures(cohorts=cohorts, today=timezone.localdate(), year=_year(request))
    return render(
        request,
        "training/figures.html",
        {
            "figures": data,
            "per_year": [(year, data.per_year[year]) for year in data.years],
            "chart": _bar_chart(data),
            "tables": [
                (_("By type of organisation"), _("Type of organisation"), data.by_type),
                (_("By region"), _("Region"), data.by_region),
            ],
            "nav_active": NAV,
        },
    )


def _bar_chart(data: TrainingFigures) -> dict[str, Any]:
    """The trained per year as bars, drawn by the server (an SVG readable when printed)."""
    height, top, bottom, width_per_bar = 180, 20, 24, 80
    peak = max((data.per_year[y].trained for y in data.years), default=0) or 1
    bars = []
    for index, year in enumerate(data.years):
        value = data.per_year[year].trained
        h = round((height - top - bottom) * value / peak)
        x = 20 + index * width_per_bar
        bars.append(
            {"x": x, "w": width_per_bar - 24, "h": h, "y": height - bottom - h, "value": value,
             "label": year, "label_x": x + (width_per_bar - 24) // 2, "value_y": height - bottom - h - 4}
        )  # fmt: skip
    return {
        "bars": bars,
        "width": 40 + len(bars) * width_per_bar,
        "height": height,
        "axis_y": height - 6,
    }


@login_required
def figures_xlsx(request: MemberRequest) -> HttpResponse:
    organisation_id = request.membership.organisation_id
    require(request.user, "training.view", organisation_id=organisation_id)
    cohorts = cohorts_visible_to(request.user).filter(organisation_id=organisation_id)
    data = training_figures(cohorts=cohorts, today=timezone.localdate(), year=_year(request))
    with transaction.atomic():
        audit_record(
            action=AuditAction.EXPORT, actor=request.user, organisation_id=organisation_id,
            object_type="training.figures", details={"year": data.year, "format": "xlsx"},
        )  # fmt: skip
    suffix = data.year or "all"
    return spreadsheet_download(
        figures_workbook(request.membership.organisation.display_name, data),
        f"training-figures-{suffix}.xlsx",
    )
