"""The webhook settings. fangkong/settings.py defines them (names, defaults, what each means);
code reads them only through `webhooks_settings()`, built anew on each call so that a test's
`settings` fixture takes effect.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings


@dataclass(frozen=True)
class WebhooksSettings:
    timeout_seconds: float  # FANGKONG_WEBHOOK_TIMEOUT_SECONDS
    max_attempts: int  # FANGKONG_WEBHOOK_MAX_ATTEMPTS
    backoff_base_seconds: int  # FANGKONG_WEBHOOK_BACKOFF_BASE_SECONDS
    backoff_max_seconds: int  # FANGKONG_WEBHOOK_BACKOFF_MAX_SECONDS
    batch: int  # FANGKONG_WEBHOOK_BATCH
    alert_after_failures: int  # FANGKONG_WEBHOOK_ALERT_AFTER_FAILURES
    secret_grace_hours: int  # FANGKONG_WEBHOOK_SECRET_GRACE_HOURS
    allow_http: bool  # FANGKONG_WEBHOOK_ALLOW_HTTP
    proxy: str  # FANGKONG_WEBHOOK_PROXY
    public_base_url: str  # PUBLIC_BASE_URL: the links in the payloads


def webhooks_settings() -> WebhooksSettings:
    return WebhooksSettings(
        timeout_seconds=float(settings.FANGKONG_WEBHOOK_TIMEOUT_SECONDS),
        max_attempts=settings.FANGKONG_WEBHOOK_MAX_ATTEMPTS,
        backoff_base_seconds=settings.FANGKONG_WEBHOOK_BACKOFF_BASE_SECONDS,
        backoff_max_seconds=settings.FANGKONG_WEBHOOK_BACKOFF_MAX_SECONDS,
        batch=settings.FANGKONG_WEBHOOK_BATCH,
        alert_after_failures=settings.FANGKONG_WEBHOOK_ALERT_AFTER_FAILURES,
        secret_grace_hours=settings.FANGKONG_WEBHOOK_SECRET_GRACE_HOURS,
        allow_http=settings.FANGKONG_WEBHOOK_ALLOW_HTTP,
        proxy=settings.FANGKONG_WEBHOOK_PROXY,
        public_base_url=settings.PUBLIC_BASE_URL,
    )
