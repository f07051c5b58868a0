"""Group programmes, such as the parents' mutual-help group „Необикновени родители –
необикновени деца": members, sessions and attendance taken from a tablet in seconds.

Attendance follows CiviCRM's participant statuses: everyone on the list is *registered* for a
session; the facilitator marks who *attended* (one tap each), who *cancelled* beforehand, and
the rest are a *no-show*. Who missed the last three sessions is shown to the facilitator.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from zakrila.core.models import TenantModel
from zakrila.core.text import clean_bidi_fields


class Group(TenantModel):
    """A group that meets regularly, with its facilitators."""

    unit = models.ForeignKey(
        "organisations.Unit", on_delete=models.PROTECT, related_name="+", verbose_name=_("unit")
    )
    programme = models.ForeignKey(
        "organisations.Programme",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("programme"),
    )
    name = models.CharField(_("name"), max_length=200)
    meets = models.CharField(
        _("meets"), max_length=200, blank=True, help_text=_("e.g. “every Tuesday, 17:30”")
    )
    facilitators = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="+", verbose_name=_("facilitators")
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("group")
        verbose_name_plural = _("groups")
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("programmes:group", args=[self.pk])


class GroupMember(TenantModel):
    """A member of a group: a registered person, or only a first name for someone who is not
    registered (a parent who comes to the group and to nothing else)."""

    group = models.ForeignKey(
        Group, on_delete=models.CASCADE, related_name="members", verbose_name=_("group")
    )
    person = models.ForeignKey(
        "people.Person",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("person"),
    )
    first_name = models.CharField(_("first name"), max_length=100, blank=True)
    joined_on = models.DateField(_("joined on"))
    left_on = models.DateField(_("left on"), null=True, blank=True)

    class Meta:
        verbose_name = _("group member")
        verbose_name_plural = _("group members")
        ordering = ["first_name", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(person__isnull=False) | ~models.Q(first_name=""),
                name="group_member_has_a_person_or_name",
                violation_error_message=_("Choose a registered person or write a first name."),
            ),
            models.UniqueConstraint(
                fields=["group", "person"],
                condition=models.Q(person__isnull=False),
                name="group_member_once",
                violation_error_message=_("This person is already a member of the group."),
            ),
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        if self.person is not None:
            return self.person.display_name
        return self.first_name

    def clean(self) -> None:
        clean_bidi_fields(self, ("first_name",))  # no right-to-left tricks in names
        super().clean()


class GroupSession(TenantModel):
    """One meeting of a group."""

    group = models.ForeignKey(
        Group, on_delete=models.CASCADE, related_name="sessions", verbose_name=_("group")
    )
    held_on = models.DateField(_("date"))
    topic = models.CharField(_("topic"), max_length=200)
    duration_minutes = models.PositiveSmallIntegerField(_("duration (minutes)"), default=90)
    facilitators = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="+", verbose_name=_("facilitators")
    )
    notes = models.TextField(_("notes"), blank=True)
    attendance_taken_at = models.DateTimeField(_("attendance taken at"), null=True, blank=True)
    attendance_taken_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("attendance taken by"),
    )

    class Meta:
        verbose_name = _("group session")
        verbose_name_plural = _("group sessions")
        ordering = ["-held_on", "-id"]
        indexes = [models.Index(fields=["group", "held_on"], name="groupsession_group_day_idx")]

    def __str__(self) -> str:
        return f"{self.group} {self.held_on:%d.%m.%Y}"

    def get_absolute_url(self) -> str:
        return reverse("programmes:group_attendance", args=[self.pk])


class AttendanceStatus(models.TextChoices):
    REGISTERED = "registered", _("registered")
    ATTENDED = "attended", _("attended")
    NO_SHOW = "no_show", _("did not come")
    CANCELLED = "cancelled", _("cancelled")


class Attendance(TenantModel):
    """A member's (or a guest's) part in one session."""

    session = models.ForeignKey(
        GroupSession, on_delete=models.CASCADE, related_name="attendance", verbose_name=_("session")
    )
    member = models.ForeignKey(
        GroupMember,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="attendance",
        verbose_name=_("member"),
    )
    guest_name = models.CharField(_("guest"), max_length=100, blank=True)
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=AttendanceStatus.choices,
        default=AttendanceStatus.REGISTERED,
    )
    with_child = models.BooleanField(_("came with the child"), default=False)

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        constraints = [
            models.UniqueConstraint(
                fields=["session", "member"],
                condition=models.Q(member__isnull=False),
                name="attendance_once_per_member",
                violation_error_message=_("This member is already on the session's list."),
            ),
            models.CheckConstraint(
                condition=models.Q(member__isnull=False) | ~models.Q(guest_name=""),
                name="attendance_member_or_guest",
                violation_error_message=_("Attendance is of a member or of a named guest."),
            ),
        ]

    def __str__(self) -> str:
        who = self.member.display_name if self.member is not None else self.guest_name
        return f"{who}: {self.get_status_display()}"
