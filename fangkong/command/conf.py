"""The command settings: the HQ's briefing, reports, rota, tasks, notices, outbox, dashboard.
fangkong/settings.py defines them (names, defaults, what each means); code reads them only
through `command_settings()`, built anew on each call so that a test's `settings` fixture takes
effect.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from django.conf import settings


@dataclass(frozen=True)
class CommandSettings:
    hq_name: str  # FANGKONG_HQ_NAME
    briefing_title: str  # FANGKONG_BRIEFING_TITLE
    briefing_first_day: str  # FANGKONG_BRIEFING_FIRST_DAY
    report_cutoff: str  # FANGKONG_REPORT_CUTOFF
    report_reminder_minutes: int  # FANGKONG_REPORT_REMINDER_MINUTES
    report_lookback_days: int  # FANGKONG_REPORT_LOOKBACK_DAYS
    rota_max_consecutive_days: int  # FANGKONG_ROTA_MAX_CONSECUTIVE_DAYS
    rota_min_rest_hours: int  # FANGKONG_ROTA_MIN_REST_HOURS
    rota_max_shift_hours: int  # FANGKONG_ROTA_MAX_SHIFT_HOURS
    milestone_due_soon_hours: int  # FANGKONG_MILESTONE_DUE_SOON_HOURS
    notice_read_chase_hours: int  # FANGKONG_NOTICE_READ_CHASE_HOURS
    outbox_max_attempts: int  # FANGKONG_OUTBOX_MAX_ATTEMPTS
    outbox_batch: int  # FANGKONG_OUTBOX_BATCH
    dashboard_cache_seconds: int  # FANGKONG_DASHBOARD_CACHE_SECONDS
    dashboard_trend_days: int  # FANGKONG_DASHBOARD_TREND_DAYS
    dashboard_refresh_seconds: int  # FANGKONG_DASHBOARD_REFRESH_SECONDS
    public_notice_rate_per_minute: int  # FANGKONG_PUBLIC_NOTICE_RATE_PER_MINUTE
    screen_refresh_seconds: int  # FANGKONG_SCREEN_REFRESH_SECONDS
    screen_trend_days: int  # FANGKONG_SCREEN_TREND_DAYS
    screen_feed_rows: int  # FANGKONG_SCREEN_FEED_ROWS
    screen_boundaries_dir: Path  # FANGKONG_SCREEN_BOUNDARIES_DIR


def command_settings() -> CommandSettings:
    return CommandSettings(
        hq_name=settings.FANGKONG_HQ_NAME,
        briefing_title=settings.FANGKONG_BRIEFING_TITLE,
        briefing_first_day=settings.FANGKONG_BRIEFING_FIRST_DAY,
        report_cutoff=settings.FANGKONG_REPORT_CUTOFF,
        report_reminder_minutes=settings.FANGKONG_REPORT_REMINDER_MINUTES,
        report_lookback_days=settings.FANGKONG_REPORT_LOOKBACK_DAYS,
        rota_max_consecutive_days=settings.FANGKONG_ROTA_MAX_CONSECUTIVE_DAYS,
        rota_min_rest_hours=settings.FANGKONG_ROTA_MIN_REST_HOURS,
        rota_max_shift_hours=settings.FANGKONG_ROTA_MAX_SHIFT_HOURS,
        milestone_due_soon_hours=settings.FANGKONG_MILESTONE_DUE_SOON_HOURS,
        notice_read_chase_hours=settings.FANGKONG_NOTICE_READ_CHASE_HOURS,
        outbox_max_attempts=settings.FANGKONG_OUTBOX_MAX_ATTEMPTS,
        outbox_batch=settings.FANGKONG_OUTBOX_BATCH,
        dashboard_cache_seconds=settings.FANGKONG_DASHBOARD_CACHE_SECONDS,
        dashboard_trend_days=settings.FANGKONG_DASHBOARD_TREND_DAYS,
        dashboard_refresh_seconds=settings.FANGKONG_DASHBOARD_REFRESH_SECONDS,
        public_notice_rate_per_minute=settings.FANGKONG_PUBLIC_NOTICE_RATE_PER_MINUTE,
        screen_refresh_seconds=settings.FANGKONG_SCREEN_REFRESH_SECONDS,
        screen_trend_days=settings.FANGKONG_SCREEN_TREND_DAYS,
        screen_feed_rows=settings.FANGKONG_SCREEN_FEED_ROWS,
        screen_boundaries_dir=Path(settings.FANGKONG_SCREEN_BOUNDARIES_DIR),
    )


@dataclass(frozen=True)
class ForecastSettings:
    """The preparedness forecast's assumptions (fangkong/settings.py says what each means)."""

    horizon_days: int  # FANGKONG_FORECAST_HORIZON_DAYS
    window_days: int  # FANGKONG_FORECAST_WINDOW_DAYS
    alert_days: int  # FANGKONG_FORECAST_ALERT_DAYS
    onset_lag_days: int  # FANGKONG_FORECAST_ONSET_LAG_DAYS
    min_cases: int  # FANGKONG_FORECAST_MIN_CASES
    confidence_percent: int  # FANGKONG_FORECAST_CONFIDENCE_PERCENT
    min_doubling_days: int  # FANGKONG_FORECAST_MIN_DOUBLING_DAYS
    lookback_days: int  # FANGKONG_FORECAST_LOOKBACK_DAYS
    contacts_per_case: int  # FANGKONG_FORECAST_CONTACTS_PER_CASE
    room_share_percent: int  # FANGKONG_FORECAST_ROOM_SHARE_PERCENT
    quarantine_stay_days: int  # FANGKONG_FORECAST_QUARANTINE_STAY_DAYS
    admission_days: dict[str, int]  # FANGKONG_FORECAST_ADMISSION_DAYS, by clinical severity
    severity_percent: dict[str, int]  # FANGKONG_FORECAST_SEVERITY_PERCENT, by clinical severity
    bed_kinds: tuple[str, ...]  # FANGKONG_FORECAST_BED_KINDS
    standby_site_lead_days: int  # FANGKONG_FORECAST_STANDBY_SITE_LEAD_DAYS
    reserve_hospital_lead_days: int  # FANGKONG_FORECAST_RESERVE_HOSPITAL_LEAD_DAYS
    fangcang_lead_days: int  # FANGKONG_FORECAST_FANGCANG_LEAD_DAYS


