"""Cohorts, their trainees, sessions and attendance.

A cohort is one run of a programme edition, with dates, a place and the trainers who run it.
Its trainees are specialists of other organisations: they are not users of Zakrila, and their
data is kept only as long as the training and its certificate need it (``training/hooks.py``).
Attendance is taken per session, for everyone in the cohort, in one save.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from zakrila.core.models import TenantModel
from zakrila.core.text import clean_bidi_fields


class Cohort(TenantModel):
    """One run of a programme edition: from when to when, where, by whom, for whom."""

    edition = models.ForeignKey(
        "training.ProgrammeEdition",
        on_delete=models.PROTECT,
        related_name="cohorts",
        verbose_name=_("programme edition"),
    )
    name = models.CharField(_("name"), max_length=150, help_text=_("E.g. ЕКсперт – Русе, 2026/1."))
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    place = models.CharField(_("place"), max_length=200, blank=True)
    trainers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="training_cohorts",
        verbose_name=_("trainers"),
    )

    class Meta:
        verbose_name = _("cohort")
        verbose_name_plural = _("cohorts")
        ordering = ["-starts_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "name"],
                name="training_cohort_name_unique",
                violation_error_message=_("Another cohort already has this name."),
            ),
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")),
                name="training_cohort_dates_order",
                violation_error_message=_("The cohort cannot end before it starts."),
            ),
        ]
        indexes = [models.Index(fields=["organisation", "ends_on"], name="training_cohort_end_idx")]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("training:cohort", args=[self.pk])


class EmployerType(models.TextChoices):
    SOCIAL_ASSISTANCE = "social_assistance", _("Social Assistance Directorate / Child Protection")
    SOCIAL_SERVICE = "social_service", _("Provider of social services")
    MUNICIPALITY = "municipality", _("Municipality")
    EDUCATION = "education", _("School or kindergarten")
    HEALTH = "health", _("Health care")
    POLICE = "police", _("Police")
    NGO = "ngo", _("Non-governmental organisation")
    OTHER = "other", _("Other")


class Region(models.TextChoices):
    """The 28 regions (области) of Bulgaria."""

    BLAGOEVGRAD = "blagoevgrad", _("Blagoevgrad")
    BURGAS = "burgas", _("Burgas")
    VARNA = "varna", _("Varna")
    VELIKO_TARNOVO = "veliko_tarnovo", _("Veliko Tarnovo")
    VIDIN = "vidin", _("Vidin")
    VRATSA = "vratsa", _("Vratsa")
    GABROVO = "gabrovo", _("Gabrovo")
    DOBRICH = "dobrich", _("Dobrich")
    KARDZHALI = "kardzhali", _("Kardzhali")
    KYUSTENDIL = "kyustendil", _("Kyustendil")
    LOVECH = "lovech", _("Lovech")
    MONTANA = "montana", _("Montana")
    PAZARDZHIK = "pazardzhik", _("Pazardzhik")
    PERNIK = "pernik", _("Pernik")
    PLEVEN = "pleven", _("Pleven")
    PLOVDIV = "plovdiv", _("Plovdiv")
    RAZGRAD = "razgrad", _("Razgrad")
    RUSE = "ruse", _("Ruse")
    SILISTRA = "silistra", _("Silistra")
    SLIVEN = "sliven", _("Sliven")
    SMOLYAN = "smolyan", _("Smolyan")
    SOFIA_CITY = "sofia_city", _("Sofia (capital)")
    SOFIA_REGION = "sofia_region", _("Sofia region")
    STARA_ZAGORA = "stara_zagora", _("Stara Zagora")
    TARGOVISHTE = "targovishte", _("Targovishte")
    HASKOVO = "haskovo", _("Haskovo")
    SHUMEN = "shumen", _("Shumen")
    YAMBOL = "yambol", _("Yambol")


class Trainee(TenantModel):
    """A specialist of another organisation enrolled in a cohort. Not a user of the system;
    anonymised by the retention rule once the training no longer needs their data."""

    cohort = models.ForeignKey(
        Cohort, on_delete=models.PROTECT, related_name="trainees", verbose_name=_("cohort")
    )
    full_name = models.CharField(_("full name"), max_length=150)
    employer = models.CharField(_("organisation"), max_length=200, blank=True)
    employer_type = models.CharField(
        _("type of organisation"), max_length=20, choices=EmployerType.choices
    )
    region = models.CharField(_("region"), max_length=20, choices=Region.choices)
    position = models.CharField(_("position"), max_length=150, blank=True)
    email = models.EmailField(_("email"), blank=True)
    anonymised_at = models.DateTimeField(_("anonymised at"), null=True, blank=True)

    # Changes to these are audited as "changed", not with the old and new value.
    SENSITIVE_FIELDS = ("email",)

    class Meta:
        verbose_name = _("trainee")
        verbose_name_plural = _("trainees")
        ordering = ["full_name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["cohort", "email"],
                condition=~models.Q(email=""),
                name="training_trainee_email_once_per_cohort",
                violation_error_message=_("Someone in this cohort already has this email."),
            )
        ]

    def __str__(self) -> str:
        return self.full_name

    def clean(self) -> None:
        clean_bidi_fields(self, ("full_name",))
        super().clean()

    def get_absolute_url(self) -> str:
        return reverse("training:trainee", args=[self.pk])


class TrainingSession(TenantModel):
    """A day (or part of one) of a cohort's training, teaching some hours of one module."""

    cohort = models.ForeignKey(
        Cohort, on_delete=models.CASCADE, related_name="sessions", verbose_name=_("cohort")
    )
    module = models.ForeignKey(
        "training.Module",
        on_delete=models.PROTECT,
        related_name="sessions",
        verbose_name=_("module"),
    )
    held_on = models.DateField(_("date"))
    starts_at = models.TimeField(_("starts at"), null=True, blank=True)
    hours = models.DecimalField(
        _("hours"),
        max_digits=4,
        decimal_places=1,
        validators=[MinValueValidator(Decimal("0.5")), MaxValueValidator(Decimal("12"))],
        help_text=_("How many hours of the module this session teaches."),
    )
    attendance_taken_at = models.DateTimeField(_("attendance taken at"), null=True, blank=True)
    attendance_taken_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("attendance taken by"),
    )  # fmt: skip

    class Meta:
        verbose_name = _("training session")
        verbose_name_plural = _("training sessions")
        ordering = ["held_on", "starts_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(hours__gt=0, hours__lte=12),
                name="training_session_hours_range",
                violation_error_message=_("A session teaches between half an hour and 12 hours."),
            )
        ]
        indexes = [
            models.Index(fields=["organisation", "held_on"], name="training_session_day_idx")
        ]

    def __str__(self) -> str:
        return f"{self.module} — {self.held_on:%d.%m.%Y}"

    def get_absolute_url(self) -> str:
        return reverse("training:attendance", args=[self.pk])


class Attendance(TenantModel):
    """Whether a trainee was at a session. Every trainee of the cohort has a row once the
    attendance of the session is taken."""

    session = models.ForeignKey(
        TrainingSession,
        on_delete=models.CASCADE,
        related_name="attendance",
        verbose_name=_("session"),
    )
    trainee = models.ForeignKey(
        Trainee, on_delete=models.CASCADE, related_name="attendance", verbose_name=_("trainee")
    )
    present = models.BooleanField(_("present"), default=False)

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        constraints = [
            models.UniqueConstraint(
                fields=["session", "trainee"],
                name="training_attendance_once",
                violation_error_message=_("The trainee's attendance at this session is recorded."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.trainee_id}@{self.session_id}: {self.present}"
