"""`fangkong worker`: the queued tasks on the database backend, and the periodic jobs on a
schedule that two workers never run twice at once (a lease row in the database)."""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections.abc import Callable

import pytest
from django.db import OperationalError
from django_tasks import TaskResultStatus, task
from django_tasks_db.models import DBTaskResult

from fangkong.operations import job_runner
from fangkong.operations.job_runner import register_jobs
from fangkong.operations.models import JobRun, ScheduleLease
from fangkong.operations.schedule import jobs_tick, jobs_tick_take
from fangkong.operations.worker import FangkongWorker
from fangkong.testing.concurrency import run_concurrently

NOW = dt.datetime(2021, 8, 3, 8, 0, tzinfo=dt.UTC)
ran: list[str] = []


@task()
def note(word: str) -> str:
    ran.append(word)
    return word.upper()


@pytest.fixture
def counting_job(monkeypatch):
    """One job of its own in an otherwise empty registry; the list of the moments it ran at."""
    monkeypatch.setattr(job_runner, "_registry", {})
    moments: list[dt.datetime] = []

    def count(now: dt.datetime) -> int:
        moments.append(now)
        return 1

    register_jobs("test", [("count", count)])
    return moments


class Clock:
    def __init__(self, now: dt.datetime) -> None:
        self.now = now

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += dt.timedelta(seconds=seconds)


def test_the_worker_runs_the_jobs_once_per_interval_by_its_clock(db, settings, counting_job):
    settings.FANGKONG_JOBS_INTERVAL_SECONDS = 60
    clock = Clock(NOW)
    worker = FangkongWorker(worker_id="a", clock=clock, interval=0)
    assert worker.step() is True
    clock.advance(30)
    worker.step()
    clock.advance(31)
    worker.step()
    assert counting_job == [NOW, NOW + dt.timedelta(seconds=61)]
    assert JobRun.objects.filter(name="test.count").count() == 2


def test_of_two_workers_on_one_tick_only_one_runs_the_jobs(db, counting_job):
    clock = Clock(NOW)
    first = FangkongWorker(worker_id="first", clock=clock, interval=0)
    second = FangkongWorker(worker_id="second", clock=clock, interval=0)
    first.step()
    second.step()
    assert counting_job == [NOW]
    assert ScheduleLease.objects.get(name="jobs").holder == "first"


def test_a_tick_held_by_a_live_lease_is_not_taken_until_the_lease_expires(db, settings):
    settings.FANGKONG_JOBS_INTERVAL_SECONDS = 60
    settings.FANGKONG_JOBS_LEASE_SECONDS = 300
    # A worker took the tick and was killed while its jobs ran: its lease is never released.
    assert jobs_tick_take(now=NOW, holder="killed") is True
    later = NOW + dt.timedelta(seconds=120)
    assert jobs_tick_take(now=later, holder="other") is False
    assert jobs_tick_take(now=NOW + dt.timedelta(seconds=301), holder="other") is True


def test_a_worker_without_the_schedule_only_runs_tasks(db, counting_job):
    FangkongWorker(worker_id="tasks-only", schedule=False, clock=Clock(NOW), interval=0).step()
    assert counting_job == []


@pytest.mark.django_db(transaction=True)
def test_a_real_worker_loop_runs_a_task_queued_in_the_database(counting_job):
    ran.clear()
    result = note.enqueue("queued")
    assert DBTaskResult.objects.get(pk=result.id).status == TaskResultStatus.READY
    worker = FangkongWorker(worker_id="loop", interval=0.05)
    loop = threading.Thread(target=worker.run, daemon=True)
    loop.start()
    try:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                row = DBTaskResult.objects.get(pk=result.id)
            except OperationalError as error:
                # SQLite's shared in-memory test database refuses a read at once ("table is
                # locked") while the worker's connection is writing that table; PostgreSQL
                # waits. Only this poll is retried: the worker's own writes are as in use.
                if "locked" not in str(error):
                    raise
                time.sleep(0.05)
                continue
            if row.status == TaskResultStatus.SUCCESSFUL:
                break
            time.sleep(0.05)
    finally:
        worker.running = False
        loop.join(timeout=5)
    assert not loop.is_alive()
    assert (row.status, row.return_value, row.worker_ids) == ("SUCCESSFUL", "QUEUED", ["loop"])
    assert ran == ["queued"]
    assert len(counting_job) == 1  # and the schedule's first tick, in the same loop


# On PostgreSQL only, like the other races: SQLite's shared in-memory test database refuses a
# second writer at once ("table is locked") instead of making it wait, which a deployment's
# SQLite file (with its busy timeout) does not do; the race failed that way under load.
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_of_workers_racing_for_one_tick_exactly_one_takes_it(counting_job):
    ScheduleLease.objects.create(name="jobs")  # as after the first tick ever

    def racer(n: int) -> Callable[[], object]:
        return lambda: jobs_tick(now=NOW, holder=f"racer-{n}")

    outcomes = run_concurrently([racer(n) for n in range(4)])
    assert outcomes.errors == []
    assert sum(1 for result in outcomes.results if result is not None) == 1
    assert counting_job == [NOW]
