"""Stores, items, in-kind donations received, distributions and adjustments: the only ways the
stock changes. Each is one transaction with its audit event; the lots a write takes from are
locked first (``select_for_update``), so two distributions of the last things in a store cannot
both have them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zakrila.accounts.models import User
from zakrila.accounts.policy import require
from zakrila.audit.models import AuditAction
from zakrila.audit.services import audit_record, create_audited
from zakrila.cases.models import Case
from zakrila.core.models import same_organisation
from zakrila.giving.models import (
    AdjustmentReason,
    Distribution,
    DistributionLine,
    Donor,
    InKindDonation,
    Item,
    MovementKind,
    StockLot,
    StockMovement,
    Store,
)
from zakrila.giving.services._common import day_text, next_number, quantity_text
from zakrila.organisations.models import Unit
from zakrila.people.models import Household

MANAGE = "giving.manage"


@transaction.atomic
def store_create(
    *, actor: User, organisation_id: int, name: str, unit: Unit | None = None, address: str = ""
) -> Store:
    """A place where donated things are kept."""
    require(actor, MANAGE, organisation_id=organisation_id)
    same_organisation(unit, Store(organisation_id=organisation_id))
    store = Store(
        organisation_id=organisation_id, name=name.strip(), unit=unit, address=address.strip(),
        created_by=actor, updated_by=actor,
    )  # fmt: skip
    create_audited(store, actor=actor, details={"name": store.name})
    return store


@transaction.atomic
def item_create(
    *, actor: User, organisation_id: int, name: str, category: str, measure: str
) -> Item:
    """A kind of thing received and given, with its unit of measure."""
    require(actor, MANAGE, organisation_id=organisation_id)
    item = Item(
        organisation_id=organisation_id, name=name.strip(), category=category, measure=measure,
        created_by=actor, updated_by=actor,
    )  # fmt: skip
    create_audited(
        item, actor=actor, details={"name": item.name, "category": category, "measure": measure}
    )
    return item


@dataclass(frozen=True)
class ReceivedLine:
    """One line of a handover record: an item, how much, its estimated value per unit, and its
    expiry date (required for food and medicines)."""

    item: Item
    quantity: Decimal
    unit_value: Decimal = Decimal(0)
    expires_on: dt.date | None = None


def _check_received(lines: Sequence[ReceivedLine], received_on: dt.date) -> None:
    if not lines:
        raise ValidationError(_("List at least one thing received."), code="no_lines")
    for line in lines:
        if line.quantity <= 0:
            raise ValidationError(
                _("%(item)s: the quantity must be more than zero.") % {"item": line.item.name},
                code="quantity",
            )
        if line.item.is_perishable and line.expires_on is None:
            raise ValidationError(
                _("%(item)s: food and medicines are received only with their expiry date.")
                % {"item": line.item.name},
                code="expiry_required",
            )
        if line.expires_on is not None and line.expires_on < received_on:
            raise ValidationError(
                _("%(item)s expired on %(day)s: expired things are not received.")
                % {"item": line.item.name, "day": day_text(line.expires_on)},
                code="expired",
            )


@transaction.atomic
def donation_receive(
    *,
    actor: User,
    store: Store,
    donor: Donor | None,
    received_on: dt.date,
    lines: Sequence[ReceivedLine],
    handed_over_by_name: str = "",
    note: str = "",
) -> InKindDonation:
    """Receive things into a store with a handover record: each line becomes a lot of the
    store's stock, with a receipt movement."""
    require(actor, MANAGE, organisation_id=store.organisation_id)
    same_organisation(store, donor, *(line.item for line in lines))
    _check_received(lines, received_on)
    donation = InKindDonation(
        organisation_id=store.organisation_id,
        number=next_number(
            InKindDonation, organisation_id=store.organisation_id, prefix="ПП", year=received_on.year
        ),
        donor=donor, store=store, received_on=received_on, received_by=actor,
        handed_over_by_name=handed_over_by_name.strip(), note=note.strip(),
        created_by=actor, updated_by=actor,
    )  # fmt: skip
    donation.full_clean()
    donation.save()
    for line in lines:
        lot = StockLot.objects.create(
            organisation_id=store.organisation_id, store=store, item=line.item, donation=donation,
            received_quantity=line.quantity, quantity=line.quantity, unit_value=line.unit_value,
            expires_on=line.expires_on, created_by=actor, updated_by=actor,
        )  # fmt: skip
        StockMovement.objects.create(
            organisation_id=store.organisation_id, lot=lot, kind=MovementKind.RECEIPT,
            quantity=line.quantity, occurred_on=received_on, created_by=actor, updated_by=actor,
        )  # fmt: skip
    audit_record(
        action=AuditAction.CREATE, actor=actor, obj=donation,
        details={
            "number": donation.number, "store": store.pk, "donor": donor.pk if donor else None,
            "lines": [[line.item.pk, str(line.quantity), str(line.unit_value)] for line in lines],
        },
    )  # fmt: skip
    return donation


