"""A programme's page: who is enrolled, visits due and overdue, outcomes this year against
last year with a small chart; exports to Excel and CSV."""

from __future__ import annotations

import csv
import io

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone

from zakrila.accounts.policy import (
    get_visible_or_404,
    has_capability,
    programmes_visible_to,
    require,
)
from zakrila.audit.models import AuditAction
from zakrila.audit.services import audit_record
from zakrila.core.downloads import XLSX, name_download
from zakrila.core.http import MemberRequest
from zakrila.organisations.models import Programme
from zakrila.programmes.exports import export_rows, rows_to_workbook
from zakrila.programmes.figures import active_count, outcome_chart, programme_year_figures
from zakrila.programmes.queries import programme_enrolments, visit_lists
from zakrila.programmes.schedules import schedule_for
from zakrila.programmes.summaries import programme_summaries


def _programme(request: MemberRequest, pk: int, *, right: str = "enrolment.view") -> Programme:
    programme = get_visible_or_404(
        programmes_visible_to(request.user).select_related("unit"), pk=pk
    )
    require(request.user, right, organisation_id=programme.organisation_id)
    return programme


@login_required
def programme_detail(request: MemberRequest, pk: int) -> HttpResponse:
    programme = _programme(request, pk)
    today = timezone.localdate()
    years = [today.year - 1, today.year]
    figures = programme_year_figures(programme, years)
    last, this = figures[years[0]], figures[years[1]]
    enrolled, enrolled_count = programme_enrolments(user=request.user, programme_id=programme.pk)
    schedule = schedule_for(programme.kind)
    for row in enrolled:
        found = schedule.stage(row["stage"]) if row["stage"] else None
        row["stage_label"] = found.title if found else row["stage"]
    audit_record(
        action=AuditAction.SEARCH,
        actor=request.user,
        organisation_id=programme.organisation_id,
        object_type="programmes.enrolment",
        details={"list": True, "programme": programme.pk, "shown": len(enrolled)},
    )
    outcomes = [
        (index, outcome, last.outcomes.get(outcome.code, 0), this.outcomes.get(outcome.code, 0))
        for index, outcome in enumerate(schedule.outcomes, start=1)
    ]
    return render(
        request,
        "programmes/programme_detail.html",
        {
            "programme": programme,
            "lists": visit_lists(
                user=request.user,
                organisation_id=programme.organisation_id,
                programme_id=programme.pk,
                today=today,
            ),
            "enrolled": enrolled,
            "enrolled_count": enrolled_count,
            "active_count": active_count(programme),
            "this": this,
            "last": last,
            "outcomes": outcomes,
            "chart": outcome_chart(programme, this, last),
            "summaries": programme_summaries(programme, years),
            "can_export": has_capability(
                request.user, "enrolment.export", programme.organisation_id
            ),
            "nav_active": "programmes",
        },
    )


def _export(request: MemberRequest, pk: int, fmt: str) -> HttpResponse:
    programme = _programme(request, pk, right="enrolment.export")
    header, rows = export_rows(user=request.user, programme=programme)
    audit_record(
        action=AuditAction.EXPORT,
        actor=request.user,
        organisation_id=programme.organisation_id,
        object_type="programmes.enrolment",
        details={"programme": programme.pk, "format": fmt, "rows": len(rows)},
    )
    stamp = timezone.localdate().isoformat()
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(header)
        writer.writerows(rows)
        # A byte-order mark, so that Excel opens the Cyrillic as Cyrillic.
        response = HttpResponse(
            "\ufeff" + buffer.getvalue(), content_type="text/csv; charset=utf-8"
        )
    else:
        response = HttpResponse(
            rows_to_workbook(programme.name, header, rows),
            content_type=XLSX,
        )
    return name_download(response, f"programme-{programme.pk}-{stamp}.{fmt}")


@login_required
def programme_export_xlsx(request: MemberRequest, pk: int) -> HttpResponse:
    return _export(request, pk, "xlsx")


@login_required
def programme_export_csv(request: MemberRequest, pk: int) -> HttpResponse:
    return _export(request, pk, "csv")
