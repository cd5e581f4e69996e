"""The command area's periodic jobs, run by `fangkong jobs run` with every area's jobs."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from fangkong.command.forecast_alerts import forecast_alerts_run
from fangkong.command.services.notices import notices_activate, notices_chase_unread
from fangkong.command.services.notifications import outbox_deliver
from fangkong.command.services.reports import reports_detect_missing, reports_remind
from fangkong.command.services.snapshots import figure_snapshots_refresh
from fangkong.command.services.tasks import milestones_escalate_overdue, milestones_remind_due
from fangkong.operations.job_runner import register_jobs

# Order matters: notifications created by the earlier jobs are delivered by the last one.
JOBS: list[tuple[str, Callable[[dt.datetime], int]]] = [
    ("notices.activate", notices_activate),
    ("notices.chase_unread", notices_chase_unread),
    ("tasks.remind_due", milestones_remind_due),
    ("tasks.escalate_overdue", milestones_escalate_overdue),
    ("reports.remind", reports_remind),
    ("reports.detect_missing", reports_detect_missing),
    ("briefing.snapshot", figure_snapshots_refresh),
    ("forecast.alerts", forecast_alerts_run),
    ("outbox.deliver", outbox_deliver),
]


def register() -> None:
    # After every other area: the notifications their jobs raised are delivered by this area's
    # last job.
    register_jobs("command", JOBS, order=90)
