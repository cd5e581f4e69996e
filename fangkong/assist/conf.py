"""The assist area's settings (协查 and arrival registration). fangkong/settings.py defines them;
code reads them only through `assist_settings()`, built anew on each call so that a test's
`settings` fixture takes effect."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings


@dataclass(frozen=True)
class AssistSettings:
    close_contact_hours: int  # FANGKONG_ASSIST_CLOSE_CONTACT_HOURS
    other_hours: int  # FANGKONG_ASSIST_OTHER_HOURS
    high_risk_measure: str  # FANGKONG_ASSIST_HIGH_RISK_MEASURE
    medium_risk_measure: str  # FANGKONG_ASSIST_MEDIUM_RISK_MEASURE
    arrival_rate_per_minute: int  # FANGKONG_ASSIST_ARRIVAL_RATE_PER_MINUTE
    arrival_page_rate_per_minute: int  # FANGKONG_ASSIST_ARRIVAL_PAGE_RATE_PER_MINUTE
    import_max_rows: int  # FANGKONG_ASSIST_IMPORT_MAX_ROWS
    home_city: str  # FANGKONG_ASSIST_HOME_CITY
    escalation_hours: int  # FANGKONG_ASSIST_ESCALATION_HOURS


def assist_settings() -> AssistSettings:
    return AssistSettings(
        close_contact_hours=settings.FANGKONG_ASSIST_CLOSE_CONTACT_HOURS,
        other_hours=settings.FANGKONG_ASSIST_OTHER_HOURS,
        high_risk_measure=settings.FANGKONG_ASSIST_HIGH_RISK_MEASURE,
        medium_risk_measure=settings.FANGKONG_ASSIST_MEDIUM_RISK_MEASURE,
        arrival_rate_per_minute=settings.FANGKONG_ASSIST_ARRIVAL_RATE_PER_MINUTE,
        arrival_page_rate_per_minute=settings.FANGKONG_ASSIST_ARRIVAL_PAGE_RATE_PER_MINUTE,
        import_max_rows=settings.FANGKONG_ASSIST_IMPORT_MAX_ROWS,
        home_city=settings.FANGKONG_ASSIST_HOME_CITY,
        escalation_hours=settings.FANGKONG_ASSIST_ESCALATION_HOURS,
    )
