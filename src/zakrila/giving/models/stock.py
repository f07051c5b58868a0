"""Stores, the things kept in them, and stock that never lies.

Stock per store changes only through three kinds of movement: a **receipt** (an in-kind
donation received with its handover record), a **distribution** (to a family or a case) and an
**adjustment** with a reason (expired, damaged, a count that differed). Nobody edits a quantity:
``StockLot.quantity`` is the running balance of the lot's movements, kept by the services in the
same transaction as the movement, and the database refuses a balance below zero.

A lot is what came in one line of one donation: one item, one expiry date, one estimated value
per unit. Distributions take the lots that expire first.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from zakrila.core.models import TenantModel


class Store(TenantModel):
    """A place where donated things are kept (a storeroom of a unit, a warehouse)."""

    name = models.CharField(_("name"), max_length=150)
    unit = models.ForeignKey(
        "organisations.Unit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="stores",
        verbose_name=_("unit"),
    )
    address = models.CharField(_("address"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("store")
        verbose_name_plural = _("stores")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "name"],
                name="giving_store_name_unique",
                violation_error_message=_("Another store already has this name."),
            )
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("giving:store", args=[self.pk])


class ItemCategory(models.TextChoices):
    FOOD = "food", _("Food")
    MEDICINE = "medicine", _("Medicines and medical supplies")
    HYGIENE = "hygiene", _("Hygiene and cleaning")
    BABY = "baby", _("Baby care (nappies, formula, ...)")
    CLOTHING = "clothing", _("Clothing and footwear")
    SCHOOL = "school", _("School supplies")
    TOYS = "toys", _("Toys and books")
    HOUSEHOLD = "household", _("Household goods and furniture")
    OTHER = "other", _("Other")


# Food and medicines are kept only with their expiry date.
PERISHABLE = frozenset({ItemCategory.FOOD, ItemCategory.MEDICINE})


class Measure(models.TextChoices):
    PIECE = "piece", _("pcs")
    KILOGRAM = "kg", _("kg")
    LITRE = "l", _("l")
    PACK = "pack", _("packs")
    BOX = "box", _("boxes")
    PAIR = "pair", _("pairs")
    SET = "set", _("sets")


class Item(TenantModel):
    """A kind of thing the organisation receives and gives: "Брашно тип 500, 1 кг" in kg."""

    name = models.CharField(_("name"), max_length=150)
    category = models.CharField(_("category"), max_length=20, choices=ItemCategory.choices)
    measure = models.CharField(_("unit of measure"), max_length=10, choices=Measure.choices)

    class Meta:
        verbose_name = _("item")
        verbose_name_plural = _("items")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "name", "measure"],
                name="giving_item_name_unique",
                violation_error_message=_("This item is already in the list."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_measure_display()})"

    @property
    def is_perishable(self) -> bool:
        return self.category in PERISHABLE


class StockLot(TenantModel):
    """What came in one line of a donation, in one store: its balance changes only through
    its movements."""

    store = models.ForeignKey(
        Store, on_delete=models.PROTECT, related_name="lots", verbose_name=_("store")
    )
    item = models.ForeignKey(
        Item, on_delete=models.PROTECT, related_name="lots", verbose_name=_("item")
    )
    donation = models.ForeignKey(
        "giving.InKindDonation",
        on_delete=models.PROTECT,
        related_name="lots",
        verbose_name=_("donation"),
    )
    received_quantity = models.DecimalField(_("quantity received"), max_digits=12, decimal_places=2)
    quantity = models.DecimalField(_("in stock"), max_digits=12, decimal_places=2)
    unit_value = models.DecimalField(
        _("estimated value per unit, EUR"), max_digits=10, decimal_places=2, default=0
    )
    expires_on = models.DateField(_("expires on"), null=True, blank=True)

    class Meta:
        verbose_name = _("stock lot")
        verbose_name_plural = _("stock lots")
        ordering = ["expires_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(quantity__gte=0),
                name="giving_stock_never_negative",
                violation_error_message=_(
                    "There is not that much in stock: stock can never go below zero."
                ),
            ),
            models.CheckConstraint(
                condition=models.Q(received_quantity__gt=0),
                name="giving_lot_received_positive",
                violation_error_message=_("The quantity received must be more than zero."),
            ),
            models.CheckConstraint(
                condition=models.Q(unit_value__gte=0),
                name="giving_lot_value_not_negative",
                violation_error_message=_("The estimated value cannot be negative."),
            ),
        ]
        indexes = [
            models.Index(fields=["store", "item", "expires_on"], name="giving_lot_fefo_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.item.name} — {self.quantity}"


class MovementKind(models.TextChoices):
    RECEIPT = "receipt", _("receipt")
    DISTRIBUTION = "distribution", _("distribution")
    ADJUSTMENT = "adjustment", _("adjustment")


class AdjustmentReason(models.TextChoices):
    EXPIRED = "expired", _("expired, thrown away")
    DAMAGED = "damaged", _("damaged or spoilt")
    COUNT = "count", _("the count differed")
    LOST = "lost", _("lost or stolen")
    OTHER = "other", _("other")


class StockMovement(TenantModel):
    """One change of a lot's balance: the ledger. Written once, never changed."""

    lot = models.ForeignKey(
        StockLot, on_delete=models.PROTECT, related_name="movements", verbose_name=_("lot")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=MovementKind.choices)
    quantity = models.DecimalField(
        _("change"), max_digits=12, decimal_places=2, help_text=_("Positive in, negative out.")
    )
    occurred_on = models.DateField(_("date"))
    distribution = models.ForeignKey(
        "giving.Distribution",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="movements",
        verbose_name=_("distribution"),
    )
    reason = models.CharField(
        _("reason"), max_length=20, choices=AdjustmentReason.choices, blank=True
    )
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("stock movement")
        verbose_name_plural = _("stock movements")
        ordering = ["-occurred_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(quantity=0),
                name="giving_movement_not_zero",
                violation_error_message=_("A movement changes the stock by more than zero."),
            ),
            models.CheckConstraint(
                condition=~models.Q(kind="receipt") | models.Q(quantity__gt=0),
                name="giving_receipt_adds",
                violation_error_message=_("A receipt adds to the stock."),
            ),
            models.CheckConstraint(
                condition=~models.Q(kind="distribution")
                | models.Q(quantity__lt=0, distribution__isnull=False),
                name="giving_distribution_takes",
                violation_error_message=_("A distribution takes from the stock."),
            ),
            models.CheckConstraint(
                condition=~models.Q(kind="adjustment") | ~models.Q(reason=""),
                name="giving_adjustment_has_reason",
                violation_error_message=_("Say why the stock is adjusted."),
            ),
        ]
        indexes = [models.Index(fields=["lot", "occurred_on"], name="giving_movement_lot_idx")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.quantity}"


