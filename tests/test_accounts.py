from __future__ import annotations

import datetime as dt
import time

import pytest
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.urls import reverse

from tests.factories import TEST_PASSWORD, MembershipFactory, UserFactory, member
from zakrila.accounts.models import Membership, Role
from zakrila.accounts.signals import SESSION_AUTH_AT
from zakrila.audit.models import AuditAction, AuditEvent

LOGIN = "/accounts/login/"


def login(client, email, password=TEST_PASSWORD, ip="10.0.0.7"):
    return client.post(LOGIN, {"username": email, "password": password}, REMOTE_ADDR=ip)


def test_it_signs_in_by_email_case_insensitively(client, case_manager):
    response = login(client, "CM@Example.bg")
    assert response.status_code == 302
    assert response.url == "/"
    assert client.get("/").status_code == 200


def test_wrong_password_says_what_to_do_in_bulgarian_and_keeps_the_email(client, case_manager):
    response = login(client, "cm@example.bg", "wrong-password-123")
    assert response.status_code == 200
    content = response.content.decode()
    assert "Грешен имейл адрес или парола" in content
    assert 'value="cm@example.bg"' in content


def test_six_wrong_passwords_lock_the_user_from_that_address_only(client, case_manager, org):
    colleague = member(org, Role.SPECIALIST, email="colleague@example.bg")
    for _ in range(6):
        login(client, "cm@example.bg", "wrong-password-123")
    # Even the right password is refused now, with a clear Bulgarian message.
    response = login(client, "cm@example.bg")
    assert response.status_code == 429
    assert "заключен" in response.content.decode()
    assert "_auth_user_id" not in client.session
    # A colleague at the same office address still signs in.
    assert login(client, colleague.email).status_code == 302
    client.logout()
    # The locked user may still sign in from another address.
    assert login(client, "cm@example.bg", ip="10.0.0.99").status_code == 302


def test_lockout_and_failed_logins_are_in_the_audit_trail(client, case_manager, org):
    for _ in range(6):
        login(client, "cm@example.bg", "wrong-password-123")
    failed = AuditEvent.objects.filter(action=AuditAction.LOGIN_FAILED, organisation_id=org.pk)
    assert failed.count() >= 6
    assert {event.ip_address for event in failed} == {"10.0.0.7"}
    assert AuditEvent.objects.filter(
        action=AuditAction.LOCKED_OUT, object_id=str(case_manager.pk)
    ).exists()


