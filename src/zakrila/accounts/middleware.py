"""Per-request membership, the unit switcher, the absolute session lifetime, and the second-factor
device of a verified session read from the shared cache."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django_otp import user_has_device
from django_otp.middleware import OTPMiddleware

from zakrila.accounts import membership_cache
from zakrila.accounts.membership_cache import current_memberships
from zakrila.accounts.models import Membership, UserSession
from zakrila.accounts.sessions import session_touch
from zakrila.accounts.signals import SESSION_AUTH_AT
from zakrila.core import generations
from zakrila.organisations.models import Unit

SESSION_ORGANISATION = "zakrila_organisation_id"
SESSION_UNIT = "zakrila_unit_id"
SESSION_TOUCHED_AT = "zakrila_touched_at"
SESSION_TOUCH_SECONDS = 60

# Paths a signed-in user without a membership may still reach.
# The service worker, the web manifest and the "no connection" page carry no personal data
# and must load whatever the state of the sign-in.
# Public pages (a certificate's verification) are the same for everyone, signed in or not.
_APP_SHELL = ("/sw.js", "/manifest.webmanifest", "/offline/", "/training/verify/")
_OPEN_PREFIXES = ("/healthz", "/static/", "/i18n/", "/accounts/", "/admin/", *_APP_SHELL)


DEVICE_TTL = 300


def _device_keys(persistent_id: str) -> tuple[str, str]:
    return f"zakrila:otp:gen:{persistent_id}", f"zakrila:otp:{persistent_id}"


def device_changed(sender: Any, instance: Any, **kwargs: Any) -> None:
    """A second-factor device was saved or deleted: the sessions it verified read it afresh."""
    generations.move(_device_keys(instance.persistent_id)[0])


class CachedOTPMiddleware(OTPMiddleware):
    """django-otp's middleware, with the device that verified the session read from the shared
    cache: with two-step sign-in required (production), django-otp reads that device on every
    request to know the session is verified. The device is kept under a token of its own that
    every save or deletion of it moves on (``core.generations``), so an authenticator replaced or
    removed stops verifying the sessions it verified at their next page, as before. Only with a
    cache shared by every process, like the signed-in user's row (``accounts.backends``)."""

    def _device_from_persistent_id(self, persistent_id: str) -> Any:
        load = super()._device_from_persistent_id
        if not membership_cache.enabled():
            return load(persistent_id)
        persistent_id = self._normalize_persistent_id(persistent_id)
        token_key, key = _device_keys(persistent_id)
        # A device gone is not kept (None): its id may come back on SQLite.
        return generations.read_through(token_key, key, lambda: load(persistent_id), DEVICE_TTL)


class SessionLifetimeMiddleware:
    """Ends a session that was ended elsewhere (by its user, or because the account or the
    membership was withdrawn), or that is older than the absolute lifetime however active.

    The idle timeout is Django's own ``SESSION_COOKIE_AGE``, counted from the session's last
    save. Saving on every request would cost a write and a commit per page, so an active
    session is saved again once ``SESSION_TOUCH_SECONDS`` have passed since its last save: a
    session idle for the whole ``SESSION_COOKIE_AGE`` ends, one in use never does.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            started = request.session.get(SESSION_AUTH_AT)
            limit = settings.ZAKRILA_SESSION_ABSOLUTE_SECONDS
            now = time.time()
            if started is None or now - float(started) > limit:
                return self._ended(request)
            # Ending a session deletes it from the session store, so an ended session is
            # already signed out here; its tracking row is read (and "last seen" written) once
            # a minute, not on every page.
            if now - float(request.session.get(SESSION_TOUCHED_AT, 0)) >= SESSION_TOUCH_SECONDS:
                tracked = UserSession.objects.filter(
                    session_key=request.session.session_key or "", user=request.user
                ).first()
                if tracked is None:
                    return self._ended(request)
                session_touch(tracked)
                request.session[SESSION_TOUCHED_AT] = int(now)  # saved: the idle clock restarts
        return self.get_response(request)

    @staticmethod
    def _ended(request: HttpRequest) -> HttpResponse:
        logout(request)
        messages.info(request, _("Your session has ended. Please sign in again."))
        return redirect(f"{reverse('accounts:login')}?{urlencode({'next': request.path})}")


class TwoFactorMiddleware:
    """Sends a signed-in user who has not confirmed a one-time code to do so first."""

    OPEN_PREFIXES = (
        "/accounts/2fa/", "/accounts/logout/", "/static/", "/i18n/", "/healthz", *_APP_SHELL
    )  # fmt: skip

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            settings.ZAKRILA_REQUIRE_2FA
            and user.is_authenticated
            and not user.is_verified()
            and not request.path.startswith(self.OPEN_PREFIXES)
        ):
            target = "accounts:2fa_verify" if user_has_device(user) else "accounts:2fa_setup"
            return redirect(f"{reverse(target)}?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)


class CurrentMembershipMiddleware:
    """Sets ``request.membership`` (the organisation being worked in) and ``request.unit``.

    A signed-in user without any current membership sees only a page that says so.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.membership = None  # type: ignore[attr-defined]
        request.unit = None  # type: ignore[attr-defined]
        user = request.user
        if user.is_authenticated:
            from zakrila.accounts.policy import access_from_memberships

            # One read of the memberships per request: the policy's access is made from it.
            memberships = current_memberships(user)
            access_from_memberships(user, memberships)
            chosen = request.session.get(SESSION_ORGANISATION)
            membership = next((m for m in memberships if m.organisation_id == chosen), None)
            if membership is None and memberships:
                membership = memberships[0]
            request.membership = membership  # type: ignore[attr-defined]
            request.memberships = memberships  # type: ignore[attr-defined]
            if membership is None and not request.path.startswith(_OPEN_PREFIXES):
                # The system administrator without a membership works in the admin site; the
                # pages of an organisation's work need a membership to know which one.
                if not user.is_superuser:
                    return redirect("accounts:no_membership")
                if request.path != reverse("core:home"):
                    return redirect("core:home")
            if membership is not None:
                request.unit = self._current_unit(request, membership)  # type: ignore[attr-defined]
        return self.get_response(request)

    @staticmethod
    def _current_unit(request: HttpRequest, membership: Membership) -> Unit | None:
        """The unit chosen in the switcher, while the membership still reaches it and it is in
        use; from the cache (``core.lookups``), not a query on every request."""
        from zakrila.accounts.policy import access_for
        from zakrila.core.lookups import active_unit

        unit_id = request.session.get(SESSION_UNIT)
        if not isinstance(unit_id, int):
            return None
        reach = access_for(request.user).reach_in(membership.organisation_id)
        if reach is None or (reach.unit_ids is not None and unit_id not in reach.unit_ids):
            return None
        unit: Unit | None = active_unit(membership.organisation_id, unit_id)
        return unit
