"""The signed-in user's row kept in the shared cache (accounts.backends): a page does not read
it again, and a user switched off, a password changed or a name changed is seen by the very
next page. The same for the second-factor device that verified the session."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.factories import TEST_PASSWORD


def _user_reads(client, url: str = "/") -> int:
    """Reads of a whole user row (the sign-in's, with the password hash) by one page."""
    with CaptureQueriesContext(connection) as captured:
        client.get(url)
    return sum(
        q["sql"].startswith('SELECT "accounts_user"."id"')
        and '"accounts_user"."password"' in q["sql"]
        for q in captured.captured_queries
    )


def test_a_second_page_does_not_read_the_user_again(client, case_manager):
    client.force_login(case_manager)
    assert _user_reads(client) == 1
    assert _user_reads(client) == 0
    assert client.get("/").context["user"].pk == case_manager.pk


def test_without_a_shared_cache_every_page_reads_the_user(client, case_manager, settings):
    settings.ZAKRILA_MEMBERSHIP_CACHE = None  # the default with a cache per process
    client.force_login(case_manager)
    client.get("/")
    assert _user_reads(client) == 1


def _switch_off(user) -> None:
    user.is_active = False
    user.save()


def _new_password_elsewhere(user) -> None:
    copy = get_user_model().objects.get(pk=user.pk)  # another request's copy
    copy.set_password(TEST_PASSWORD + "-нова")
    copy.save()


def _delete(user) -> None:
    user.delete()


@pytest.mark.parametrize(
    "change",
    [_switch_off, _new_password_elsewhere, _delete],
    ids=["switched off", "password changed elsewhere", "deleted"],
)
def test_a_change_that_ends_the_session_is_seen_by_the_next_page(client, case_manager, change):
    client.force_login(case_manager)
    assert client.get("/").status_code == 200  # the row is now in the cache
    change(case_manager)
    response = client.get("/")
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


def test_a_name_changed_is_shown_by_the_next_page(client, case_manager):
    client.force_login(case_manager)
    assert "Йорданка Христова" in client.get("/").content.decode()
    case_manager.full_name = "Йорданка Петрова"
    case_manager.save(update_fields=["full_name"])
    page = client.get("/").content.decode()
    assert "Йорданка Петрова" in page and "Йорданка Христова" not in page


# --- The second-factor device that verified the session (accounts.middleware) -----------------


@pytest.fixture
def verified(client, case_manager, settings):
    """A session signed in with a password and an authenticator, two-step sign-in required."""
    settings.ZAKRILA_REQUIRE_2FA = True
    device = TOTPDevice.objects.create(user=case_manager, name="Телефон", confirmed=True)
    client.force_login(case_manager)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return device


def _device_reads(client, url: str = "/") -> tuple[int, int]:
    """The page's status and its reads of the authenticator's table."""
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    reads = sum('FROM "otp_totp_totpdevice"' in q["sql"] for q in captured.captured_queries)
    return response.status_code, reads


def test_a_verified_session_does_not_read_its_device_again(client, verified):
    assert _device_reads(client) == (200, 1)
    assert _device_reads(client) == (200, 0)
    assert client.get("/").context["user"].is_verified()


def test_without_a_shared_cache_every_page_reads_the_device(client, verified, settings):
    settings.ZAKRILA_MEMBERSHIP_CACHE = None
    client.get("/")
    assert _device_reads(client) == (200, 1)


def _remove(device) -> None:
    TOTPDevice.objects.get(pk=device.pk).delete()  # another request's copy


def _unconfirm(device) -> None:
    copy = TOTPDevice.objects.get(pk=device.pk)
    copy.confirmed = False
    copy.save()


@pytest.mark.parametrize("change", [_remove, _unconfirm], ids=["removed", "unconfirmed"])
def test_a_device_removed_stops_verifying_at_the_next_page(client, verified, change):
    assert client.get("/").status_code == 200  # the device is now in the cache
    change(verified)
    response = client.get("/")
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:2fa_setup"))
    assert DEVICE_ID_SESSION_KEY not in client.session


def test_the_users_row_and_memberships_come_in_one_round_trip(client, case_manager, monkeypatch):
    """Every page asks the cache who the user is and where they work: one ``get_many`` for
    both, not one after the other; a change to a membership is still seen by the next page."""
    from django.core.cache import cache

    from zakrila.accounts import membership_cache

    client.force_login(case_manager)
    client.get("/")  # both are cached now
    asked: list[list[str]] = []
    get_many = cache.get_many

    def spy(keys, *args, **kwargs):
        asked.append(list(keys))
        return get_many(keys, *args, **kwargs)

    monkeypatch.setattr(cache, "get_many", spy)
    assert client.get("/").status_code == 200
    memberships_key = membership_cache.cache_keys(case_manager.pk)[1]
    with_memberships = [keys for keys in asked if memberships_key in keys]
    assert len(with_memberships) == 1
    assert f"zakrila:user:{case_manager.pk}" in with_memberships[0]
    # What was read with the row is the request's own, never kept in the cache with it.
    _token, cached_user = cache.get(f"zakrila:user:{case_manager.pk}")
    assert not hasattr(cached_user, membership_cache.PREFETCHED)

    membership = case_manager.memberships.get()
    membership.ends_on = membership.starts_on
    membership.save()
    response = client.get("/")
    assert response.status_code == 302  # no current membership: told so
    assert response.url == reverse("accounts:no_membership")
