"""Residential and emergency placements: the Emergency Reception unit takes a child at any hour
for a short stay; the family-type placement centre („Розова къща“) is a small home. Staff need
to know who is where tonight, which beds are free, what is due, and what happened in each
child's day. A placement belongs to the child's case."""

from __future__ import annotations

import datetime as dt

from django.contrib.postgres.fields import RangeOperators
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from zakrila.core.models import TenantModel
from zakrila.placements.constraints import PostgresExclusionConstraint, StayRange


class Bed(TenantModel):
    """A place in a residential unit; a unit has at most as many active beds as its capacity."""

    unit = models.ForeignKey(
        "organisations.Unit", on_delete=models.PROTECT, related_name="beds", verbose_name=_("unit")
    )
    label = models.CharField(_("bed"), max_length=40, help_text=_("e.g. “Стая 2, легло 1”"))
    is_active = models.BooleanField(_("in use"), default=True)
    is_extra = models.BooleanField(
        _("extra bed"),
        default=False,
        help_text=_(
            "A bed beyond the licensed capacity, used only when the director admits over capacity."
        ),
    )

    class Meta:
        verbose_name = _("bed")
        verbose_name_plural = _("beds")
        ordering = ["unit", "label"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "label"], name="bed_label_once_per_unit")
        ]

    def __str__(self) -> str:
        return self.label

    def clean(self) -> None:
        super().clean()
        if self.is_active and not self.is_extra and self.unit_id is not None:
            others = Bed.objects.filter(
                unit_id=self.unit_id, is_active=True, is_extra=False
            ).exclude(pk=self.pk)
            if others.count() >= self.unit.capacity:
                raise ValidationError(
                    ngettext(
                        "The unit has %(capacity)s place and as many beds already: mark this one as an extra bed.",
                        "The unit has %(capacity)s places and as many beds already: mark this one as an extra bed.",
                        self.unit.capacity,
                    )
                    % {"capacity": self.unit.capacity}
                )


class LegalBasis(models.TextChoices):
    COURT = "court", _("court decision")
    ADMINISTRATIVE = (
        "administrative",
        _("order of the Social Assistance Directorate (Child Protection Act)"),
    )
    POLICE = "police", _("police protection (at most 48 hours)")
    OTHER = "other", _("other")


class Destination(models.TextChoices):
    FAMILY = "family", _("own family")
    KIN = "kin", _("relatives")
    FOSTER = "foster", _("foster care")
    OTHER_SERVICE = "other_service", _("another service")
    ADOPTION = "adoption", _("adoption")
    OTHER = "other", _("other")


POLICE_PROTECTION_HOURS = 48


class PlacementQuerySet(models.QuerySet["Placement"]):
    def current(self, at: dt.datetime | None = None) -> PlacementQuerySet:
        """Placements in which the child is in the bed at that moment (now by default)."""
        at = at or timezone.now()
        return self.filter(admitted_at__lte=at).filter(
            models.Q(discharged_at__isnull=True) | models.Q(discharged_at__gt=at)
        )

    def overlapping(self, start: dt.datetime, end: dt.datetime | None) -> PlacementQuerySet:
        """Stays that share any moment with [start, end) — an open end runs forever."""
        overlap = models.Q(discharged_at__isnull=True) | models.Q(discharged_at__gt=start)
        if end is not None:
            overlap &= models.Q(admitted_at__lt=end)
        return self.filter(overlap)


