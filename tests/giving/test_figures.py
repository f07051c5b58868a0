"""The giving figures: donations by month and kind of donor, in-kind value, families helped,
volunteer hours by unit and month, and the Excel export."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from tests.giving.conftest import give, in_month, receive
from zakrila.audit.models import AuditEvent
from zakrila.giving.figures import giving_figures
from zakrila.giving.services import (
    assignment_make,
    assignment_record_hours,
    donor_create,
    money_donation_record,
    need_create,
    volunteer_create,
)


def _world(coordinator, org, cop, store, flour, nappies, family, donor):
    today = timezone.localdate()
    money_donation_record(
        actor=coordinator, donor=donor, received_on=today, amount=Decimal(300), method="bank"
    )
    person = donor_create(actor=coordinator, organisation_id=org.pk, kind="person", name="Ана")
    money_donation_record(
        actor=coordinator, donor=person, received_on=today, amount=Decimal(20), method="cash"
    )
    receive(coordinator, store, (flour, "10", "2", in_month(60)), donor=donor)  # 20 €
    receive(coordinator, store, (nappies, "4", "10", None))  # 40 €, anonymous
    give(coordinator, store, family, (flour, "2"), (nappies, "1"))
    give(coordinator, store, family, (flour, "1"))
    volunteer = volunteer_create(
        actor=coordinator, organisation_id=org.pk, full_name="Ива", consent_on=today,
        record_certificate_on=today - dt.timedelta(days=20),
    )  # fmt: skip
    start = timezone.now() - dt.timedelta(hours=5)
    need = need_create(
        actor=coordinator, unit=cop, title="Уроци", starts_at=start,
        ends_at=start + dt.timedelta(hours=3),
    )  # fmt: skip
    assignment = assignment_make(actor=coordinator, need=need, volunteer=volunteer)
    assignment_record_hours(
        actor=coordinator, assignment=assignment, hours_done=Decimal("2.5"),
        expected_version=assignment.version,
    )  # fmt: skip


def test_figures_count_donations_families_and_hours(
    coordinator, org, cop, store, flour, nappies, family, donor
):
    _world(coordinator, org, cop, store, flour, nappies, family, donor)
    month = timezone.localdate().month
    figures = giving_figures(organisation_id=org.pk)
    assert figures.money == {"company": {month: Decimal(300)}, "person": {month: Decimal(20)}}
    assert figures.money_total == 320
    assert figures.in_kind_total == 60
    assert figures.in_kind["anonymous"][month] == 40
    food = next(t for t in figures.given if t.category == "food")
    assert food.families == 1 and food.distributions == 2 and food.value == 6
    assert figures.families_total == 1 and figures.given_value == 16
    assert figures.hours == {
        cop.name: {timezone.localtime(timezone.now() - dt.timedelta(hours=5)).month: Decimal("2.5")}
    }
    assert figures.volunteers == 1


def test_figures_page_and_excel_export(
    client, coordinator, org, cop, store, flour, nappies, family, donor
):
    _world(coordinator, org, cop, store, flour, nappies, family, donor)
    client.force_login(coordinator)
    page = client.get(reverse("giving:figures")).content.decode()
    assert 'data-testid="hours-total">2,5' in page
    response = client.get(reverse("giving:figures_xlsx"))
    book = load_workbook(io.BytesIO(response.content))
    assert len(book.sheetnames) == 3
    hours = book.worksheets[2]
    assert any(row[0].value == cop.name for row in hours.iter_rows())
    assert AuditEvent.objects.filter(action="export", object_type="giving.figures").exists()


def test_figures_are_for_the_organisation_only(
    client, outsider, coordinator, org, cop, store, flour, nappies, family, donor
):
    _world(coordinator, org, cop, store, flour, nappies, family, donor)
    client.force_login(outsider)
    assert client.get(reverse("giving:figures")).status_code == 403
