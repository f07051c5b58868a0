"""The Redis cache backend (core/cache.py) keeps one client per connection pool and still
behaves as Django's: against the machine's Redis, as production runs it."""

from __future__ import annotations

import threading

from zakrila.core.cache import RedisCache


def _cache():
    return RedisCache("redis://127.0.0.1:6379/15", {"KEY_PREFIX": "zakrila-test-cache"})


def test_values_round_trip_and_one_client_serves_every_call():
    cache = _cache()
    cache.set("unit-rows", [("ЦОП", 1)], 30)
    assert cache.get("unit-rows") == [("ЦОП", 1)]
    assert cache.get_many(["unit-rows", "missing"]) == {"unit-rows": [("ЦОП", 1)]}
    client = cache._cache.get_client()
    assert cache._cache.get_client() is client  # not a new redis.Redis per call
    assert cache._cache.get_client(write=True) is cache._cache.get_client(write=True)
    cache.delete("unit-rows")
    assert cache.get("unit-rows") is None


def test_threads_share_the_client_without_mixing_answers():
    cache = _cache()
    errors = []

    def work(index: int) -> None:
        for round_ in range(50):
            key = f"thread-{index}-{round_}"
            cache.set(key, index * 1000 + round_, 30)
            if cache.get(key) != index * 1000 + round_:
                errors.append(key)
            cache.delete(key)

    threads = [threading.Thread(target=work, args=(index,)) for index in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
