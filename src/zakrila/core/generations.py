"""Generation tokens: how cached reads learn that the rows they were made from have changed.

A cached entry is stored with (or under) the token current when it was read; a change moves the
token on, so every entry made before is read afresh. A token is moved at once and again after
the transaction commits: a request that read the old rows between the two cannot keep them
under the new token. A token that was evicted is made anew, which also makes every older entry
stale. Used by the cached memberships (``accounts.membership_cache``, one token for everyone),
the organisation's lists (``core.lookups``, one token per organisation), the signed-in user's
row (``accounts.backends``) and the device that verified a session (``accounts.middleware``),
one token per user or device.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Mapping
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


def read_through(token_key: str, key: str, read: Callable[[], Any], ttl: int) -> Any:
    """The value kept under ``key`` if it was kept under the current token of ``token_key``;
    otherwise ``read()``, kept with the token taken before the read (a change that moves the
    token on meanwhile leaves it stale). The token and the value come in one round trip to the
    cache. A ``None`` read is not kept: it is read again next time."""
    found = cache.get_many([token_key, key])
    token = current(token_key, found)
    entry = found.get(key)
    if entry is not None and entry[0] == token:
        return entry[1]
    value = read()
    if value is not None:
        cache.set(key, (token, value), ttl)
    return value
