"""Anchors outside the database: each chain's head (number, hash, time) written to an
append-only file and/or syslog by ``zakrila audit checkpoint``.

Whoever owns the database can empty the trail or cut rows from its end and move the chain's
head back; nothing inside the database can show that. A checkpoint kept elsewhere can:
``zakrila audit verify --checkpoints FILE`` reports any chain shorter than its last checkpoint,
or different at the checkpointed number. Each line is JSON, signed with the audit key, so a
line forged into the file is told apart; a syslog line carries the same JSON after a prefix, so
a file of collected syslog lines can be checked the same way.
"""

from __future__ import annotations

import fcntl
import json
import logging.handlers
import os
import socket
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils import timezone

from zakrila.audit.keys import AuditKey, current_key, known_keys
from zakrila.audit.models import AuditEvent

SYSLOG_PREFIX = "zakrila-audit-checkpoint "


@dataclass(frozen=True)
class Checkpoint:
    chain: str
    seq: int
    hash: str
    at: str
    key_id: str = ""
    mac: str = ""
    line: int = 0  # where it was read from

    def signed_fields(self) -> dict[str, Any]:
        return {
            "chain": self.chain,
            "seq": self.seq,
            "hash": self.hash,
            "at": self.at,
            "key_id": self.key_id,
        }

    def signature(self, key: AuditKey) -> str:
        return key.mac(_canonical(self.signed_fields()).encode("utf-8"))

    def to_json(self) -> str:
        return _canonical({**self.signed_fields(), "mac": self.mac})


def _canonical(data: dict[str, Any]) -> str:
    return json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def chain_heads() -> list[Checkpoint]:
    """The last sealed event of every chain, signed, as a checkpoint to write now."""
    key = current_key()
    at = timezone.now().isoformat(timespec="seconds")
    chains = (
        AuditEvent.objects.filter(seq__isnull=False)
        .order_by()
        .values_list("chain", flat=True)
        .distinct()
    )
    checkpoints = []
    for chain in sorted(chains):
        last = (
            AuditEvent.objects.filter(chain=chain, seq__isnull=False)
            .order_by("-seq")
            .values_list("seq", "hash")
            .first()
        )
        seq, hash_ = (last[0] or 0, last[1]) if last else (0, "")
        unsigned = Checkpoint(chain=chain, seq=seq, hash=hash_, at=at, key_id=key.key_id)
        checkpoints.append(
            Checkpoint(**{**unsigned.signed_fields(), "mac": unsigned.signature(key)})
        )
    return checkpoints


def write_to_file(checkpoints: list[Checkpoint], path: str | Path) -> None:
    """Append, under an exclusive lock so that two writers never interleave, and to disk."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            for checkpoint in checkpoints:
                handle.write(checkpoint.to_json() + "\n")
            handle.flush()
            os.fsync(handle.fileno())
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def write_to_syslog(checkpoints: list[Checkpoint], address: str) -> None:
    """Send each checkpoint to syslog: a local socket path ("/dev/log") or "host:port" (UDP)."""
    target: str | tuple[str, int]
    if ":" in address and not address.startswith("/"):
        host, port = address.rsplit(":", 1)
        target = (host, int(port))
    else:
        target = address
    handler = logging.handlers.SysLogHandler(
        address=target,
        facility=logging.handlers.SysLogHandler.LOG_AUTHPRIV,
        socktype=socket.SOCK_DGRAM,
    )
    handler.append_nul = False
    try:
        for checkpoint in checkpoints:
            record = logging.LogRecord("zakrila.audit", logging.INFO, __file__, 0, "%s", None, None)
            record.msg = SYSLOG_PREFIX + checkpoint.to_json()
            handler.emit(record)
    finally:
        handler.close()


def audit_checkpoint(
    *, file: str | Path | None = None, syslog: str | None = None
) -> list[Checkpoint]:
    """Write every chain's head to the configured places (the file by default)."""
    checkpoints = chain_heads()
    target_file = file if file is not None else settings.ZAKRILA_AUDIT_CHECKPOINT_FILE
    target_syslog = syslog if syslog is not None else settings.ZAKRILA_AUDIT_CHECKPOINT_SYSLOG
    if target_file:
        write_to_file(checkpoints, target_file)
    if target_syslog:
        write_to_syslog(checkpoints, target_syslog)
    return checkpoints


@dataclass(frozen=True)
class CheckpointRead:
    latest: dict[str, Checkpoint]  # per chain, the checkpoint with the highest number
    unreadable: list[int]  # line numbers that are not a checkpoint
    forged: list[Checkpoint]  # lines whose signature does not verify with a known key


def read_checkpoints(path: str | Path) -> CheckpointRead:
    keys = known_keys()
    latest: dict[str, Checkpoint] = {}
    unreadable: list[int] = []
    forged: list[Checkpoint] = []
    with Path(path).open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            text = line.strip().strip("\x00")
            if text.startswith("{"):
                start = 0
            elif SYSLOG_PREFIX in text:  # a line collected from syslog
                start = text.index(SYSLOG_PREFIX) + len(SYSLOG_PREFIX)
            else:
                continue  # another program's line in a collected log
            try:
                data = json.loads(text[start:])
                checkpoint = Checkpoint(
                    chain=str(data["chain"]),
                    seq=int(data["seq"]),
                    hash=str(data["hash"]),
                    at=str(data["at"]),
                    key_id=str(data.get("key_id", "")),
                    mac=str(data.get("mac", "")),
                    line=number,
                )
            except (TypeError, ValueError, KeyError):
                unreadable.append(number)
                continue
            key = keys.get(checkpoint.key_id)
            if key is None or checkpoint.signature(key) != checkpoint.mac:
                forged.append(checkpoint)
                continue
            if checkpoint.chain not in latest or checkpoint.seq >= latest[checkpoint.chain].seq:
                latest[checkpoint.chain] = checkpoint
    return CheckpointRead(latest=latest, unreadable=unreadable, forged=forged)
