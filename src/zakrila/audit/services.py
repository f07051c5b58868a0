"""Writing to the audit trail. Every service that changes or reveals personal data calls this."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, models, transaction
from django.utils import timezone

from zakrila.audit.context import current_origin
from zakrila.audit.models import GENESIS_HASH, AuditAction, AuditChainHead, AuditEvent

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
    """Append one event to the organisation's chain, inside the caller's transaction."""
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or obj.pk
        if organisation_id is None:
            organisation_id = getattr(obj, "organisation_id", None)
    actor_id = getattr(actor, "pk", None) if actor is not None else None
    if actor is not None and not actor_label:
        actor_label = getattr(actor, "email", "") or ""
    origin = current_origin()
    chain = chain_for(organisation_id)
    with transaction.atomic():
        head = _locked_head(chain)
        event = AuditEvent(
            chain=chain,
            seq=head.seq + 1,
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
            prev_hash=head.hash,
        )
        event.hash = event.compute_hash()
        event.save(force_insert=True)
        head.seq = event.seq
        head.hash = event.hash
        head.save(update_fields=["seq", "hash"])
    return event


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


def _locked_head(chain: str) -> AuditChainHead:
    try:
        return AuditChainHead.objects.select_for_update().get(chain=chain)
    except AuditChainHead.DoesNotExist:
        try:
            with transaction.atomic():
                AuditChainHead.objects.create(chain=chain, seq=0, hash=GENESIS_HASH)
        except IntegrityError:
            pass  # another writer created it first
        return AuditChainHead.objects.select_for_update().get(chain=chain)


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


@dataclass(frozen=True)
class ChainProblem:
    chain: str
    seq: int
    event_id: int | None
    kind: str  # "altered", "missing", "inserted", "head"

    def describe(self) -> str:
        where = f"chain {self.chain}, number {self.seq}"
        if self.event_id is not None:
            where += f", row id {self.event_id}"
        messages = {
            "altered": "the row's content does not match its hash (altered)",
            "missing": "a row is missing before this one (deleted)",
            "inserted": "the row does not follow the previous one (inserted or reordered)",
            "head": "the chain ends before its recorded last row (rows deleted at the end)",
        }
        return f"{where}: {messages[self.kind]}"


def audit_verify(*, chain: str | None = None) -> list[ChainProblem]:
    """Walk each chain in order and return the first problem of each broken chain."""
    chains = [chain] if chain else _all_chains()
    problems: list[ChainProblem] = []
    for name in chains:
        problem = _verify_chain(name)
        if problem:
            problems.append(problem)
    return problems


def _all_chains() -> list[str]:
    names = set(AuditEvent.objects.values_list("chain", flat=True).distinct())
    names |= set(AuditChainHead.objects.values_list("chain", flat=True))
    return sorted(names)


def _verify_chain(chain: str) -> ChainProblem | None:
    expected_seq = 1
    prev_hash = GENESIS_HASH
    rows = AuditEvent.objects.filter(chain=chain).order_by("seq")
    for event in rows.iterator(chunk_size=2000):
        if event.seq != expected_seq:
            return ChainProblem(chain, event.seq, event.pk, "missing")
        if event.prev_hash != prev_hash:
            return ChainProblem(chain, event.seq, event.pk, "inserted")
        if event.compute_hash() != event.hash:
            return ChainProblem(chain, event.seq, event.pk, "altered")
        prev_hash = event.hash
        expected_seq += 1
    head = AuditChainHead.objects.filter(chain=chain).first()
    last_seq = expected_seq - 1
    if head is not None and (head.seq != last_seq or head.hash != prev_hash):
        if head.seq > last_seq:
            return ChainProblem(chain, last_seq + 1, None, "head")
        return ChainProblem(chain, head.seq, None, "inserted")
    return None
