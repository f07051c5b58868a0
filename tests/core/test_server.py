"""``zakrila serve`` sets the garbage collector before its workers fork: what the master loaded
is frozen out of the collections (so it stays shared with the workers), and the young
generation is collected after 50,000 new objects instead of Python's 700."""

from __future__ import annotations

import gc

import pytest

from zakrila.core import server


@pytest.fixture
def collector():
    threshold = gc.get_threshold()
    yield
    gc.unfreeze()
    gc.set_threshold(*threshold)


def test_the_server_freezes_what_it_loaded_and_collects_young_objects_less_often(
    collector, monkeypatch
):
    seen = {}

    def run(self):  # gunicorn's master would fork its workers here
        seen["frozen"] = gc.get_freeze_count()
        seen["threshold"] = gc.get_threshold()
        seen["options"] = self.options

    monkeypatch.setattr(server._Gunicorn, "run", run)
    gc.unfreeze()
    gc.set_threshold(700, 10, 10)

    server.run_server(bind="127.0.0.1:0", workers=2, threads=4, seal_audit=False)

    assert seen["frozen"] > 10_000  # Django and the apps, loaded before the fork
    assert seen["threshold"] == (server.YOUNG_COLLECTION_THRESHOLD, 10, 10)
    assert (seen["options"]["workers"], seen["options"]["threads"]) == (2, 4)
