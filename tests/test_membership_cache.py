"""The memberships kept in the cache between requests (accounts.membership_cache): a page does
not read them again, and any change to a membership, its units, a unit or an organisation is
seen by the very next page."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.factories import PersonFactory, UnitFactory, member
from zakrila.accounts import membership_cache
from zakrila.accounts.models import Membership, Role
from zakrila.accounts.services import membership_change


def _membership_reads(client, url: str = "/") -> int:
    with CaptureQueriesContext(connection) as captured:
        client.get(url)
    return sum('FROM "accounts_membership"' in q["sql"] for q in captured.captured_queries)


def test_a_second_page_does_not_read_the_memberships_again(client, case_manager):
    client.force_login(case_manager)
    assert _membership_reads(client) == 1
    assert _membership_reads(client) == 0


def test_without_a_shared_cache_every_page_reads_them(client, case_manager, settings):
    settings.ZAKRILA_MEMBERSHIP_CACHE = None  # the default: on only with a shared cache
    client.force_login(case_manager)
    client.get("/")
    assert _membership_reads(client) == 1


def test_it_is_on_by_default_with_redis_and_off_with_a_cache_per_process(settings):
    settings.ZAKRILA_MEMBERSHIP_CACHE = None
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    assert not membership_cache.enabled()
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:6379/0",
        }
    }
    assert membership_cache.enabled()


def test_a_unit_taken_away_is_seen_by_the_next_page(client, org, cop):
    other_unit = UnitFactory(organisation=org, name="Кризисен център", code="КЦ")
    worker = member(org, Role.FIELD_WORKER, units=[cop, other_unit], email="fw@example.bg")
    person = PersonFactory(organisation=org, unit=other_unit)
    client.force_login(worker)
    url = reverse("people:person", args=[person.pk])
    assert client.get(url).status_code == 200
    membership_change(actor=None, membership=Membership.objects.get(user=worker), units=[cop])
    assert client.get(url).status_code == 404


def test_roles_changed_are_seen_by_the_next_page(client, org, cop):
    worker = member(org, Role.CASE_MANAGER, email="cm2@example.bg")
    client.force_login(worker)
    assert client.get(reverse("cases:list")).status_code == 200
    membership = Membership.objects.get(user=worker)
    membership.roles = [Role.TRAINER]
    membership.save()
    assert client.get(reverse("cases:list")).status_code == 403


def test_an_organisation_closed_is_seen_by_the_next_page(client, org, case_manager):
    client.force_login(case_manager)
    assert client.get("/").status_code == 200
    org.is_active = False
    org.save()
    response = client.get("/")
    assert response.status_code == 302
    assert response.url == reverse("accounts:no_membership")


def test_a_membership_that_ended_yesterday_is_not_kept_overnight(client, case_manager, monkeypatch):
    client.force_login(case_manager)
    assert client.get("/").status_code == 200
    membership = Membership.objects.get(user=case_manager)
    today = timezone.localdate()
    # Ends today: still current today, no longer tomorrow. Written without the ORM's signals,
    # so only the date kept with the cached entry can make the next day's page read it again.
    Membership.objects.filter(pk=membership.pk).update(ends_on=today)
    assert client.get("/").status_code == 200
    tomorrow = today + dt.timedelta(days=1)
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *args, **kwargs: tomorrow)
    response = client.get("/")
    assert response.status_code == 302
    assert response.url == reverse("accounts:no_membership")


@pytest.mark.django_db(transaction=True)
def test_the_generation_moves_again_when_the_change_commits(case_manager):
    from django.core.cache import cache
    from django.db import transaction

    with transaction.atomic():
        membership_cache.memberships_changed()
        during = cache.get(membership_cache.GENERATION_KEY)
    assert cache.get(membership_cache.GENERATION_KEY) != during


@pytest.mark.django_db(transaction=True)
def test_the_organisations_lists_are_read_afresh_when_the_change_commits(org, cop):
    """A page that read the units while a rename was not yet committed (on another
    connection: the old name) and cached them under the moved token must not keep them."""
    from django.core.cache import cache
    from django.db import transaction

    from zakrila.core import generations, lookups

    assert [unit.name for unit in lookups.active_units(org.pk)] == [cop.name]
    with transaction.atomic():
        cop.name = "ЦОП Русе – център"
        cop.save()
        token = generations.current(f"zakrila:org:{org.pk}:gen")
        stale = [lookups.UnitChoice(cop.pk, "ЦОП Русе", None)]
        cache.set(f"zakrila:org:{org.pk}:units", (token, stale), lookups.TTL)
    assert [unit.name for unit in lookups.active_units(org.pk)] == ["ЦОП Русе – център"]
