"""Changes to accounts: the second factor and recovery codes, ending sessions, memberships
and account changes."""

from __future__ import annotations

import base64
import datetime as dt
import io
import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp.qr import write_qrcode_image

from zakrila.accounts.models import AccountNotice, Membership, User, UserSession
from zakrila.accounts.policy import forget_access
from zakrila.accounts.queries import home_organisation_id
from zakrila.accounts.sessions import session_end, sessions_end_for_user
from zakrila.audit.context import current_origin
from zakrila.audit.models import AuditAction
from zakrila.audit.services import audit_record, changes_between, snapshot
from zakrila.organisations.models import Organisation, Unit

RECOVERY_DEVICE_NAME = "recovery"


@transaction.atomic
def is_demo_account(user: User) -> bool:
    """A demo login (``<role>@demo.zakrila.bg``): its password is published in the README."""
    domain = (user.email or "").rpartition("@")[2].lower()
    return domain in settings.ZAKRILA_DEMO_EMAIL_DOMAINS


def refuse_demo_account_in_production(user: User) -> None:
    """A demo account must never gain a second factor on a production server: with one, the
    published password would open a real system (``check --deploy`` refuses demo users too)."""
    if settings.PRODUCTION and is_demo_account(user):
        raise PermissionDenied(
            _(
                "Demo accounts cannot connect an authenticator on a production server. Sign in "
                "with your own account, or ask the administrator to remove the demo accounts."
            )
        )


def totp_device_start(*, user: User) -> TOTPDevice:
    """A new, unconfirmed authenticator for the user (an earlier unconfirmed one is dropped)."""
    refuse_demo_account_in_production(user)
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
    refuse_demo_account_in_production(user)
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
        organisation_id=home_organisation_id(user),
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
                    organisation_id=home_organisation_id(user),
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
            organisation_id=home_organisation_id(user),
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
        organisation_id=home_organisation_id(user),
        object_type="accounts.usersession",
        object_id=session.pk,
        details={"ended_by": "user"},
    )
    session_end(session)


def _digits(token: str) -> str:
    return "".join(ch for ch in token if ch.isdigit())


# --- Memberships and accounts -----------------------------------------------------------------
# Who may do what in which organisation is itself a record with legal weight: every grant,
# change and end of a membership, and every change to an account, is written to the audit trail
# in the same transaction, with the fields that changed. Ending access ends the user's sessions
# as soon as the transaction commits.

MEMBERSHIP_FIELDS = ("roles", "job_title", "starts_on", "ends_on", "is_active")
USER_FIELDS = ("email", "full_name", "is_active", "is_staff", "is_superuser")
_UNCHANGED: Any = object()


def _membership_state(membership: Membership) -> dict[str, Any]:
    state = snapshot(membership, MEMBERSHIP_FIELDS)
    state["units"] = sorted(membership.units.values_list("pk", flat=True))
    return state


def _check_units(organisation_id: int, units: Iterable[Unit]) -> list[Unit]:
    units = list(units)
    foreign = [unit for unit in units if unit.organisation_id != organisation_id]
    if foreign:
        raise ValidationError(
            {"units": _("Choose only units of the membership's own organisation.")},
            code="foreign_unit",
        )
    return units


def _end_sessions_if_access_ended(user: User, *, was_current: bool, is_current: bool) -> int:
    forget_access(user)
    if was_current and not is_current:
        return sessions_end_for_user(user)
    return 0


@transaction.atomic
def membership_grant(
    *,
    actor: User | None,
    user: User,
    organisation: Organisation,
    roles: Iterable[str],
    units: Iterable[Unit] = (),
    job_title: str = "",
    starts_on: dt.date | None = None,
    ends_on: dt.date | None = None,
) -> Membership:
    """Make a user a member of an organisation with these roles (and, optionally, units)."""
    membership = Membership(
        user=user,
        organisation=organisation,
        roles=list(roles),
        job_title=job_title,
        starts_on=starts_on or timezone.localdate(),
        ends_on=ends_on,
    )
    membership.full_clean()
    units = _check_units(organisation.pk, units)
    membership.save()
    membership.units.set(units)
    audit_record(
        action=AuditAction.CREATE,
        actor=actor,
        organisation_id=organisation.pk,
        obj=membership,
        changes=changes_between({}, _membership_state(membership)),
        details={"user": user.pk},
    )
    forget_access(user)
    return membership


@transaction.atomic
def membership_change(
    *,
    actor: User | None,
    membership: Membership,
    roles: Iterable[str] = _UNCHANGED,
    units: Iterable[Unit] = _UNCHANGED,
    job_title: str = _UNCHANGED,
    starts_on: dt.date = _UNCHANGED,
    ends_on: dt.date | None = _UNCHANGED,
    is_active: bool = _UNCHANGED,
) -> Membership:
    """Change a membership's roles, units or dates. If it stops being current, the user's
    access to the organisation ends at once: their sessions end when this commits."""
    current = Membership.objects.select_for_update().select_related("user").get(pk=membership.pk)
    before = _membership_state(current)
    was_current = current.is_current
    given = {
        "roles": list(roles) if roles is not _UNCHANGED else _UNCHANGED,
        "job_title": job_title,
        "starts_on": starts_on,
        "ends_on": ends_on,
        "is_active": is_active,
    }
    for name, value in given.items():
        if value is not _UNCHANGED:
            setattr(current, name, value)
    current.full_clean()
    current.save()
    if units is not _UNCHANGED:
        current.units.set(_check_units(current.organisation_id, units))
    changes = changes_between(before, _membership_state(current))
    if changes:
        ended = _end_sessions_if_access_ended(
            current.user, was_current=was_current, is_current=current.is_current
        )
        audit_record(
            action=AuditAction.UPDATE,
            actor=actor,
            organisation_id=current.organisation_id,
            obj=current,
            changes=changes,
            details={"user": current.user_id, **({"sessions_ended": ended} if ended else {})},
        )
    return current


def membership_end(
    *, actor: User | None, membership: Membership, ends_on: dt.date | None = None
) -> Membership:
    """End a membership (today unless said otherwise): from then on the user has no access to
    the organisation, and their sessions end at once when it ends today or earlier."""
    today = timezone.localdate()
    ends_on = ends_on or today
    if ends_on > today:
        return membership_change(actor=actor, membership=membership, ends_on=ends_on)
    return membership_change(actor=actor, membership=membership, ends_on=ends_on, is_active=False)


@transaction.atomic
def user_update(*, actor: User | None, user: User, **fields: Any) -> User:
    """Change an account (name, email, whether it is active or a system administrator). An
    account made inactive is signed out everywhere when this commits."""
    unknown = set(fields) - set(USER_FIELDS)
    if unknown:
        raise TypeError(f"user_update does not change {sorted(unknown)}")
    current = User.objects.select_for_update().get(pk=user.pk)
    before = snapshot(current, USER_FIELDS)
    was_active = current.is_active
    for name, value in fields.items():
        setattr(current, name, value)
    current.full_clean(exclude=["password"])
    current.save()
    changes = changes_between(before, snapshot(current, USER_FIELDS))
    if changes:
        ended = 0
        if was_active and not current.is_active:
            ended = sessions_end_for_user(current)
        audit_record(
            action=AuditAction.UPDATE,
            actor=actor,
            organisation_id=home_organisation_id(current),
            obj=current,
            changes=changes,
            details={"sessions_ended": ended} if ended else {},
        )
    forget_access(user)
    return current


def user_deactivate(*, actor: User | None, user: User) -> User:
    """Close an account: the person can no longer sign in and is signed out everywhere."""
    return user_update(actor=actor, user=user, is_active=False)
