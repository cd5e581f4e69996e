"""Running every area's jobs: `<app>.jobs.JOBS = [("name", run)]`, found by import, each run
in its own transaction and recorded as a JobRun, so one failing job neither stops the others
nor leaves half its work behind, and a killed run is simply run again."""

from __future__ import annotations

import datetime as dt
import importlib
import logging
from collections.abc import Callable
from dataclasses import dataclass

from django.apps import apps
from django.db import transaction
from django.utils import timezone

from fangkong.command.models import JobRun
from fangkong.core.request_context import Origin, origin_scope

logger = logging.getLogger(__name__)

# The command area's jobs run last: they deliver what the other areas' jobs raised.
_LAST = "fangkong.command"


@dataclass(frozen=True)
class Job:
    name: str  # "<area>.<job>"
    run: Callable[[dt.datetime], int]


@dataclass(frozen=True)
class JobOutcome:
    name: str
    done: int
    error: str


def discover_jobs() -> list[Job]:
    found: list[Job] = []
    configs = sorted(
        (c for c in apps.get_app_configs() if c.name.startswith("fangkong.")),
        key=lambda c: (c.name == _LAST, c.name),
    )
    for config in configs:
        try:
            module = importlib.import_module(f"{config.name}.jobs")
        except ModuleNotFoundError as error:
            if error.name != f"{config.name}.jobs":
                raise
            continue
        for name, run in getattr(module, "JOBS", []):
            found.append(Job(name=f"{config.label}.{name}", run=run))
    return found


def run_job(job: Job, now: dt.datetime) -> JobOutcome:
    started = timezone.now()
    with origin_scope(Origin(channel="job", label=job.name)):
        try:
            with transaction.atomic():
                done = int(job.run(now))
        except Exception as error:
            logger.exception("job %s failed", job.name)
            outcome = JobOutcome(job.name, 0, f"{type(error).__name__}: {error}")
        else:
            outcome = JobOutcome(job.name, done, "")
        JobRun.objects.create(
            name=job.name,
            started_at=started,
            finished_at=timezone.now(),
            done=outcome.done,
            error=outcome.error[:2000],
        )
    return outcome


def run_jobs(now: dt.datetime, *, only: list[str] | None = None) -> list[JobOutcome]:
    jobs = discover_jobs()
    if only:
        jobs = [j for j in jobs if j.name in only or j.name.split(".")[0] in only]
    return [run_job(job, now) for job in jobs]
