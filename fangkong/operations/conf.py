"""The operations settings: the worker, its schedule and background work. fangkong/settings.py
defines them (names, defaults, what each means); code reads them only through
`operations_settings()`, built anew on each call so that a test's `settings` fixture takes
effect."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from django.conf import settings


@dataclass(frozen=True)
class OperationsSettings:
    jobs_interval_seconds: int  # FANGKONG_JOBS_INTERVAL_SECONDS
    jobs_lease_seconds: int  # FANGKONG_JOBS_LEASE_SECONDS
    worker_poll_seconds: int  # FANGKONG_WORKER_POLL_SECONDS
    background_stale_minutes: int  # FANGKONG_BACKGROUND_STALE_MINUTES
    background_root: Path  # FANGKONG_BACKGROUND_ROOT
    inline_rows: int  # FANGKONG_INLINE_ROWS
    task_results_keep_days: int  # FANGKONG_TASK_RESULTS_KEEP_DAYS
    background_file_keep_days: int  # FANGKONG_BACKGROUND_FILE_KEEP_DAYS


def operations_settings() -> OperationsSettings:
    return OperationsSettings(
        jobs_interval_seconds=settings.FANGKONG_JOBS_INTERVAL_SECONDS,
        jobs_lease_seconds=settings.FANGKONG_JOBS_LEASE_SECONDS,
        worker_poll_seconds=settings.FANGKONG_WORKER_POLL_SECONDS,
        background_stale_minutes=settings.FANGKONG_BACKGROUND_STALE_MINUTES,
        background_root=settings.FANGKONG_BACKGROUND_ROOT,
        inline_rows=settings.FANGKONG_INLINE_ROWS,
        task_results_keep_days=settings.FANGKONG_TASK_RESULTS_KEEP_DAYS,
        background_file_keep_days=settings.FANGKONG_BACKGROUND_FILE_KEEP_DAYS,
    )
