"""A programme's enrolments as rows, for Excel and CSV."""

from __future__ import annotations

import io
from typing import Any

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from zakrila.accounts.policy import enrolments_visible_to
from zakrila.organisations.models import Programme
from zakrila.people.models import Person
from zakrila.programmes.models import EnrolmentStatus, VisitStatus
from zakrila.programmes.schedules import schedule_for


def export_rows(*, user: Any, programme: Programme) -> tuple[list[str], list[list[Any]]]:
    """Every enrolment of the programme the user may see, with its visits counted."""
    today = timezone.localdate()
    schedule = schedule_for(programme.kind)
    statuses = dict(EnrolmentStatus.choices)
    header = [
        _("Person"),
        _("Birth date"),
        _("Enrolled on"),
        _("Status"),
        _("Stage"),
        _("Outcome"),
        _("Outcome date"),
        _("Responsible worker"),
        _("Visits done"),
        _("Visits overdue"),
        _("Visits missed"),
    ]
    enrolments = (
        enrolments_visible_to(user)
        .filter(programme=programme)
        .annotate(
            done=Count("visits", filter=Q(visits__status=VisitStatus.DONE)),
            overdue=Count(
                "visits",
                filter=Q(visits__status=VisitStatus.PLANNED, visits__window_end__lt=today),
            ),
            missed=Count("visits", filter=Q(visits__status=VisitStatus.MISSED)),
        )
        .order_by("started_on", "pk")
        .values(
            "person__first_name",
            "person__middle_name",
            "person__last_name",
            "person__description",
            "person__anonymised_at",
            "person__birth_date",
            "started_on",
            "status",
            "stage",
            "outcome",
            "outcome_on",
            "worker__full_name",
            "worker__email",
            "done",
            "overdue",
            "missed",
        )
    )
    rows = []
    for e in enrolments:
        stage = schedule.stage(e["stage"]) if e["stage"] else None
        outcome = schedule.outcome(e["outcome"]) if e["outcome"] else None
        rows.append(
            [
                Person.name_from_values(e, "person"),
                e["person__birth_date"],
                e["started_on"],
                str(statuses.get(e["status"], "")),
                stage.title if stage else e["stage"],
                outcome.title if outcome else e["outcome"],
                e["outcome_on"],
                e["worker__full_name"] or e["worker__email"],
                e["done"],
                e["overdue"],
                e["missed"],
            ]
        )
    return header, rows


def rows_to_workbook(title: str, header: list[str], rows: list[list[Any]]) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None  # noqa: S101  (a new workbook has one sheet)
    sheet.title = title[:31].replace("/", "-").replace("„", "").replace("“", "") or "1"
    sheet.append(header)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append(row)
    for cell in sheet["B"][1:] + sheet["C"][1:] + sheet["G"][1:]:
        cell.number_format = "DD.MM.YYYY"
    for column, width in zip("ABCDEFGH", (30, 12, 12, 14, 24, 28, 12, 24), strict=True):
        sheet.column_dimensions[column].width = width
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
