from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.factories import TEST_PASSWORD
from zakrila.accounts.models import Membership, UserSession
from zakrila.accounts.services import membership_end, user_deactivate
from zakrila.audit.models import AuditAction, AuditEvent


def _code(device: TOTPDevice) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():06d}"


def _sign_in(client: Client, email: str) -> None:
    response = client.post(
        reverse("accounts:login"), {"username": email, "password": TEST_PASSWORD}
    )
    assert response.status_code == 302


def _let_time_pass(user, seconds: int = 60) -> None:
    """Move the devices' last failure into the past, as if the user had waited."""
    earlier = timezone.now() - dt.timedelta(seconds=seconds)
    TOTPDevice.objects.filter(user=user).update(throttling_failure_timestamp=earlier)
    StaticDevice.objects.filter(user=user).update(throttling_failure_timestamp=earlier)


@pytest.fixture
def two_factor_required():
    with override_settings(ZAKRILA_REQUIRE_2FA=True):
        yield


def _set_up_authenticator(client: Client, user) -> tuple[TOTPDevice, list[str]]:
    response = client.get(reverse("accounts:2fa_setup"))
    assert response.status_code == 200
    assert "data:image/svg+xml;base64," in response.content.decode()
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    response = client.post(reverse("accounts:2fa_setup"), {"token": _code(device), "next": "/"})
    assert response.status_code == 302
    codes = client.get(response.url).context["codes"]
    device.refresh_from_db()
    return device, codes


def test_staff_must_set_up_two_step_sign_in_before_anything_else(
    client, case_manager, two_factor_required
):
    _sign_in(client, case_manager.email)
    response = client.get("/")
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:2fa_setup"))
    assert client.get(reverse("organisations:unit_list")).status_code == 302


def test_a_wrong_first_code_is_refused_in_bulgarian(client, case_manager, two_factor_required):
    _sign_in(client, case_manager.email)
    client.get(reverse("accounts:2fa_setup"))
    response = client.post(reverse("accounts:2fa_setup"), {"token": "000000"})
    assert response.status_code == 200
    assert "Кодът не е верен" in response.content.decode()
    assert not TOTPDevice.objects.filter(user=case_manager, confirmed=True).exists()


def test_setting_up_the_authenticator_gives_ten_recovery_codes_and_access(
    client, case_manager, two_factor_required
):
    _sign_in(client, case_manager.email)
    device, codes = _set_up_authenticator(client, case_manager)
    assert device.confirmed
    assert len(codes) == 10 and len(set(codes)) == 10
    assert client.get("/").status_code == 200
    assert AuditEvent.objects.filter(actor=case_manager, changes__has_key="second_factor").exists()


def test_next_sign_in_asks_for_a_code_and_accepts_a_recovery_code_once(
    client, case_manager, two_factor_required
):
    _sign_in(client, case_manager.email)
    _, codes = _set_up_authenticator(client, case_manager)
    client.post(reverse("accounts:logout"))

    _sign_in(client, case_manager.email)
    response = client.get("/")
    assert response.url.startswith(reverse("accounts:2fa_verify"))
    wrong = client.post(reverse("accounts:2fa_verify"), {"token": "123456"})
    assert "не е верен" in wrong.content.decode()
    assert AuditEvent.objects.filter(action=AuditAction.LOGIN_FAILED, actor=case_manager).exists()
    # Right after a wrong code, even a right one must wait (django-otp's throttling).
    hurried = client.post(reverse("accounts:2fa_verify"), {"token": codes[0]})
    assert "Изчакайте" in hurried.content.decode()
    _let_time_pass(case_manager)
    assert (
        client.post(reverse("accounts:2fa_verify"), {"token": codes[0], "next": "/"}).status_code
        == 302
    )
    assert client.get("/").status_code == 200
    client.post(reverse("accounts:logout"))

    _sign_in(client, case_manager.email)
    reused = client.post(reverse("accounts:2fa_verify"), {"token": codes[0]})
    assert reused.status_code == 200
    assert client.get("/").status_code == 302


def test_the_authenticator_code_signs_in(client, case_manager, two_factor_required):
    _sign_in(client, case_manager.email)
    device, _ = _set_up_authenticator(client, case_manager)
    client.post(reverse("accounts:logout"))
    _sign_in(client, case_manager.email)
    # The code of the next time step: the one just used at set-up may not be used twice.
    device.refresh_from_db()
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = totp.time + device.step
    response = client.post(
        reverse("accounts:2fa_verify"), {"token": f"{totp.token():06d}", "next": "/"}
    )
    assert response.status_code == 302
    assert client.get("/").status_code == 200


def test_the_next_parameter_cannot_send_the_user_elsewhere(
    client, case_manager, two_factor_required
):
    _sign_in(client, case_manager.email)
    device = TOTPDevice.objects.create(user=case_manager, confirmed=False)
    response = client.post(
        reverse("accounts:2fa_setup"), {"token": _code(device), "next": "https://evil.example/"}
    )
    assert "evil.example" not in response.url


