"""The periodic jobs on a schedule, inside `fangkong worker`: every FANGKONG_JOBS_INTERVAL_SECONDS
one worker runs every area's jobs (job_runner.run_jobs), whatever the number of workers.

The tick is taken by one conditional UPDATE of a lease row (ScheduleLease): it succeeds for one
worker only when the last tick is an interval old and no other worker holds a live lease. That
holds on both databases without a Python-side check; a worker killed mid-tick leaves a lease
that expires after FANGKONG_JOBS_LEASE_SECONDS, and the jobs themselves are idempotent.
"""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.db.models import Q

from fangkong.operations.conf import operations_settings
from fangkong.operations.job_runner import JobOutcome, run_jobs
from fangkong.operations.models import ScheduleLease

JOBS_SCHEDULE = "jobs"


def _lease_row(name: str) -> ScheduleLease:
    row = ScheduleLease.objects.filter(name=name).first()
    if row is not None:
        return row
    try:
        with transaction.atomic():
            return ScheduleLease.objects.create(name=name)
    except IntegrityError:  # another worker created it first
        return ScheduleLease.objects.get(name=name)


def jobs_tick_take(*, now: dt.datetime, holder: str) -> bool:
    """Take the schedule's tick at `now` if it is due and free; True for the one that did."""
    conf = operations_settings()
    due = now - dt.timedelta(seconds=conf.jobs_interval_seconds)
    row = _lease_row(JOBS_SCHEDULE)
    # A read first: the worker asks every turn of its loop, and an UPDATE, even of no row,
    # would take SQLite's write lock each time. The UPDATE below decides.
    if (row.until is not None and row.until > now) or (
        row.last_tick_at is not None and row.last_tick_at > due
    ):
        return False
    taken = (
        ScheduleLease.objects.filter(name=JOBS_SCHEDULE)
        .filter(Q(until__isnull=True) | Q(until__lte=now))
        .filter(Q(last_tick_at__isnull=True) | Q(last_tick_at__lte=due))
        .update(
            holder=holder[:80],
            until=now + dt.timedelta(seconds=conf.jobs_lease_seconds),
            last_tick_at=now,
        )
    )
    return taken == 1


def jobs_tick_release(*, holder: str) -> None:
    ScheduleLease.objects.filter(name=JOBS_SCHEDULE, holder=holder[:80]).update(until=None)


def jobs_tick(*, now: dt.datetime, holder: str) -> list[JobOutcome] | None:
    """Run every area's jobs as of `now` if this worker takes the tick; None if it did not."""
    if not jobs_tick_take(now=now, holder=holder):
        return None
    try:
        return run_jobs(now)
    finally:
        jobs_tick_release(holder=holder)