def test_login_and_logout_are_audited(client, case_manager, org):
    login(client, "cm@example.bg")
    client.post(reverse("accounts:logout"))
    actions = list(
        AuditEvent.objects.filter(actor=case_manager)
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == [AuditAction.LOGIN, AuditAction.LOGOUT]


def test_logout_is_post_only_and_clears_the_browser(client, case_manager):
    client.force_login(case_manager)
    assert client.get(reverse("accounts:logout")).status_code == 405
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert "cache" in response["Clear-Site-Data"]
    assert client.get("/").status_code == 302


def test_sessions_end_after_thirty_idle_minutes_and_stay_alive_while_used(client, case_manager):
    from django.contrib.sessions.models import Session
    from django.utils import timezone

    from zakrila.accounts.middleware import SESSION_TOUCH_SECONDS, SESSION_TOUCHED_AT

    assert settings.SESSION_COOKIE_AGE == 30 * 60
    login(client, "cm@example.bg")
    key = client.session.session_key

    def expires():
        return Session.objects.get(session_key=key).expire_date

    client.get("/")
    first = expires()
    assert first > timezone.now() + dt.timedelta(minutes=29)
    client.get("/")  # a request within the minute does not write the session again
    assert expires() == first
    session = client.session
    session[SESSION_TOUCHED_AT] = int(time.time()) - SESSION_TOUCH_SECONDS
    session.save()
    Session.objects.filter(session_key=key).update(
        expire_date=timezone.now() + dt.timedelta(minutes=1)
    )
    assert client.get("/").status_code == 200  # in use a minute later: the idle clock restarts
    assert expires() > timezone.now() + dt.timedelta(minutes=29)

    Session.objects.filter(session_key=key).update(
        expire_date=timezone.now() - dt.timedelta(seconds=1)
    )
    response = client.get("/")  # thirty minutes without a request: signed out
    assert response.status_code == 302
    assert response.url.startswith(LOGIN)


def test_a_session_older_than_the_absolute_lifetime_ends(client, case_manager):
    login(client, "cm@example.bg")
    session = client.session
    session[SESSION_AUTH_AT] = int(time.time()) - settings.ZAKRILA_SESSION_ABSOLUTE_SECONDS - 1
    session.save()
    response = client.get("/")
    assert response.status_code == 302
    assert response.url.startswith(LOGIN)
    assert "_auth_user_id" not in client.session


def test_user_without_membership_sees_only_a_message(client, db):
    user = UserFactory(email="lonely@example.bg")
    client.force_login(user)
    response = client.get("/", follow=True)
    assert response.redirect_chain[-1][0] == reverse("accounts:no_membership")
    assert "не сте член на никоя организация" in response.content.decode().lower()
    assert client.get(reverse("organisations:unit_list")).status_code == 302


def test_an_ended_membership_closes_access_at_once(client, case_manager):
    client.force_login(case_manager)
    assert client.get("/").status_code == 200
    # Through the ORM, as the admin site and the services change it (the cached memberships
    # hear of the change: accounts.membership_cache).
    for membership in Membership.objects.filter(user=case_manager):
        membership.is_active = False
        membership.save()
    response = client.get("/")
    assert response.status_code == 302
    assert response.url == reverse("accounts:no_membership")


def test_a_disabled_account_is_signed_out_at_once(client, case_manager):
    client.force_login(case_manager)
    case_manager.is_active = False
    case_manager.save()
    assert client.get("/").status_code == 302


def test_passwords_need_twelve_characters(db):
    user = UserFactory.build(email="x@example.bg", full_name="Иван Иванов")
    with pytest.raises(ValidationError) as error:
        validate_password("Kratka-1", user)
    assert any("12" in message for message in error.value.messages)
    validate_password("дълга-и-сложна-парола-2026", user)


def test_production_hashes_passwords_with_argon2():
    from zakrila import settings as real_settings

    assert real_settings.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")


def test_membership_refuses_unknown_roles(org):
    membership = MembershipFactory.build(organisation=org, user=UserFactory(), roles=["wizard"])
    with pytest.raises(ValidationError) as error:
        membership.full_clean()
    assert "roles" in error.value.message_dict


def test_membership_needs_a_role(org):
    membership = MembershipFactory.build(organisation=org, user=UserFactory(), roles=[])
    with pytest.raises(ValidationError):
        membership.full_clean()


def test_password_change_keeps_the_user_signed_in(client, case_manager):
    client.force_login(case_manager)
    response = client.post(
        reverse("accounts:password_change"),
        {
            "old_password": TEST_PASSWORD,
            "new_password1": "нова-дълга-парола-42",
            "new_password2": "нова-дълга-парола-42",
        },
    )
    assert response.status_code == 302
    case_manager.refresh_from_db()
    assert case_manager.check_password("нова-дълга-парола-42")
    assert client.get("/").status_code == 200


def test_password_change_refuses_a_short_password_in_bulgarian(client, case_manager):
    client.force_login(case_manager)
    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": TEST_PASSWORD, "new_password1": "къса-1", "new_password2": "къса-1"},
    )
    assert response.status_code == 200
    assert "12" in response.content.decode()
    assert "Паролата" in response.content.decode() or "парола" in response.content.decode()


def test_unit_switcher_refuses_a_unit_of_another_organisation(client, case_manager, other_org):
    from tests.factories import UnitFactory

    foreign = UnitFactory(organisation=other_org)
    client.force_login(case_manager)
    response = client.post(
        reverse("accounts:switch_unit"), {"unit": foreign.pk, "next": "/"}, follow=True
    )
    assert "zakrila_unit_id" not in client.session
    assert response.status_code == 200


def test_unit_switcher_narrows_the_home_page(client, case_manager, cop, org):
    from tests.factories import UnitFactory

    street = UnitFactory(organisation=org, name="Център за деца на улицата", code="ЦРДУ")
    client.force_login(case_manager)
    client.post(reverse("accounts:switch_unit"), {"unit": cop.pk, "next": "/"})
    content = client.get("/").content.decode()
    assert street.name not in content.split('data-testid="home-units"')[1]


def test_the_chosen_unit_holds_while_the_membership_reaches_it_and_it_is_in_use(
    client, case_manager, cop, org
):
    """The unit chosen in the switcher comes from the cache on every request, so what changes
    it must show at once: units taken from the membership, a unit closed."""
    from tests.factories import UnitFactory

    street = UnitFactory(organisation=org, name="Център за деца на улицата", code="ЦРДУ")
    client.force_login(case_manager)
    client.post(reverse("accounts:switch_unit"), {"unit": cop.pk, "next": "/"})
    unit = client.get("/").wsgi_request.unit
    assert unit == cop and unit.name == cop.name and unit.kind == cop.kind

    membership = case_manager.memberships.get()
    membership.units.set([street])  # no longer reaches the ЦОП
    assert client.get("/").wsgi_request.unit is None
    membership.units.clear()  # every unit again
    assert client.get("/").wsgi_request.unit == cop

    cop.is_active = False
    cop.save()
    assert client.get("/").wsgi_request.unit is None
