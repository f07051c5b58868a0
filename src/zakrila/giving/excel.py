"""The giving figures as an Excel workbook, one sheet per table, months across; the register of
donations of a period, one row a record."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.worksheet.worksheet import Worksheet

from zakrila.giving.figures import MONTHS, GivingFigures, kind_labels
from zakrila.giving.models import DonationKind
from zakrila.giving.queries import Register


def _header(sheet: Worksheet, title: str, first: str) -> None:
    sheet.append([title])
    sheet.cell(row=sheet.max_row, column=1).font = Font(bold=True, size=13)
    sheet.append([first, *[str(m) for m in MONTHS], _("Total")])
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)
    sheet.column_dimensions["A"].width = 36


def _months(sheet: Worksheet, label: str, row: dict[int, Decimal]) -> None:
    values = [float(row.get(m, Decimal(0))) for m in MONTHS]
    sheet.append([label, *values, round(sum(values), 2)])


def figures_workbook(organisation_name: str, figures: GivingFigures) -> bytes:
    book = Workbook()
    labels = kind_labels()
    money = book.active
    assert money is not None  # noqa: S101  (a new workbook has one sheet)
    money.title = _("Donations")
    money_title = _("Money donations, EUR")
    in_kind_title = _("In-kind donations, estimated value, EUR")
    families_title = _("What went to how many families")
    hours_title = _("Volunteer hours by unit and month")
    _header(money, f"{organisation_name} — {money_title} {figures.year}", _("Donor"))
    for kind, row in figures.money.items():
        _months(money, labels.get(kind, kind), row)
    _months(money, _("Total"), figures.month_totals(figures.money))
    money.append([])
    _header(money, f"{in_kind_title} {figures.year}", _("Donor"))
    for kind, row in figures.in_kind.items():
        _months(money, labels.get(kind, kind), row)
    _months(money, _("Total"), figures.month_totals(figures.in_kind))

    given = book.create_sheet(_("Distributed")[:31])
    given.append([f"{families_title} {figures.year}"])
    given["A1"].font = Font(bold=True, size=13)
    given.append(
        [_("Kind of things"), _("Families"), _("Distributions"), _("Estimated value, EUR")]
    )
    for cell in given[2]:
        cell.font = Font(bold=True)
    for tally in figures.given:
        given.append([tally.label, tally.families, tally.distributions, float(tally.value)])
    given.append([_("Families in all"), figures.families_total, None, float(figures.given_value)])
    given.column_dimensions["A"].width = 40

    hours = book.create_sheet(_("Volunteer hours")[:31])
    _header(hours, f"{hours_title} {figures.year}", _("Unit"))
    for unit, row in sorted(figures.hours.items()):
        _months(hours, unit, row)
    _months(hours, _("Total"), figures.month_totals(figures.hours))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def register_workbook(
    organisation_name: str, kind: str, since: dt.date, until: dt.date, register: Register
) -> bytes:
    """Every record of the period, the latest first, with the count and the sum below."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None  # noqa: S101  (a new workbook has one sheet)
    sheet.title = _("Donations")
    period = f"{since:%d.%m.%Y} – {until:%d.%m.%Y}"
    sheet.append([f"{organisation_name} — {DonationKind(kind).label}, {period}"])
    sheet.cell(row=1, column=1).font = Font(bold=True, size=13)
    header = [_("Number"), _("Date"), *register.columns]
    sheet.append(header)
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    # Row numbers counted here: the sheet's max_row looks at every cell, each time.
    for number, row in enumerate(register.page.rows, start=3):
        sheet.append([row.number, row.on, row.who, row.value, row.how, row.purpose])
        sheet.cell(row=number, column=2).number_format = "DD.MM.YYYY"
        sheet.cell(row=number, column=4).number_format = "#,##0.00"
    last = len(register.page.rows) + 3
    sheet.append([_("Total"), register.count, "", register.total])
    sheet.cell(row=last, column=4).number_format = "#,##0.00"
    for cell in sheet[last]:
        cell.font = Font(bold=True)
    for column, width in zip("ABCDEF", (18, 12, 36, 16, 20, 40), strict=True):
        sheet.column_dimensions[column].width = width
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