@pytest.fixture(
    params=[
        "django.contrib.sessions.backends.db",
        "django.contrib.sessions.backends.cached_db",  # production with Redis (settings.py)
    ],
    ids=["db", "cached_db"],
)
def session_engine(request, settings):
    """Sessions kept in the database, or read from the cache first: an ended session must end in
    both."""
    settings.SESSION_ENGINE = request.param
    return request.param


def test_a_user_sees_their_sessions_and_ends_one(case_manager, session_engine):
    office, tablet = (
        Client(),
        Client(HTTP_USER_AGENT="Mozilla/5.0 (Linux; Android 14) Chrome/120.0"),
    )
    _sign_in(office, case_manager.email)
    _sign_in(tablet, case_manager.email)
    response = office.get(reverse("accounts:sessions"))
    assert len(response.context["sessions"]) == 2
    assert "Android" in response.content.decode()
    tablet_session = UserSession.objects.get(user=case_manager, user_agent__contains="Android")
    # In use a moment ago: its tracking row is not read again for a minute, so only the
    # session store (database and cache alike) can end it now.
    assert tablet.get("/").status_code == 200
    office.post(reverse("accounts:sessions"), {"session": tablet_session.pk})
    assert tablet.get("/").status_code == 302
    assert office.get("/").status_code == 200


def _timed_out(client: Client, user, **moved) -> UserSession:
    """Sign in with ``client``, then move the session's times back as if it had been left."""
    _sign_in(client, user.email)
    session = UserSession.objects.get(session_key=client.session.session_key)
    UserSession.objects.filter(pk=session.pk).update(**moved)
    return session


def test_sessions_that_timed_out_are_not_listed_as_where_the_user_is_signed_in(case_manager):
    now = timezone.now()
    idle = now - dt.timedelta(seconds=settings.SESSION_COOKIE_AGE + 600)
    too_old = now - dt.timedelta(seconds=settings.ZAKRILA_SESSION_ABSOLUTE_SECONDS + 60)
    _timed_out(Client(), case_manager, last_seen_at=idle)  # the browser closed, never used
    _timed_out(Client(), case_manager, created_at=too_old)
    office = Client()
    _sign_in(office, case_manager.email)
    listed = office.get(reverse("accounts:sessions")).context["sessions"]
    assert [s.session_key for s in listed] == [office.session.session_key]


def test_the_retention_job_deletes_ended_sessions_and_keeps_the_ones_in_use(case_manager):
    from django.contrib.sessions.models import Session

    from zakrila.privacy.retention import retention_run

    idle = timezone.now() - dt.timedelta(seconds=settings.SESSION_COOKIE_AGE + 600)
    left = Client()
    left_session = _timed_out(left, case_manager, last_seen_at=idle)
    Session.objects.filter(session_key=left_session.session_key).update(expire_date=idle)
    office = Client()
    _sign_in(office, case_manager.email)
    assert retention_run().expired_sessions == 2  # the stored session and its tracking row
    assert not Session.objects.filter(session_key=left_session.session_key).exists()
    assert list(UserSession.objects.values_list("session_key", flat=True)) == [
        office.session.session_key
    ]
    assert office.get("/").status_code == 200


def test_a_sign_in_is_kept_by_the_audit_trail_alone_not_by_axes_as_well(case_manager):
    from axes.models import AccessLog

    client = Client()
    _sign_in(client, case_manager.email)
    client.post(reverse("accounts:logout"))
    assert not AccessLog.objects.exists()
    assert AuditEvent.objects.filter(actor=case_manager, action=AuditAction.LOGIN).count() == 1


def test_a_user_cannot_end_someone_elses_session(case_manager, org):
    from tests.factories import member

    colleague = member(org, "case_manager", email="colleague@example.bg")
    mine, theirs = Client(), Client()
    _sign_in(mine, case_manager.email)
    _sign_in(theirs, colleague.email)
    their_session = UserSession.objects.get(user=colleague)
    mine.post(reverse("accounts:sessions"), {"session": their_session.pk})
    assert theirs.get("/").status_code == 200


def test_disabling_an_account_ends_its_sessions_at_once(
    case_manager, django_capture_on_commit_callbacks, session_engine
):
    client = Client()
    _sign_in(client, case_manager.email)
    with django_capture_on_commit_callbacks(execute=True):
        user_deactivate(actor=None, user=case_manager)
    assert not UserSession.objects.filter(user=case_manager).exists()
    assert client.get("/").status_code == 302


def test_ending_a_membership_ends_the_users_sessions(
    case_manager, django_capture_on_commit_callbacks, session_engine
):
    client = Client()
    _sign_in(client, case_manager.email)
    membership = Membership.objects.get(user=case_manager)
    with django_capture_on_commit_callbacks(execute=True):
        membership_end(actor=None, membership=membership, ends_on=dt.date(2025, 12, 31))
    assert not UserSession.objects.filter(user=case_manager).exists()
    response = client.get("/")
    assert response.status_code == 302 and response.url.startswith(reverse("accounts:login"))


