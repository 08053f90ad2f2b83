"""The cache remembers its reads for one request (config/cache.py, RequestMemoMiddleware).

A key read twice in a request is one Redis round trip; the keys every request reads come in one;
a write in the request is read back; another process's write is seen by the next request; a
Redis that cannot be reached is still a miss; outside a request nothing is remembered.
"""

import pytest

from django.core.cache import caches
from django.test import RequestFactory

from config.cache import RequestMemoMiddleware

from .test_cache_faults import DEAD_REDIS, real_redis_reachable, redis_cache

# Not 15, 14 or 12: the suite's processes under CI, and test_cache_faults.
MEMO_REDIS = "redis://127.0.0.1:6379/11"

pytestmark = pytest.mark.skipif(not real_redis_reachable(), reason="no Redis on 127.0.0.1:6379")


@pytest.fixture
def cache(settings):
    settings.CACHES = redis_cache(MEMO_REDIS)
    cache = caches["default"]
    cache.delete_many(["a", "b", "never", "routes:generation"])
    yield cache
    cache.delete_many(["a", "b", "never", "routes:generation"])


@pytest.fixture
def round_trips(cache, monkeypatch):
    """The commands sent to Redis, by name."""
    sent = []
    client = cache._cache
    for name in ("get", "get_many", "set", "add", "delete", "incr"):
        original = getattr(client, name)

        def counted(*args, _original=original, _name=name, **kwargs):
            sent.append(_name)
            return _original(*args, **kwargs)

        monkeypatch.setattr(client, name, counted)
    return sent


def in_a_request(view, cookies=None):
    request = RequestFactory().get("/")
    request.COOKIES.update(cookies or {})
    return RequestMemoMiddleware(lambda request: view())(request)


def test_a_key_read_twice_in_a_request_is_one_round_trip(cache, round_trips):
    cache.set("a", "甲", 30)
    round_trips.clear()

    def view():
        assert cache.get("a") == "甲"
        assert cache.get_many(["a", "b"]) == {"a": "甲"}
        assert cache.get("b", "默认") == "默认"  # a miss is remembered too
        assert cache.get("a") == "甲"
        return "ok"

    assert in_a_request(view) == "ok"
    reads = [name for name in round_trips if name.startswith("get")]
    # The prefetch of the keys every request reads, then "a", then "b": never again.
    assert reads == ["get_many", "get", "get_many"]


def test_a_write_in_the_request_is_read_back(cache):
    def view():
        assert cache.get("a") is None
        cache.set("a", 1, 30)
        assert cache.get("a") == 1
        assert cache.incr("a") == 2
        assert cache.get("a") == 2
        cache.delete("a")
        assert cache.get("a") is None
        assert cache.add("b", "乙", 30) is True
        assert cache.get_many(["b"]) == {"b": "乙"}
        cache.set_many({"b": "丙"}, 30)
        assert cache.get("b") == "丙"
        cache.delete_many(["b"])
        assert cache.get("b") is None

    in_a_request(view)


def test_the_next_request_sees_what_another_process_wrote(cache):
    cache.set("a", "旧", 30)
    in_a_request(lambda: cache.get("a"))
    cache.set("a", "新", 30)  # outside a request: nothing remembered, as another worker
    assert in_a_request(lambda: cache.get("a")) == "新"
    assert cache.get("a") == "新"


def test_the_session_and_the_routes_generation_come_in_the_first_round_trip(
    cache, round_trips, settings
):
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
    session_key = "django.contrib.sessions.cached_db" + "a" * 32
    cache.set(session_key, {"x": 1}, 30)
    cache.set("routes:generation", "g1", 30)
    round_trips.clear()

    def view():
        assert cache.get(session_key) == {"x": 1}
        assert cache.get("routes:generation") == "g1"

    in_a_request(view, cookies={settings.SESSION_COOKIE_NAME: "a" * 32})
    assert round_trips == ["get_many"]
    cache.delete(session_key)


def test_a_hostile_session_cookie_is_not_asked_for(cache, round_trips, settings):
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
    prefetched = []
    original = cache.prefetch
    cache.prefetch = lambda pairs: prefetched.extend(pairs) or original(pairs)
    try:
        in_a_request(lambda: None, cookies={settings.SESSION_COOKIE_NAME: "x y\n" * 100})
    finally:
        del cache.prefetch
    assert not [key for key, _version in prefetched if key.startswith("django.contrib.sessions")]


def test_an_unreachable_redis_is_a_miss_inside_a_request_too(settings):
    settings.CACHES = redis_cache(DEAD_REDIS, timeout=0.1)
    cache = caches["default"]

    def view():
        assert cache.get("a", "默认") == "默认"
        assert cache.get_many(["a"]) == {}
        cache.set("a", 1)
        return cache.get("a")

    assert in_a_request(view) is None
