"""Changes to accounts: the second factor and recovery codes, and ending sessions."""

from __future__ import annotations

import base64
import io
import math
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp.qr import write_qrcode_image

from zakrila.accounts.models import AccountNotice, User, UserSession
from zakrila.accounts.sessions import session_end
from zakrila.audit.context import current_origin
from zakrila.audit.models import AuditAction
from zakrila.audit.services import audit_record

RECOVERY_DEVICE_NAME = "recovery"


def _org_id(user: User) -> int | None:
    from zakrila.accounts.signals import _home_organisation_id

    return _home_organisation_id(user)


@transaction.atomic
def totp_device_start(*, user: User) -> TOTPDevice:
    """A new, unconfirmed authenticator for the user (an earlier unconfirmed one is dropped)."""
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    return TOTPDevice.objects.create(user=user, name=_("Authenticator app"), confirmed=False)


def totp_qr_data_uri(device: TOTPDevice) -> str:
    """The QR code an authenticator app scans, as an image the page can show without scripts."""
    buffer = io.BytesIO()
    write_qrcode_image(device.config_url, buffer)
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode()


def totp_secret_for_typing(device: TOTPDevice) -> str:
    """The secret in base32, in groups of four, for apps that cannot scan."""
    secret = base64.b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


@transaction.atomic
def totp_device_confirm(
    *, request: HttpRequest, user: User, device: TOTPDevice, token: str, current_token: str = ""
) -> list[str]:
    """Confirm the authenticator with a first code; returns the new recovery codes.

    An account that already has a confirmed authenticator replaces it only with the current
    second factor (a code from the current app or a recovery code), in a session that has
    already passed the second step; the user is told at their next sign-in.
    """
    if device.user_id != user.pk or device.confirmed:
        raise ValidationError(_("Start the set-up again."), code="stale_device")
    replacing = TOTPDevice.objects.filter(user=user, confirmed=True).exists()
    if replacing:
        if not getattr(user, "is_verified", lambda: False)():
            raise ValidationError(
                _("Confirm this sign-in with your current app first."), code="not_verified"
            )
        if not current_token or not _current_factor_ok(user, current_token):
            raise ValidationError(
                {
                    "current_token": _(
                        "This is not a valid code from your current app or a recovery code."
                    )
                },
                code="wrong_current_code",
            )
    if not device.verify_token(_digits(token)):
        raise ValidationError(
            {
                "token": _(
                    "This code is not right. Check the time on your phone and type the 6 digits the app shows now."
                )
            },
            code="wrong_code",
        )
    TOTPDevice.objects.filter(user=user, confirmed=True).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    codes = recovery_codes_create(user=user)
    otp_login(request, device)
    _rotate_session_key(request)
    if replacing:
        AccountNotice.objects.create(
            user=user,
            kind=AccountNotice.Kind.NEW_AUTHENTICATOR,
            ip_address=current_origin().ip_address,
        )
    audit_record(
        action=AuditAction.UPDATE,
        actor=user,
        organisation_id=_org_id(user),
        object_type="accounts.user",
        object_id=user.pk,
        changes={"second_factor": "changed"},
        details={"replaced": replacing},
    )
    return codes


def _current_factor_ok(user: User, token: str) -> bool:
    """A code of the user's confirmed authenticator or one of their recovery codes (used up)."""
    devices = list(TOTPDevice.objects.filter(user=user, confirmed=True)) + list(
        StaticDevice.objects.filter(user=user, confirmed=True)
    )
    for device in devices:
        allowed, _data = device.verify_is_allowed()
        if allowed and device.verify_token(token):
            return True
    return False


def _rotate_session_key(request: HttpRequest) -> None:
    """A new session key once the second step succeeds, so a key seen before it is worthless;
    the signed-in session's record follows the new key."""
    old_key = request.session.session_key
    request.session.cycle_key()
    new_key = request.session.session_key
    if old_key and new_key and old_key != new_key:
        UserSession.objects.filter(session_key=old_key).update(session_key=new_key)


def account_notices_take(*, user: User) -> list[AccountNotice]:
    """The notices the user has not been shown yet, marked as shown."""
    notices = list(AccountNotice.objects.filter(user=user, shown_at__isnull=True))
    if notices:
        AccountNotice.objects.filter(pk__in=[n.pk for n in notices]).update(shown_at=timezone.now())
    return notices


@transaction.atomic
def recovery_codes_create(*, user: User) -> list[str]:
    """Fresh single-use recovery codes; the old ones stop working."""
    device, _ = StaticDevice.objects.get_or_create(
        user=user, name=RECOVERY_DEVICE_NAME, defaults={"confirmed": True}
    )
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(settings.ZAKRILA_RECOVERY_CODES)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=code) for code in codes])
    return codes


@dataclass(frozen=True)
class SecondFactorResult:
    ok: bool
    wait_seconds: int = 0  # after wrong codes, django-otp makes each next try wait longer


def second_factor_verify(*, request: HttpRequest, user: User, token: str) -> SecondFactorResult:
    """Check a code from the authenticator, or a recovery code; sign the session in with it."""
    token = token.strip().replace(" ", "")
    devices = list(TOTPDevice.objects.filter(user=user, confirmed=True)) + list(
        StaticDevice.objects.filter(user=user, confirmed=True)
    )
    wait = 0
    for device in devices:
        allowed, data = device.verify_is_allowed()
        if not allowed and data and data.get("locked_until"):
            seconds = (data["locked_until"] - timezone.now()).total_seconds()
            wait = max(wait, math.ceil(seconds))
    if wait > 0:
        return SecondFactorResult(ok=False, wait_seconds=wait)
    with transaction.atomic():
        for device in devices:
            if device.verify_token(token):
                otp_login(request, device)
                _rotate_session_key(request)
                audit_record(
                    action=AuditAction.LOGIN,
                    actor=user,
                    organisation_id=_org_id(user),
                    object_type="accounts.user",
                    object_id=user.pk,
                    details={
                        "second_factor": "recovery" if isinstance(device, StaticDevice) else "totp"
                    },
                )
                return SecondFactorResult(ok=True)
        audit_record(
            action=AuditAction.LOGIN_FAILED,
            actor=user,
            organisation_id=_org_id(user),
            object_type="accounts.user",
            object_id=user.pk,
            details={"second_factor": True},
        )
    return SecondFactorResult(ok=False)


def recovery_codes_left(user: User) -> int:
    return StaticToken.objects.filter(device__user=user, device__name=RECOVERY_DEVICE_NAME).count()


@transaction.atomic
def session_end_by_user(*, user: User, session: UserSession) -> None:
    """The user ends one of their own sessions (e.g. a tablet left in the office)."""
    if session.user_id != user.pk:
        raise ValidationError(_("This is not your session."), code="not_yours")
    audit_record(
        action=AuditAction.LOGOUT,
        actor=user,
        organisation_id=_org_id(user),
        object_type="accounts.usersession",
        object_id=session.pk,
        details={"ended_by": "user"},
    )
    session_end(session)


def _digits(token: str) -> str:
    return "".join(ch for ch in token if ch.isdigit())
