"""Where a write came from (web, API, CLI, job, public page), for the audit trail.

Service functions take the acting user explicitly but not the request; the origin, client address
and user agent travel in a context variable set by the middleware or by `origin_scope`.
"""

from __future__ import annotations

import contextlib
import contextvars
import functools
import ipaddress
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest, HttpResponse

from fangkong.core.conf import core_settings

IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
# Where the middleware keeps the connection's own peer once REMOTE_ADDR holds the client's.
_ORIGINAL_REMOTE_ADDR = "fangkong.peer_addr"


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


@functools.cache
def _trusted_networks(entries: tuple[str, ...]) -> tuple[IPNetwork, ...]:
    try:
        return tuple(ipaddress.ip_network(entry, strict=False) for entry in entries)
    except ValueError as error:
        raise ImproperlyConfigured(f"FANGKONG_TRUSTED_PROXIES: {error}") from error


def _is_trusted_proxy(address: str) -> bool:
    networks = _trusted_networks(tuple(core_settings().trusted_proxies))
    if not networks:
        return False
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in networks)


def client_ip(request: HttpRequest) -> str | None:
    """The client's address: the one notion used by the audit trail, rate limits, DRF throttles
    and the login lockout.

    X-Forwarded-For is believed only when the connection comes from a trusted proxy
    (FANGKONG_TRUSTED_PROXIES), and then read from the right, skipping trusted hops: the entries
    to their left were written by the client and prove nothing.
    """
    if _ORIGINAL_REMOTE_ADDR in request.META:  # already settled by the middleware
        return request.META.get("REMOTE_ADDR") or None
    peer = request.META.get("REMOTE_ADDR") or None
    if peer is None or not _is_trusted_proxy(peer):
        return peer
    forwarded = [
        hop.strip()
        for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        if hop.strip()
    ]
    for hop in reversed(forwarded):
        try:
            ipaddress.ip_address(hop)
        except ValueError:
            return peer  # a malformed chain: the last trustworthy address is the proxy's
        if not _is_trusted_proxy(hop):
            return hop
    return forwarded[0] if forwarded else peer


class RequestContextMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        ip = client_ip(request)
        # Third-party code (DRF throttles, axes) reads REMOTE_ADDR: give it the settled address,
        # keeping the peer's for whoever needs to know which proxy relayed the request.
        request.META[_ORIGINAL_REMOTE_ADDR] = request.META.get("REMOTE_ADDR", "")
        if ip is not None:
            request.META["REMOTE_ADDR"] = ip
        channel = "api" if request.path.startswith("/api/") else "web"
        origin = Origin(
            channel=channel,
            label=request.path[:200],
            ip=ip,
            user_agent=request.META.get("HTTP_USER_AGENT", "")[:300],
        )
        with origin_scope(origin):
            return self.get_response(request)
