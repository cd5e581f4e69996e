"""With `fangkong worker` running, the missing list is drawn within a minute of the cut-off
with no manual command (issue 15): the worker's schedule runs the command area's jobs."""

from __future__ import annotations

import datetime as dt

from fangkong.command.models import MissingReport
from fangkong.command.tests.conftest import DAY, at
from fangkong.operations.worker import FangkongWorker


def test_the_worker_draws_the_missing_list_within_a_minute_of_the_cut_off(settings, committee):
    settings.FANGKONG_REPORT_LOOKBACK_DAYS = 0
    settings.FANGKONG_JOBS_INTERVAL_SECONDS = 60
    moment = at(15, 58) + dt.timedelta(seconds=30)
    worker = FangkongWorker(worker_id="hq", clock=lambda: moment, interval=0)
    listed_at = None
    # The worker's loop as it turns, every 10 s of the injected clock, across the 16:00 cut-off.
    while moment < at(16, 2):
        worker.step()
        if listed_at is None and MissingReport.objects.filter(day=DAY, unit=committee).exists():
            listed_at = moment
        moment += dt.timedelta(seconds=10)
    assert listed_at is not None
    assert at(16) <= listed_at < at(16) + dt.timedelta(minutes=1)
    assert MissingReport.objects.filter(day=DAY, unit=committee).count() == 1
