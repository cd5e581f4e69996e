"""The webhooks' periodic job, run by `fangkong jobs run` with every area's jobs."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from fangkong.operations.job_runner import register_jobs
from fangkong.webhooks.services.deliveries import webhook_deliveries_send

JOBS: list[tuple[str, Callable[[dt.datetime], int]]] = [
    ("deliver", webhook_deliveries_send),
]


def register() -> None:
    # After the domain areas (50), so the events their jobs recorded go out in the same tick;
    # before command (90), which runs last by design: a missing report it lists goes out on
    # the next tick.
    register_jobs("webhooks", JOBS, order=85)
