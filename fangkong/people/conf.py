"""The people settings: retention and revealing a person's identifiers. fangkong/settings.py
defines them (names, defaults, what each means); code reads them only through
`people_settings()`, built anew on each call so that a test's `settings` fixture takes effect.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings


@dataclass(frozen=True)
class PeopleSettings:
    retention_days: int  # FANGKONG_PERSON_RETENTION_DAYS
    retention_batch: int  # FANGKONG_PERSON_RETENTION_BATCH
    reveal_reason_min_length: int  # FANGKONG_PERSON_REVEAL_REASON_MIN_LENGTH


def people_settings() -> PeopleSettings:
    return PeopleSettings(
        retention_days=settings.FANGKONG_PERSON_RETENTION_DAYS,
        retention_batch=settings.FANGKONG_PERSON_RETENTION_BATCH,
        reveal_reason_min_length=settings.FANGKONG_PERSON_REVEAL_REASON_MIN_LENGTH,
    )