class Distribution(TenantModel):
    """Things handed over from a store to a family (a household) or to the family of a case:
    what, how much, who handed it over, and whether the receipt was signed. It appears on the
    case's timeline."""

    number = models.CharField(_("number"), max_length=30, editable=False)
    store = models.ForeignKey(
        Store, on_delete=models.PROTECT, related_name="distributions", verbose_name=_("store")
    )
    household = models.ForeignKey(
        "people.Household",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="distributions",
        verbose_name=_("family"),
    )
    case = models.ForeignKey(
        "cases.Case",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="distributions",
        verbose_name=_("case"),
    )
    distributed_on = models.DateField(_("date"))
    handed_over_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("handed over by"),
    )
    received_by_name = models.CharField(_("received by"), max_length=150, blank=True)
    receipt_signed = models.BooleanField(_("receipt signed"), default=False)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("distribution")
        verbose_name_plural = _("distributions")
        ordering = ["-distributed_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(household__isnull=True, case__isnull=False)
                | models.Q(household__isnull=False, case__isnull=True),
                name="giving_distribution_one_recipient",
                violation_error_message=_("Choose either a family or a case, one of the two."),
            ),
            models.UniqueConstraint(
                fields=["organisation", "number"],
                name="giving_distribution_number_unique",
                violation_error_message=_("Another distribution has this number."),
            ),
        ]
        indexes = [
            models.Index(
                fields=["organisation", "distributed_on"], name="giving_distribution_day_idx"
            )
        ]

    def __str__(self) -> str:
        return self.number

    def get_absolute_url(self) -> str:
        return reverse("giving:distribution", args=[self.pk])


class DistributionLine(TenantModel):
    """One item of a distribution and how much of it was handed over."""

    distribution = models.ForeignKey(
        Distribution, on_delete=models.CASCADE, related_name="lines", verbose_name=_("distribution")
    )
    item = models.ForeignKey(
        Item, on_delete=models.PROTECT, related_name="+", verbose_name=_("item")
    )
    quantity = models.DecimalField(_("quantity"), max_digits=12, decimal_places=2)
    value = models.DecimalField(
        _("estimated value, EUR"), max_digits=12, decimal_places=2, default=0
    )

    class Meta:
        verbose_name = _("distribution line")
        verbose_name_plural = _("distribution lines")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(quantity__gt=0),
                name="giving_distribution_line_positive",
                violation_error_message=_("The quantity must be more than zero."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.item.name}: {self.quantity}"
