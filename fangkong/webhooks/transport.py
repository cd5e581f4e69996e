"""The one network call of webhooks: POST a body, with a timeout, following no redirect."""

from __future__ import annotations

import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any

from fangkong.webhooks.conf import webhooks_settings

USER_AGENT = "fangkong-webhooks/1"
# Enough of an answer to show in the log; the rest is not read.
_READ_LIMIT = 4096


@dataclass(frozen=True)
class PostResult:
    status_code: int | None  # None: no HTTP answer (refused, timed out, unresolvable)
    error: str
    duration_ms: int

    @property
    def ok(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    # A receiver that moved says so with its 3xx, logged as a failure: a signed body is never
    # sent on to an address nobody registered.
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


def _opener() -> urllib.request.OpenerDirector:
    proxy = webhooks_settings().proxy
    proxies = {"http": proxy, "https": proxy} if proxy else {}
    # Never the environment's proxy variables: where deliveries go is configured, not inherited.
    return urllib.request.build_opener(urllib.request.ProxyHandler(proxies), _NoRedirect)


def post(url: str, body: bytes, headers: dict[str, str]) -> PostResult:
    request = urllib.request.Request(
        url,
        data=body,
        headers={"Content-Type": "application/json", "User-Agent": USER_AGENT, **headers},
        method="POST",
    )
    started = time.monotonic()
    status: int | None = None
    error = ""
    try:
        with _opener().open(request, timeout=webhooks_settings().timeout_seconds) as response:
            response.read(_READ_LIMIT)
            status = response.status
    except urllib.error.HTTPError as answer:
        status = answer.code
        error = f"HTTP {answer.code} {answer.reason}"
        answer.close()
    except (urllib.error.URLError, OSError, ValueError) as failure:
        reason = getattr(failure, "reason", failure)
        error = f"{type(failure).__name__}: {reason}"
    duration = int((time.monotonic() - started) * 1000)
    return PostResult(status_code=status, error=error[:300], duration_ms=duration)
