"""The quarantine settings: a quarantine site's working rules. fangkong/settings.py defines them
(names, defaults, what each means); code reads them only through `quarantine_settings()`, built
anew on each call so that a test's `settings` fixture takes effect.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings


@dataclass(frozen=True)
class QuarantineSettings:
    fever_celsius: str  # FANGKONG_QUARANTINE_FEVER_CELSIUS
    temperature_min: str  # FANGKONG_QUARANTINE_TEMPERATURE_MIN
    temperature_max: str  # FANGKONG_QUARANTINE_TEMPERATURE_MAX
    morning_cutoff: str  # FANGKONG_QUARANTINE_MORNING_CUTOFF
    evening_cutoff: str  # FANGKONG_QUARANTINE_EVENING_CUTOFF
    floor_span: int  # FANGKONG_QUARANTINE_FLOOR_SPAN
    companion_max_age: int  # FANGKONG_QUARANTINE_COMPANION_MAX_AGE
    staff_test_days: int  # FANGKONG_QUARANTINE_STAFF_TEST_DAYS
    staff_monitoring_days: int  # FANGKONG_QUARANTINE_STAFF_MONITORING_DAYS
    finding_days: int  # FANGKONG_QUARANTINE_FINDING_DAYS
    self_report_rate: int  # FANGKONG_QUARANTINE_SELF_REPORT_RATE


def quarantine_settings() -> QuarantineSettings:
    return QuarantineSettings(
        fever_celsius=settings.FANGKONG_QUARANTINE_FEVER_CELSIUS,
        temperature_min=settings.FANGKONG_QUARANTINE_TEMPERATURE_MIN,
        temperature_max=settings.FANGKONG_QUARANTINE_TEMPERATURE_MAX,
        morning_cutoff=settings.FANGKONG_QUARANTINE_MORNING_CUTOFF,
        evening_cutoff=settings.FANGKONG_QUARANTINE_EVENING_CUTOFF,
        floor_span=settings.FANGKONG_QUARANTINE_FLOOR_SPAN,
        companion_max_age=settings.FANGKONG_QUARANTINE_COMPANION_MAX_AGE,
        staff_test_days=settings.FANGKONG_QUARANTINE_STAFF_TEST_DAYS,
        staff_monitoring_days=settings.FANGKONG_QUARANTINE_STAFF_MONITORING_DAYS,
        finding_days=settings.FANGKONG_QUARANTINE_FINDING_DAYS,
        self_report_rate=settings.FANGKONG_QUARANTINE_SELF_REPORT_RATE,
    )
