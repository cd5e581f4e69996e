"""`fangkong worker`'s loop: the queued tasks (django-tasks' database backend: traces, exports,
briefing files, imports) and, on a schedule, every area's periodic jobs (schedule.py).

It is django_tasks_db's Worker with one step of its own, `step()`, that tests call directly
with an injected clock: take the schedule's tick if due, then run at most one queued task.
Killing it is safe: a task it was running stays "running" in django-tasks' table, but the
domain rows it served (TraceRequest, BackgroundWork) are claimed with a time and taken again
once stale, by the jobs' sweep, and every such task writes its outcome in one transaction.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Callable

from django.db import close_old_connections
from django.db.utils import OperationalError
from django.utils import timezone
from django.utils.crypto import get_random_string
from django_tasks import DEFAULT_TASK_BACKEND_ALIAS, DEFAULT_TASK_QUEUE_NAME
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult
from django_tasks_db.utils import exclusive_transaction, is_locked_database_exception

from fangkong.core.request_context import Origin, origin_scope
from fangkong.operations.conf import operations_settings
from fangkong.operations.schedule import jobs_tick

logger = logging.getLogger(__name__)

Clock = Callable[[], dt.datetime]


class FangkongWorker(Worker):
    def __init__(
        self,
        *,
        worker_id: str | None = None,
        queue_names: list[str] | None = None,
        backend_name: str = DEFAULT_TASK_BACKEND_ALIAS,
        schedule: bool = True,
        clock: Clock = timezone.now,
        interval: float | None = None,
    ) -> None:
        super().__init__(
            queue_names=queue_names or [DEFAULT_TASK_QUEUE_NAME],
            interval=operations_settings().worker_poll_seconds if interval is None else interval,
            batch=False,
            backend_name=backend_name,
            startup_delay=False,
            max_tasks=None,
            worker_id=worker_id or get_random_string(32),
            excluded_queue_names=[],
        )
        self.schedule = schedule
        self.clock = clock

    def run_due_jobs(self) -> bool:
        """The periodic jobs, if this worker takes the schedule's tick."""
        if not self.schedule:
            return False
        outcomes = jobs_tick(now=self.clock(), holder=self.worker_id)
        if outcomes is None:
            return False
        failed = [o.name for o in outcomes if o.error]
        logger.info("jobs ran: %d (failed: %s)", len(outcomes), ", ".join(failed) or "none")
        return True

    def run_one_task(self) -> bool:
        """Claim and run the next ready task (the claim as django_tasks_db's own loop does it)."""
        tasks = DBTaskResult.objects.ready().filter(
            backend_name=self.backend_name, queue_name__in=self.queue_names
        )
        task_result = None
        with exclusive_transaction(tasks.db):
            try:
                task_result = tasks.get_locked()
                if task_result is not None:
                    task_result.claim(self.worker_id)
            except OperationalError as error:
                if not is_locked_database_exception(error):
                    raise
                task_result = None
        if task_result is None:
            return False
        with origin_scope(Origin(channel="job", label=f"worker:{task_result.task_path}"[:200])):
            self.run_task(task_result)
        return True

    def step(self) -> bool:
        """One turn of the loop; True if it did anything (the loop then does not sleep)."""
        ran_jobs = self.run_due_jobs()
        ran_task = self.run_one_task()
        return ran_jobs or ran_task

    def run(self) -> None:
        logger.info(
            "worker %s: tasks of %s, jobs: %s", self.worker_id, self.queue_names, self.schedule
        )
        while self.running:
            close_old_connections()
            try:
                busy = self.step()
            except OperationalError as error:  # the database is down for now: wait, do not die
                logger.warning("worker: database unavailable (%s); waiting", error)
                busy = False
            close_old_connections()
            if self.running and not busy:
                time.sleep(self.interval)
