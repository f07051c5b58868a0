"""Where an audited action came from: the request id and the client's address.

The request middleware fills this in; services read it when they write an audit event, so a
service does not need the request passed down to it.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass


@dataclass(frozen=True)
class AuditOrigin:
    request_id: str = ""
    ip_address: str | None = None


_origin: ContextVar[AuditOrigin] = ContextVar(
    "zakrila_audit_origin",
    default=AuditOrigin(),  # noqa: B039  (frozen, so safe to share)
)


@contextmanager
def audit_context(*, request_id: str = "", ip_address: str | None = None) -> Iterator[None]:
    token = _origin.set(AuditOrigin(request_id=request_id, ip_address=ip_address))
    try:
        yield
    finally:
        _origin.reset(token)


def current_origin() -> AuditOrigin:
    return _origin.get()
