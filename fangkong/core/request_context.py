"""Where a write came from (web, API, CLI, job, public page), for the audit trail.

Service functions take the acting user explicitly but not the request; the origin, client address
and user agent travel in a context variable set by the middleware or by `origin_scope`.
"""

from __future__ import annotations

import contextlib
import contextvars
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from django.http import HttpRequest, HttpResponse


@dataclass(frozen=True)
class Origin:
    channel: str  # web, api, cli, job, public, system
    label: str = ""
    ip: str | None = None
    user_agent: str = ""


SYSTEM = Origin(channel="system")
_current: contextvars.ContextVar[Origin] = contextvars.ContextVar("fangkong_origin", default=SYSTEM)


def current_origin() -> Origin:
    return _current.get()


@contextlib.contextmanager
def origin_scope(origin: Origin) -> Iterator[Origin]:
    token = _current.set(origin)
    try:
        yield origin
    finally:
        _current.reset(token)


def client_ip(request: HttpRequest) -> str | None:
    # Behind a reverse proxy the deployment sets REMOTE_ADDR correctly (e.g. gunicorn
    # --forwarded-allow-ips); trusting X-Forwarded-For here would let clients forge it.
    return request.META.get("REMOTE_ADDR") or None


class RequestContextMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        channel = "api" if request.path.startswith("/api/") else "web"
        origin = Origin(
            channel=channel,
            label=request.path[:200],
            ip=client_ip(request),
            user_agent=request.META.get("HTTP_USER_AGENT", "")[:300],
        )
        with origin_scope(origin):
            return self.get_response(request)
