"""The programme engine: a person enrolled in a programme, and the visits scheduled for them."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zakrila.core.models import TenantModel
from zakrila.programmes.schedules import Schedule, VisitDefinition, schedule_for

if TYPE_CHECKING:
    from zakrila.organisations.models import Programme


class EnrolmentStatus(models.TextChoices):
    ACTIVE = "active", _("active")
    COMPLETED = "completed", _("completed")
    LEFT = "left", _("left the programme")
    TRANSFERRED = "transferred", _("transferred")


class Enrolment(TenantModel):
    """A person (a mother, a newborn, a child; a family through its household) in one of the
    organisation's programmes, enrolled by a unit and followed by a worker, optionally linked to
    a case. Its outcome comes from the programme's own list (``schedules``); its anchors are the
    dates its visits are scheduled from (the last menstrual period, the day a child left an
    institution); birth and enrolment dates come from the person and the enrolment."""

    programme = models.ForeignKey(
        "organisations.Programme",
        on_delete=models.PROTECT,
        related_name="enrolments",
        verbose_name=_("programme"),
    )
    unit = models.ForeignKey(
        "organisations.Unit",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("enrolled by unit"),
    )
    person = models.ForeignKey(
        "people.Person",
        on_delete=models.PROTECT,
        related_name="enrolments",
        verbose_name=_("person"),
    )
    household = models.ForeignKey(
        "people.Household",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="enrolments",
        verbose_name=_("household"),
    )
    case = models.ForeignKey(
        "cases.Case",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="enrolments",
        verbose_name=_("case"),
    )
    worker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("responsible worker"),
    )
    status = models.CharField(
        _("status"), max_length=12, choices=EnrolmentStatus.choices, default=EnrolmentStatus.ACTIVE
    )
    stage = models.CharField(_("stage"), max_length=40, blank=True)
    stage_since = models.DateField(_("in this stage since"), null=True, blank=True)
    started_on = models.DateField(_("enrolled on"), default=timezone.localdate)
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=40, blank=True)
    outcome_on = models.DateField(_("outcome date"), null=True, blank=True)
    anchors = models.JSONField(_("dates the visits are scheduled from"), default=dict, blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")
        ordering = ["-started_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "person"],
                condition=models.Q(status="active"),
                name="enrolment_one_active_per_person_and_programme",
                violation_error_message=_("This person is already enrolled in this programme."),
            ),
            models.CheckConstraint(
                condition=models.Q(status="active") | models.Q(ended_on__isnull=False),
                name="enrolment_ended_has_date",
                violation_error_message=_("An enrolment that ended needs the date it ended."),
            ),
        ]
        indexes = [
            models.Index(
                fields=["programme", "status", "-started_on"], name="enrol_prog_status_idx"
            ),
            models.Index(fields=["programme", "-outcome_on"], name="enrol_prog_outcome_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.programme} — {self.person}"

    def get_absolute_url(self) -> str:
        return reverse("programmes:enrolment", args=[self.pk])

    @property
    def schedule(self) -> Schedule:
        return schedule_for(self.programme.kind)

    @property
    def is_active(self) -> bool:
        return self.status == EnrolmentStatus.ACTIVE

    def anchor_date(self, anchor: str) -> dt.date | None:
        """The date a visit is scheduled from, or None while it is not known."""
        if anchor == "enrolment":
            return self.started_on
        if anchor == "birth" and not self.anchors.get("birth"):
            return self.person.birth_date
        raw = self.anchors.get(anchor)
        return dt.date.fromisoformat(raw) if raw else None

    def outcome_label(self) -> str:
        found = self.schedule.outcome(self.outcome) if self.outcome else None
        return found.title if found else self.outcome

    def stage_label(self) -> str:
        found = self.schedule.stage(self.stage) if self.stage else None
        return found.title if found else self.stage

    def clean(self) -> None:
        super().clean()
        programme: Programme | None = getattr(self, "programme", None)
        if programme is None:
            return
        if programme.organisation_id != self.organisation_id:
            raise ValidationError(
                {"programme": _("The programme belongs to another organisation.")}
            )
        schedule = schedule_for(programme.kind)
        if self.outcome and schedule.outcomes and schedule.outcome(self.outcome) is None:
            raise ValidationError({"outcome": _("Choose an outcome from the programme's list.")})
        if self.stage and schedule.stages and schedule.stage(self.stage) is None:
            raise ValidationError({"stage": _("Choose a stage of the programme.")})
        today = timezone.localdate()
        for name in ("started_on", "ended_on", "outcome_on"):
            value = getattr(self, name)
            if value and value > today:
                raise ValidationError({name: _("This date is in the future.")})
        if self.ended_on and self.ended_on < self.started_on:
            raise ValidationError({"ended_on": _("The enrolment cannot end before it started.")})


class VisitStatus(models.TextChoices):
    PLANNED = "planned", _("planned")
    DONE = "done", _("done")
    MISSED = "missed", _("missed")
    CANCELLED = "cancelled", _("cancelled")


class VisitKind(models.TextChoices):
    HOME = "home", _("home visit")
    WARD = "ward", _("visit at the maternity ward")
    OFFICE = "office", _("at the centre")
    ACCOMPANIMENT = "accompaniment", _("accompaniment to a consultation")
    PHONE = "phone", _("phone call")
    OTHER = "other", _("other")


class Visit(TenantModel):
    """A visit of a programme's schedule: due on a day, open within a window, then done, or
    marked missed with a reason. A planned visit past the end of its window is overdue; nothing
    makes a missed visit disappear silently. ``programme``, ``unit`` and ``worker`` repeat the
    enrolment's so that the lists of due and overdue visits read one index."""

    enrolment = models.ForeignKey(
        Enrolment, on_delete=models.CASCADE, related_name="visits", verbose_name=_("enrolment")
    )
    # The enrolment's programme, unit, worker and case, repeated: the lists filter visits by
    # them and by the case's visibility without joining the enrolments (the composite indexes
    # below lead with the first three, so these columns need no index of their own).
    programme = models.ForeignKey(
        "organisations.Programme",
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
        verbose_name=_("programme"),
    )
    unit = models.ForeignKey(
        "organisations.Unit",
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
        verbose_name=_("unit"),
    )
    worker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
        verbose_name=_("responsible worker"),
    )
    case = models.ForeignKey(
        "cases.Case",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
        verbose_name=_("case"),
    )
    stage = models.CharField(_("stage"), max_length=40, blank=True)
    key = models.CharField(_("scheduled visit"), max_length=40, blank=True)
    sequence = models.PositiveIntegerField(_("number in the series"), default=1)
    due_on = models.DateField(_("due on"))
    window_start = models.DateField(_("window opens"))
    window_end = models.DateField(_("window closes"))
    status = models.CharField(
        _("status"), max_length=10, choices=VisitStatus.choices, default=VisitStatus.PLANNED
    )
    done_on = models.DateField(_("done on"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("done by"),
    )
    kind = models.CharField(_("kind"), max_length=16, choices=VisitKind.choices, blank=True)
    duration_minutes = models.PositiveIntegerField(_("duration (minutes)"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    missed_reason = models.CharField(_("why it did not happen"), max_length=300, blank=True)
    answers = models.JSONField(_("answers"), default=dict, blank=True)

    SENSITIVE_FIELDS = ("note",)

    class Meta:
        verbose_name = _("visit")
        verbose_name_plural = _("visits")
        ordering = ["due_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(window_start__lte=models.F("due_on"))
                & models.Q(due_on__lte=models.F("window_end")),
                name="visit_due_within_window",
                violation_error_message=_("A visit is due within its window."),
            ),
            models.CheckConstraint(
                condition=~models.Q(status="done") | models.Q(done_on__isnull=False),
                name="visit_done_has_date",
                violation_error_message=_("A visit that was done needs the date it was done."),
            ),
        ]
        # The due and overdue lists: planned visits of a unit, a programme or a worker, by
        # the end of their window (overdue) and by the day they are due (due this week). Each
        # begins with the organisation, which the access policy always names (a unit alone
        # made the planner AND it with the organisation's whole index), and carries the other
        # date and the case, so the counts and the policy's case check read the index alone
        # (PostgreSQL; SQLite ignores what is included).
        indexes = [
            models.Index(fields=["enrolment", "due_on"], name="visit_enrolment_idx"),
            *(
                models.Index(
                    fields=["organisation", scope, "status", order],
                    include=[other, "case"],
                    name=f"visit_{label}_{suffix}_idx",
                )
                for scope, label in (("unit", "unit"), ("programme", "prog"), ("worker", "worker"))
                for order, other, suffix in (
                    ("window_end", "due_on", "end"),
                    ("due_on", "window_end", "due"),
                )
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} {self.due_on:%d.%m.%Y}"

    def get_absolute_url(self) -> str:
        return reverse("programmes:visit", args=[self.pk])

    @property
    def definition(self) -> VisitDefinition | None:
        return schedule_for(self.programme.kind).visit(self.key) if self.key else None

    @property
    def title(self) -> str:
        definition = self.definition
        if definition is None:
            return str(_("Visit outside the schedule"))
        if self.sequence > 1:
            return f"{definition.title} {self.sequence}"
        return definition.title

    def is_overdue(self, today: dt.date | None = None) -> bool:
        """Not done by the end of its window."""
        today = today or timezone.localdate()
        return self.status == VisitStatus.PLANNED and self.window_end < today

    def clean(self) -> None:
        super().clean()
        if self.done_on and self.done_on > timezone.localdate():
            raise ValidationError({"done_on": _("A visit cannot be recorded for a future date.")})
