"""Stock that never lies: receipts, distributions expiring first, adjustments with a reason,
never below zero, and a distribution beyond the stock refused whole."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from pypdf import PdfReader

from tests.factories import HouseholdFactory, PersonFactory
from tests.giving.conftest import give, in_month, receive
from zakrila.audit.models import AuditEvent
from zakrila.giving.models import Distribution, DistributionLine, StockLot, StockMovement
from zakrila.giving.services import stock_adjust


def _balance(store, item) -> Decimal:
    return sum(
        (lot.quantity for lot in StockLot.objects.filter(store=store, item=item)), Decimal(0)
    )


def test_it_receives_a_donation_into_lots_with_a_receipt_in_the_ledger(
    coordinator, store, flour, nappies, donor
):
    donation = receive(
        coordinator, store, (flour, "20", "1.20", in_month(90)), (nappies, "6", "12", None),
        donor=donor,
    )  # fmt: skip
    assert donation.number.startswith("ПП-")
    assert _balance(store, flour) == 20 and _balance(store, nappies) == 6
    assert StockMovement.objects.filter(kind="receipt").count() == 2
    assert AuditEvent.objects.filter(object_type="giving.inkinddonation", action="create").exists()


def test_food_without_an_expiry_date_is_refused(coordinator, store, flour):
    with pytest.raises(ValidationError, match=r"срок на годност|expiry"):
        receive(coordinator, store, (flour, "5", "1", None))
    assert not StockLot.objects.exists()


def test_distribution_takes_the_lots_expiring_first(coordinator, store, flour, family):
    late = receive(coordinator, store, (flour, "10", "1", in_month(200))).lots.get()
    early = receive(coordinator, store, (flour, "4", "1", in_month(10))).lots.get()
    give(coordinator, store, family, (flour, "6"))
    late.refresh_from_db()
    early.refresh_from_db()
    assert early.quantity == 0 and late.quantity == 8


def test_expired_lots_are_not_handed_out(coordinator, store, flour, family):
    lot = receive(coordinator, store, (flour, "5", "1", in_month(2))).lots.get()
    StockLot.objects.filter(pk=lot.pk).update(expires_on=in_month(-1))
    with pytest.raises(ValidationError):
        give(coordinator, store, family, (flour, "1"))


def test_a_distribution_beyond_the_stock_is_refused_and_nothing_is_written(
    coordinator, store, flour, nappies, family
):
    receive(coordinator, store, (flour, "3", "1", in_month(30)), (nappies, "5", "10", None))
    movements = StockMovement.objects.count()
    with pytest.raises(ValidationError) as refused:
        give(coordinator, store, family, (nappies, "2"), (flour, "4"))
    message = " ".join(refused.value.messages)
    assert "Брашно" in message and "3" in message and "Нищо не е предадено" in message
    assert _balance(store, flour) == 3 and _balance(store, nappies) == 5
    assert StockMovement.objects.count() == movements
    assert not Distribution.objects.exists() and not DistributionLine.objects.exists()


def test_the_form_shows_the_refusal_and_keeps_what_was_typed(
    client, coordinator, store, flour, family
):
    receive(coordinator, store, (flour, "3", "1", in_month(30)))
    client.force_login(coordinator)
    response = client.post(
        reverse("giving:distribution_new"),
        {
            "store": store.pk, "household": family.pk, "distributed_on": "01.11.2026",
            "lines-TOTAL_FORMS": "1", "lines-INITIAL_FORMS": "0",
            "lines-0-item": flour.pk, "lines-0-quantity": "7",
        },
    )  # fmt: skip
    assert response.status_code == 200
    content = response.content.decode()
    assert "Нищо не е предадено" in content and 'value="7"' in content
    assert not Distribution.objects.exists()


def test_the_database_refuses_a_negative_balance(coordinator, store, flour):
    lot = receive(coordinator, store, (flour, "3", "1", in_month(30))).lots.get()
    with pytest.raises(IntegrityError), transaction.atomic():
        StockLot.objects.filter(pk=lot.pk).update(quantity=Decimal(-1))


def test_balance_is_the_sum_of_the_ledger(coordinator, store, flour, family):
    lot = receive(coordinator, store, (flour, "10", "1", in_month(30))).lots.get()
    give(coordinator, store, family, (flour, "4"))
    stock_adjust(actor=coordinator, lot=lot, change=Decimal("-1.5"), reason="damaged")
    lot.refresh_from_db()
    ledger = sum(m.quantity for m in lot.movements.all())
    assert lot.quantity == ledger == Decimal("4.5")


def test_an_adjustment_needs_a_reason_and_cannot_go_below_zero(coordinator, store, flour):
    lot = receive(coordinator, store, (flour, "2", "1", in_month(30))).lots.get()
    with pytest.raises(ValidationError):
        stock_adjust(actor=coordinator, lot=lot, change=Decimal(-1), reason="")
    with pytest.raises(ValidationError):
        stock_adjust(actor=coordinator, lot=lot, change=Decimal(-3), reason="expired")
    lot.refresh_from_db()
    assert lot.quantity == 2


def test_no_form_edits_a_quantity(client, coordinator, store, flour):
    """The only writes of stock are receipts, distributions and adjustments."""
    from zakrila.giving import urls

    names = {p.name for p in urls.urlpatterns}
    assert not any("edit" in name and ("lot" in name or "stock" in name) for name in names)


def test_the_distribution_is_on_the_case_timeline(
    client, coordinator, store, flour, worker, colleague, org, cop
):
    from tests.factories import PersonFactory
    from zakrila.cases.services import case_open

    child = PersonFactory(organisation=org, unit=cop)
    case = case_open(
        actor=worker, unit=cop, person=child, key_worker=worker, without_referral_reason="помощ"
    )
    receive(coordinator, store, (flour, "10", "1", in_month(30)))
    distribution = give(coordinator, store, None, (flour, "2"), case=case)
    client.force_login(worker)
    content = client.get(case.get_absolute_url()).content.decode()
    assert distribution.number in content and "Брашно 2" in content


def test_the_handover_record_is_a_pdf_with_cyrillic(client, coordinator, store, flour, donor):
    donation = receive(coordinator, store, (flour, "20", "1.25", in_month(90)), donor=donor)
    client.force_login(coordinator)
    response = client.get(reverse("giving:donation_pdf", args=[donation.pk]))
    assert response["Content-Type"] == "application/pdf"
    text = _pdf_text(response.content)
    assert "ПРИЕМО-ПРЕДАВАТЕЛЕН ПРОТОКОЛ" in text
    assert "Брашно" in text and "Дунав Фуудс" in text and "25,00" in text
    assert AuditEvent.objects.filter(action="print", object_type="giving.inkinddonation").exists()


def _pdf_text(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    return "\n".join(page.extract_text() for page in reader.pages)


def test_a_distribution_to_another_organisations_family_is_refused(
    coordinator, store, flour, other_org
):
    receive(coordinator, store, (flour, "10", "1", in_month(30)))
    child = PersonFactory(organisation=other_org)
    stranger = HouseholdFactory(child=child, organisation=other_org)
    with pytest.raises(ValidationError, match="различни организации"):
        give(coordinator, store, stranger, (flour, "1"))
    assert not Distribution.objects.exists()
    assert _balance(store, flour) == 10


def test_the_stores_ledger_is_read_latest_first_a_page_at_a_time_every_movement_reachable(
    client, coordinator, store, flour, family
):
    from zakrila.giving.queries import LEDGER_PAGE_SIZE

    receive(coordinator, store, *[(flour, "1", "1", in_month(30))] * LEDGER_PAGE_SIZE)
    give(coordinator, store, family, (flour, "2"))
    client.force_login(coordinator)

    def movements(html: str) -> list[str]:
        body = html.split('data-testid="ledger"')[1].split("</tbody>")[0]
        return [row.split("</td><td>")[1] for row in body.split("<tr>")[2:]]

    first = client.get(store.get_absolute_url()).content.decode()
    assert movements(first) == ["раздаване", "раздаване"] + ["заприхождаване"] * (
        LEDGER_PAGE_SIZE - 2
    )
    earlier = first.split('data-testid="ledger-next"')[0].rsplit('href="', 1)[1].split('"')[0]
    rest = client.get(store.get_absolute_url() + earlier).content.decode()
    assert movements(rest) == ["заприхождаване"] * 2
    assert 'data-testid="ledger-next"' not in rest
