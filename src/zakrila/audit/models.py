"""The append-only, hash-chained audit trail."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

GENESIS_HASH = "0" * 64


class AuditAction(models.TextChoices):
    VIEW = "view", _("viewed")
    CREATE = "create", _("created")
    UPDATE = "update", _("changed")
    DELETE = "delete", _("deleted")
    MERGE = "merge", _("merged")
    EXPORT = "export", _("exported")
    PRINT = "print", _("printed")
    DOWNLOAD = "download", _("downloaded")
    SEARCH = "search", _("searched")
    LOGIN = "login", _("logged in")
    LOGOUT = "logout", _("logged out")
    LOGIN_FAILED = "login_failed", _("failed login")
    LOCKED_OUT = "locked_out", _("locked out")
    DENIED = "denied", _("refused by the access policy")
    OVERRIDE = "override", _("override")


class AuditEvent(models.Model):
    """One thing that happened to personal data or to access: who, when, what, to which record.

    Rows are never updated or deleted (on PostgreSQL a trigger refuses it). Each organisation has
    its own chain: a row stores its number in the chain, the hash of the previous row and the
    hash of its own content, so ``zakrila audit verify`` finds any altered, inserted or missing
    row. The actor and organisation are kept as plain ids, without database foreign keys, so
    that nothing elsewhere can ever cascade into this table.
    """

    chain = models.CharField(_("chain"), max_length=40)
    seq = models.PositiveBigIntegerField(_("number in chain"))
    occurred_at = models.DateTimeField(_("when"), db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("who"),
    )
    actor_label = models.CharField(_("who (as written)"), max_length=254, blank=True)
    organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("organisation"),
    )
    action = models.CharField(_("action"), max_length=20, choices=AuditAction.choices)
    object_type = models.CharField(_("record type"), max_length=60, blank=True)
    object_id = models.CharField(_("record id"), max_length=40, blank=True)
    person_id = models.BigIntegerField(_("person concerned"), null=True, blank=True)
    changes = models.JSONField(_("changes"), default=dict, blank=True)
    details = models.JSONField(_("details"), default=dict, blank=True)
    ip_address = models.GenericIPAddressField(_("address"), null=True, blank=True)
    request_id = models.CharField(_("request id"), max_length=64, blank=True)
    prev_hash = models.CharField(_("previous hash"), max_length=64)
    hash = models.CharField(_("hash"), max_length=64)

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-occurred_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["chain", "seq"], name="audit_event_chain_seq_unique")
        ]
        indexes = [
            models.Index(fields=["organisation", "-occurred_at"], name="audit_org_time_idx"),
            models.Index(fields=["person_id", "-occurred_at"], name="audit_person_time_idx"),
            models.Index(fields=["object_type", "object_id"], name="audit_object_idx"),
            models.Index(fields=["actor", "-occurred_at"], name="audit_actor_time_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.chain}#{self.seq} {self.action} {self.object_type}:{self.object_id}"

    def content(self) -> dict[str, Any]:
        """What the hash covers: everything but the row's own id and hash."""
        return {
            "chain": self.chain,
            "seq": self.seq,
            "occurred_at": self.occurred_at.isoformat(timespec="microseconds"),
            "actor_id": self.actor_id,
            "actor_label": self.actor_label,
            "organisation_id": self.organisation_id,
            "action": self.action,
            "object_type": self.object_type,
            "object_id": self.object_id,
            "person_id": self.person_id,
            "changes": self.changes,
            "details": self.details,
            "ip_address": self.ip_address,
            "request_id": self.request_id,
            "prev_hash": self.prev_hash,
        }

    def compute_hash(self) -> str:
        canonical = json.dumps(
            self.content(), sort_keys=True, ensure_ascii=False, separators=(",", ":")
        )
        return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


class AuditChainHead(models.Model):
    """The last row of each chain; locking it serialises writers of one organisation's chain."""

    chain = models.CharField(_("chain"), max_length=40, primary_key=True)
    seq = models.PositiveBigIntegerField(_("last number"), default=0)
    hash = models.CharField(_("last hash"), max_length=64, default=GENESIS_HASH)

    class Meta:
        verbose_name = _("audit chain head")
        verbose_name_plural = _("audit chain heads")

    def __str__(self) -> str:
        return f"{self.chain}#{self.seq}"
