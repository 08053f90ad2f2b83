"""Redis down or hung: pages are served, sessions kept, and the log says so once a minute."""

import logging
import socket
import time

import pytest

from django.core.cache import caches
from django.urls import reverse

from config import cache as disposable
from organisations.models import Membership
from tests.organisations.factories import JoinCodeFactory
from tests.organisations.join_helpers import build_district

# Nothing listens here: every call to Redis is refused.
DEAD_REDIS = "redis://127.0.0.1:6390/0"
# Not 15 or 14: under CI those are the cache of the suite's two processes, cleared every test.
REAL_REDIS = "redis://127.0.0.1:6379/12"


def redis_cache(location, timeout=0.25):
    return {
        "default": {
            "BACKEND": "config.cache.DisposableRedisCache",
            "LOCATION": location,
            "KEY_PREFIX": "firesafety-test",
            "OPTIONS": {"socket_connect_timeout": timeout, "socket_timeout": timeout},
        }
    }


@pytest.fixture(autouse=True)
def _log_afresh(monkeypatch):
    """The once-a-minute log starts afresh in every test."""
    monkeypatch.setattr(disposable, "_last_logged", float("-inf"))


@pytest.fixture
def redis_down(settings):
    settings.CACHES = redis_cache(DEAD_REDIS)
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"


def unreachable_logs(caplog):
    return [record for record in caplog.records if record.name == "config.cache"]


def test_anonymous_home_page_is_served_with_redis_down(client, home_page, redis_down, caplog):
    caplog.set_level(logging.WARNING, logger="config.cache")
    for _ in range(3):
        response = client.get("/")
        assert response.status_code == 200
        assert "消防安全学习平台" in response.content.decode()
    # Logged at most once for the three requests, not once a request.
    assert len(unreachable_logs(caplog)) <= 1


def test_signed_in_learner_stays_signed_in_with_redis_down(
    client, learner, home_page, redis_down, caplog
):
    caplog.set_level(logging.WARNING, logger="config.cache")
    client.force_login(learner)
    for _ in range(2):
        response = client.get(reverse("accounts_my_data:overview"))
        assert response.status_code == 200
        assert learner.name in response.content.decode()
    assert len(unreachable_logs(caplog)) == 1


def test_join_code_post_is_answered_with_redis_down(client, redis_down, caplog, db):
    caplog.set_level(logging.WARNING, logger="config.cache")
    code = JoinCodeFactory(organisation=build_district()["class"], role=Membership.Role.STUDENT)
    url = reverse("organisations:join_code", args=[code.code])
    response = client.post(url, {"name": "王小花", "number": "12"})
    assert response.status_code == 302
    # A wrong code is counted nowhere, and answered (the throttle fails open).
    wrong = reverse("organisations:join_code", args=["WRONGCODE"])
    assert client.post(wrong, {"name": "王小花", "number": "13"}).status_code == 404
    assert len(unreachable_logs(caplog)) == 1


def test_every_cache_call_is_a_miss_or_a_no_op_with_redis_down(redis_down):
    cache = caches["default"]
    assert cache.get("k") is None
    assert cache.get("k", "默认") == "默认"
    assert cache.get_many(["a", "b"]) == {}
    assert cache.has_key("k") is False
    assert cache.set("k", 1) is None
    assert cache.add("k", 1) is False
    assert cache.touch("k") is False
    assert cache.set_many({"a": 1, "b": 2}) == ["a", "b"]
    assert cache.delete("k") is False
    assert cache.delete_many(["a"]) is None
    assert cache.clear() is False
    assert cache.incr("k") == 1
    assert cache.decr("k", 2) == -2
    assert cache.get_or_set("k", 5) == 5


def test_log_line_comes_again_after_a_minute(redis_down, caplog, monkeypatch):
    caplog.set_level(logging.WARNING, logger="config.cache")
    cache = caches["default"]
    now = time.monotonic()
    monkeypatch.setattr(disposable.time, "monotonic", lambda: now)
    cache.get("k")
    cache.get("k")
    monkeypatch.setattr(disposable.time, "monotonic", lambda: now + 61)
    cache.get("k")
    assert len(unreachable_logs(caplog)) == 2


def test_a_hung_redis_costs_a_quarter_second_not_a_hung_worker(settings):
    # A port that accepts connections (the kernel's backlog) and never answers.
    hung = socket.socket()
    hung.bind(("127.0.0.1", 0))
    hung.listen(8)
    try:
        settings.CACHES = redis_cache(f"redis://127.0.0.1:{hung.getsockname()[1]}/0")
        started = time.monotonic()
        assert caches["default"].get("k", "miss") == "miss"
        assert time.monotonic() - started < 2
    finally:
        hung.close()


def real_redis_reachable():
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=0.25).close()
    except OSError:
        return False
    return True


@pytest.mark.skipif(not real_redis_reachable(), reason="no Redis on 127.0.0.1:6379")
def test_disposable_cache_works_as_a_cache_when_redis_is_up(settings):
    settings.CACHES = redis_cache(REAL_REDIS)
    cache = caches["default"]
    cache.delete("counter")
    assert cache.add("counter", 0, 10) is True
    assert cache.incr("counter") == 1
    assert cache.incr("counter") == 2
    cache.set("灭火器", "ABC干粉", 10)
    assert cache.get("灭火器") == "ABC干粉"
    cache.delete_many(["counter", "灭火器"])


@pytest.mark.skipif(not real_redis_reachable(), reason="no Redis on 127.0.0.1:6379")
def test_the_cache_builds_one_redis_client_per_pool_not_one_per_call(settings, monkeypatch):
    """Django's client makes a new redis.Redis each call: a tenth of 我的学习's CPU."""
    import redis

    settings.CACHES = redis_cache(REAL_REDIS)
    cache = caches["default"]
    built = []
    original = redis.Redis.__init__

    def counting_init(self, *args, **kwargs):
        built.append(self)
        original(self, *args, **kwargs)

    monkeypatch.setattr(redis.Redis, "__init__", counting_init)
    cache.set("k", 1, 10)
    for _ in range(5):
        assert cache.get("k") == 1
    assert cache.get_many(["k"]) == {"k": 1}
    assert len(built) == 1
    cache.delete("k")


@pytest.mark.skipif(not real_redis_reachable(), reason="no Redis on 127.0.0.1:6379")
def test_the_kept_client_reconnects_when_redis_drops_its_connections(settings):
    """Redis restarted or a connection killed: the next call connects afresh, no error."""
    settings.CACHES = redis_cache(REAL_REDIS)
    cache = caches["default"]
    cache.set("k", "值", 10)
    client = cache._cache.get_client()
    client.client_kill_filter(_id=client.client_id())  # its own connection, no one else's
    assert cache.get("k") == "值"
    assert cache._cache.get_client() is client
    cache.delete("k")
