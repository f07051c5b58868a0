"""Training programmes, their editions and modules.

A programme (e.g. "ЕКсперт") is taught in editions. An edition fixes the modules (title, hours,
learning outcomes, trainers) and the completion rule; once published it is never changed, so a
later edition — a new module, more hours, a stricter rule — does not change what the trainees of
earlier cohorts completed. A cohort runs one edition and is judged against it.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from zakrila.core.models import TenantModel


class TrainingProgramme(TenantModel):
    """A course the resource centre teaches to specialists of other organisations."""

    code = models.CharField(
        _("short code"),
        max_length=12,
        help_text=_("Used in certificate numbers, e.g. ЕКС in ЕКС-2026-007."),
    )
    name = models.CharField(_("name"), max_length=200)
    name_en = models.CharField(
        _("name in English"),
        max_length=200,
        blank=True,
        help_text=_("For certificates in English."),
    )
    description = models.TextField(_("description"), blank=True)

    class Meta:
        verbose_name = _("training programme")
        verbose_name_plural = _("training programmes")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "code"],
                name="training_programme_code_unique",
                violation_error_message=_("Another programme already has this short code."),
            ),
            models.UniqueConstraint(
                fields=["organisation", "name"],
                name="training_programme_name_unique",
                violation_error_message=_("Another programme already has this name."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("training:programme", args=[self.pk])

    @property
    def display_name(self) -> str:
        return self.name_en if get_language() == "en" and self.name_en else self.name


class EditionStatus(models.TextChoices):
    DRAFT = "draft", _("draft")
    PUBLISHED = "published", _("published")


class CompletionRule(models.TextChoices):
    EVERY_MODULE = "every_module", _("at least this share of the hours of every module")
    TOTAL_HOURS = "total_hours", _("at least this share of all the hours of the programme")


class ProgrammeEdition(TenantModel):
    """One version of a programme: its modules and its completion rule. A draft is edited; a
    published edition is fixed, and cohorts run only published editions."""

    programme = models.ForeignKey(
        TrainingProgramme,
        on_delete=models.PROTECT,
        related_name="editions",
        verbose_name=_("programme"),
    )
    number = models.PositiveSmallIntegerField(_("edition"), default=1)
    status = models.CharField(
        _("status"), max_length=12, choices=EditionStatus.choices, default=EditionStatus.DRAFT
    )
    completion_rule = models.CharField(
        _("completion rule"),
        max_length=20,
        choices=CompletionRule.choices,
        default=CompletionRule.EVERY_MODULE,
    )
    completion_percent = models.PositiveSmallIntegerField(
        _("share of the hours (%)"),
        default=80,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
    )
    changes = models.TextField(
        _("what changed in this edition"),
        blank=True,
        help_text=_("For the trainers: what is new compared with the previous edition."),
    )
    feedback_template = models.ForeignKey(
        "training.FeedbackTemplate",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("feedback questionnaire"),
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("published by"),
    )  # fmt: skip

    class Meta:
        verbose_name = _("programme edition")
        verbose_name_plural = _("programme editions")
        ordering = ["programme_id", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "number"],
                name="training_edition_number_unique",
                violation_error_message=_("The programme already has an edition with this number."),
            ),
            models.CheckConstraint(
                condition=models.Q(completion_percent__gte=1, completion_percent__lte=100),
                name="training_edition_percent_range",
                violation_error_message=_("The share of the hours is between 1 and 100 %."),
            ),
            models.CheckConstraint(
                condition=models.Q(status=EditionStatus.DRAFT)
                | models.Q(published_at__isnull=False),
                name="training_edition_published_at",
                violation_error_message=_("A published edition has its date of publication."),
            ),
        ]

    def __str__(self) -> str:
        return _("%(programme)s, edition %(number)s") % {
            "programme": self.programme.name,
            "number": self.number,
        }

    def get_absolute_url(self) -> str:
        return reverse("training:edition", args=[self.pk])

    @property
    def is_draft(self) -> bool:
        return self.status == EditionStatus.DRAFT


class Module(TenantModel):
    """A module of an edition: what is taught, for how many hours, by whom, to what end."""

    edition = models.ForeignKey(
        ProgrammeEdition,
        on_delete=models.CASCADE,
        related_name="modules",
        verbose_name=_("edition"),
    )
    number = models.PositiveSmallIntegerField(_("module number"))
    title = models.CharField(_("title"), max_length=200)
    title_en = models.CharField(
        _("title in English"),
        max_length=200,
        blank=True,
        help_text=_("For certificates in English."),
    )
    hours = models.DecimalField(
        _("hours"),
        max_digits=5,
        decimal_places=1,
        validators=[MinValueValidator(Decimal("0.5"))],
        help_text=_("Academic hours of the module."),
    )
    learning_outcomes = models.TextField(
        _("learning outcomes"),
        blank=True,
        help_text=_("What a participant knows and can do after the module, one per line."),
    )
    trainers = models.CharField(
        _("trainers"),
        max_length=300,
        blank=True,
        help_text=_("The names of the trainers, as printed on the certificate."),
    )

    class Meta:
        verbose_name = _("module")
        verbose_name_plural = _("modules")
        ordering = ["edition_id", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["edition", "number"],
                name="training_module_number_unique",
                violation_error_message=_("The edition already has a module with this number."),
            ),
            models.CheckConstraint(
                condition=models.Q(hours__gt=0),
                name="training_module_hours_positive",
                violation_error_message=_("A module has at least half an hour."),
            ),
        ]

    def __str__(self) -> str:
        return _("Module %(number)s. %(title)s") % {"number": self.number, "title": self.title}

    def get_absolute_url(self) -> str:
        return reverse("training:edition", args=[self.edition_id]) + f"#module-{self.pk}"

    @property
    def display_title(self) -> str:
        return self.title_en if get_language() == "en" and self.title_en else self.title
