"""The queue's records of finished tasks are forgotten after the retention, by a job (no cron)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django_tasks import TaskResultStatus, task
from django_tasks_db.models import DBTaskResult

from fangkong.operations.job_runner import registered_jobs
from fangkong.operations.queue import task_results_prune


@task()
def nothing() -> None:
    return None


def _record(status: str, finished_days_ago: float | None) -> DBTaskResult:
    nothing.enqueue()
    row = DBTaskResult.objects.latest("enqueued_at")
    row.status = status
    if finished_days_ago is not None:
        row.finished_at = timezone.now() - dt.timedelta(days=finished_days_ago)
    row.save()
    return row


def test_finished_records_older_than_the_retention_go_and_the_rest_stay(db, settings):
    settings.FANGKONG_TASK_RESULTS_KEEP_DAYS = 14
    old_done = _record(TaskResultStatus.SUCCESSFUL, 15)
    old_failed = _record(TaskResultStatus.FAILED, 20)
    recent = _record(TaskResultStatus.SUCCESSFUL, 13)
    waiting = _record(TaskResultStatus.READY, None)
    assert task_results_prune(timezone.now()) == 2
    left = set(DBTaskResult.objects.values_list("pk", flat=True))
    assert left == {recent.pk, waiting.pk}
    assert old_done.pk not in left and old_failed.pk not in left


def test_the_prune_is_one_of_the_scheduled_jobs():
    assert "operations.task_results_prune" in {job.name for job in registered_jobs()}
