"""The „SOS – родител" line: a log of calls as helplines keep one, mostly anonymous.

A call is numbered per organisation and day (``20260412-0003``). The caller's name and number
are never required; an anonymous call holds no personal data at all. The concern is chosen
from a list of categories with subcategories kept as data
(``template_data/call_categories.json``), so the figures stay comparable month to month. Calls that were not a consultation (silence, a wrong
number, a joke) are counted with one tap, without a form.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from zakrila.core.models import TenantModel
from zakrila.core.plausible import EARLIEST_RECORD, DateChecks
from zakrila.core.text import clean_bidi_fields


class CallChannel(models.TextChoices):
    PHONE = "phone", _("phone")
    IN_PERSON = "in_person", _("in person")
    MESSAGE = "message", _("message")


class CallerKind(models.TextChoices):
    PARENT = "parent", _("a parent about a child")
    CHILD = "child", _("a child about themself")
    RELATIVE = "relative", _("a relative or neighbour")
    PROFESSIONAL = "professional", _("a professional")
    OTHER = "other", _("other")


class OnwardReferral(models.TextChoices):
    NONE = "", _("no onward referral (advice given)")
    COMMUNITY_SUPPORT = "community_support", _("Community Support Centre")
    CHILD_PROTECTION = "child_protection", _("Child Protection Department")
    HEALTH = "health", _("a health service")
    POLICE = "police", _("police")
    OTHER = "other", _("other service")


class NonContactKind(models.TextChoices):
    SILENT = "silent", _("silent call")
    WRONG_NUMBER = "wrong_number", _("wrong number")
    JOKE = "joke", _("joke or abuse")
    HUNG_UP = "hung_up", _("hung up at once")


class CallCounter(models.Model):
    """The last call number given in an organisation on a day (``YYYYMMDD-NNNN``)."""

    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    day = models.DateField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("call counter")
        verbose_name_plural = _("call counters")
        constraints = [
            models.UniqueConstraint(fields=["organisation", "day"], name="call_counter_per_day")
        ]

    def __str__(self) -> str:
        return f"{self.day:%Y%m%d}: {self.last}"


class Call(TenantModel):
    """One consultation on the line: who called (usually without a name), about what, the
    advice given and where the caller was sent on."""

    unit = models.ForeignKey(
        "organisations.Unit", on_delete=models.PROTECT, related_name="+", verbose_name=_("unit")
    )
    number = models.CharField(_("number"), max_length=13, editable=False)
    started_at = models.DateTimeField(_("date and time"))
    duration_minutes = models.PositiveSmallIntegerField(_("duration (minutes)"), default=10)
    channel = models.CharField(
        _("channel"), max_length=12, choices=CallChannel.choices, default=CallChannel.PHONE
    )
    anonymous = models.BooleanField(_("anonymous"), default=True)
    caller_name = models.CharField(_("caller's name"), max_length=120, blank=True)
    caller_phone = models.CharField(_("caller's phone"), max_length=40, blank=True)
    caller_kind = models.CharField(
        _("who calls"), max_length=14, choices=CallerKind.choices, default=CallerKind.PARENT
    )
    category = models.CharField(_("concern"), max_length=40)
    subcategory = models.CharField(_("concern in detail"), max_length=40, blank=True)
    repeat_caller = models.BooleanField(_("has called before"), default=False)
    advice = models.TextField(_("advice given"), blank=True)
    referred_to = models.CharField(
        _("referred on to"),
        max_length=20,
        choices=OnwardReferral.choices,
        default=OnwardReferral.NONE,
        blank=True,
    )
    referral = models.ForeignKey(
        "cases.Referral",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("referral into casework"),
    )
    callback_task = models.ForeignKey(
        "cases.Task",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("callback"),
    )
    taken_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("taken by"),
    )

    class Meta:
        verbose_name = _("call")
        verbose_name_plural = _("calls")
        ordering = ["-started_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "number"],
                name="call_number_unique_per_organisation",
                violation_error_message=_("A call with this number is already logged."),
            ),
            models.CheckConstraint(
                condition=~models.Q(anonymous=True)
                | (models.Q(caller_name="") & models.Q(caller_phone="")),
                name="call_anonymous_holds_no_name",
                violation_error_message=_(
                    "An anonymous call keeps no name or number of the caller."
                ),
            ),
        ]
        indexes = [
            models.Index(fields=["organisation", "started_at"], name="call_org_started_idx"),
        ]

    def __str__(self) -> str:
        return self.number

    def get_absolute_url(self) -> str:
        return reverse("programmes:call", args=[self.pk])

    def clean(self) -> None:
        """A call is logged after it is taken (an offline copy is sent later with its own
        time, still in the past)."""
        clean_bidi_fields(self, ("caller_name",))  # no right-to-left tricks in names
        super().clean()
        dates = DateChecks()
        when = gettext("The time of the call")
        dates.not_in_future("started_at", self.started_at, when)
        dates.not_before("started_at", self.started_at, EARLIEST_RECORD, when)
        dates.raise_any()


class NonContact(TenantModel):
    """A call that was not a consultation, counted with one tap."""

    unit = models.ForeignKey(
        "organisations.Unit", on_delete=models.PROTECT, related_name="+", verbose_name=_("unit")
    )
    kind = models.CharField(_("kind"), max_length=14, choices=NonContactKind.choices)
    occurred_at = models.DateTimeField(_("at"))

    class Meta:
        verbose_name = _("call without a consultation")
        verbose_name_plural = _("calls without a consultation")
        indexes = [
            models.Index(fields=["organisation", "occurred_at"], name="noncontact_org_at_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.occurred_at:%Y-%m-%d %H:%M}"
