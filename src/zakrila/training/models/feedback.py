"""Anonymous feedback on each module, from a questionnaire defined as data.

A response is linked to the cohort and the module, never to a trainee: nothing in it says who
answered. The questionnaire (``template_data/*.json``) is versioned like assessment templates.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from zakrila.core.models import TenantModel


class FeedbackTemplate(models.Model):
    """A questionnaire: scale questions (1 to 5) and free-text questions, as data."""

    code = models.SlugField(_("code"), max_length=60)
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    name_bg = models.CharField(_("name in Bulgarian"), max_length=200)
    name_en = models.CharField(_("name in English"), max_length=200, blank=True)
    questions = models.JSONField(_("questions"), default=list)
    is_current = models.BooleanField(_("current version"), default=True)

    class Meta:
        verbose_name = _("feedback questionnaire")
        verbose_name_plural = _("feedback questionnaires")
        ordering = ["code", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["code", "version"], name="training_feedback_template_version_once"
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return self.name_en if get_language() == "en" and self.name_en else self.name_bg

    def localised_questions(self) -> list[dict[str, object]]:
        """The questions with their text in the current language."""
        english = get_language() == "en"
        return [
            {
                **question,
                "text": (question.get("text_en") if english else None) or question["text_bg"],
            }
            for question in self.questions
        ]


class FeedbackResponse(TenantModel):
    """One filled-in questionnaire about one module of a cohort. Anonymous: no trainee."""

    cohort = models.ForeignKey(
        "training.Cohort",
        on_delete=models.CASCADE,
        related_name="feedback",
        verbose_name=_("cohort"),
    )
    module = models.ForeignKey(
        "training.Module",
        on_delete=models.PROTECT,
        related_name="feedback",
        verbose_name=_("module"),
    )
    template = models.ForeignKey(
        FeedbackTemplate,
        on_delete=models.PROTECT,
        related_name="responses",
        verbose_name=_("questionnaire"),
    )
    answers = models.JSONField(_("answers"), default=dict)

    class Meta:
        verbose_name = _("feedback")
        verbose_name_plural = _("feedback")
        indexes = [models.Index(fields=["cohort", "module"], name="training_feedback_module_idx")]

    def __str__(self) -> str:
        return f"{self.cohort_id}/{self.module_id}#{self.pk}"
