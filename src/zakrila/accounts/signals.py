"""Logins, logouts, failed logins and lockouts go into the audit trail."""

from __future__ import annotations

import time
from typing import Any

from axes.signals import user_locked_out
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from zakrila.accounts.queries import home_organisation_id
from zakrila.audit.models import AuditAction
from zakrila.audit.services import audit_record

SESSION_AUTH_AT = "zakrila_auth_at"


def _user_by_email(email: str) -> Any:
    if not email:
        return None
    return get_user_model().objects.filter(email__iexact=email.strip()).first()


@receiver(user_logged_in)
def on_logged_in(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if request is not None and hasattr(request, "session"):
        request.session[SESSION_AUTH_AT] = int(time.time())
        from zakrila.accounts.sessions import session_record

        session_record(request=request, user=user)
        _tell_account_notices(request, user)
    audit_record(
        action=AuditAction.LOGIN,
        actor=user,
        organisation_id=home_organisation_id(user),
        object_type="accounts.user",
        object_id=user.pk,
    )


def _tell_account_notices(request: Any, user: Any) -> None:
    """What happened to the account since the last sign-in, said once (e.g. a new app)."""
    from django.contrib import messages
    from django.utils.formats import date_format
    from django.utils.timezone import localtime
    from django.utils.translation import gettext as _

    from zakrila.accounts.services import account_notices_take

    for notice in account_notices_take(user=user):
        messages.warning(
            request,
            _(
                "A new authenticator app was connected to your account on %(when)s from the "
                "address %(address)s. If it was not you, tell your director or administrator "
                "at once."
            )
            % {
                "when": date_format(localtime(notice.created_at), "SHORT_DATETIME_FORMAT"),
                "address": notice.ip_address or "?",
            },
            fail_silently=True,
        )


@receiver(user_logged_out)
def on_logged_out(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if request is not None and getattr(request, "session", None) is not None:
        from zakrila.accounts.models import UserSession

        UserSession.objects.filter(session_key=request.session.session_key or "").delete()
    if user is None:
        return
    audit_record(
        action=AuditAction.LOGOUT,
        actor=user,
        organisation_id=home_organisation_id(user),
        object_type="accounts.user",
        object_id=user.pk,
    )


@receiver(user_login_failed)
def on_login_failed(
    sender: Any, credentials: dict[str, Any], request: Any = None, **kwargs: Any
) -> None:
    email = str(credentials.get("username") or credentials.get("email") or "")
    user = _user_by_email(email)
    audit_record(
        action=AuditAction.LOGIN_FAILED,
        organisation_id=home_organisation_id(user),
        object_type="accounts.user" if user else "",
        object_id=user.pk if user else "",
        actor_label=email[:254],
        details={"locked_out": bool(getattr(request, "axes_locked_out", False))},
    )


@receiver(user_locked_out)
def on_locked_out(sender: Any, request: Any, username: str, ip_address: str, **kwargs: Any) -> None:
    user = _user_by_email(username or "")
    audit_record(
        action=AuditAction.LOCKED_OUT,
        organisation_id=home_organisation_id(user),
        object_type="accounts.user" if user else "",
        object_id=user.pk if user else "",
        actor_label=(username or "")[:254],
    )
