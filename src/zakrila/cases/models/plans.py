"""The individual support plan (ИПП), its reviews, and the contract for use of the service.

A plan is made with the parent — the best expert on their child — and has goals, each with
activities (what, who, how often, by when). A plan is versioned: a new version supersedes the
approved one, and both are kept. Reviews record progress on each goal and a decision.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from zakrila.core.models import TenantModel
from zakrila.core.plausible import EARLIEST_RECORD, DateChecks


class PlanStatus(models.TextChoices):
    DRAFT = "draft", _("draft")
    APPROVED = "approved", _("approved")
    SUPERSEDED = "superseded", _("superseded")


class SupportPlan(TenantModel):
    """One version of a case's individual support plan."""

    case = models.ForeignKey(
        "cases.Case", on_delete=models.CASCADE, related_name="plans", verbose_name=_("case")
    )
    number = models.PositiveSmallIntegerField(_("plan version"), default=1)
    status = models.CharField(
        _("status"), max_length=12, choices=PlanStatus.choices, default=PlanStatus.DRAFT
    )
    parent_view = models.TextField(
        _("the parent's view"),
        blank=True,
        help_text=_("How the parent sees the situation and the child's needs, in their words."),
    )
    parent_goals = models.TextField(_("the parent's own goals"), blank=True)
    starts_on = models.DateField(_("from"))
    review_on = models.DateField(_("review on"))
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("approved by"),
    )  # fmt: skip
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)

    SENSITIVE_FIELDS = ("parent_view", "parent_goals")

    class Meta:
        verbose_name = _("individual support plan")
        verbose_name_plural = _("individual support plans")
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["case", "number"], name="plan_version_once"),
            models.CheckConstraint(
                condition=models.Q(review_on__gt=models.F("starts_on")),
                name="plan_review_after_start",
                violation_error_message=_("The review date must be after the start of the plan."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case} — ИПП {self.number}"

    def get_absolute_url(self) -> str:
        return reverse("cases:plan", args=[self.pk])

    def clean(self) -> None:
        """A plan may start in the days to come; one starting decades ago is a typing slip."""
        super().clean()
        dates = DateChecks()
        dates.not_before("starts_on", self.starts_on, EARLIEST_RECORD, gettext("The start date"))
        dates.raise_any()


class PlanGoal(TenantModel):
    plan = models.ForeignKey(
        SupportPlan, on_delete=models.CASCADE, related_name="goals", verbose_name=_("plan")
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    text = models.CharField(_("goal"), max_length=400)

    class Meta:
        verbose_name = _("goal")
        verbose_name_plural = _("goals")
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.text


class PlanActivity(TenantModel):
    goal = models.ForeignKey(
        PlanGoal, on_delete=models.CASCADE, related_name="activities", verbose_name=_("goal")
    )
    what = models.CharField(_("what"), max_length=300)
    who = models.CharField(_("who"), max_length=200)
    frequency = models.CharField(_("how often"), max_length=100, blank=True)
    due_on = models.DateField(_("by when"), null=True, blank=True)

    class Meta:
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.what


class ReviewDecision(models.TextChoices):
    CONTINUE = "continue", _("continue the plan")
    CHANGE = "change", _("change the plan")
    CLOSE = "close", _("prepare the closure")


class Progress(models.TextChoices):
    NOT_STARTED = "not_started", _("not started")
    SOME = "some", _("some progress")
    GOOD = "good", _("good progress")
    ACHIEVED = "achieved", _("achieved")


class Review(TenantModel):
    """A review of the plan with the family: progress on each goal and what happens next."""

    case = models.ForeignKey(
        "cases.Case", on_delete=models.CASCADE, related_name="reviews", verbose_name=_("case")
    )
    plan = models.ForeignKey(
        SupportPlan, on_delete=models.PROTECT, related_name="reviews", verbose_name=_("plan")
    )
    held_on = models.DateField(_("held on"))
    decision = models.CharField(_("decision"), max_length=10, choices=ReviewDecision.choices)
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        verbose_name = _("review")
        verbose_name_plural = _("reviews")
        ordering = ["-held_on", "-id"]

    def __str__(self) -> str:
        return f"{self.case} — {self.held_on:%d.%m.%Y}"

    def clean(self) -> None:
        """A review is recorded once it was held."""
        super().clean()
        dates = DateChecks()
        dates.not_in_future("held_on", self.held_on, gettext("The date of the review"))
        dates.not_before(
            "held_on", self.held_on, EARLIEST_RECORD, gettext("The date of the review")
        )
        dates.raise_any()


class GoalProgress(TenantModel):
    review = models.ForeignKey(
        Review, on_delete=models.CASCADE, related_name="progress", verbose_name=_("review")
    )
    goal = models.ForeignKey(
        PlanGoal, on_delete=models.PROTECT, related_name="+", verbose_name=_("goal")
    )
    progress = models.CharField(_("progress"), max_length=12, choices=Progress.choices)
    comment = models.CharField(_("comment"), max_length=400, blank=True)

    class Meta:
        verbose_name = _("progress on a goal")
        verbose_name_plural = _("progress on goals")
        constraints = [
            models.UniqueConstraint(fields=["review", "goal"], name="goal_progress_once")
        ]

    def __str__(self) -> str:
        return f"{self.goal}: {self.get_progress_display()}"


class ServiceContract(TenantModel):
    """The contract for use of the service, signed with the parent, and its annexes."""

    case = models.ForeignKey(
        "cases.Case", on_delete=models.CASCADE, related_name="contracts", verbose_name=_("case")
    )
    number = models.CharField(_("contract number"), max_length=40)
    signed_on = models.DateField(_("signed on"))
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"), null=True, blank=True)

    class Meta:
        verbose_name = _("contract for use of the service")
        verbose_name_plural = _("contracts for use of the service")
        ordering = ["-signed_on"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__isnull=True)
                | models.Q(ends_on__gte=models.F("starts_on")),
                name="service_contract_ends_after_start",
                violation_error_message=_("The contract cannot end before it starts."),
            )
        ]

    def __str__(self) -> str:
        return f"№ {self.number}"

    def clean(self) -> None:
        """A contract is recorded once signed; it may start later."""
        super().clean()
        dates = DateChecks()
        dates.not_in_future("signed_on", self.signed_on, gettext("The signing date"))
        dates.not_before("signed_on", self.signed_on, EARLIEST_RECORD, gettext("The signing date"))
        dates.raise_any()


class ContractAnnex(TenantModel):
    contract = models.ForeignKey(
        ServiceContract,
        on_delete=models.CASCADE,
        related_name="annexes",
        verbose_name=_("contract"),
    )
    number = models.CharField(_("annex number"), max_length=40)
    signed_on = models.DateField(_("signed on"))
    summary = models.CharField(_("what it changes"), max_length=300)

    class Meta:
        verbose_name = _("annex")
        verbose_name_plural = _("annexes")
        ordering = ["signed_on", "id"]

    def __str__(self) -> str:
        return f"{self.contract} / {self.number}"

    def clean(self) -> None:
        super().clean()
        dates = DateChecks()
        dates.not_in_future("signed_on", self.signed_on, gettext("The signing date"))
        dates.not_before("signed_on", self.signed_on, EARLIEST_RECORD, gettext("The signing date"))
        dates.raise_any()
