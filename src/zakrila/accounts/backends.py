"""Signing in with a password, and the signed-in user read from the shared cache.

Every request of a signed-in user reads the user's row to know who they are (Django's
``get_user``): a query, and a model instance built, on every page, for a row that changes when
the user signs in, changes their password or is switched off. ``CachedModelBackend`` keeps the
row in the shared cache under a token of its own (``core.generations``) that every save or
deletion of the user moves on, at once and after the commit; Django still checks the session
against the password on every request (``get_session_auth_hash``), so a password changed
elsewhere ends the other sessions as before, and a user switched off (``is_active``) is refused
as ``ModelBackend`` refuses them.

Only with a cache shared by every process (Redis, the switch of ``accounts.membership_cache``):
a cache per process would not hear of another process's change.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.core.cache import cache

from zakrila.accounts import membership_cache
from zakrila.core import generations

TTL = 300


def _keys(user_id: Any) -> tuple[str, str]:
    return f"zakrila:user:gen:{user_id}", f"zakrila:user:{user_id}"


def user_changed(sender: Any, instance: Any, **kwargs: Any) -> None:
    """A user was saved or deleted: their cached row is stale."""
    generations.move(_keys(instance.pk)[0])


class CachedModelBackend(ModelBackend):
    """``ModelBackend``, with the signed-in user read from the shared cache."""

    def get_user(self, user_id: Any) -> Any:
        if not membership_cache.enabled():
            return super().get_user(user_id)
        token_key, key = _keys(user_id)
        # The user's memberships, which every page reads next, come in the same round trip.
        membership_keys = membership_cache.cache_keys(user_id)
        found = cache.get_many([token_key, key, *membership_keys])
        token = generations.current(token_key, found)
        entry = found.get(key)
        if entry is not None and entry[0] == token:
            user = entry[1]
            if not self.user_can_authenticate(user):
                return None
        else:
            # Read under the token taken before the read: a save that moves it on meanwhile
            # leaves this entry stale.
            user = super().get_user(user_id)
            if user is None:
                return None
            cache.set(key, (token, user), TTL)
        # Set after the row is cached: it is this request's, never kept with the row.
        setattr(
            user,
            membership_cache.PREFETCHED,
            {k: found[k] for k in membership_keys if k in found},
        )
        return user