def forecast_settings() -> ForecastSettings:
    return ForecastSettings(
        horizon_days=settings.FANGKONG_FORECAST_HORIZON_DAYS,
        window_days=settings.FANGKONG_FORECAST_WINDOW_DAYS,
        alert_days=settings.FANGKONG_FORECAST_ALERT_DAYS,
        onset_lag_days=settings.FANGKONG_FORECAST_ONSET_LAG_DAYS,
        min_cases=settings.FANGKONG_FORECAST_MIN_CASES,
        confidence_percent=settings.FANGKONG_FORECAST_CONFIDENCE_PERCENT,
        min_doubling_days=settings.FANGKONG_FORECAST_MIN_DOUBLING_DAYS,
        lookback_days=settings.FANGKONG_FORECAST_LOOKBACK_DAYS,
        contacts_per_case=settings.FANGKONG_FORECAST_CONTACTS_PER_CASE,
        room_share_percent=settings.FANGKONG_FORECAST_ROOM_SHARE_PERCENT,
        quarantine_stay_days=settings.FANGKONG_FORECAST_QUARANTINE_STAY_DAYS,
        admission_days=dict(settings.FANGKONG_FORECAST_ADMISSION_DAYS),
        severity_percent=dict(settings.FANGKONG_FORECAST_SEVERITY_PERCENT),
        bed_kinds=tuple(settings.FANGKONG_FORECAST_BED_KINDS),
        standby_site_lead_days=settings.FANGKONG_FORECAST_STANDBY_SITE_LEAD_DAYS,
        reserve_hospital_lead_days=settings.FANGKONG_FORECAST_RESERVE_HOSPITAL_LEAD_DAYS,
        fangcang_lead_days=settings.FANGKONG_FORECAST_FANGCANG_LEAD_DAYS,
    )
