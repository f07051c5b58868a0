"""Verification codes of certificates: long and random enough not to be guessed, easy to type.

20 characters from an alphabet of 30 that leaves out letters and digits people confuse
(0/O, 1/I/L, U/V), so about 98 random bits: guessing one valid code among a million issued
certificates takes around 10^23 tries, and the public page is rate limited on top of that.
"""

from __future__ import annotations

import re
import secrets

ALPHABET = "ABCDEFGHJKMNPQRSTVWXYZ23456789"
LENGTH = 20
_VALID = re.compile(rf"^[{ALPHABET}]{{{LENGTH}}}$")


def new_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def normalise(raw: str) -> str | None:
    """A code as typed (any case, with dashes or spaces) in its stored form; None when it
    cannot be a code."""
    cleaned = re.sub(r"[\s\-]", "", str(raw)[:64]).upper()
    return cleaned if _VALID.match(cleaned) else None
