"""The centre's figures as an Excel workbook: per year, by type of organisation, by region."""

from __future__ import annotations

import io

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference
from openpyxl.styles import Font
from openpyxl.worksheet.worksheet import Worksheet

from zakrila.training.figures import Tally, TrainingFigures


def _table(sheet: Worksheet, title: str, first: str, rows: list[tuple[str, Tally]]) -> None:
    sheet.append([title])
    sheet.cell(row=sheet.max_row, column=1).font = Font(bold=True, size=13)
    sheet.append([first, _("Enrolled"), _("Trained (completed)"), _("Completion rate, %")])
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)
    for label, tally in rows:
        sheet.append([label, tally.enrolled, tally.trained, tally.rate])


def figures_workbook(organisation_name: str, figures: TrainingFigures) -> bytes:
    book = Workbook()
    years = book.active
    assert years is not None  # noqa: S101  (a new workbook has one sheet)
    years.title = _("Per year")
    title = _("Specialists trained")  # not inside the f-string: the extractor skips those
    years.append([f"{organisation_name} — {title}"])
    years["A1"].font = Font(bold=True, size=13)
    years.append([_("Year"), _("Enrolled"), _("Trained (completed)"), _("Completion rate, %")])
    for cell in years[2]:
        cell.font = Font(bold=True)
    for year in figures.years:
        tally = figures.per_year[year]
        years.append([year, tally.enrolled, tally.trained, tally.rate])
    for column, width in zip("ABCD", (12, 12, 20, 20), strict=True):
        years.column_dimensions[column].width = width
    if figures.years:
        chart = BarChart()
        chart.title = _("Specialists trained per year")
        data = Reference(years, min_col=3, min_row=2, max_row=2 + len(figures.years))
        categories = Reference(years, min_col=1, min_row=3, max_row=2 + len(figures.years))
        chart.add_data(data, titles_from_data=True)
        chart.set_categories(categories)
        years.add_chart(chart, "F2")
    scope = str(figures.year) if figures.year else _("all years")
    for title, first, rows in (
        (_("By type of organisation"), _("Type of organisation"), figures.by_type),
        (_("By region"), _("Region"), figures.by_region),
    ):
        sheet = book.create_sheet(title[:31])
        _table(sheet, f"{title} ({scope})", first, rows)
        sheet.append(
            [_("Total"), figures.total.enrolled, figures.total.trained, figures.total.rate]
        )
        sheet.column_dimensions["A"].width = 45
        for column in "BCD":
            sheet.column_dimensions[column].width = 20
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
