"""Signed-in sessions: recorded at login, listed for their user, ended on demand."""

from __future__ import annotations

import datetime as dt
from datetime import timedelta
from importlib import import_module
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils import timezone

from zakrila.accounts.models import User, UserSession
from zakrila.audit.context import current_origin

# How often a session's "last seen" is written: often enough to be useful, rarely enough not
# to write on every request.
LAST_SEEN_EVERY = timedelta(minutes=1)


def _store(session_key: str) -> Any:
    engine = import_module(settings.SESSION_ENGINE)
    return engine.SessionStore(session_key=session_key)


def session_record(*, request: HttpRequest, user: User) -> UserSession | None:
    """Remember a new signed-in session (called at login)."""
    key = request.session.session_key
    if not key:
        request.session.save()
        key = request.session.session_key
    if not key:
        return None
    session, _ = UserSession.objects.update_or_create(
        session_key=key,
        defaults={
            "user": user,
            "ip_address": current_origin().ip_address,
            "user_agent": request.headers.get("User-Agent", "")[:300],
            "created_at": timezone.now(),
            "last_seen_at": timezone.now(),
        },
    )
    return session


def _live_since(now: dt.datetime) -> tuple[dt.datetime, dt.datetime]:
    """(signed in after, last seen after): a session seen before the second has been idle
    longer than ``SESSION_COOKIE_AGE`` (its "last seen" and its store's expiry are moved on
    together, once a minute, with a minute to spare here), one signed in before the first is
    past ``ZAKRILA_SESSION_ABSOLUTE_SECONDS``. Either way its store has let it go."""
    idle = timedelta(seconds=settings.SESSION_COOKIE_AGE) + LAST_SEEN_EVERY * 2
    return now - timedelta(seconds=settings.ZAKRILA_SESSION_ABSOLUTE_SECONDS), now - idle


def live_sessions(user: User) -> QuerySet[UserSession]:
    """The user's sessions that can still be used: those that ended by timing out (most do:
    the browser is closed, the tablet put away) are not "where I am signed in"."""
    signed_in_after, seen_after = _live_since(timezone.now())
    return UserSession.objects.filter(
        user=user, created_at__gt=signed_in_after, last_seen_at__gt=seen_after
    )


def sessions_forget(*, now: dt.datetime | None = None) -> int:
    """Delete the sessions that have ended by timing out, from the session store and from the
    sessions tracked (run by the retention job): Django deletes neither by itself, so both
    tables would keep every sign-in of every worker for ever, with its address and browser."""
    from django.contrib.sessions.models import Session

    now = now or timezone.now()
    signed_in_after, seen_after = _live_since(now)
    stored, _detail = Session.objects.filter(expire_date__lt=now).delete()
    tracked, _detail = UserSession.objects.filter(
        Q(created_at__lte=signed_in_after) | Q(last_seen_at__lte=seen_after)
    ).delete()
    return stored + tracked


def session_touch(session: UserSession) -> None:
    now = timezone.now()
    if now - session.last_seen_at >= LAST_SEEN_EVERY:
        UserSession.objects.filter(pk=session.pk).update(last_seen_at=now)


def session_end(session: UserSession) -> None:
    """End one session: its browser is signed out on its next request."""
    _store(session.session_key).delete()
    session.delete()


def sessions_end_for_user(user: User, *, keep_key: str | None = None) -> int:
    """End every session of the user (but ``keep_key``), after the current transaction commits."""
    sessions = list(UserSession.objects.filter(user=user).exclude(session_key=keep_key or ""))

    def end() -> None:
        for session in sessions:
            _store(session.session_key).delete()

    UserSession.objects.filter(pk__in=[s.pk for s in sessions]).delete()
    transaction.on_commit(end)
    return len(sessions)
