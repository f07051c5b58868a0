"""Street work and field work: sessions out in the town, the people met there, and drop-in
visits at the Centre for Street Children.

A child met on the street is usually anonymous at first ("момче, ~12 г., гара Русе"): the
contact creates the anonymous person of the registry (``people.Person`` with a description, an
estimated birth date and a nickname as another name), and the same child met again is linked
to that record, so their history is one from the first meeting. When the child says who they
are, the record is identified in place and the history stays with it.

Field health-education sessions (family planning) are outreach sessions too: their attendance
is the registered women met (contacts) plus a count of the others.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from zakrila.core.models import TenantModel


class OutreachKind(models.TextChoices):
    STREET = "street", _("street work")
    FIELD = "field", _("field health-education session")


class OutreachSession(TenantModel):
    """Workers out in the town: where, when, who went, and (for a health talk) the topic."""

    unit = models.ForeignKey(
        "organisations.Unit", on_delete=models.PROTECT, related_name="+", verbose_name=_("unit")
    )
    kind = models.CharField(
        _("kind"), max_length=10, choices=OutreachKind.choices, default=OutreachKind.STREET
    )
    place = models.CharField(_("where"), max_length=200)
    starts_at = models.DateTimeField(_("when"))
    duration_minutes = models.PositiveSmallIntegerField(_("duration (minutes)"), default=120)
    workers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="+", verbose_name=_("who went")
    )
    topic = models.CharField(_("topic"), max_length=200, blank=True)
    headcount = models.PositiveSmallIntegerField(
        _("others present (count)"),
        default=0,
        help_text=_("People present who are not recorded by name."),
    )
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        verbose_name = _("outreach session")
        verbose_name_plural = _("outreach sessions")
        ordering = ["-starts_at", "-id"]
        indexes = [
            models.Index(fields=["organisation", "starts_at"], name="outreach_org_start_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.place} {self.starts_at:%d.%m.%Y}"

    def get_absolute_url(self) -> str:
        return reverse("programmes:outreach_session", args=[self.pk])


class OutreachContact(TenantModel):
    """A person met in a session: for street work, a child (often anonymous); for a field
    session, a registered woman who attended."""

    session = models.ForeignKey(
        OutreachSession,
        on_delete=models.CASCADE,
        related_name="contacts",
        verbose_name=_("session"),
    )
    person = models.ForeignKey(
        "people.Person",
        on_delete=models.PROTECT,
        related_name="outreach_contacts",
        verbose_name=_("person"),
    )
    note = models.TextField(_("what happened"), blank=True)

    class Meta:
        verbose_name = _("outreach contact")
        verbose_name_plural = _("outreach contacts")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "person"],
                name="outreach_contact_once_per_session",
                violation_error_message=_("This person is already recorded in this session."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.session}: {self.person}"


class DropInVisit(TenantModel):
    """A child's visit to the Centre for Street Children: a meal, a shower, clothes, a talk."""

    unit = models.ForeignKey(
        "organisations.Unit", on_delete=models.PROTECT, related_name="+", verbose_name=_("unit")
    )
    person = models.ForeignKey(
        "people.Person",
        on_delete=models.PROTECT,
        related_name="drop_in_visits",
        verbose_name=_("child"),
    )
    visited_on = models.DateField(_("date"))
    meal = models.BooleanField(_("meal"), default=False)
    shower = models.BooleanField(_("shower"), default=False)
    clothes = models.BooleanField(_("clothes"), default=False)
    consultation = models.BooleanField(_("consultation"), default=False)
    note = models.TextField(_("note"), blank=True)

    SERVICES = ("meal", "shower", "clothes", "consultation")

    class Meta:
        verbose_name = _("drop-in visit")
        verbose_name_plural = _("drop-in visits")
        ordering = ["-visited_on", "-id"]
        indexes = [
            models.Index(fields=["organisation", "visited_on"], name="dropin_org_day_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.person} {self.visited_on:%d.%m.%Y}"
