"""Donors and what they give: money (with a donation certificate for the donor's tax relief)
and things (received with a handover record, into a store's stock).

A donor says what they agreed that we keep: always their name and their donations (the
accounts and the certificate need them), and their contact details only if they agreed, to be
thanked and told about the work. Whether they wish to be named in public (a thank-you list, the
annual report) is theirs to say; by default they are not.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from zakrila.core.models import TenantModel
from zakrila.core.text import clean_bidi_fields


class DonorKind(models.TextChoices):
    PERSON = "person", _("Individual")
    COMPANY = "company", _("Company or organisation")


class Donor(TenantModel):
    """A person or a company that gives money or things."""

    kind = models.CharField(_("kind of donor"), max_length=10, choices=DonorKind.choices)
    name = models.CharField(_("name"), max_length=200)
    eik = models.CharField(
        _("UIC (ЕИК)"), max_length=13, blank=True, help_text=_("For a company: its ЕИК/БУЛСТАТ.")
    )
    address = models.CharField(_("address"), max_length=300, blank=True)
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    keep_contact = models.BooleanField(
        _("agreed that we keep their contact details"),
        default=False,
        help_text=_("To thank them and tell them about the work. Without it, only the name and "
                    "the donations are kept (the accounts and the certificate need them)."),
    )  # fmt: skip
    consent_on = models.DateField(_("agreed on"), null=True, blank=True)
    wishes_to_be_named = models.BooleanField(
        _("wishes to be named in public"),
        default=False,
        help_text=_("In thank-you lists and the annual report. Otherwise: “an anonymous donor”."),
    )
    notes = models.CharField(_("notes"), max_length=300, blank=True)
    anonymised_at = models.DateTimeField(_("anonymised at"), null=True, blank=True)

    class Meta:
        verbose_name = _("donor")
        verbose_name_plural = _("donors")
        ordering = ["name", "id"]
        # The list of donors, a page at a time by name.
        indexes = [
            models.Index(fields=["organisation", "name", "id"], name="giving_donor_name_idx")
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(keep_contact=False) | models.Q(consent_on__isnull=False),
                name="giving_donor_contact_needs_consent",
                violation_error_message=_(
                    "Record the date the donor agreed that we keep their contact details."
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.name or str(_("anonymised donor"))

    def get_absolute_url(self) -> str:
        return reverse("giving:donor", args=[self.pk])

    @property
    def public_name(self) -> str:
        """How the donor may be named in public."""
        return self.name if self.wishes_to_be_named and self.name else str(_("an anonymous donor"))

    def clean(self) -> None:
        clean_bidi_fields(self, ("name",))  # no right-to-left tricks in names
        super().clean()


class DonationKind(models.TextChoices):
    """What the register of donations lists: what came in, and what went out."""

    MONEY = "money", _("money donations")
    IN_KIND = "in_kind", _("in-kind donations")
    HANDED_OVER = "handed_over", _("things handed over to families")


class PaymentMethod(models.TextChoices):
    BANK = "bank", _("bank transfer")
    CASH = "cash", _("cash")
    CARD = "card", _("card")


class MoneyDonation(TenantModel):
    """A donation of money, with the number of its donation certificate (свидетелство за
    дарение), which the donor needs for the tax relief."""

    donor = models.ForeignKey(
        Donor, on_delete=models.PROTECT, related_name="money_donations", verbose_name=_("donor")
    )
    number = models.CharField(_("certificate number"), max_length=30, editable=False)
    received_on = models.DateField(_("received on"))
    amount = models.DecimalField(_("amount, EUR"), max_digits=12, decimal_places=2)
    method = models.CharField(_("paid by"), max_length=10, choices=PaymentMethod.choices)
    purpose = models.CharField(
        _("purpose"), max_length=300, blank=True, help_text=_("E.g. “for the Pink House”.")
    )

    class Meta:
        verbose_name = _("money donation")
        verbose_name_plural = _("money donations")
        ordering = ["-received_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount__gt=0),
                name="giving_money_positive",
                violation_error_message=_("The amount must be more than zero."),
            ),
            models.UniqueConstraint(
                fields=["organisation", "number"],
                name="giving_money_number_unique",
                violation_error_message=_("Another donation has this certificate number."),
            ),
        ]
        indexes = [
            models.Index(fields=["organisation", "received_on"], name="giving_money_day_idx")
        ]

    def __str__(self) -> str:
        return self.number

    def get_absolute_url(self) -> str:
        return reverse("giving:money", args=[self.pk])


class InKindDonation(TenantModel):
    """Things received from a donor into a store, with a handover record (приемо-предавателен
    протокол): each line becomes a lot of the store's stock."""

    number = models.CharField(_("record number"), max_length=30, editable=False)
    donor = models.ForeignKey(
        Donor,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="in_kind_donations",
        verbose_name=_("donor"),
        help_text=_("Empty: an anonymous donation."),
    )
    store = models.ForeignKey(
        "giving.Store",
        on_delete=models.PROTECT,
        related_name="donations",
        verbose_name=_("store"),
    )
    received_on = models.DateField(_("received on"))
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("received by"),
    )
    handed_over_by_name = models.CharField(
        _("handed over by"), max_length=150, blank=True,
        help_text=_("The donor or the person who brought the things on the donor's behalf."),
    )  # fmt: skip
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("in-kind donation")
        verbose_name_plural = _("in-kind donations")
        ordering = ["-received_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "number"],
                name="giving_in_kind_number_unique",
                violation_error_message=_("Another donation has this record number."),
            )
        ]
        indexes = [
            models.Index(fields=["organisation", "received_on"], name="giving_in_kind_day_idx")
        ]

    def __str__(self) -> str:
        return self.number

    def get_absolute_url(self) -> str:
        return reverse("giving:donation", args=[self.pk])
