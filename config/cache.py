"""The Redis cache, disposable: a Redis that cannot be reached is a miss, never an error page.

Within a request the cache also remembers what it read (RequestMemoMiddleware): a page that
reads the same key twice, or keys known before the view runs (prefetched together), costs one
round trip. A write of a key in the request forgets it, so the request reads its own writes.
"""

import contextvars
import logging
import re
import time

from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from django.conf import settings
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


# {(key, version): value or _MISSING} of the current request; None outside a request.
_memo = contextvars.ContextVar("firesafety_cache_memo", default=None)
_MISSING = object()
# callables(request) -> keys the request will read, fetched in one round trip at its start.
_prefetchers = []
SESSION_KEY_PREFIX = "django.contrib.sessions.cached_db"
_SESSION_KEY = re.compile(r"[a-z0-9]{8,64}")


def prefetch_on_request(keys_for):
    """Register keys_for(request) -> [(key, version)] every request reads (apps register here)."""
    _prefetchers.append(keys_for)


def _session_key(request):
    if settings.SESSION_ENGINE != "django.contrib.sessions.backends.cached_db":
        return []
    cookie = request.COOKIES.get(settings.SESSION_COOKIE_NAME, "")
    # A hostile cookie is no key worth asking for (nor a key Redis should see).
    return [(SESSION_KEY_PREFIX + cookie, None)] if _SESSION_KEY.fullmatch(cookie) else []


prefetch_on_request(_session_key)


class RequestMemoMiddleware:
    """The cache remembers its reads for the length of one request (first in MIDDLEWARE)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _memo.set({})
        try:
            pairs = [pair for keys_for in _prefetchers for pair in keys_for(request)]
            if pairs:
                from django.core.cache import caches

                cache = caches["default"]
                if isinstance(cache, DisposableRedisCache):
                    cache.prefetch(pairs)
            return self.get_response(request)
        finally:
            _memo.reset(token)


def _forget(keys):
    """The request's memo forgets these keys, whatever version it read them at."""
    memo = _memo.get()
    if memo:
        keys = set(keys)
        for remembered in [pair for pair in memo if pair[0] in keys]:
            del memo[remembered]


def _forgets(method):
    """A write: the request's memo forgets the key it touches."""

    def wrapper(self, key, *args, **kwargs):
        _forget([key])
        return method(self, key, *args, **kwargs)

    wrapper.__name__ = method.__name__
    return wrapper


class DisposableRedisCache(RedisCache):
    """RedisCache whose every call treats an unreachable Redis as a miss or a no-op.

    In a request, reads are remembered until the request writes the key (module docstring): a
    caller must not change a value it read and expect a second read to undo it.
    """

    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = ReusedClientRedisCacheClient

    def get(self, key, default=None, version=None):
        memo = _memo.get()
        if memo is None:
            return self._get(key, default, version)
        if (key, version) not in memo:
            memo[key, version] = self._get(key, _MISSING, version)
        value = memo[key, version]
        return default if value is _MISSING else value

    def get_many(self, keys, version=None):
        memo = _memo.get()
        if memo is None:
            return self._get_many(keys, version)
        keys = list(keys)
        unknown = [key for key in keys if (key, version) not in memo]
        if unknown:
            found = self._get_many(unknown, version)
            for key in unknown:
                memo[key, version] = found.get(key, _MISSING)
        return {key: memo[key, version] for key in keys if memo[key, version] is not _MISSING}

    def prefetch(self, pairs):
        """Read (key, version) pairs into the request's memo in one round trip."""
        memo = _memo.get()
        if memo is None:
            return
        made = {self.make_and_validate_key(key, version): (key, version) for key, version in pairs}
        try:
            found = self._cache.get_many(list(made))
        except UNREACHABLE as error:
            _log_unreachable(error)
            return  # each read then tries (and misses) on its own
        for made_key, pair in made.items():
            memo[pair] = found.get(made_key, _MISSING)

    def set_many(self, data, timeout=None, version=None):
        _forget(data)
        return self._set_many(data, timeout, version)

    def delete_many(self, keys, version=None):
        keys = list(keys)
        _forget(keys)
        return self._delete_many(keys, version)

    def clear(self):
        memo = _memo.get()
        if memo is not None:
            memo.clear()
        return self._clear()

    _get = _or_miss(RedisCache.get, lambda key, default=None, version=None: default)
    _get_many = _or_miss(RedisCache.get_many, lambda *args, **kwargs: {})
    has_key = _or_miss(RedisCache.has_key, lambda *args, **kwargs: False)
    set = _forgets(_or_miss(RedisCache.set, lambda *args, **kwargs: None))
    # Nothing was stored: callers that count on add() to start a window start none.
    add = _forgets(_or_miss(RedisCache.add, lambda *args, **kwargs: False))
    touch = _or_miss(RedisCache.touch, lambda *args, **kwargs: False)
    # Every key failed to be set, as the set_many() contract reports it.
    _set_many = _or_miss(RedisCache.set_many, lambda data, *args, **kwargs: list(data))
    delete = _forgets(_or_miss(RedisCache.delete, lambda *args, **kwargs: False))
    _delete_many = _or_miss(RedisCache.delete_many, lambda *args, **kwargs: None)
    _clear = _or_miss(RedisCache.clear, lambda *args, **kwargs: False)
    # A counter that cannot be read counts as a fresh one: counting throttles fail open.
    incr = _forgets(_or_miss(RedisCache.incr, lambda key, delta=1, version=None: delta))
