"""The venues settings: capacity tiers, occupancy, check-ins, inspections. fangkong/settings.py
defines them (names, defaults, what each means); code reads them only through
`venues_settings()`, built anew on each call so that a test's `settings` fixture takes effect.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from django.conf import settings


@dataclass(frozen=True)
class VenuesSettings:
    default_tier: str  # FANGKONG_VENUE_DEFAULT_TIER
    occupancy_max_stay_hours: int  # FANGKONG_VENUE_OCCUPANCY_MAX_STAY_HOURS
    occupancy_fold_lag_minutes: int  # FANGKONG_VENUE_OCCUPANCY_FOLD_LAG_MINUTES
    curve_step_minutes: int  # FANGKONG_VENUE_CURVE_STEP_MINUTES
    checkin_rate_per_minute: int  # FANGKONG_VENUE_CHECKIN_RATE_PER_MINUTE
    visitor_remember_days: int  # FANGKONG_VENUE_VISITOR_REMEMBER_DAYS
    checkin_batch_max_records: int  # FANGKONG_CHECKIN_BATCH_MAX_RECORDS
    checkin_future_tolerance_minutes: int  # FANGKONG_CHECKIN_FUTURE_TOLERANCE_MINUTES
    checkin_live_max_delay_minutes: int  # FANGKONG_CHECKIN_LIVE_MAX_DELAY_MINUTES
    checkin_retention_days: int  # FANGKONG_CHECKIN_RETENTION_DAYS
    checkin_partitions_ahead_days: int  # FANGKONG_CHECKIN_PARTITIONS_AHEAD_DAYS
    checkin_removals_keep_hours: int  # FANGKONG_CHECKIN_REMOVALS_KEEP_HOURS
    photo_root: Path  # FANGKONG_VENUE_PHOTO_ROOT
    photo_max_bytes: int  # FANGKONG_VENUE_PHOTO_MAX_BYTES
    photo_formats: tuple[str, ...]  # FANGKONG_VENUE_PHOTO_FORMATS
    photos_per_inspection: int  # FANGKONG_VENUE_PHOTOS_PER_INSPECTION
    photo_orphan_hours: int  # FANGKONG_VENUE_PHOTO_ORPHAN_HOURS
    rectification_hours: int  # FANGKONG_VENUE_RECTIFICATION_HOURS
    live_refresh_seconds: int  # FANGKONG_VENUE_LIVE_REFRESH_SECONDS
    checkin_hot_days: int  # FANGKONG_CHECKIN_HOT_DAYS
    archive_dir: Path  # FANGKONG_ARCHIVE_DIR
    # a cases setting: occupancy counts a stay without a check-out as tracing does.
    default_stay_minutes: int  # FANGKONG_TRACE_DEFAULT_STAY_MINUTES


def venues_settings() -> VenuesSettings:
    return VenuesSettings(
        default_tier=settings.FANGKONG_VENUE_DEFAULT_TIER,
        occupancy_max_stay_hours=settings.FANGKONG_VENUE_OCCUPANCY_MAX_STAY_HOURS,
        occupancy_fold_lag_minutes=settings.FANGKONG_VENUE_OCCUPANCY_FOLD_LAG_MINUTES,
        curve_step_minutes=settings.FANGKONG_VENUE_CURVE_STEP_MINUTES,
        checkin_rate_per_minute=settings.FANGKONG_VENUE_CHECKIN_RATE_PER_MINUTE,
        visitor_remember_days=settings.FANGKONG_VENUE_VISITOR_REMEMBER_DAYS,
        checkin_batch_max_records=settings.FANGKONG_CHECKIN_BATCH_MAX_RECORDS,
        checkin_future_tolerance_minutes=settings.FANGKONG_CHECKIN_FUTURE_TOLERANCE_MINUTES,
        checkin_live_max_delay_minutes=settings.FANGKONG_CHECKIN_LIVE_MAX_DELAY_MINUTES,
        checkin_retention_days=settings.FANGKONG_CHECKIN_RETENTION_DAYS,
        checkin_partitions_ahead_days=settings.FANGKONG_CHECKIN_PARTITIONS_AHEAD_DAYS,
        checkin_removals_keep_hours=settings.FANGKONG_CHECKIN_REMOVALS_KEEP_HOURS,
        photo_root=settings.FANGKONG_VENUE_PHOTO_ROOT,
        photo_max_bytes=settings.FANGKONG_VENUE_PHOTO_MAX_BYTES,
        photo_formats=tuple(settings.FANGKONG_VENUE_PHOTO_FORMATS),
        photos_per_inspection=settings.FANGKONG_VENUE_PHOTOS_PER_INSPECTION,
        photo_orphan_hours=settings.FANGKONG_VENUE_PHOTO_ORPHAN_HOURS,
        rectification_hours=settings.FANGKONG_VENUE_RECTIFICATION_HOURS,
        live_refresh_seconds=settings.FANGKONG_VENUE_LIVE_REFRESH_SECONDS,
        checkin_hot_days=settings.FANGKONG_CHECKIN_HOT_DAYS,
        archive_dir=settings.FANGKONG_ARCHIVE_DIR,
        default_stay_minutes=settings.FANGKONG_TRACE_DEFAULT_STAY_MINUTES,
    )
