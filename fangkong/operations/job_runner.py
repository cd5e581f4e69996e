"""Running every area's periodic jobs. An area registers its jobs from its own `jobs.py`
(`register_jobs("venues", JOBS)`, called from its AppConfig.ready()); `fangkong jobs run`
runs each in its own transaction and records it as a JobRun, so one failing job neither stops
the others nor leaves half its work behind, and a killed run is simply run again."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from fangkong.core.request_context import Origin, origin_scope
from fangkong.operations.models import JobRun

logger = logging.getLogger(__name__)

JobFunction = Callable[[dt.datetime], int]

# Areas run in (order, area) order; an area that delivers what the others raised registers
# with a higher order so that it runs after them.
DEFAULT_ORDER = 50


@dataclass(frozen=True)
class Job:
    name: str  # "<area>.<job>"
    run: JobFunction


@dataclass(frozen=True)
class JobOutcome:
    name: str
    done: int
    error: str


@dataclass(frozen=True)
class _AreaJobs:
    order: int
    jobs: tuple[tuple[str, JobFunction], ...]


_registry: dict[str, _AreaJobs] = {}


def register_jobs(
    area: str, jobs: Sequence[tuple[str, JobFunction]], *, order: int = DEFAULT_ORDER
) -> None:
    """The area's jobs, run in the order given; registering again replaces them."""
    _registry[area] = _AreaJobs(order=order, jobs=tuple(jobs))


def registered_jobs() -> list[Job]:
    areas = sorted(_registry.items(), key=lambda item: (item[1].order, item[0]))
    return [
        Job(name=f"{area}.{name}", run=run)
        for area, registered in areas
        for name, run in registered.jobs
    ]


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
    jobs = registered_jobs()
    if only:
        jobs = [j for j in jobs if j.name in only or j.name.split(".")[0] in only]
    return [run_job(job, now) for job in jobs]
