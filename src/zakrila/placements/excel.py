"""The monthly figures of a residential unit as an Excel workbook, with a chart of occupancy."""

from __future__ import annotations

import io

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference
from openpyxl.styles import Font

from zakrila.organisations.models import Unit
from zakrila.placements.models import Destination
from zakrila.placements.queries import MonthFigures


def figures_workbook(unit: Unit, year: int, months: list[MonthFigures]) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None  # noqa: S101  (a new workbook has one sheet)
    sheet.title = str(year)
    sheet.append([f"{unit.name} — {year}"])
    sheet["A1"].font = Font(bold=True, size=13)
    header = [
        _("Month"), _("Capacity"), _("Bed-days"), _("Utilisation, %"), _("Admissions"), _("Discharges"),
        _("Average stay, days"), *[str(label) for _value, label in Destination.choices],
    ]  # fmt: skip
    sheet.append(header)
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    for figures in months:
        sheet.append(
            [
                f"{figures.month:02d}.{figures.year}",
                figures.capacity,
                figures.bed_days,
                round(figures.utilisation * 100, 1),
                figures.admissions,
                sum(figures.discharges.values()),
                figures.average_stay,
                *[figures.discharges.get(value, 0) for value in Destination.values],
            ]
        )
    for column, width in zip("ABCDEFG", (10, 10, 10, 14, 12, 12, 18), strict=True):
        sheet.column_dimensions[column].width = width
    if months:
        chart = BarChart()
        chart.title = _("Occupancy over the year, %")
        chart.y_axis.title = "%"
        data = Reference(sheet, min_col=4, min_row=2, max_row=2 + len(months))
        categories = Reference(sheet, min_col=1, min_row=3, max_row=2 + len(months))
        chart.add_data(data, titles_from_data=True)
        chart.set_categories(categories)
        sheet.add_chart(chart, f"A{len(months) + 5}")
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
