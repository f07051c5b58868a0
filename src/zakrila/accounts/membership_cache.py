"""The signed-in user's current memberships, kept in the shared cache between requests.

Every page needs them (which organisation, which roles, which units), and reading them costs a
query for the memberships with their organisations and one for their units, with model
instances for each: a few milliseconds of every request. They change rarely, and only through
the ORM (the membership services, the admin site, the demo), so a change to any membership,
its units, a unit or an organisation moves one generation token on (``core.generations``: at
once and after the commit); a cached entry made under another generation, or on another day
(memberships start and end on dates), is read afresh.

The cache must be shared by every process that serves pages: Redis (``REDIS_URL``) in
production. The embedded default's cache lives in each process, where one process would not
hear of another's change, so there the memberships are read from the database on every request
unless ``ZAKRILA_MEMBERSHIP_CACHE`` says otherwise (the test suite turns it on: it runs in one
process).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

from zakrila.accounts.models import Membership
from zakrila.core import generations

GENERATION_KEY = "zakrila:memberships:gen"
TTL = 300


def enabled() -> bool:
    chosen = getattr(settings, "ZAKRILA_MEMBERSHIP_CACHE", None)
    if chosen is not None:
        return bool(chosen)
    return "LocMemCache" not in settings.CACHES["default"]["BACKEND"]


def _user_key(user_id: int) -> str:
    return f"zakrila:memberships:user:{user_id}"


def memberships_changed(**kwargs: Any) -> None:
    """A membership, its units, a unit or an organisation changed: every cached entry is
    stale."""
    generations.move(GENERATION_KEY)


def _read(user: Any) -> list[Membership]:
    return list(
        Membership.objects.current()
        .filter(user=user)
        .select_related("organisation")
        .prefetch_related("units")
        .order_by("id")
    )


def cache_keys(user_id: Any) -> list[str]:
    """The keys ``current_memberships`` reads: the signed-in user's row is read with them, in
    the same round trip to the cache (``accounts.backends``)."""
    return [GENERATION_KEY, _user_key(user_id)]


# Where the cache's answer for ``cache_keys`` waits on the user, read with the user's row.
PREFETCHED = "_zakrila_memberships_prefetched"


def current_memberships(user: Any) -> list[Membership]:
    """The user's current memberships, their organisations and units loaded."""
    if not enabled():
        return _read(user)
    key = _user_key(user.pk)
    # Read with the user's row at the start of this request, used once: a second call (after
    # a change in the same request) asks the cache again.
    found = getattr(user, PREFETCHED, None)
    if found is not None:
        delattr(user, PREFETCHED)
    else:
        found = cache.get_many([GENERATION_KEY, key])
    generation = generations.current(GENERATION_KEY, found)
    today = timezone.localdate()
    entry = found.get(key)
    if entry is not None and entry[0] == generation and entry[1] == today:
        memberships: list[Membership] = entry[2]
        return memberships
    memberships = _read(user)
    cache.set(key, (generation, today, memberships), TTL)
    return memberships
