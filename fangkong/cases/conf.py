"""The cases settings: contact tracing, time targets, clusters, case pages. fangkong/settings.py
defines them (names, defaults, what each means); code reads them only through
`cases_settings()`, built anew on each call so that a test's `settings` fixture takes effect.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings


@dataclass(frozen=True)
class CasesSettings:
    trace_lookback_days: int  # FANGKONG_TRACE_LOOKBACK_DAYS
    trace_min_overlap_minutes: int  # FANGKONG_TRACE_MIN_OVERLAP_MINUTES
    trace_default_stay_minutes: int  # FANGKONG_TRACE_DEFAULT_STAY_MINUTES
    contact_control_hours: int  # FANGKONG_CONTACT_CONTROL_HOURS
    case_report_hours: int  # FANGKONG_CASE_REPORT_HOURS
    case_investigation_hours: int  # FANGKONG_CASE_INVESTIGATION_HOURS
    trace_engine: str  # FANGKONG_TRACE_ENGINE
    spark_master: str  # FANGKONG_SPARK_MASTER
    trace_degree: int  # FANGKONG_TRACE_DEGREE
    trace_stale_minutes: int  # FANGKONG_TRACE_STALE_MINUTES
    trace_max_attempts: int  # FANGKONG_TRACE_MAX_ATTEMPTS
    case_number_prefix: str  # FANGKONG_CASE_NUMBER_PREFIX
    cluster_min_cases: int  # FANGKONG_CLUSTER_MIN_CASES
    cluster_days: int  # FANGKONG_CLUSTER_DAYS
    chain_max_contacts: int  # FANGKONG_CHAIN_MAX_CONTACTS
    case_contacts_shown: int  # FANGKONG_CASE_CONTACTS_SHOWN


def cases_settings() -> CasesSettings:
    return CasesSettings(
        trace_lookback_days=settings.FANGKONG_TRACE_LOOKBACK_DAYS,
        trace_min_overlap_minutes=settings.FANGKONG_TRACE_MIN_OVERLAP_MINUTES,
        trace_default_stay_minutes=settings.FANGKONG_TRACE_DEFAULT_STAY_MINUTES,
        contact_control_hours=settings.FANGKONG_CONTACT_CONTROL_HOURS,
        case_report_hours=settings.FANGKONG_CASE_REPORT_HOURS,
        case_investigation_hours=settings.FANGKONG_CASE_INVESTIGATION_HOURS,
        trace_engine=settings.FANGKONG_TRACE_ENGINE,
        spark_master=settings.FANGKONG_SPARK_MASTER,
        trace_degree=settings.FANGKONG_TRACE_DEGREE,
        trace_stale_minutes=settings.FANGKONG_TRACE_STALE_MINUTES,
        trace_max_attempts=settings.FANGKONG_TRACE_MAX_ATTEMPTS,
        case_number_prefix=settings.FANGKONG_CASE_NUMBER_PREFIX,
        cluster_min_cases=settings.FANGKONG_CLUSTER_MIN_CASES,
        cluster_days=settings.FANGKONG_CLUSTER_DAYS,
        chain_max_contacts=settings.FANGKONG_CHAIN_MAX_CONTACTS,
        case_contacts_shown=settings.FANGKONG_CASE_CONTACTS_SHOWN,
    )
