"""The Redis cache, disposable: a Redis that cannot be reached is a miss, never an error page."""

import logging
import time

from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from django.core.cache.backends.redis import RedisCache, RedisCacheClient

logger = logging.getLogger(__name__)

UNREACHABLE = (RedisConnectionError, RedisTimeoutError, OSError)
LOG_EVERY_SECONDS = 60

# One line a minute per worker, not one a request: a Redis outage must not flood the log.
_last_logged = float("-inf")


def _log_unreachable(error):
    global _last_logged
    now = time.monotonic()
    if now - _last_logged >= LOG_EVERY_SECONDS:
        _last_logged = now
        logger.warning("Cache unreachable, serving without it: %s", error)


def _or_miss(method, miss):
    def wrapper(self, *args, **kwargs):
        try:
            return method(self, *args, **kwargs)
        except UNREACHABLE as error:
            _log_unreachable(error)
            return miss(*args, **kwargs)

    wrapper.__name__ = method.__name__
    wrapper.__doc__ = method.__doc__
    return wrapper


class ReusedClientRedisCacheClient(RedisCacheClient):
    """Django's client, reusing one redis-py client per connection pool.

    Django builds a new `redis.Redis` for every cache call, and its constructor fills a table of
    some 170 response callbacks each time: measured on 我的学习 (a dozen cache calls), about a
    tenth of the page's CPU. A `redis.Redis` is only its pool and that table, and is safe to
    share; the pool still checks out a connection per command and renews them after a fork."""

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        clients = self.__dict__.setdefault("_clients", {})
        client = clients.get(id(pool))
        if client is None:
            client = clients[id(pool)] = self._client(connection_pool=pool)
        return client


class DisposableRedisCache(RedisCache):
    """RedisCache whose every call treats an unreachable Redis as a miss or a no-op."""

    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = ReusedClientRedisCacheClient

    get = _or_miss(RedisCache.get, lambda key, default=None, version=None: default)
    get_many = _or_miss(RedisCache.get_many, lambda *args, **kwargs: {})
    has_key = _or_miss(RedisCache.has_key, lambda *args, **kwargs: False)
    set = _or_miss(RedisCache.set, lambda *args, **kwargs: None)
    # Nothing was stored: callers that count on add() to start a window start none.
    add = _or_miss(RedisCache.add, lambda *args, **kwargs: False)
    touch = _or_miss(RedisCache.touch, lambda *args, **kwargs: False)
    # Every key failed to be set, as the set_many() contract reports it.
    set_many = _or_miss(RedisCache.set_many, lambda data, *args, **kwargs: list(data))
    delete = _or_miss(RedisCache.delete, lambda *args, **kwargs: False)
    delete_many = _or_miss(RedisCache.delete_many, lambda *args, **kwargs: None)
    clear = _or_miss(RedisCache.clear, lambda *args, **kwargs: False)
    # A counter that cannot be read counts as a fresh one: counting throttles fail open.
    incr = _or_miss(RedisCache.incr, lambda key, delta=1, version=None: delta)
