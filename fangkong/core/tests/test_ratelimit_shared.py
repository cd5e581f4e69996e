"""The public pages' rate limits hold across gunicorn workers: one budget in Redis, counted
atomically, whichever worker (cache client) takes the hit.

Runs against the Redis at FANGKONG_TEST_REDIS_URL (default redis://127.0.0.1:6379/15) under a
key prefix of its own; skipped when that server is unreachable, except under CI=true.
"""

from __future__ import annotations

import os
import threading
import uuid
from collections.abc import Iterator

import pytest
from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest, HttpResponse
from django.test import RequestFactory

from fangkong.core import ratelimit
from fangkong.core.ratelimit import rate_limit_exceeded, rate_limited, ratelimit_cache_check

REDIS_URL = os.environ.get("FANGKONG_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def _redis_reachable() -> str | None:
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
    except redis.RedisError as error:
        return str(error)
    return None


@pytest.fixture
def worker_caches(rate_limit_clock_held) -> Iterator[tuple[RedisCache, RedisCache]]:
    """Two cache clients, each with its own connection pool, like two gunicorn workers; the
    limiter's clock stands still, so no test straddles two windows."""
    problem = _redis_reachable()
    if problem is not None:
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI=true: Redis is required at {REDIS_URL} ({problem})")
        pytest.skip(f"Redis not reachable at {REDIS_URL}: {problem}")
    params = {"KEY_PREFIX": f"fangkong-test-{uuid.uuid4().hex}"}
    first, second = RedisCache(REDIS_URL, params), RedisCache(REDIS_URL, params)
    yield first, second
    client = first._cache.get_client(write=True)
    for key in client.scan_iter(match=f"{params['KEY_PREFIX']}:*"):
        client.delete(key)


def _hit(cache: RedisCache, *, key: str = "10.0.0.1", limit: int = 5) -> bool:
    return rate_limit_exceeded(scope="test", key=key, limit=limit, period_seconds=60, cache=cache)


def test_two_workers_share_one_budget(worker_caches):
    first, second = worker_caches
    refused = [_hit(first), _hit(second), _hit(first), _hit(second), _hit(first)]
    assert refused == [False] * 5
    assert _hit(second) is True
    assert _hit(first) is True
    # another address has its own budget
    assert _hit(second, key="10.0.0.2") is False


def test_simultaneous_hits_on_two_workers_let_exactly_the_limit_through(worker_caches):
    limit, threads, hits_each = 40, 8, 10
    allowed: list[bool] = []
    lock = threading.Lock()

    def worker(cache: RedisCache) -> None:
        for _ in range(hits_each):
            passed = not _hit(cache, key="10.0.0.9", limit=limit)
            with lock:
                allowed.append(passed)

    runners = [
        threading.Thread(target=worker, args=(worker_caches[n % 2],)) for n in range(threads)
    ]
    for runner in runners:
        runner.start()
    for runner in runners:
        runner.join()
    assert sum(allowed) == limit


def test_a_counter_never_outlives_its_window(worker_caches):
    first, _ = worker_caches
    _hit(first)
    client = first._cache.get_client(write=True)
    keys = list(client.scan_iter(match=f"{first.key_prefix}:*"))
    assert keys and all(0 < client.ttl(key) <= 61 for key in keys)


def test_the_decorator_counts_on_the_shared_cache_by_the_client_address(worker_caches, monkeypatch):
    first, second = worker_caches
    served = iter([first, second, first])
    monkeypatch.setattr(ratelimit, "ratelimit_cache", lambda: next(served))

    @rate_limited("test.page", limit=2)
    def page(request: HttpRequest) -> HttpResponse:
        return HttpResponse("ok")

    factory = RequestFactory()
    codes = [page(factory.get("/", REMOTE_ADDR="10.0.0.7")).status_code for _ in range(3)]
    assert codes == [200, 200, 429]


def test_a_web_server_outside_debug_refuses_to_start_without_redis(settings):
    settings.FANGKONG_RATELIMIT_REQUIRE_REDIS = True
    settings.CACHES = {
        **settings.CACHES,
        settings.FANGKONG_RATELIMIT_CACHE: {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "per-worker",
        },
    }
    assert isinstance(ratelimit.ratelimit_cache(), LocMemCache)
    with pytest.raises(ImproperlyConfigured, match="REDIS_URL"):
        ratelimit_cache_check()


def test_a_web_server_with_redis_starts(settings):
    settings.FANGKONG_RATELIMIT_REQUIRE_REDIS = True
    settings.CACHES = {
        **settings.CACHES,
        settings.FANGKONG_RATELIMIT_CACHE: {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
        },
    }
    ratelimit_cache_check()  # no connection needed to know the counters are shared


def test_an_unreachable_redis_lets_the_public_in_and_says_so(caplog):
    nowhere = RedisCache("redis://127.0.0.1:1/0", {"OPTIONS": {"socket_connect_timeout": 1}})
    assert _hit(nowhere, limit=0) is False
    assert "Redis unreachable" in caplog.text
