"""Writing to the audit trail. Every service that changes or reveals personal data calls this."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any, TypeVar

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone

from zakrila.audit.context import current_origin
from zakrila.audit.models import AuditAction, AuditEvent
from zakrila.audit.verification import ChainProblem, audit_verify

__all__ = [
    "ChainProblem",
    "audit_record",
    "audit_verify",
    "audit_view",
    "chain_for",
    "changes_between",
    "create_audited",
    "snapshot",
]

M = TypeVar("M", bound=models.Model)

SENSITIVE_PLACEHOLDER = "changed"


def chain_for(organisation_id: int | None) -> str:
    return f"org-{organisation_id}" if organisation_id else "system"


def _plain(value: Any) -> Any:
    """JSON as the database will give it back, so the hash recomputes the same."""
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False))


def audit_record(
    *,
    action: str,
    actor: Any = None,
    organisation_id: int | None = None,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: Any = "",
    person_id: int | None = None,
    changes: Mapping[str, Any] | None = None,
    details: Mapping[str, Any] | None = None,
    actor_label: str = "",
) -> AuditEvent:
    """Append one event to the organisation's trail, inside the caller's transaction: it
    commits or rolls back with the change it records."""
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or obj.pk
        if organisation_id is None:
            organisation_id = getattr(obj, "organisation_id", None)
    actor_id = getattr(actor, "pk", None) if actor is not None else None
    if actor is not None and not actor_label:
        actor_label = getattr(actor, "email", "") or ""
    origin = current_origin()
    event = AuditEvent(
        chain=chain_for(organisation_id),
        occurred_at=timezone.now(),
        actor_id=actor_id,
        actor_label=actor_label[:254],
        organisation_id=organisation_id,
        action=action,
        object_type=object_type,
        object_id=str(object_id) if object_id not in (None, "") else "",
        person_id=person_id,
        changes=_plain(dict(changes or {})),
        details=_plain(dict(details or {})),
        ip_address=origin.ip_address,
        request_id=origin.request_id,
    )
    # One plain INSERT in the caller's transaction: no savepoint, no lock shared with other
    # requests. The sealer (audit.sealing) chains it within about a second of its commit.
    event.save(force_insert=True)
    return event


def create_audited(
    record: M,
    *,
    actor: Any,
    action: str = AuditAction.CREATE,
    person_id: int | None = None,
    changes: Mapping[str, Any] | None = None,
    details: Mapping[str, Any] | None = None,
) -> M:
    """Check a new record, save it and write its audit event, inside the caller's transaction
    (a service's usual last step). ``changes`` and ``details`` are what the caller computed
    before the save; the event names the record by its new id."""
    record.full_clean()
    record.save()
    audit_record(
        action=action,
        actor=actor,
        obj=record,
        person_id=person_id,
        changes=changes,
        details=details,
    )
    return record


def audit_view(
    *,
    actor: Any,
    obj: models.Model,
    person_id: int | None = None,
    what: str = "page",
    details: Mapping[str, Any] | None = None,
) -> AuditEvent:
    """Someone saw a personal record (a page, a part of a page, a PDF): the one way views audit
    a reading. ``what`` says which view of the record it was."""
    return audit_record(
        action=AuditAction.VIEW,
        actor=actor,
        obj=obj,
        person_id=person_id,
        details={"what": what, **dict(details or {})},
    )


def audit_search(
    *, actor: Any, organisation_id: int | None, object_type: str, details: Mapping[str, Any]
) -> AuditEvent:
    """Someone searched or listed personal records: what they asked and how many they saw."""
    return audit_record(
        action=AuditAction.SEARCH,
        actor=actor,
        organisation_id=organisation_id,
        object_type=object_type,
        details=dict(details),
    )


def changes_between(
    before: Mapping[str, Any], after: Mapping[str, Any], *, sensitive: Iterable[str] = ()
) -> dict[str, Any]:
    """Changed fields with old and new values; sensitive fields only say that they changed."""
    sensitive = set(sensitive)
    changed: dict[str, Any] = {}
    for name in sorted(set(before) | set(after)):
        old, new = before.get(name), after.get(name)
        if old == new:
            continue
        if name in sensitive:
            changed[name] = SENSITIVE_PLACEHOLDER
        else:
            changed[name] = {"old": _plain(old), "new": _plain(new)}
    return changed


def snapshot(obj: models.Model, fields: Iterable[str]) -> dict[str, Any]:
    """The values of a model's concrete fields, keyed by attribute name, for changes_between."""
    return {name: getattr(obj, name) for name in fields}
