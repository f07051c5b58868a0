"""Providers, their licensed social services (units), programmes and municipal contracts."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from zakrila.core.models import TenantModel
from zakrila.organisations.validators import validate_eik


class Organisation(models.Model):
    """A provider of social services (an association, a foundation, a municipality's own
    provider). It is the tenant: every other record belongs to exactly one organisation."""

    name_bg = models.CharField(_("name in Bulgarian"), max_length=200)
    name_en = models.CharField(_("name in English"), max_length=200, blank=True)
    eik = models.CharField(
        _("ЕИК / BULSTAT"), max_length=13, unique=True, validators=[validate_eik]
    )
    address = models.CharField(_("address"), max_length=300, blank=True)
    settlement = models.CharField(_("settlement"), max_length=100, blank=True)
    municipality = models.CharField(_("municipality"), max_length=100, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    email = models.EmailField(_("email"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name_bg"]

    def __str__(self) -> str:
        return self.display_name

    def get_absolute_url(self) -> str:
        return reverse("organisations:organisation", args=[self.pk])

    @property
    def display_name(self) -> str:
        if get_language() == "en" and self.name_en:
            return self.name_en
        return self.name_bg


class PartnerOrganisation(TenantModel):
    """An organisation that works with the provider under its contracts (e.g. a local club)."""

    name_bg = models.CharField(_("name in Bulgarian"), max_length=200)
    name_en = models.CharField(_("name in English"), max_length=200, blank=True)
    eik = models.CharField(_("ЕИК / BULSTAT"), max_length=13, blank=True, validators=[validate_eik])
    address = models.CharField(_("address"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("partner organisation")
        verbose_name_plural = _("partner organisations")
        ordering = ["name_bg"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "name_bg"],
                name="partner_name_unique_per_organisation",
                violation_error_message=_("This organisation already has a partner of this name."),
            )
        ]

    def __str__(self) -> str:
        if get_language() == "en" and self.name_en:
            return self.name_en
        return self.name_bg

    def get_absolute_url(self) -> str:
        return (
            reverse("organisations:organisation", args=[self.organisation_id])
            + f"#partner-{self.pk}"
        )


class UnitKind(models.TextChoices):
    COMMUNITY_SUPPORT = "community_support", _("Community Support Centre")
    EMERGENCY_RECEPTION = "emergency_reception", _("Emergency Reception unit")
    STREET_CHILDREN = "street_children", _("Centre for Street Children")
    FAMILY_TYPE_PLACEMENT = "family_type_placement", _("Family-type Placement Centre")
    OTHER = "other", _("Other service")


RESIDENTIAL_KINDS = {UnitKind.EMERGENCY_RECEPTION, UnitKind.FAMILY_TYPE_PLACEMENT}


class Unit(TenantModel):
    """A licensed social service of the organisation, with its own capacity.

    The Emergency Reception unit is part of a Community Support Centre, so it names that centre
    as its parent unit.
    """

    kind = models.CharField(_("kind of service"), max_length=30, choices=UnitKind.choices)
    name = models.CharField(_("name"), max_length=200)
    code = models.CharField(
        _("short code"),
        max_length=12,
        help_text=_("Used in case numbers, e.g. ЦОП in ЦОП-2026-0042."),
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("part of"),
    )
    capacity = models.PositiveIntegerField(_("capacity"), help_text=_("Places or children."))
    max_stay_days = models.PositiveSmallIntegerField(
        _("longest stay (days)"),
        null=True,
        blank=True,
        help_text=_("For residential units: a stay longer than this is flagged on the board."),
    )
    plan_review_months = models.PositiveSmallIntegerField(
        _("plan review after (months)"),
        default=6,
        help_text=_("When an individual support plan is reviewed, counted from its start."),
    )
    licence_number = models.CharField(_("licence number"), max_length=60, blank=True)
    licence_date = models.DateField(_("licence date"), null=True, blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        ordering = ["organisation", "parent_id", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "code"],
                name="unit_code_unique_per_organisation",
                violation_error_message=_("Another unit of this organisation has this code."),
            ),
            models.CheckConstraint(
                condition=models.Q(capacity__gte=1),
                name="unit_capacity_positive",
                violation_error_message=_("A unit's capacity must be at least 1."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("organisations:unit", args=[self.pk])

    @property
    def is_residential(self) -> bool:
        return self.kind in RESIDENTIAL_KINDS

    def clean(self) -> None:
        super().clean()
        parent = self.parent if self.parent_id is not None else None
        if parent is not None:
            if parent.pk == self.pk:
                raise ValidationError({"parent": _("A unit cannot be part of itself.")})
            if parent.organisation_id != self.organisation_id:
                raise ValidationError(
                    {"parent": _("The parent unit must belong to the same organisation.")}
                )
        if self.kind == UnitKind.EMERGENCY_RECEPTION and (
            parent is None or parent.kind != UnitKind.COMMUNITY_SUPPORT
        ):
            raise ValidationError(
                {
                    "parent": _(
                        "An Emergency Reception unit is part of a Community Support Centre: "
                        "choose that centre as its parent unit."
                    )
                }
            )


class ProgrammeKind(models.TextChoices):
    MATERNITY_WARD = "maternity_ward", _("Prevention at the maternity ward")
    EARLY_INTERVENTION = "early_intervention", _("Early intervention (children 0–6)")
    PARENT_GROUP = "parent_group", _("Parent mutual-help group")
    SOS_PARENT = "sos_parent", _("SOS parent line")
    FAMILY_PLANNING = "family_planning", _("Family planning and field work")
    DEINSTITUTIONALISATION = "deinstitutionalisation", _("Deinstitutionalisation")


class Programme(TenantModel):
    """A programme that prevents the abandonment of children, run by one of the units."""

    kind = models.CharField(_("kind of programme"), max_length=30, choices=ProgrammeKind.choices)
    name = models.CharField(_("name"), max_length=200)
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="programmes", verbose_name=_("run by")
    )
    description = models.TextField(_("description"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "kind"],
                name="programme_kind_unique_per_organisation",
                violation_error_message=_("This organisation already runs this programme."),
            )
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("organisations:programme", args=[self.pk])

    def clean(self) -> None:
        super().clean()
        if self.unit_id and self.unit.organisation_id != self.organisation_id:
            raise ValidationError({"unit": _("The unit must belong to the same organisation.")})


class Contract(TenantModel):
    """The provider's contract with a municipality to run the complex's services."""

    municipality = models.CharField(_("municipality"), max_length=100)
    number = models.CharField(_("contract number"), max_length=60, blank=True)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    funded_capacity = models.PositiveIntegerField(_("funded capacity"))
    units = models.ManyToManyField(
        Unit, blank=True, related_name="contracts", verbose_name=_("units")
    )
    partners = models.ManyToManyField(
        PartnerOrganisation, blank=True, related_name="contracts", verbose_name=_("partners")
    )

    class Meta:
        verbose_name = _("contract")
        verbose_name_plural = _("contracts")
        ordering = ["-starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gt=models.F("starts_on")),
                name="contract_ends_after_start",
                violation_error_message=_("A contract must end after it starts."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.municipality} {self.starts_on:%Y}–{self.ends_on:%Y}"

    def get_absolute_url(self) -> str:
        return reverse("organisations:contract", args=[self.pk])
