"""The monthly figures agree with the demo's placements, computed here independently, and the
Excel export opens and carries the same figures."""

from __future__ import annotations

import datetime as dt
import io
from collections import Counter

from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from zakrila.accounts.models import User
from zakrila.organisations.models import Unit
from zakrila.placements.models import Placement


def _expected(unit, year, month):
    """Count night by night, stay by stay: a night is a calendar day from the admission's day
    up to, not including, the discharge's day (an open stay up to today)."""
    today = timezone.localdate()
    nights = admissions = 0
    destinations: Counter[str] = Counter()
    lengths = []
    for stay in Placement.objects.filter(unit=unit):
        admitted = timezone.localtime(stay.admitted_at).date()
        left = (
            timezone.localtime(stay.discharged_at).date()
            if stay.discharged_at
            else today + dt.timedelta(days=1)
        )
        day = admitted
        while day < left:
            if (day.year, day.month) == (year, month):
                nights += 1
            day += dt.timedelta(days=1)
        if (admitted.year, admitted.month) == (year, month):
            admissions += 1
        if stay.discharged_at:
            out = timezone.localtime(stay.discharged_at).date()
            if (out.year, out.month) == (year, month):
                destinations[stay.destination] += 1
                lengths.append((stay.discharged_at - stay.admitted_at).total_seconds() / 86400)
    return (
        nights,
        admissions,
        destinations,
        (round(sum(lengths) / len(lengths), 1) if lengths else None),
    )


def test_the_months_figures_agree_with_the_placements_and_the_excel_carries_them(client, demo):
    client.force_login(User.objects.get(email="director@demo.zakrila.bg"))
    year = timezone.localdate().year
    for unit in Unit.objects.filter(kind__in=["emergency_reception", "family_type_placement"]):
        page = client.get(reverse("placements:figures", args=[unit.pk]), {"year": year})
        rows = page.context["rows"]
        assert len(rows) == timezone.localdate().month
        assert sum(row["admissions"] for row in rows) > 0
        for row in rows:
            month = int(row["label"][:2])
            nights, admissions, destinations, average = _expected(unit, year, month)
            assert row["bed_days"] == nights, (unit.name, month)
            assert row["admissions"] == admissions
            assert row["discharges"] == sum(destinations.values())
            assert row["average_stay"] == average
            days = (dt.date(year + (month == 12), month % 12 + 1, 1) - dt.date(year, month, 1)).days
            assert row["utilisation"] == round(nights / (unit.capacity * days) * 100, 1)
        workbook = load_workbook(
            io.BytesIO(
                client.get(
                    reverse("placements:figures_xlsx", args=[unit.pk]), {"year": year}
                ).content
            )
        )
        sheet = workbook[str(year)]
        values = list(sheet.iter_rows(min_row=3, max_row=2 + len(rows), values_only=True))
        assert [(v[0], v[2], v[3], v[4], v[5]) for v in values] == [
            (
                row["label"],
                row["bed_days"],
                row["utilisation"],
                row["admissions"],
                row["discharges"],
            )
            for row in rows
        ]
        assert sheet._charts, "the workbook has the occupancy chart"