def _take_from_lots(
    *, store: Store, item: Item, quantity: Decimal, day: dt.date
) -> list[tuple[StockLot, Decimal]]:
    """Lock the item's lots in the store that have something and have not expired, expiring
    first, and take ``quantity`` from them; refuse when there is not that much."""
    lots = list(
        StockLot.objects.select_for_update()
        .filter(store=store, item=item, quantity__gt=0)
        .filter(models.Q(expires_on__isnull=True) | models.Q(expires_on__gte=day))
        .order_by(models.F("expires_on").asc(nulls_last=True), "id")
    )
    available = sum((lot.quantity for lot in lots), Decimal(0))
    if available < quantity:
        raise ValidationError(
            _(
                "Only %(available)s %(measure)s of “%(item)s” are in %(store)s, and you are "
                "handing over %(wanted)s. Nothing was handed over or written: correct the "
                "quantity."
            )
            % {
                "available": quantity_text(available), "measure": item.get_measure_display(),
                "item": item.name, "store": store.name, "wanted": quantity_text(quantity),
            },
            code="not_in_stock",
        )  # fmt: skip
    taken: list[tuple[StockLot, Decimal]] = []
    left = quantity
    for lot in lots:
        if left <= 0:
            break
        take = min(lot.quantity, left)
        left -= take
        taken.append((lot, take))
    return taken


def _move(
    *, actor: User, lot: StockLot, change: Decimal, kind: str, day: dt.date,
    distribution: Distribution | None = None, reason: str = "", note: str = "",
) -> None:  # fmt: skip
    """Write one movement and apply it to the lot's balance, in the database (so a stale
    balance in memory can never be written back)."""
    StockMovement.objects.create(
        organisation_id=lot.organisation_id, lot=lot, kind=kind, quantity=change,
        occurred_on=day, distribution=distribution, reason=reason, note=note,
        created_by=actor, updated_by=actor,
    )  # fmt: skip
    try:
        with transaction.atomic():
            StockLot.objects.filter(pk=lot.pk).update(
                quantity=models.F("quantity") + change, version=models.F("version") + 1,
                updated_by=actor, updated_at=timezone.now(),
            )  # fmt: skip
    except IntegrityError as error:  # the database's own guard: the stock never goes below zero
        raise ValidationError(
            _("There is not that much in stock: stock can never go below zero."),
            code="not_in_stock",
        ) from error


@dataclass(frozen=True)
class GivenLine:
    """One item of a distribution and how much of it."""

    item: Item
    quantity: Decimal


