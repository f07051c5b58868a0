"""Casework in a Community Support Centre: the referral, the case and the recorded work.

DESIGN.md §2 is the legal workflow: a child referred (usually by the Child Protection
Department), assessed, supported with a plan made with the parent, reviewed, and the case
closed — we hope — with the child living in a family.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from zakrila.core.models import TenantModel
from zakrila.core.plausible import EARLIEST_RECORD, DateChecks


class ReferralSource(models.TextChoices):
    CHILD_PROTECTION = (
        "child_protection",
        _("Child Protection Department (Social Assistance Directorate)"),
    )
    MATERNITY_WARD = "maternity_ward", _("maternity ward")
    HOSPITAL = "hospital", _("hospital")
    SCHOOL = "school", _("school or kindergarten")
    POLICE = "police", _("police")
    OTHER_PROVIDER = "other_provider", _("another provider of services")
    FAMILY = "family", _("the family itself")
    OTHER = "other", _("other")


class ReferralDecision(models.TextChoices):
    PENDING = "pending", _("waiting for a decision")
    ACCEPTED = "accepted", _("accepted")
    DECLINED = "declined", _("declined")
    REDIRECTED = "redirected", _("redirected")


class Referral(TenantModel):
    """A request that the service work with a child and family: who sent it, why, and what the
    unit decided. An accepted referral opens a case."""

    source = models.CharField(_("referred by"), max_length=20, choices=ReferralSource.choices)
    document_number = models.CharField(_("document number"), max_length=60, blank=True)
    document_date = models.DateField(_("document date"), null=True, blank=True)
    reason = models.TextField(_("reason for the referral"))
    person = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="referrals", verbose_name=_("child")
    )
    household = models.ForeignKey(
        "people.Household",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="referrals",
        verbose_name=_("household"),
    )
    unit = models.ForeignKey(
        "organisations.Unit",
        on_delete=models.PROTECT,
        related_name="referrals",
        verbose_name=_("to unit"),
    )
    received_on = models.DateField(_("received on"), default=timezone.localdate)
    decision = models.CharField(
        _("decision"),
        max_length=12,
        choices=ReferralDecision.choices,
        default=ReferralDecision.PENDING,
    )
    decision_reason = models.TextField(_("reason for the decision"), blank=True)
    redirected_to = models.CharField(_("redirected to"), max_length=200, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    class Meta:
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")
        ordering = ["-received_on", "-id"]
        indexes = [
            # The referrals waiting for a decision, shown above the case list: a few among many.
            models.Index(
                fields=["organisation", "-received_on", "-id"],
                condition=models.Q(decision="pending"),
                name="referral_pending_idx",
            )
        ]

    def __str__(self) -> str:
        number = f" № {self.document_number}" if self.document_number else ""
        return f"{self.get_source_display()}{number}"

    def get_absolute_url(self) -> str:
        return reverse("cases:referral", args=[self.pk])

    def clean(self) -> None:
        """A referral arrives after its document was written, and not in the future."""
        super().clean()
        dates = DateChecks()
        received, document = gettext("The date received"), gettext("The document date")
        dates.not_in_future("received_on", self.received_on, received)
        dates.not_before("received_on", self.received_on, EARLIEST_RECORD, received)
        dates.not_in_future("document_date", self.document_date, document)
        dates.not_before("document_date", self.document_date, EARLIEST_RECORD, document)
        dates.in_order(
            self.document_date,
            self.received_on,
            "received_on",
            gettext("The referral is received before its document was dated: check both dates."),
        )
        dates.raise_any()


class CaseStatus(models.TextChoices):
    REFERRED = "referred", _("referred")
    ASSESSMENT = "assessment", _("assessment")
    # The assessment is approved; support starts when the plan is approved.
    ASSESSED = "assessed", _("assessment done")
    SUPPORT = "support", _("support")
    CLOSED = "closed", _("closed")


# The moves a case may make. A closed case may be reopened into assessment; every move is kept.
CASE_TRANSITIONS: dict[str, frozenset[str]] = {
    CaseStatus.REFERRED: frozenset({CaseStatus.ASSESSMENT, CaseStatus.ASSESSED, CaseStatus.CLOSED}),
    CaseStatus.ASSESSMENT: frozenset({CaseStatus.ASSESSED, CaseStatus.SUPPORT, CaseStatus.CLOSED}),
    CaseStatus.ASSESSED: frozenset({CaseStatus.SUPPORT, CaseStatus.ASSESSMENT, CaseStatus.CLOSED}),
    CaseStatus.SUPPORT: frozenset({CaseStatus.ASSESSMENT, CaseStatus.CLOSED}),
    CaseStatus.CLOSED: frozenset({CaseStatus.ASSESSMENT}),
}


class RiskLevel(models.TextChoices):
    LOW = "low", _("low")
    MEDIUM = "medium", _("medium")
    HIGH = "high", _("high")


class CaseQuerySet(models.QuerySet["Case"]):
    def open(self) -> CaseQuerySet:
        return self.exclude(status=CaseStatus.CLOSED)


class Case(TenantModel):
    """The work of one unit with one child (or a pregnant woman or parent) and their family.

    A restricted case (violence, a high-profile family) is seen only by its team and the
    director; for everyone else it does not exist.
    """

    unit = models.ForeignKey(
        "organisations.Unit", on_delete=models.PROTECT, related_name="cases", verbose_name=_("unit")
    )
    number = models.CharField(_("case number"), max_length=40, editable=False)
    person = models.ForeignKey(
        "people.Person",
        on_delete=models.PROTECT,
        related_name="cases",
        verbose_name=_("child or parent"),
    )
    household = models.ForeignKey(
        "people.Household",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cases",
        verbose_name=_("household"),
    )
    referral = models.OneToOneField(
        Referral,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="case",
        verbose_name=_("referral"),
    )
    without_referral_reason = models.CharField(
        _("opened without a referral because"),
        max_length=300,
        blank=True,
        help_text=_(
            "Universally accessible services (information and consultation, up to two months) need no referral."
        ),
    )
    key_worker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="key_cases",
        verbose_name=_("key worker"),
    )
    team = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="team_cases", verbose_name=_("team")
    )
    status = models.CharField(
        _("status"), max_length=12, choices=CaseStatus.choices, default=CaseStatus.REFERRED
    )
    risk_level = models.CharField(
        _("risk level"), max_length=8, choices=RiskLevel.choices, default=RiskLevel.MEDIUM
    )
    is_restricted = models.BooleanField(
        _("restricted"),
        default=False,
        help_text=_(
            "Seen only by the case team and the director (violence, a high-profile family)."
        ),
    )
    opened_on = models.DateField(_("opened on"), default=timezone.localdate)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)

    objects = CaseQuerySet.as_manager()

    EDITABLE_FIELDS = ("risk_level", "is_restricted", "key_worker", "household")

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        ordering = ["-opened_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "number"],
                name="case_number_unique_per_organisation",
                violation_error_message=_("This case number is already used."),
            ),
            models.CheckConstraint(
                condition=~models.Q(referral__isnull=True, without_referral_reason=""),
                name="case_has_referral_or_reason",
                violation_error_message=_(
                    "A case needs a referral, or the reason it is opened without one."
                ),
            ),
        ]
        indexes = [
            models.Index(fields=["organisation", "status", "unit"], name="case_org_status_idx"),
            # The case list walks these newest first and stops after a page (keyset pagination),
            # instead of sorting every case of the organisation or the unit.
            models.Index(fields=["organisation", "-opened_on", "-id"], name="case_org_opened_idx"),
            models.Index(fields=["unit", "-opened_on", "-id"], name="case_unit_opened_idx"),
            # A worker's open cases (the home page's count, the list's "mine"): the open cases
            # of the organisation only, not the closed ones that pile up over the years.
            models.Index(
                fields=["organisation", "key_worker"],
                condition=~models.Q(status="closed"),
                name="case_open_key_worker_idx",
            ),
        ]

    def __str__(self) -> str:
        return self.number

    def get_absolute_url(self) -> str:
        return reverse("cases:case", args=[self.pk])

    def clean(self) -> None:
        """A case is opened and closed on days that have come, the closure after the opening."""
        super().clean()
        dates = DateChecks()
        dates.not_in_future("opened_on", self.opened_on, gettext("The opening date"))
        dates.not_before("opened_on", self.opened_on, EARLIEST_RECORD, gettext("The opening date"))
        dates.not_in_future("closed_on", self.closed_on, gettext("The closing date"))
        dates.in_order(
            self.opened_on,
            self.closed_on,
            "closed_on",
            gettext("The case is closed before it was opened."),
        )
        dates.raise_any()

    @property
    def is_open(self) -> bool:
        return self.status != CaseStatus.CLOSED

    def allowed_moves(self) -> list[str]:
        return sorted(CASE_TRANSITIONS[self.status])


class CaseCounter(models.Model):
    """The last case number given by a unit in a year (e.g. ЦОП-2026-0042)."""

    unit = models.ForeignKey("organisations.Unit", on_delete=models.CASCADE, related_name="+")
    year = models.PositiveIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["unit", "year"], name="case_counter_once")]

    def __str__(self) -> str:
        return f"{self.unit_id}/{self.year}: {self.last}"


class CaseStatusChange(TenantModel):
    """One move of a case between stages, with who made it and why; reopening included."""

    case = models.ForeignKey(
        Case, on_delete=models.CASCADE, related_name="status_changes", verbose_name=_("case")
    )
    from_status = models.CharField(_("from"), max_length=12, choices=CaseStatus.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=12, choices=CaseStatus.choices)
    reason = models.TextField(_("reason"), blank=True)
    changed_on = models.DateField(_("on"), default=timezone.localdate)

    class Meta:
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.case}: {self.from_status} → {self.to_status}"


class ContactKind(models.TextChoices):
    SOCIAL = "social", _("social consultation")
    PSYCHOLOGICAL = "psychological", _("psychological consultation")
    LEGAL = "legal", _("legal consultation")
    HOME_VISIT = "home_visit", _("home visit")
    ACCOMPANIMENT = "accompaniment", _("accompaniment")
    GROUP = "group", _("group session")
    PHONE = "phone", _("phone call")
    OUTREACH = "outreach", _("outreach")
    OTHER = "other", _("other")


class Contact(TenantModel):
    """A piece of recorded work with the family: a consultation, a home visit, a call.

    The note is confidential by default: only the case team, the director and specialists
    read a confidential note.
    """

    case = models.ForeignKey(
        Case, on_delete=models.CASCADE, related_name="contacts", verbose_name=_("case")
    )
    kind = models.CharField(_("kind"), max_length=16, choices=ContactKind.choices)
    occurred_at = models.DateTimeField(_("date and time"), default=timezone.now)
    duration_minutes = models.PositiveIntegerField(_("duration (minutes)"), default=60)
    staff = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="contacts", verbose_name=_("staff")
    )
    participants = models.CharField(_("participants"), max_length=300, blank=True)
    place = models.CharField(_("place"), max_length=200, blank=True)
    note = models.TextField(_("note"), blank=True)
    is_confidential = models.BooleanField(_("confidential note"), default=True)

    SENSITIVE_FIELDS = ("note",)

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        ordering = ["-occurred_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(duration_minutes__lte=24 * 60),
                name="contact_duration_within_a_day",
                violation_error_message=_(
                    "A contact lasts at most 24 hours; split longer work into days."
                ),
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.occurred_at:%d.%m.%Y}"

    def clean(self) -> None:
        """Contacts are recorded after they happen, and last some time."""
        super().clean()
        dates = DateChecks()
        when = gettext("The date of the contact")
        dates.not_in_future("occurred_at", self.occurred_at, when)
        dates.not_before("occurred_at", self.occurred_at, EARLIEST_RECORD, when)
        if self.duration_minutes is not None and self.duration_minutes < 1:
            dates.refuse(
                "duration_minutes", gettext("A contact lasts at least one minute: enter how long.")
            )
        dates.raise_any()


class ClosureOutcome(models.TextChoices):
    STAYS_IN_FAMILY = "stays_in_family", _("the child stays in the family")
    REINTEGRATED = "reintegrated", _("reintegrated into the family")
    KINSHIP = "kinship", _("kinship care")
    FOSTER = "foster", _("foster care")
    FAMILY_TYPE = "family_type_placement", _("family-type placement")
    ADOPTION = "adoption", _("adoption")
    OTHER_SERVICE = "other_service", _("moved to another service")
    MOVED_AWAY = "moved_away", _("moved away")
    OTHER = "other", _("other")


# The outcomes that mean the child lives in a family: what the work is for.
FAMILY_OUTCOMES = frozenset(
    {
        ClosureOutcome.STAYS_IN_FAMILY,
        ClosureOutcome.REINTEGRATED,
        ClosureOutcome.KINSHIP,
        ClosureOutcome.FOSTER,
        ClosureOutcome.ADOPTION,
    }
)


class Closure(TenantModel):
    """The proposal to close a case, with its outcome, and the director's approval."""

    case = models.OneToOneField(
        Case, on_delete=models.CASCADE, related_name="closure", verbose_name=_("case")
    )
    outcome = models.CharField(_("outcome"), max_length=24, choices=ClosureOutcome.choices)
    reason = models.TextField(_("reason for closing"))
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("approved by"),
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)

    class Meta:
        verbose_name = _("closure")
        verbose_name_plural = _("closures")

    def __str__(self) -> str:
        return f"{self.case}: {self.get_outcome_display()}"

    @property
    def is_approved(self) -> bool:
        return self.approved_at is not None


