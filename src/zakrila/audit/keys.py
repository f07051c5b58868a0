"""The keys that seal the audit trail, kept outside the database.

A seal is an HMAC-SHA256 with the current key (``ZAKRILA_AUDIT_KEY``); each sealed row names
its key by a short id derived from the key itself, so after a rotation the rows sealed with an
earlier key (listed in ``ZAKRILA_AUDIT_PREVIOUS_KEYS``) still verify. Whoever can write the
database but does not hold a key cannot make a forged row or a re-chained tail verify.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass

from django.conf import settings


@dataclass(frozen=True)
class AuditKey:
    key_id: str
    secret: bytes = b""

    def mac(self, message: bytes) -> str:
        return hmac.new(self.secret, message, hashlib.sha256).hexdigest()


def key_from_text(text: str) -> AuditKey:
    secret = text.encode("utf-8")
    # The id says which key sealed a row without revealing anything about the key.
    key_id = hmac.new(secret, b"zakrila audit key id", hashlib.sha256).hexdigest()[:12]
    return AuditKey(key_id=key_id, secret=secret)


def current_key() -> AuditKey:
    """The key new seals are made with."""
    return key_from_text(settings.ZAKRILA_AUDIT_KEY)


def known_keys() -> dict[str, AuditKey]:
    """Every key a seal may have been made with, by id: the current one and earlier ones."""
    keys = [key_from_text(text) for text in settings.ZAKRILA_AUDIT_PREVIOUS_KEYS]
    keys.append(current_key())
    return {key.key_id: key for key in keys}
