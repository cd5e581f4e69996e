"""Periodic work of the assist area (run by `fangkong jobs run`, each job in its own
transaction): overdue verifications escalate once, then the districts' alerts follow them;
contacts living elsewhere join outgoing drafts. All are idempotent: a rerun or a killed run
changes nothing twice."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from fangkong.assist.services.escalation import overdue_alerts_run, verification_tasks_escalate
from fangkong.assist.services.outgoing_lists import JOB_NAME as OUTGOING_DRAFTS
from fangkong.assist.services.outgoing_lists import outgoing_drafts_run
from fangkong.operations.job_runner import register_jobs

JOBS: list[tuple[str, Callable[[dt.datetime], int]]] = [
    ("verification.escalate_overdue", verification_tasks_escalate),
    ("verification.overdue_alerts", overdue_alerts_run),
    # Our contacts who live in another city, onto that city's draft list for the HQ to send.
    (OUTGOING_DRAFTS, outgoing_drafts_run),
]


def register() -> None:
    # Before the command area (order 90), which delivers the notifications raised here.
    register_jobs("assist", JOBS)
