"""The base every tenant-owned record stands on."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.encoding import force_str
from django.utils.hashable import make_hashable
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _


class TenantModel(models.Model):
    """A record that belongs to one organisation, with who made and last changed it.

    ``organisation_id`` is on every tenant-owned table: the policy filters by it, and it is the
    natural distribution column when a national network shards by provider. ``version`` counts
    saves, so an edit made from a stale form can be refused instead of overwriting a colleague.
    """

    organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("organisation"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("updated by"),
    )
    version = models.PositiveIntegerField(_("version"), default=1)

    class Meta:
        abstract = True

    def _get_FIELD_display(self, field: Any) -> str:
        """``get_<field>_display()`` as Django's, but building the value → label map once per
        field instead of on every call (lists show a status and a risk on every row). The
        labels stay lazy, so each call still answers in the language of the request."""
        labels = field.__dict__.get("_zakrila_labels")
        if labels is None:
            labels = field._zakrila_labels = dict(make_hashable(field.flatchoices))
        value = getattr(self, field.attname)
        return force_str(labels.get(make_hashable(value), value), strings_only=True)


def same_organisation(*records: Any) -> None:
    """Records of one write belong to one organisation (the views fetch them through the
    policy; this keeps a service called from elsewhere honest too). ``None`` (an optional
    record left out) is passed over."""
    organisations = {record.organisation_id for record in records if record is not None}
    if len(organisations) > 1:
        raise ValidationError(
            gettext("These records belong to different organisations."), code="cross_org"
        )


class Submission(models.Model):
    """A form that was sent and what it created: the same form sent twice (a double click, a
    retry over a bad connection, the offline outbox sending again) creates one record.

    The key is made when the form is shown (or by the offline outbox) and sent with it; the
    first submission claims it in the same transaction as the record it creates.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("user"),
    )
    key = models.UUIDField(_("submission key"))
    path = models.CharField(_("page"), max_length=300)
    created_at = models.DateTimeField(_("sent at"), auto_now_add=True)
    object_type = models.CharField(_("record type"), max_length=60, blank=True)
    object_id = models.CharField(_("record id"), max_length=40, blank=True)
    url = models.CharField(_("address of the record"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("form submission")
        verbose_name_plural = _("form submissions")
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="submission_once_per_user")
        ]
        indexes = [models.Index(fields=["created_at"], name="submission_created_idx")]

    def __str__(self) -> str:
        return f"{self.key} {self.object_type}:{self.object_id}"
