"""The sealer: chains the audit events of each organisation in order, in batches.

Requests only INSERT their events (``audit_record``), with no chain work and no lock shared
with other requests. The sealer takes, per chain, the events not sealed yet in id order and
gives each its number in the chain, the previous event's hash and its own HMAC (``keys``). It
runs every second in a thread of each server worker (``core.server``), or as
``zakrila audit seal --loop``; several may run at once, anywhere: only the sealer serialises
per chain, on the chain's head row (``SELECT … FOR UPDATE SKIP LOCKED`` on PostgreSQL, so a
second sealer moves on to another chain instead of waiting; SQLite serialises writers anyway).

An event committed late (a long transaction) gets a later number than events with higher ids
sealed before it commits: the chain's order is the order of sealing, which verification
follows; ids only order the events within one batch.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field

from django.db import close_old_connections, connection, transaction
from django.utils import timezone

from zakrila.audit.keys import current_key
from zakrila.audit.models import GENESIS_HASH, AuditChainHead, AuditEvent

logger = logging.getLogger(__name__)

BATCH_SIZE = 1000

_SEAL_SQL = (
    "UPDATE audit_auditevent SET seq = %s, prev_hash = %s, hash = %s, key_id = %s, sealed_at = %s "
    "WHERE id = %s AND seq IS NULL"
)


class SealRefused(Exception):
    """The chain's head does not match its last sealed event: sealing on top of it would
    extend a chain that was cut or rewritten, so the sealer stops and says so."""


@dataclass
class SealResult:
    sealed: int = 0
    heads: dict[str, int] = field(default_factory=dict)  # chain -> its last number now
    refused: dict[str, str] = field(default_factory=dict)


def chains_with_unsealed_events() -> list[str]:
    return sorted(
        AuditEvent.objects.filter(seq__isnull=True)
        .order_by()
        .values_list("chain", flat=True)
        .distinct()
    )


def audit_seal(*, chain: str | None = None, batch_size: int = BATCH_SIZE) -> SealResult:
    """Seal every event not sealed yet (of one chain, or of all), batch by batch, each batch
    one transaction. A chain another sealer is working on is left to it."""
    result = SealResult()
    for name in [chain] if chain else chains_with_unsealed_events():
        while True:
            try:
                sealed, head_seq = _seal_batch(name, batch_size=batch_size)
            except SealRefused as refusal:
                logger.error("audit chain %s: %s", name, refusal)
                result.refused[name] = str(refusal)
                break
            result.sealed += sealed
            if head_seq is not None:
                result.heads[name] = head_seq
            if sealed < batch_size:
                break
    return result


def _seal_batch(chain: str, *, batch_size: int) -> tuple[int, int | None]:
    """Seal up to ``batch_size`` events of the chain; (how many, the head's number after)."""
    with transaction.atomic():
        head = _locked_head(chain)
        if head is None:
            return 0, None  # another sealer holds this chain
        _check_head(head)
        events = list(
            AuditEvent.objects.filter(chain=chain, seq__isnull=True).order_by("id")[:batch_size]
        )
        if not events:
            return 0, head.seq
        key = current_key()
        now = timezone.now()
        seq, prev_hash = head.seq, head.hash
        rows = []
        for event in events:
            seq += 1
            event.seq, event.prev_hash, event.key_id = seq, prev_hash, key.key_id
            event.hash = event.compute_hash(key.secret)
            rows.append((event.seq, event.prev_hash, event.hash, event.key_id, now, event.pk))
            prev_hash = event.hash
        with connection.cursor() as cursor:
            cursor.executemany(_SEAL_SQL, rows)
        head.seq, head.hash = seq, prev_hash
        head.save(update_fields=["seq", "hash"])
        return len(events), seq


def _locked_head(chain: str) -> AuditChainHead | None:
    """The chain's head row, locked for this transaction; None while another sealer has it."""
    heads = AuditChainHead.objects.select_for_update(skip_locked=True).filter(chain=chain)
    head = heads.first()
    if head is None and not AuditChainHead.objects.filter(chain=chain).exists():
        AuditChainHead.objects.bulk_create(
            [AuditChainHead(chain=chain, seq=0, hash=GENESIS_HASH)], ignore_conflicts=True
        )
        head = heads.first()
    return head


def _check_head(head: AuditChainHead) -> None:
    last = (
        AuditEvent.objects.filter(chain=head.chain, seq__isnull=False)
        .order_by("-seq")
        .values_list("seq", "hash")
        .first()
    )
    found = last or (0, GENESIS_HASH)
    if found != (head.seq, head.hash):
        raise SealRefused(
            f"the head says number {head.seq} but the last sealed event is number {found[0]}"
            + (" with another hash" if found[0] == head.seq else "")
            + "; run 'zakrila audit verify' and compare with the last checkpoint"
        )


class Sealer:
    """Seals every ``interval`` seconds until stopped; remembers how far each chain got, and
    refuses to seal a chain whose head went backwards (a cut tail), as a head never does."""

    def __init__(self, *, interval: float = 1.0) -> None:
        self.interval = interval
        self.stopped = threading.Event()
        self.reached: dict[str, int] = {}

    def run_once(self) -> SealResult:
        result = SealResult()
        chains = chains_with_unsealed_events()
        if not chains:
            return result
        heads = dict(AuditChainHead.objects.filter(chain__in=chains).values_list("chain", "seq"))
        for chain in chains:
            reached = self.reached.get(chain, 0)
            if heads.get(chain, 0) < reached:
                message = f"the head went back from number {reached} to {heads.get(chain, 0)}"
                logger.error("audit chain %s: %s", chain, message)
                result.refused[chain] = message
                continue
            step = audit_seal(chain=chain)
            result.sealed += step.sealed
            result.heads.update(step.heads)
            result.refused.update(step.refused)
        for chain, seq in result.heads.items():
            self.reached[chain] = max(self.reached.get(chain, 0), seq)
        return result

    def run_forever(self) -> None:
        while not self.stopped.is_set():
            try:
                self.run_once()
            except Exception:  # keep sealing after a lost connection or a restart of the database
                logger.exception("the audit sealer failed; trying again")
            finally:
                close_old_connections()
            self.stopped.wait(self.interval)

    def stop(self) -> None:
        self.stopped.set()


def start_sealer_thread(*, interval: float = 1.0) -> Sealer:
    """A daemon thread that seals every ``interval`` seconds, e.g. in each server worker."""
    sealer = Sealer(interval=interval)
    thread = threading.Thread(target=sealer.run_forever, name="zakrila-audit-sealer", daemon=True)
    thread.start()
    return sealer
