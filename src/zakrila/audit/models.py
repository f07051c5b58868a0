"""The append-only, hash-chained audit trail."""

from __future__ import annotations

import hashlib
import hmac
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


# The actions that change a record, as a person's page lists them. A person's page views write
# events too (thousands over a long case), so that list has an index of its own that holds
# only these: the query names the same actions in the same order, so PostgreSQL sees the index
# applies.
CHANGE_ACTIONS = (AuditAction.CREATE, AuditAction.UPDATE, AuditAction.MERGE, AuditAction.DELETE)


class AuditEvent(models.Model):
    """One thing that happened to personal data or to access: who, when, what, to which record.

    A request writes the event with one plain INSERT, in its own transaction, and nothing else:
    no lock shared with other requests. The sealer (``audit.sealing``) then chains the events of
    each organisation in order, within about a second: it gives each one its number in the chain
    (``seq``), the previous event's hash and its own hash, an HMAC-SHA256 with a key kept outside
    the database (``ZAKRILA_AUDIT_KEY``), so ``zakrila audit verify`` finds any altered, inserted
    or missing row, and a re-chain forged without the key. The database refuses every UPDATE and
    DELETE but that one-time sealing of an unsealed row (a trigger). The actor and organisation
    are kept as plain ids, without database foreign keys, so that nothing elsewhere can ever
    cascade into this table.
    """

    chain = models.CharField(_("chain"), max_length=40)
    seq = models.PositiveBigIntegerField(_("number in chain"), null=True, blank=True)
    occurred_at = models.DateTimeField(_("when"), db_index=True)
    # No index of its own for the actor or the organisation: the organisation leads the indexes
    # below, and the actor is only looked for within one (one index fewer to write for each of
    # the two on every page view).
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,
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
        db_index=False,
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
    # The seal, written once by the sealer (NULL/blank until then).
    prev_hash = models.CharField(_("previous hash"), max_length=64, blank=True, default="")
    hash = models.CharField(_("hash"), max_length=64, blank=True, default="")
    key_id = models.CharField(_("key id"), max_length=16, blank=True, default="")
    sealed_at = models.DateTimeField(_("sealed at"), null=True, blank=True)

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
            # A person's changes, newest first, without reading every view of their file.
            models.Index(
                fields=["person_id", "-id"],
                name="audit_person_changes_idx",
                condition=models.Q(action__in=CHANGE_ACTIONS),
            ),
            models.Index(fields=["object_type", "object_id"], name="audit_object_idx"),
            # What one worker did in the organisation (the DPO's search by who): the
            # organisation leads, so PostgreSQL reads that worker's events there and no other's
            # (by the actor alone it walked the organisation's whole trail for a worker it
            # guessed busier than they were).
            models.Index(
                fields=["organisation", "actor", "-occurred_at"], name="audit_org_actor_time_idx"
            ),
            # What the sealer reads every second: only the events not sealed yet.
            models.Index(
                fields=["chain", "id"],
                name="audit_unsealed_idx",
                condition=models.Q(seq__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        number = self.seq if self.seq is not None else "unsealed"
        return f"{self.chain}#{number} {self.action} {self.object_type}:{self.object_id}"

    @property
    def is_sealed(self) -> bool:
        return self.seq is not None

    def content(self) -> dict[str, Any]:
        """What the hash covers: the row's id, its place in the chain, the previous hash, the
        key's id and everything that was recorded; not the hash itself or when it was sealed."""
        return {
            "id": self.pk,
            "key_id": self.key_id,
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

    def compute_hash(self, secret: bytes) -> str:
        """HMAC-SHA256 of the canonical content with the audit key ``secret``."""
        canonical = json.dumps(
            self.content(), sort_keys=True, ensure_ascii=False, separators=(",", ":")
        )
        return hmac.new(secret, canonical.encode("utf-8"), hashlib.sha256).hexdigest()


class AuditChainHead(models.Model):
    """The last sealed row of each chain. Only the sealer locks and moves it, forward only (a
    trigger refuses to move it back); requests never touch it."""

    chain = models.CharField(_("chain"), max_length=40, primary_key=True)
    seq = models.PositiveBigIntegerField(_("last number"), default=0)
    hash = models.CharField(_("last hash"), max_length=64, default=GENESIS_HASH)

    class Meta:
        verbose_name = _("audit chain head")
        verbose_name_plural = _("audit chain heads")

    def __str__(self) -> str:
        return f"{self.chain}#{self.seq}"
