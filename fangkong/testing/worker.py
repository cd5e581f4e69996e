"""Running `fangkong worker`'s own loop in a test: the queued tasks, one step at a time, on the
database backend (the same code path as the process, without its sleeping or signals)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.utils import timezone


def work_off_queue(
    *, clock: Callable[[], dt.datetime] = timezone.now, jobs: bool = False, limit: int = 50
) -> int:
    """Step the worker until it finds nothing to do; how many steps did something."""
    from fangkong.operations.worker import FangkongWorker

    worker = FangkongWorker(worker_id="test-worker", schedule=jobs, clock=clock, interval=0)
    steps = 0
    while steps < limit and worker.step():
        steps += 1
    return steps
