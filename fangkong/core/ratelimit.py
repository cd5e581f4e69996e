"""Fixed-window rate limits for pages open to the public (no login).

The counters live in the `ratelimit` cache (settings.FANGKONG_RATELIMIT_CACHE). A limit only
holds if every gunicorn worker counts in the same place, so a web server outside DEBUG refuses
to start unless that cache is Redis (`ratelimit_cache_check`, called from `fangkong.wsgi`);
tests, the CLI and a DEBUG runserver may count in process memory.

On Redis one hit is one MULTI/EXEC (INCR, then EXPIRE): two workers can never both read the
same count, and a counter can never outlive its window. Django's own `incr` checks that the key
exists before INCR-ing it, so a key expiring in between would be recreated without a TTL.

If Redis cannot be reached the hit is let through and logged as an error: people must still be
able to check in at a venue while the cache is down, and the outage is the operator's alarm.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.core.cache import BaseCache, caches
from django.core.cache.backends.redis import RedisCache
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from fangkong.core.conf import core_settings
from fangkong.core.request_context import client_ip

logger = logging.getLogger(__name__)


def ratelimit_cache() -> BaseCache:
    return caches[core_settings().ratelimit_cache]


def ratelimit_cache_check() -> None:
    """Refuse to serve when the limits would be per worker: outside DEBUG (unless explicitly
    waived with FANGKONG_RATELIMIT_REQUIRE_REDIS=false) the counters must be in Redis."""
    if not core_settings().ratelimit_require_redis:
        return
    if not isinstance(ratelimit_cache(), RedisCache):
        raise ImproperlyConfigured(
            "REDIS_URL must be set to serve fangkong without DEBUG: the rate limits of the "
            "public pages (check-in, self-report, notices) must be shared by every worker. "
            "Set REDIS_URL=redis://host:6379/0 (or DEBUG=true for a development server)."
        )


def _count_on_redis(cache: RedisCache, cache_key: str, period_seconds: int) -> int:
    key = cache.make_and_validate_key(cache_key)
    client = cache._cache.get_client(key, write=True)
    pipeline = client.pipeline(transaction=True)
    pipeline.incr(key)
    pipeline.expire(key, period_seconds + 1)
    hits, _ = pipeline.execute()
    return int(hits)


def _count_in_process(cache: BaseCache, cache_key: str, period_seconds: int) -> int:
    if cache.add(cache_key, 1, timeout=period_seconds + 1):
        return 1
    try:
        return cache.incr(cache_key)
    except ValueError:  # expired between add and incr
        cache.add(cache_key, 1, timeout=period_seconds + 1)
        return 1


def rate_limit_exceeded(
    *, scope: str, key: str, limit: int, period_seconds: int, cache: BaseCache | None = None
) -> bool:
    """Count one hit; True when this hit goes over `limit` within the current window."""
    cache = cache if cache is not None else ratelimit_cache()
    window = int(time.time() // period_seconds)
    cache_key = f"ratelimit:{scope}:{key}:{window}"
    if isinstance(cache, RedisCache):
        import redis  # installed wherever Django's Redis backend is configured

        try:
            hits = _count_on_redis(cache, cache_key, period_seconds)
        except redis.RedisError:
            logger.exception("rate limit %s not counted: Redis unreachable", scope)
            return False
    else:
        hits = _count_in_process(cache, cache_key, period_seconds)
    return hits > limit


def rate_limited(
    scope: str, *, limit: int | Callable[[], int], period_seconds: int = 60
) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """Limit a public view per client address; answers 429 with a readable page."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            allowed = limit() if callable(limit) else limit
            key = client_ip(request) or "unknown"
            if rate_limit_exceeded(
                scope=scope, key=key, limit=allowed, period_seconds=period_seconds
            ):
                return render(request, "core/too_many_requests.html", status=429)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