class Placement(TenantModel):
    """A child's stay in a bed of a residential unit, on a legal basis, from admission to
    discharge and the destination at exit."""

    person = models.ForeignKey(
        "people.Person",
        on_delete=models.PROTECT,
        related_name="placements",
        verbose_name=_("child"),
    )
    case = models.ForeignKey(
        "cases.Case", on_delete=models.PROTECT, related_name="placements", verbose_name=_("case")
    )
    unit = models.ForeignKey(
        "organisations.Unit",
        on_delete=models.PROTECT,
        related_name="placements",
        verbose_name=_("unit"),
    )
    bed = models.ForeignKey(
        Bed, on_delete=models.PROTECT, related_name="placements", verbose_name=_("bed")
    )
    legal_basis = models.CharField(_("legal basis"), max_length=16, choices=LegalBasis.choices)
    order_number = models.CharField(_("order number"), max_length=60, blank=True)
    order_date = models.DateField(_("order date"), null=True, blank=True)
    admitted_at = models.DateTimeField(_("admitted at"))
    planned_end = models.DateField(_("planned end"), null=True, blank=True)
    discharged_at = models.DateTimeField(_("discharged at"), null=True, blank=True)
    destination = models.CharField(
        _("destination at exit"), max_length=16, choices=Destination.choices, blank=True
    )
    over_capacity_reason = models.CharField(
        _("reason for admitting over capacity"), max_length=300, blank=True
    )
    late_entry_reason = models.CharField(
        _("reason for recording the admission late"),
        max_length=300,
        blank=True,
        help_text=_("Why an admission more than a week old is recorded only now (the director)."),
    )

    objects = PlacementQuerySet.as_manager()

    class Meta:
        verbose_name = _("placement")
        verbose_name_plural = _("placements")
        ordering = ["-admitted_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(discharged_at__isnull=True)
                | models.Q(discharged_at__gt=models.F("admitted_at")),
                name="placement_discharged_after_admission",
                violation_error_message=_("The discharge must be after the admission."),
            ),
            models.CheckConstraint(
                condition=models.Q(discharged_at__isnull=True) | ~models.Q(destination=""),
                name="placement_discharge_has_destination",
                violation_error_message=_("Record where the child goes at discharge."),
            ),
            # On PostgreSQL the database refuses what the service's check cannot see: a stay
            # admitted at the same moment in another transaction (another unit's, another bed's).
            PostgresExclusionConstraint(
                name="placement_person_one_bed_at_a_time",
                expressions=[
                    ("person", RangeOperators.EQUAL),
                    (StayRange("admitted_at", "discharged_at"), RangeOperators.OVERLAPS),
                ],
                violation_error_message=_(
                    "The child is already placed at that time. A child is never in two beds at once: discharge them there first."
                ),
            ),
            PostgresExclusionConstraint(
                name="placement_bed_one_child_at_a_time",
                expressions=[
                    ("bed", RangeOperators.EQUAL),
                    (StayRange("admitted_at", "discharged_at"), RangeOperators.OVERLAPS),
                ],
                violation_error_message=_("The bed is taken at that time. Choose a free bed."),
            ),
        ]
        indexes = [
            models.Index(fields=["unit", "admitted_at"], name="placement_unit_admitted_idx"),
            models.Index(fields=["person", "admitted_at"], name="placement_person_admitted_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.person} — {self.bed}"

    def get_absolute_url(self) -> str:
        return reverse("placements:placement", args=[self.pk])

    @property
    def is_current(self) -> bool:
        return self.discharged_at is None

    def police_deadline(self) -> dt.datetime | None:
        if self.legal_basis != LegalBasis.POLICE:
            return None
        return self.admitted_at + dt.timedelta(hours=POLICE_PROTECTION_HOURS)


class DiaryKind(models.TextChoices):
    DAILY = "daily", _("daily life")
    HEALTH = "health", _("health")
    SCHOOL = "school", _("school")
    FAMILY = "family", _("contact with the family")
    INCIDENT = "incident", _("incident")


class DiaryEntry(TenantModel):
    """A dated note by a carer about a resident's day. An incident goes to the key worker at once."""

    placement = models.ForeignKey(
        Placement, on_delete=models.CASCADE, related_name="diary", verbose_name=_("placement")
    )
    written_at = models.DateTimeField(_("when"), default=timezone.now)
    kind = models.CharField(
        _("kind"), max_length=10, choices=DiaryKind.choices, default=DiaryKind.DAILY
    )
    text = models.TextField(_("what happened"))

    class Meta:
        verbose_name = _("diary entry")
        verbose_name_plural = _("diary entries")
        ordering = ["-written_at", "-id"]

    def __str__(self) -> str:
        return f"{self.placement}: {self.written_at:%d.%m.%Y}"
