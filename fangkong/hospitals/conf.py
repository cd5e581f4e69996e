"""The hospitals settings: discharge, fever, staff testing, preparedness. fangkong/settings.py
defines them (names, defaults, what each means); code reads them only through
`hospitals_settings()`, built anew on each call so that a test's `settings` fixture takes
effect.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings


@dataclass(frozen=True)
class HospitalsSettings:
    discharge_normal_temperature_days: int  # FANGKONG_DISCHARGE_NORMAL_TEMPERATURE_DAYS
    discharge_test_interval_hours: int  # FANGKONG_DISCHARGE_TEST_INTERVAL_HOURS
    discharge_ct_threshold: int  # FANGKONG_DISCHARGE_CT_THRESHOLD
    fever_celsius: str  # FANGKONG_HOSPITAL_FEVER_CELSIUS
    post_discharge_monitoring_days_2021: int  # FANGKONG_POST_DISCHARGE_MONITORING_DAYS_2021
    post_discharge_monitoring_days_2022: int  # FANGKONG_POST_DISCHARGE_MONITORING_DAYS_2022
    staff_test_days_isolation: int  # FANGKONG_HOSPITAL_STAFF_TEST_DAYS_ISOLATION
    staff_test_days_other: int  # FANGKONG_HOSPITAL_STAFF_TEST_DAYS_OTHER
    preparedness_beds_isolation: int  # FANGKONG_PREPAREDNESS_BEDS_ISOLATION
    preparedness_beds_icu: int  # FANGKONG_PREPAREDNESS_BEDS_ICU
    preparedness_beds_general: int  # FANGKONG_PREPAREDNESS_BEDS_GENERAL
    preparedness_beds_observation: int  # FANGKONG_PREPAREDNESS_BEDS_OBSERVATION


def hospitals_settings() -> HospitalsSettings:
    return HospitalsSettings(
        discharge_normal_temperature_days=settings.FANGKONG_DISCHARGE_NORMAL_TEMPERATURE_DAYS,
        discharge_test_interval_hours=settings.FANGKONG_DISCHARGE_TEST_INTERVAL_HOURS,
        discharge_ct_threshold=settings.FANGKONG_DISCHARGE_CT_THRESHOLD,
        fever_celsius=settings.FANGKONG_HOSPITAL_FEVER_CELSIUS,
        post_discharge_monitoring_days_2021=settings.FANGKONG_POST_DISCHARGE_MONITORING_DAYS_2021,
        post_discharge_monitoring_days_2022=settings.FANGKONG_POST_DISCHARGE_MONITORING_DAYS_2022,
        staff_test_days_isolation=settings.FANGKONG_HOSPITAL_STAFF_TEST_DAYS_ISOLATION,
        staff_test_days_other=settings.FANGKONG_HOSPITAL_STAFF_TEST_DAYS_OTHER,
        preparedness_beds_isolation=settings.FANGKONG_PREPAREDNESS_BEDS_ISOLATION,
        preparedness_beds_icu=settings.FANGKONG_PREPAREDNESS_BEDS_ICU,
        preparedness_beds_general=settings.FANGKONG_PREPAREDNESS_BEDS_GENERAL,
        preparedness_beds_observation=settings.FANGKONG_PREPAREDNESS_BEDS_OBSERVATION,
    )
