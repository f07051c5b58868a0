"""``zakrila audit verify``: walk every chain and name the first row that is not as sealed.

Each sealed event is checked against the previous one (number, previous hash) and against its
own HMAC with the key named on it; the end of each chain against its head row and, given a
checkpoint file, against the last checkpoint written outside the database. Events the sealer
has not reached after a threshold are reported too: a sealer that stopped leaves them open.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db.models import Count, Min
from django.utils import timezone

from zakrila.audit.checkpoints import Checkpoint, read_checkpoints
from zakrila.audit.keys import AuditKey, known_keys
from zakrila.audit.models import GENESIS_HASH, AuditChainHead, AuditEvent

_MESSAGES = {
    "altered": "the row's content does not match its seal (altered, or re-chained without the key)",
    "missing": "a row is missing before this one (deleted)",
    "inserted": "the row does not follow the previous one (inserted or reordered)",
    "head": "the chain ends before its recorded last row (rows deleted at the end)",
    "key": "sealed with a key this server does not have",
    "short": "the chain is shorter than its last checkpoint (rows cut from the end, or emptied)",
    "rewritten": "the row differs from its checkpoint (the chain was rewritten)",
    "checkpoint": "a checkpoint line is not signed with a known key (the file was edited)",
    "unsealed": "events left unsealed (is the sealer running?)",
}


@dataclass(frozen=True)
class ChainProblem:
    chain: str
    seq: int
    event_id: int | None
    kind: str  # one of _MESSAGES
    detail: str = ""

    def describe(self) -> str:
        where = f"chain {self.chain}" + (f", number {self.seq}" if self.seq else "")
        if self.event_id is not None:
            where += f", row id {self.event_id}"
        message = _MESSAGES[self.kind]
        return f"{where}: {message}" + (f" — {self.detail}" if self.detail else "")


def audit_verify(
    *,
    chain: str | None = None,
    checkpoints: str | Path | None = None,
    unsealed_after: dt.timedelta | None = None,
) -> list[ChainProblem]:
    """The first problem of each broken chain, then any chain shorter than or different from
    its last checkpoint, then events unsealed for longer than ``unsealed_after``."""
    keys = known_keys()
    read = read_checkpoints(checkpoints) if checkpoints else None
    names = [chain] if chain else _all_chains(read.latest if read else {})
    problems: list[ChainProblem] = []
    for name in names:
        problem = _verify_chain(name, keys)
        if problem:
            problems.append(problem)
    if read is not None:
        problems += _against_checkpoints(read.latest, only=chain)
        problems += [
            ChainProblem(c.chain, c.seq, None, "checkpoint", f"line {c.line}")
            for c in read.forged
            if chain in (None, c.chain)
        ]
        problems += [
            ChainProblem("?", 0, None, "checkpoint", f"line {n} cannot be read")
            for n in read.unreadable
        ]
    if unsealed_after is None:
        unsealed_after = dt.timedelta(seconds=settings.ZAKRILA_AUDIT_UNSEALED_AFTER_SECONDS)
    problems += _unsealed(unsealed_after, only=chain)
    return problems


def _all_chains(checkpointed: dict[str, Checkpoint]) -> list[str]:
    names = set(AuditEvent.objects.order_by().values_list("chain", flat=True).distinct())
    names |= set(AuditChainHead.objects.values_list("chain", flat=True))
    return sorted(names | set(checkpointed))


def _verify_chain(chain: str, keys: dict[str, AuditKey]) -> ChainProblem | None:
    expected_seq = 1
    prev_hash = GENESIS_HASH
    rows = AuditEvent.objects.filter(chain=chain, seq__isnull=False).order_by("seq")
    for event in rows.iterator(chunk_size=2000):
        number = event.seq or 0
        if number != expected_seq:
            return ChainProblem(chain, number, event.pk, "missing")
        if event.prev_hash != prev_hash:
            return ChainProblem(chain, number, event.pk, "inserted")
        key = keys.get(event.key_id)
        if key is None:
            return ChainProblem(chain, number, event.pk, "key", f"key id {event.key_id!r}")
        if event.compute_hash(key.secret) != event.hash:
            return ChainProblem(chain, number, event.pk, "altered")
        prev_hash = event.hash
        expected_seq += 1
    head = AuditChainHead.objects.filter(chain=chain).first()
    last_seq = expected_seq - 1
    if head is not None and (head.seq != last_seq or head.hash != prev_hash):
        if head.seq > last_seq:
            return ChainProblem(chain, last_seq + 1, None, "head")
        return ChainProblem(chain, head.seq, None, "inserted")
    return None


def _against_checkpoints(latest: dict[str, Checkpoint], *, only: str | None) -> list[ChainProblem]:
    problems = []
    for name, checkpoint in sorted(latest.items()):
        if only not in (None, name):
            continue
        row = (
            AuditEvent.objects.filter(chain=name, seq=checkpoint.seq)
            .values_list("pk", "hash")
            .first()
        )
        last = (
            AuditEvent.objects.filter(chain=name, seq__isnull=False)
            .order_by("-seq")
            .values_list("seq", flat=True)
            .first()
        ) or 0
        when = f"checkpoint of {checkpoint.at} (line {checkpoint.line})"
        if last < checkpoint.seq or row is None:
            problems.append(
                ChainProblem(
                    name,
                    checkpoint.seq,
                    None,
                    "short",
                    f"it ends at number {last}; {when} has number {checkpoint.seq}",
                )
            )
        elif row[1] != checkpoint.hash:
            problems.append(ChainProblem(name, checkpoint.seq, row[0], "rewritten", when))
    return problems


def _unsealed(after: dt.timedelta, *, only: str | None) -> list[ChainProblem]:
    rows = AuditEvent.objects.filter(seq__isnull=True, occurred_at__lt=timezone.now() - after)
    if only:
        rows = rows.filter(chain=only)
    problems = []
    summary = rows.order_by().values("chain").annotate(count=Count("id"), first=Min("id"))
    for item in summary.order_by("chain"):
        oldest = AuditEvent.objects.only("occurred_at").get(pk=item["first"])
        problems.append(
            ChainProblem(
                item["chain"],
                0,
                item["first"],
                "unsealed",
                f"{item['count']} event(s) unsealed for more than {int(after.total_seconds())} s,"
                f" the oldest written at {oldest.occurred_at.isoformat(timespec='seconds')}",
            )
        )
    return problems