@transaction.atomic
def distribution_make(
    *,
    actor: User,
    store: Store,
    distributed_on: dt.date,
    lines: Sequence[GivenLine],
    household: Household | None = None,
    case: Case | None = None,
    received_by_name: str = "",
    receipt_signed: bool = False,
    note: str = "",
) -> Distribution:
    """Hand things from a store to a family or to a case's family. Refused whole, with nothing
    written, when any line asks for more than the store has (expired lots do not count)."""
    require(actor, MANAGE, organisation_id=store.organisation_id)
    if (household is None) == (case is None):
        raise ValidationError(
            _("Choose either a family or a case, one of the two."), code="recipient"
        )
    same_organisation(store, household, case, *(line.item for line in lines))
    if not lines:
        raise ValidationError(_("List at least one thing handed over."), code="no_lines")
    wanted: dict[int, Decimal] = {}
    items: dict[int, Item] = {}
    for line in lines:
        if line.quantity <= 0:
            raise ValidationError(
                _("%(item)s: the quantity must be more than zero.") % {"item": line.item.name},
                code="quantity",
            )
        wanted[line.item.pk] = wanted.get(line.item.pk, Decimal(0)) + line.quantity
        items[line.item.pk] = line.item
    # Take the locks and check every line before writing anything.
    plan = {
        item_id: _take_from_lots(
            store=store, item=items[item_id], quantity=quantity, day=distributed_on
        )
        for item_id, quantity in sorted(wanted.items())
    }
    distribution = Distribution(
        organisation_id=store.organisation_id,
        number=next_number(
            Distribution, organisation_id=store.organisation_id, prefix="Р", year=distributed_on.year
        ),
        store=store, household=household, case=case, distributed_on=distributed_on,
        handed_over_by=actor, received_by_name=received_by_name.strip(),
        receipt_signed=receipt_signed, note=note.strip(), created_by=actor, updated_by=actor,
    )  # fmt: skip
    # The store, the recipient and the user were fetched by the caller: no need to read them
    # again to validate the keys.
    distribution.full_clean(
        exclude=["store", "household", "case", "handed_over_by", "organisation"]
    )
    distribution.save()
    for item_id, taken in plan.items():
        value = sum((lot.unit_value * take for lot, take in taken), Decimal(0))
        DistributionLine.objects.create(
            organisation_id=store.organisation_id, distribution=distribution, item=items[item_id],
            quantity=wanted[item_id], value=value.quantize(Decimal("0.01")),
            created_by=actor, updated_by=actor,
        )  # fmt: skip
        for lot, take in taken:
            _move(
                actor=actor, lot=lot, change=-take, kind=MovementKind.DISTRIBUTION,
                day=distributed_on, distribution=distribution,
            )  # fmt: skip
    person_id = case.person_id if case is not None else household.child_id if household else None
    audit_record(
        action=AuditAction.CREATE, actor=actor, obj=distribution, person_id=person_id,
        details={
            "number": distribution.number, "store": store.pk,
            "case": case.pk if case else None, "household": household.pk if household else None,
            "lines": [[item_id, str(quantity)] for item_id, quantity in sorted(wanted.items())],
        },
    )  # fmt: skip
    return distribution


@transaction.atomic
def stock_adjust(
    *,
    actor: User,
    lot: StockLot,
    change: Decimal,
    reason: str,
    note: str = "",
    occurred_on: dt.date | None = None,
) -> StockMovement:
    """Correct a lot's stock with a reason (expired, damaged, counted otherwise): the only way
    besides receipts and distributions, and it stays in the ledger."""
    require(actor, MANAGE, organisation_id=lot.organisation_id)
    if reason not in AdjustmentReason.values:
        raise ValidationError({"reason": _("Say why the stock is adjusted.")}, code="reason")
    if reason == AdjustmentReason.OTHER and not note.strip():
        raise ValidationError({"note": _("Describe the reason.")}, code="note")
    if change == 0:
        raise ValidationError(
            {"change": _("A movement changes the stock by more than zero.")}, code="zero"
        )
    current = StockLot.objects.select_for_update().select_related("item").get(pk=lot.pk)
    if current.quantity + change < 0:
        raise ValidationError(
            {
                "change": _(
                    "Only %(available)s %(measure)s are in this lot: it cannot go below zero."
                )
                % {
                    "available": quantity_text(current.quantity),
                    "measure": current.item.get_measure_display(),
                }
            },
            code="not_in_stock",
        )
    day = occurred_on or timezone.localdate()
    _move(actor=actor, lot=current, change=change, kind=MovementKind.ADJUSTMENT, day=day,
          reason=reason, note=note.strip())  # fmt: skip
    movement = StockMovement.objects.filter(lot=current).order_by("-id").first()
    assert movement is not None  # noqa: S101  (just written)
    audit_record(
        action=AuditAction.UPDATE, actor=actor, obj=current,
        changes={"quantity": {"old": str(current.quantity), "new": str(current.quantity + change)}},
        details={"reason": reason, "note": note.strip(), "movement": movement.pk},
    )  # fmt: skip
    return movement
