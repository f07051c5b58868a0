"""Assessments whose questions are data, not code.

A template (the individual needs assessment, the risk of abandonment, developmental screening
0–6, or one an organisation adds itself) has sections and questions in Bulgarian and English.
Templates are versioned: a changed template is a new version, and every assessment keeps the
version it was answered against, so changing a template never breaks old answers.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from zakrila.core.models import TenantModel


def in_language(record: Any, field: str) -> str:
    """The Bulgarian or English text of a field, by the page's language (Bulgarian by default)."""
    bulgarian = getattr(record, f"{field}_bg", "")
    if (get_language() or "bg").startswith("en"):
        return getattr(record, f"{field}_en", "") or bulgarian
    return bulgarian


class AnswerType(models.TextChoices):
    TEXT = "text", _("text")
    SINGLE = "single", _("one choice")
    MULTIPLE = "multiple", _("several choices")
    SCALE = "scale", _("scale")
    YES_NO = "yes_no", _("yes or no")
    DATE = "date", _("date")
    NUMBER = "number", _("number")


class AssessmentTemplate(models.Model):
    """One version of an assessment form. ``organisation`` is empty for the templates shipped
    with Zakrila, which every organisation uses."""

    organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("organisation"),
    )
    code = models.SlugField(_("code"), max_length=60)
    version = models.PositiveIntegerField(_("version"), default=1)
    name_bg = models.CharField(_("name in Bulgarian"), max_length=200)
    name_en = models.CharField(_("name in English"), max_length=200, blank=True)
    description_bg = models.TextField(_("description in Bulgarian"), blank=True)
    description_en = models.TextField(_("description in English"), blank=True)
    is_current = models.BooleanField(_("current version"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("assessment template")
        verbose_name_plural = _("assessment templates")
        ordering = ["code", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["code", "version"],
                condition=models.Q(organisation__isnull=True),
                name="template_shipped_version_once",
                violation_error_message=_("This version of the template already exists."),
            ),
            models.UniqueConstraint(
                fields=["organisation", "code", "version"],
                condition=models.Q(organisation__isnull=False),
                name="template_own_version_once",
                violation_error_message=_("This version of the template already exists."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} (v{self.version})"

    @property
    def name(self) -> str:
        return in_language(self, "name")

    @property
    def description(self) -> str:
        return in_language(self, "description")

    def questions(self) -> list[TemplateQuestion]:
        return [question for section in self.sections.all() for question in section.questions.all()]


class TemplateSection(models.Model):
    template = models.ForeignKey(
        AssessmentTemplate,
        on_delete=models.CASCADE,
        related_name="sections",
        verbose_name=_("template"),
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    title_bg = models.CharField(_("title in Bulgarian"), max_length=200)
    title_en = models.CharField(_("title in English"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("section")
        verbose_name_plural = _("sections")
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.title

    @property
    def title(self) -> str:
        return in_language(self, "title")


class TemplateQuestion(models.Model):
    """A question. ``key`` names the answer and stays the same across versions; ``choices`` is a
    list of ``{"value": ..., "bg": ..., "en": ...}``."""

    section = models.ForeignKey(
        TemplateSection,
        on_delete=models.CASCADE,
        related_name="questions",
        verbose_name=_("section"),
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    key = models.SlugField(_("key"), max_length=60)
    text_bg = models.CharField(_("question in Bulgarian"), max_length=400)
    text_en = models.CharField(_("question in English"), max_length=400, blank=True)
    help_bg = models.CharField(_("help in Bulgarian"), max_length=400, blank=True)
    help_en = models.CharField(_("help in English"), max_length=400, blank=True)
    answer_type = models.CharField(_("answer"), max_length=10, choices=AnswerType.choices)
    required = models.BooleanField(_("required"), default=False)
    choices = models.JSONField(_("choices"), default=list, blank=True)
    scale_min = models.SmallIntegerField(_("scale from"), default=1)
    scale_max = models.SmallIntegerField(_("scale to"), default=5)

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.text

    @property
    def text(self) -> str:
        return in_language(self, "text")

    @property
    def help(self) -> str:
        return in_language(self, "help")

    def choice_pairs(self) -> list[tuple[str, str]]:
        english = (get_language() or "bg").startswith("en")
        return [
            (str(c["value"]), (c.get("en") if english else None) or c["bg"]) for c in self.choices
        ]


class AssessmentStatus(models.TextChoices):
    DRAFT = "draft", _("draft")
    COMPLETED = "completed", _("completed")
    APPROVED = "approved", _("approved")


class Assessment(TenantModel):
    """An assessment of one case against one version of a template. Answers are kept by
    question key; draft → completed → approved."""

    case = models.ForeignKey(
        "cases.Case", on_delete=models.CASCADE, related_name="assessments", verbose_name=_("case")
    )
    template = models.ForeignKey(
        AssessmentTemplate,
        on_delete=models.PROTECT,
        related_name="assessments",
        verbose_name=_("template"),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=AssessmentStatus.choices, default=AssessmentStatus.DRAFT
    )
    answers = models.JSONField(_("answers"), default=dict, blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("completed by"),
    )  # fmt: skip
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("approved by"),
    )  # fmt: skip
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)

    SENSITIVE_FIELDS = ("answers",)

    class Meta:
        verbose_name = _("assessment")
        verbose_name_plural = _("assessments")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.template.name} — {self.case}"

    def get_absolute_url(self) -> str:
        return reverse("cases:assessment", args=[self.pk])