def test_a_password_change_ends_the_other_sessions(case_manager, session_engine):
    office, tablet = Client(), Client()
    _sign_in(office, case_manager.email)
    _sign_in(tablet, case_manager.email)
    office.post(
        reverse("accounts:password_change"),
        {
            "old_password": TEST_PASSWORD,
            "new_password1": "нова-дълга-парола-42",
            "new_password2": "нова-дълга-парола-42",
        },
    )
    assert office.get("/").status_code == 200
    assert tablet.get("/").status_code == 302


# --- The second step cannot be bypassed -------------------------------------------------------


def test_a_password_only_session_cannot_enrol_a_new_device_over_a_confirmed_one(
    client, case_manager, two_factor_required
):
    """The attack: with only the password, a new session went from the verify page to the
    set-up page, connected the attacker's app and was signed in, deleting the real one."""
    _sign_in(client, case_manager.email)
    real_device, _ = _set_up_authenticator(client, case_manager)
    client.post(reverse("accounts:logout"))

    attacker = Client()
    _sign_in(attacker, case_manager.email)
    assert attacker.get(reverse("accounts:2fa_verify")).status_code == 200
    response = attacker.get(reverse("accounts:2fa_setup"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:2fa_verify"))
    assert not TOTPDevice.objects.filter(user=case_manager, confirmed=False).exists()
    # Even with an unconfirmed device planted in the database, posting its code does nothing.
    planted = TOTPDevice.objects.create(user=case_manager, confirmed=False)
    attacker.post(reverse("accounts:2fa_setup"), {"token": _code(planted), "next": "/"})
    assert TOTPDevice.objects.filter(pk=real_device.pk, confirmed=True).exists()
    planted.refresh_from_db()
    assert not planted.confirmed
    assert attacker.get("/").url.startswith(reverse("accounts:2fa_verify"))


def _next_code(device: TOTPDevice, steps: int = 1) -> str:
    device.refresh_from_db()
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = totp.time + steps * device.step
    return f"{totp.token():06d}"


def test_replacing_the_authenticator_needs_the_current_second_factor(
    client, case_manager, two_factor_required
):
    _sign_in(client, case_manager.email)
    old_device, codes = _set_up_authenticator(client, case_manager)
    response = client.get(reverse("accounts:2fa_setup"))
    assert response.status_code == 200
    assert "current_token" in response.context["form"].fields
    new_device = TOTPDevice.objects.get(user=case_manager, confirmed=False)

    refused = client.post(reverse("accounts:2fa_setup"), {"token": _code(new_device)})
    assert refused.status_code == 200
    assert refused.context["form"].errors["current_token"]
    assert TOTPDevice.objects.filter(pk=old_device.pk, confirmed=True).exists()

    wrong = client.post(
        reverse("accounts:2fa_setup"), {"current_token": "99999999", "token": _code(new_device)}
    )
    assert wrong.context["form"].errors["current_token"]

    _let_time_pass(case_manager)
    replaced = client.post(
        reverse("accounts:2fa_setup"),
        {"current_token": codes[1], "token": _code(new_device), "next": "/"},
    )
    assert replaced.status_code == 302
    assert not TOTPDevice.objects.filter(pk=old_device.pk).exists()
    assert TOTPDevice.objects.get(pk=new_device.pk).confirmed


def test_a_new_authenticator_is_told_to_the_user_at_the_next_sign_in(
    client, case_manager, two_factor_required
):
    _sign_in(client, case_manager.email)
    _, codes = _set_up_authenticator(client, case_manager)
    # The first set-up tells nobody anything: there was nothing to replace.
    client.post(reverse("accounts:logout"))
    _sign_in(client, case_manager.email)
    page = client.get(reverse("accounts:2fa_verify"))
    assert "Ново приложение" not in page.content.decode()
    _let_time_pass(case_manager)
    client.post(reverse("accounts:2fa_verify"), {"token": codes[0]})
    client.get(reverse("accounts:2fa_setup"))
    new_device = TOTPDevice.objects.get(user=case_manager, confirmed=False)
    _let_time_pass(case_manager)
    client.post(
        reverse("accounts:2fa_setup"), {"current_token": codes[1], "token": _code(new_device)}
    )
    client.post(reverse("accounts:logout"))

    _sign_in(client, case_manager.email)
    page = client.get(reverse("accounts:2fa_verify"))
    assert "Ново приложение за удостоверяване" in page.content.decode()
    # Said once, not on every sign-in.
    client.post(reverse("accounts:logout"))
    _sign_in(client, case_manager.email)
    assert "Ново приложение" not in client.get(reverse("accounts:2fa_verify")).content.decode()


def test_the_session_key_changes_when_the_second_step_succeeds(
    client, case_manager, two_factor_required
):
    _sign_in(client, case_manager.email)
    device, _ = _set_up_authenticator(client, case_manager)
    client.post(reverse("accounts:logout"))
    _sign_in(client, case_manager.email)
    before = client.session.session_key
    response = client.post(
        reverse("accounts:2fa_verify"), {"token": _next_code(device), "next": "/"}
    )
    assert response.status_code == 302
    after = client.session.session_key
    assert after != before
    # The session is still the user's tracked, signed-in session.
    assert UserSession.objects.filter(user=case_manager, session_key=after).exists()
    assert not UserSession.objects.filter(session_key=before).exists()
    assert client.get("/").status_code == 200
