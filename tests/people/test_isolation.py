"""Every people page, read from the URLconf, is a 404 for a worker of another organisation and
asks an anonymous visitor to sign in. A new page that forgets the policy fails here."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import get_resolver, reverse

from tests.factories import HouseholdFactory, PersonFactory
from zakrila.people.models import Consent


def _people_routes():
    resolver = get_resolver()
    namespace = resolver.namespace_dict["people"][1]
    for name, entries in namespace.reverse_dict.lists():
        if isinstance(name, str):
            params = entries[0][0][0][1]
            yield name, params


@pytest.fixture
def records(org, cop):
    child = PersonFactory(organisation=org, unit=cop, first_name="Тайна", last_name="Тайнова")
    twin = PersonFactory(organisation=org, unit=cop, first_name="Тайна", last_name="Тайнова")
    household = HouseholdFactory(child=child)
    consent = Consent.objects.create(
        organisation=org, person=child, given_by=child, purpose="x", given_on=dt.date(2026, 1, 1)
    )
    return {
        "pk": child.pk,
        "first": child.pk,
        "second": twin.pk,
        "household": household.pk,
        "consent": consent.pk,
    }


def _kwargs(name, params, records):
    values = {}
    for param in params:
        if param == "fmt":
            values[param] = "json"
        elif name.startswith("household") and param == "pk":
            values[param] = records["household"]
        elif name.startswith("consent_withdraw"):
            values[param] = records["consent"]
        else:
            values[param] = records[param]
    return values


ROUTES = sorted(_people_routes())


def test_the_route_table_is_not_empty():
    assert len(ROUTES) >= 15


RECORD_ROUTES = [route for route in ROUTES if route[1]]


@pytest.mark.parametrize(("name", "params"), RECORD_ROUTES, ids=[name for name, _ in RECORD_ROUTES])
def test_an_outsider_gets_404_on_every_record_page(client, outsider, records, name, params):
    url = reverse(f"people:{name}", kwargs=_kwargs(name, params, records))
    client.force_login(outsider)
    assert client.get(url).status_code in (404, 405)
    # 405 for a page that takes no POST: the same answer for every id, so nothing is confirmed.
    assert client.post(
        url, {"reason": "x", "decision": "merge", "keep": records["pk"]}
    ).status_code in (404, 405)


@pytest.mark.parametrize(("name", "params"), ROUTES, ids=[name for name, _ in ROUTES])
def test_an_anonymous_visitor_is_sent_to_sign_in(client, records, name, params):
    url = reverse(f"people:{name}", kwargs=_kwargs(name, params, records))
    response = client.get(url)
    assert response.status_code == 302
    assert "/accounts/login/" in response.url


@pytest.mark.parametrize(
    ("name", "params"), [r for r in ROUTES if not r[1]], ids=[n for n, p in ROUTES if not p]
)
def test_pages_without_a_record_show_nothing_of_another_organisation(
    client, outsider, records, name, params
):
    client.force_login(outsider)
    response = client.get(reverse(f"people:{name}"), {"q": "Тайна"})
    assert "Тайнова" not in response.content.decode()
