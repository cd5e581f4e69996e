"""The core settings: what belongs to no one area (deployment, rate limits, proxies, imports,
dates, lists). fangkong/settings.py defines them (names, defaults, what each means); code reads
them only through `core_settings()`, built anew on each call so that a test's `settings` fixture
takes effect.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from django.conf import settings


@dataclass(frozen=True)
class CoreSettings:
    production: bool  # FANGKONG_PRODUCTION
    ratelimit_cache: str  # FANGKONG_RATELIMIT_CACHE
    ratelimit_require_redis: bool  # FANGKONG_RATELIMIT_REQUIRE_REDIS
    trusted_proxies: tuple[str, ...]  # FANGKONG_TRUSTED_PROXIES
    import_max_rows: int  # FANGKONG_IMPORT_MAX_ROWS
    earliest_birth_date: str  # FANGKONG_EARLIEST_BIRTH_DATE
    earliest_event_date: str  # FANGKONG_EARLIEST_EVENT_DATE
    list_page_size: int  # FANGKONG_LIST_PAGE_SIZE
    idempotency_ttl_hours: int  # FANGKONG_IDEMPOTENCY_TTL_HOURS
    # the backup copies the venues' photo tree; core sits below venues.
    venue_photo_root: Path  # FANGKONG_VENUE_PHOTO_ROOT
    chart_font: Path  # FANGKONG_CHART_FONT
    briefing_trend_days: int  # FANGKONG_BRIEFING_TREND_DAYS


def core_settings() -> CoreSettings:
    return CoreSettings(
        production=settings.FANGKONG_PRODUCTION,
        ratelimit_cache=settings.FANGKONG_RATELIMIT_CACHE,
        ratelimit_require_redis=settings.FANGKONG_RATELIMIT_REQUIRE_REDIS,
        trusted_proxies=tuple(settings.FANGKONG_TRUSTED_PROXIES),
        import_max_rows=settings.FANGKONG_IMPORT_MAX_ROWS,
        earliest_birth_date=settings.FANGKONG_EARLIEST_BIRTH_DATE,
        earliest_event_date=settings.FANGKONG_EARLIEST_EVENT_DATE,
        list_page_size=settings.FANGKONG_LIST_PAGE_SIZE,
        idempotency_ttl_hours=settings.FANGKONG_IDEMPOTENCY_TTL_HOURS,
        venue_photo_root=settings.FANGKONG_VENUE_PHOTO_ROOT,
        chart_font=settings.FANGKONG_CHART_FONT,
        briefing_trend_days=settings.FANGKONG_BRIEFING_TREND_DAYS,
    )
