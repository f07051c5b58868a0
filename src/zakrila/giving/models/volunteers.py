"""Volunteers, what the units need them for, and the hours they give.

A volunteer's data is kept with their consent. Work with children needs a criminal-record
certificate (свидетелство за съдимост) on file, valid on the day of the work: it is valid for
``CERTIFICATE_VALID_MONTHS`` months from its date, and the coordinator is warned
``CERTIFICATE_WARN_DAYS`` days before it runs out. Hours are recorded per assignment, scheduled
and done; a volunteer is never in two places at once (a database constraint on PostgreSQL, and
the service's check everywhere).
"""

from __future__ import annotations

import datetime as dt

from dateutil.relativedelta import relativedelta
from django.contrib.postgres.fields import RangeOperators
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from zakrila.core.models import TenantModel
from zakrila.core.text import clean_bidi_fields
from zakrila.placements.constraints import PostgresExclusionConstraint, StayRange

CERTIFICATE_VALID_MONTHS = 6
CERTIFICATE_WARN_DAYS = 30


class CertificateWarning(models.TextChoices):
    """What the coordinator is warned of about a certificate (the home page, the list)."""

    EXPIRING = "expiring", _("runs out within a month")
    MISSING = "missing", _("not valid for the work with children ahead")


class Volunteer(TenantModel):
    """A person who gives their time. Not a user of the system, not in the people registry."""

    full_name = models.CharField(_("full name"), max_length=150)
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    skills = models.CharField(_("what they can do"), max_length=300, blank=True)
    consent_on = models.DateField(
        _("agreed that we keep their data on"),
        help_text=_("The date of the volunteer's written consent."),
    )
    record_certificate_number = models.CharField(
        _("criminal-record certificate number"), max_length=40, blank=True
    )
    record_certificate_on = models.DateField(
        _("criminal-record certificate date"),
        null=True,
        blank=True,
        help_text=_("Required before any work with children; valid for six months."),
    )
    left_on = models.DateField(_("stopped volunteering on"), null=True, blank=True)
    anonymised_at = models.DateTimeField(_("anonymised at"), null=True, blank=True)

    class Meta:
        verbose_name = _("volunteer")
        verbose_name_plural = _("volunteers")
        ordering = ["full_name", "id"]
        # The list of volunteers, a page at a time by name.
        indexes = [
            models.Index(
                fields=["organisation", "full_name", "id"], name="giving_volunteer_name_idx"
            )
        ]

    def __str__(self) -> str:
        return self.full_name or str(_("anonymised volunteer"))

    def get_absolute_url(self) -> str:
        return reverse("giving:volunteer", args=[self.pk])

    @property
    def certificate_valid_until(self) -> dt.date | None:
        if self.record_certificate_on is None:
            return None
        return self.record_certificate_on + relativedelta(months=CERTIFICATE_VALID_MONTHS)

    def certificate_valid_on(self, day: dt.date) -> bool:
        until = self.certificate_valid_until
        return (
            until is not None
            and self.record_certificate_on is not None
            and (self.record_certificate_on <= day < until)
        )

    def certificate_expiring(self, today: dt.date) -> bool:
        """Valid today, but not for much longer: time to ask for a new one."""
        until = self.certificate_valid_until
        return (
            until is not None
            and self.certificate_valid_on(today)
            and until - today <= dt.timedelta(days=CERTIFICATE_WARN_DAYS)
        )

    def clean(self) -> None:
        clean_bidi_fields(self, ("full_name",))  # no right-to-left tricks in names
        super().clean()


class VolunteerNeed(TenantModel):
    """What a unit needs volunteers for: what, when, how many people, with children or not."""

    unit = models.ForeignKey(
        "organisations.Unit",
        on_delete=models.PROTECT,
        related_name="volunteer_needs",
        verbose_name=_("unit"),
    )
    title = models.CharField(_("what"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    starts_at = models.DateTimeField(_("from"))
    ends_at = models.DateTimeField(_("until"))
    people_needed = models.PositiveSmallIntegerField(_("people needed"), default=1)
    with_children = models.BooleanField(
        _("work with children"),
        default=True,
        help_text=_("Volunteers need a valid criminal-record certificate for it."),
    )

    class Meta:
        verbose_name = _("volunteer need")
        verbose_name_plural = _("volunteer needs")
        ordering = ["-starts_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")),
                name="giving_need_ends_after_start",
                violation_error_message=_("The need must end after it starts."),
            ),
            models.CheckConstraint(
                condition=models.Q(people_needed__gte=1),
                name="giving_need_people_positive",
                violation_error_message=_("At least one person is needed."),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("giving:need", args=[self.pk])


class AssignmentStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("scheduled")
    DONE = "done", _("done")
    CANCELLED = "cancelled", _("cancelled")


class Assignment(TenantModel):
    """A volunteer on a need, for a time: the hours scheduled, and the hours done once done."""

    need = models.ForeignKey(
        VolunteerNeed, on_delete=models.PROTECT, related_name="assignments", verbose_name=_("need")
    )
    volunteer = models.ForeignKey(
        Volunteer, on_delete=models.PROTECT, related_name="assignments", verbose_name=_("volunteer")
    )
    starts_at = models.DateTimeField(_("from"))
    ends_at = models.DateTimeField(_("until"))
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=AssignmentStatus.choices,
        default=AssignmentStatus.SCHEDULED,
    )
    hours_done = models.DecimalField(
        _("hours done"), max_digits=5, decimal_places=2, null=True, blank=True
    )

    class Meta:
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        ordering = ["starts_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")),
                name="giving_assignment_ends_after_start",
                violation_error_message=_("The assignment must end after it starts."),
            ),
            models.CheckConstraint(
                condition=models.Q(hours_done__isnull=True)
                | models.Q(hours_done__gte=0, hours_done__lte=24),
                name="giving_assignment_hours_in_day",
                violation_error_message=_("Hours done are between 0 and 24."),
            ),
            # On PostgreSQL the database refuses what the service's check cannot see: the same
            # volunteer booked at the same time in another transaction.
            PostgresExclusionConstraint(
                name="giving_volunteer_never_double_booked",
                expressions=[
                    ("volunteer", RangeOperators.EQUAL),
                    (StayRange("starts_at", "ends_at"), RangeOperators.OVERLAPS),
                ],
                condition=~models.Q(status="cancelled"),
                violation_error_message=_(
                    "The volunteer is already booked at that time. A volunteer is never in two places at once."
                ),
            ),
        ]
        indexes = [
            models.Index(fields=["volunteer", "starts_at"], name="giving_assignment_vol_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.volunteer} — {self.need}"

    def get_absolute_url(self) -> str:
        return reverse("giving:need", args=[self.need_id])

    @property
    def hours_scheduled(self) -> float:
        return round((self.ends_at - self.starts_at).total_seconds() / 3600, 2)
