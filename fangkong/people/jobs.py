"""Periodic work of the person registry, run by `fangkong jobs run`."""

from __future__ import annotations

import datetime as dt

from fangkong.operations.job_runner import register_jobs
from fangkong.people.conf import people_settings
from fangkong.people.retention import retention_run


def run_retention(now: dt.datetime) -> int:
    """Anonymise up to FANGKONG_PERSON_RETENTION_BATCH persons due for it (each its own
    savepoint, so a kill leaves every person untouched or done); the next run goes on."""
    return retention_run(now=now, limit=people_settings().retention_batch).persons


JOBS = [("retention", run_retention)]


def register() -> None:
    register_jobs("people", JOBS)
