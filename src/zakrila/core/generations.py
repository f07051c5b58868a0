"""Generation tokens: how cached reads learn that the rows they were made from have changed.

A cached entry is stored with (or under) the token current when it was read; a change moves the
token on, so every entry made before is read afresh. A token is moved at once and again after
the transaction commits: a request that read the old rows between the two cannot keep them
under the new token. A token that was evicted is made anew, which also makes every older entry
stale. Used by the cached memberships (``accounts.membership_cache``, one token for everyone)
and the organisation's lists (``core.lookups``, one token per organisation).
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from typing import Any

from django.core.cache import cache
from django.db import transaction


def current(key: str, found: Mapping[str, Any] | None = None) -> str:
    """The token under ``key`` (taken from ``found`` when the caller read it already with
    ``cache.get_many``); a new one when there is none."""
    token = (found or {}).get(key) or cache.get(key)
    if token is None:
        cache.add(key, secrets.token_hex(8), None)
        token = cache.get(key)
    return str(token)


def move(key: str) -> None:
    """Make every entry read under the token of ``key`` stale: now and after the commit."""

    def new() -> None:
        cache.set(key, secrets.token_hex(8), None)

    new()
    transaction.on_commit(new)