FOLLOW_UP_MONTHS = (3, 6, 12)


class FollowUp(TenantModel):
    """A check after closure, at 3, 6 and 12 months: does the child still live in a family?"""

    case = models.ForeignKey(
        Case, on_delete=models.CASCADE, related_name="follow_ups", verbose_name=_("case")
    )
    months = models.PositiveSmallIntegerField(_("months after closure"))
    due_on = models.DateField(_("due on"))
    done_on = models.DateField(_("done on"), null=True, blank=True)
    lives_in_family = models.BooleanField(_("the child lives in a family"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        verbose_name = _("follow-up")
        verbose_name_plural = _("follow-ups")
        ordering = ["due_on"]
        constraints = [
            models.UniqueConstraint(fields=["case", "months"], name="follow_up_once_per_month")
        ]

    def __str__(self) -> str:
        return f"{self.case}: +{self.months}"

    def clean(self) -> None:
        super().clean()
        dates = DateChecks()
        dates.not_in_future("done_on", self.done_on, gettext("The date of the follow-up"))
        dates.raise_any()


class TaskKind(models.TextChoices):
    ASSESSMENT_DUE = "assessment_due", _("assessment due")
    REVIEW_DUE = "review_due", _("plan review due")
    FOLLOW_UP = "follow_up", _("follow-up")
    APPROVAL = "approval", _("approval waiting")
    MANUAL = "manual", _("task")


def rule_task_title(rule_key: str, case_number: str | None) -> str | None:
    """The title of a task made by one of the case rules (``reminders.py``, closure), from its
    rule key ("follow_up:<case>:<months>", "review:<plan>", ...), or None for any other task."""
    if not rule_key or case_number is None:
        return None
    rule, _sep, rest = rule_key.partition(":")
    values: dict[str, object] = {"number": case_number}
    if rule == "assessment":
        return gettext("Complete the assessment of %(number)s") % values
    if rule == "review":
        return gettext("Review the plan of %(number)s with the family") % values
    if rule == "closure":
        return gettext("Approve the closure of %(number)s") % values
    if rule == "follow_up":
        months = rest.rpartition(":")[2]
        if months.isdigit():
            return follow_up_title(case_number, int(months))
    return None


def follow_up_title(case_number: str, months: int) -> str:
    return ngettext(
        "Follow-up of %(number)s, %(months)s month after closure",
        "Follow-up of %(number)s, %(months)s months after closure",
        months,
    ) % {"number": case_number, "months": months}


class TaskQuerySet(models.QuerySet["Task"]):
    def open(self) -> TaskQuerySet:
        return self.filter(done_at__isnull=True)


class Task(TenantModel):
    """A piece of work due by a date: made by rules (``rule_key`` keeps them unique and lets
    the periodic job close them when no longer needed) or by hand."""

    kind = models.CharField(
        _("kind"), max_length=16, choices=TaskKind.choices, default=TaskKind.MANUAL
    )
    title = models.CharField(_("what"), max_length=200)
    case = models.ForeignKey(
        Case,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="tasks",
        verbose_name=_("case"),
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="tasks",
        verbose_name=_("who"),
    )
    due_on = models.DateField(_("due on"))
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    rule_key = models.CharField(max_length=80, blank=True, editable=False)

    objects = TaskQuerySet.as_manager()

    class Meta:
        verbose_name = _("task")
        verbose_name_plural = _("tasks")
        ordering = ["due_on", "id"]
        constraints = [
            # The rule's key leads: the reminders job asks which of a thousand keys have their
            # task already, in one query (cases.reminders).
            models.UniqueConstraint(
                fields=["rule_key", "organisation", "assignee"],
                condition=~models.Q(rule_key=""),
                name="task_rule_once_by_key",
            )
        ]
        indexes = [
            models.Index(fields=["assignee", "done_at", "due_on"], name="task_assignee_open_idx")
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return self.case.get_absolute_url() if self.case else reverse("cases:my_work")

    @property
    def display_title(self) -> str:
        """What the task asks, in the reader's language. A task made by a rule is named from its
        rule and case when it is shown (the stored ``title`` is in the language of the moment it
        was made, often the night job's); a task written by a person is shown as written."""
        if not self.rule_key or self.case is None:
            return self.title
        return rule_task_title(self.rule_key, self.case.number) or self.title

    def is_overdue(self, today: object = None) -> bool:
        day = today or timezone.localdate()
        return self.done_at is None and self.due_on < day  # type: ignore[operator]
