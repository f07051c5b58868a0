"""The pages people open all day cost the same number of queries however much is in them."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.giving.conftest import give, in_month, receive
from zakrila.giving.services import item_create


def _queries(client, url: str) -> int:
    client.get(url)  # the session is renewed once a minute: not on the request measured
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured.captured_queries)


def test_lists_and_the_store_cost_constant_queries(client, coordinator, org, store, flour, family):
    client.force_login(coordinator)
    receive(coordinator, store, (flour, "5", "1", in_month(20)))
    give(coordinator, store, family, (flour, "1"))
    pages = [
        reverse("giving:index"), store.get_absolute_url(), reverse("giving:donors"),
        reverse("giving:volunteers"), reverse("giving:figures"),
    ]  # fmt: skip
    before = {url: _queries(client, url) for url in pages}
    for n in range(6):
        item = item_create(
            actor=coordinator, organisation_id=org.pk, name=f"Артикул {n}", category="food",
            measure="kg",
        )  # fmt: skip
        receive(
            coordinator, store, (item, "5", "1", in_month(10 + n)), (flour, "2", "1", in_month(40))
        )
        give(coordinator, store, family, (item, "1"), (flour, "1"))
    after = {url: _queries(client, url) for url in pages}
    assert after == before
