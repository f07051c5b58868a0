"""What a stock adjustment refuses, and that a refusal leaves the lot and the ledger as they
were: no right to adjust, a lot of another organisation, no reason, a change of nothing, and a
balance that would go below zero (checked by the service, and by the movement helper itself
when a caller forgot to)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from tests.factories import member
from tests.giving.conftest import in_month, receive
from zakrila.accounts.models import Role
from zakrila.audit.models import AuditEvent
from zakrila.giving.models import MovementKind, StockLot, StockMovement
from zakrila.giving.services import item_create, stock_adjust, store_create
from zakrila.giving.services.stock import _move

pytestmark = pytest.mark.django_db


@pytest.fixture
def lot(coordinator, store, flour):
    """Брашно, 2 kg, in the ЦОП's store."""
    return receive(coordinator, store, (flour, "2", "1.20", in_month(30))).lots.get()


@pytest.fixture
def foreign_lot(other_org):
    """5 kg of rice in a store of another organisation, received by its own coordinator."""
    theirs = member(other_org, Role.GIVING_COORDINATOR, email="their-giving@example.bg")
    their_store = store_create(actor=theirs, organisation_id=other_org.pk, name="Склад Друга")
    rice = item_create(
        actor=theirs, organisation_id=other_org.pk, name="Ориз", category="food", measure="kg"
    )
    return receive(theirs, their_store, (rice, "5", "2", in_month(60))).lots.get()


def _ledger() -> tuple[int, int]:
    return StockMovement.objects.count(), AuditEvent.objects.count()


def _said(refused: pytest.ExceptionInfo[Exception]) -> str:
    error = refused.value
    return " ".join(error.messages) if isinstance(error, ValidationError) else str(error)


def _still(lot: StockLot, quantity: str) -> None:
    version = lot.version
    lot.refresh_from_db()
    assert lot.quantity == Decimal(quantity) and lot.version == version


def test_only_the_coordinator_and_the_director_adjust_stock(lot, worker):
    """A case manager sees the stock on the case page, but does not correct it."""
    before = _ledger()
    with pytest.raises(PermissionDenied) as refused:
        stock_adjust(actor=worker, lot=lot, change=Decimal(-1), reason="damaged")
    assert "Само координаторът на даренията и доброволците и директорът" in _said(refused)
    assert _ledger() == before
    _still(lot, "2")


def test_a_lot_of_another_organisation_is_not_adjusted(coordinator, foreign_lot):
    """Our coordinator's right stops at our organisation: their lot stays as it was."""
    before = _ledger()
    with pytest.raises(PermissionDenied) as refused:
        stock_adjust(actor=coordinator, lot=foreign_lot, change=Decimal(-5), reason="lost")
    assert "Само координаторът на даренията" in _said(refused)
    assert _ledger() == before
    _still(foreign_lot, "5")


def test_an_adjustment_without_a_reason_from_the_list_is_refused(coordinator, lot):
    """The ledger says why every kilogram went: no reason, or one not on the list, is refused."""
    before = _ledger()
    for reason in ("", "moon"):
        with pytest.raises(ValidationError) as refused:
            stock_adjust(actor=coordinator, lot=lot, change=Decimal(-1), reason=reason)
        assert "reason" in refused.value.message_dict
        assert "Посочете защо се коригира наличността" in _said(refused)
    assert _ledger() == before
    _still(lot, "2")


def test_other_as_the_reason_needs_a_description(coordinator, lot):
    before = _ledger()
    for note in ("", "   "):
        with pytest.raises(ValidationError) as refused:
            stock_adjust(actor=coordinator, lot=lot, change=Decimal(-1), reason="other", note=note)
        assert "note" in refused.value.message_dict
        assert "Опишете причината" in _said(refused)
    assert _ledger() == before
    _still(lot, "2")


def test_an_adjustment_of_nothing_is_refused(coordinator, lot):
    """A zero change would be a line in the ledger that says nothing."""
    before = _ledger()
    with pytest.raises(ValidationError) as refused:
        stock_adjust(actor=coordinator, lot=lot, change=Decimal("0.00"), reason="count")
    assert "change" in refused.value.message_dict
    assert "Движението променя наличността с повече от нула" in _said(refused)
    assert _ledger() == before
    _still(lot, "2")


def test_an_adjustment_below_zero_says_how_much_is_in_the_lot(coordinator, lot):
    """Throwing away 3 kg of a 2 kg lot is refused with what the lot holds; taking it all is
    not below zero."""
    before = _ledger()
    with pytest.raises(ValidationError) as refused:
        stock_adjust(actor=coordinator, lot=lot, change=Decimal("-2.5"), reason="expired")
    assert "change" in refused.value.message_dict
    message = _said(refused)
    assert "В тази партида има само 2 кг" in message and "под нула" in message
    assert _ledger() == before
    _still(lot, "2")


def test_the_balance_checked_is_the_databases_not_a_stale_copy(coordinator, lot, store, family):
    """The lot on the form was read before a distribution took from it: the check uses what
    is in stock now."""
    from tests.giving.conftest import give

    stale = StockLot.objects.get(pk=lot.pk)
    give(coordinator, store, family, (lot.item, "1.5"))
    before = _ledger()
    with pytest.raises(ValidationError, match="В тази партида има само 0,5 кг"):
        stock_adjust(actor=coordinator, lot=stale, change=Decimal(-1), reason="damaged")
    assert _ledger() == before
    lot.refresh_from_db()
    assert lot.quantity == Decimal("0.5")


def test_the_movement_helper_itself_never_takes_the_stock_below_zero(coordinator, lot):
    """A caller that forgot to check (a future service) still cannot make the stock negative:
    the refusal is a plain message, and with the caller's transaction nothing is written."""
    before = _ledger()
    with pytest.raises(ValidationError) as refused, transaction.atomic():
        _move(
            actor=coordinator, lot=lot, change=Decimal(-3), kind=MovementKind.ADJUSTMENT,
            day=timezone.localdate(), reason="count",
        )  # fmt: skip
    assert refused.value.code == "not_in_stock"
    assert "Няма толкова наличност" in _said(refused)
    assert _ledger() == before
    _still(lot, "2")
