"""Fixed-window rate limits on the shared cache, for pages open to the public (no login)."""

from __future__ import annotations

import time
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from fangkong.core.request_context import client_ip


def rate_limit_exceeded(*, scope: str, key: str, limit: int, period_seconds: int) -> bool:
    """Count one hit; True when this hit goes over `limit` within the current window."""
    window = int(time.time() // period_seconds)
    cache_key = f"ratelimit:{scope}:{key}:{window}"
    if cache.add(cache_key, 1, timeout=period_seconds + 1):
        return limit < 1
    try:
        hits = cache.incr(cache_key)
    except ValueError:  # expired between add and incr
        cache.add(cache_key, 1, timeout=period_seconds + 1)
        hits = 1
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
