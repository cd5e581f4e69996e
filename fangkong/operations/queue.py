"""Enqueueing the platform's tasks (django-tasks; `fangkong worker` runs them). Areas define
their tasks with `django_tasks.task` next to the service they run and enqueue them from here,
so that what is queued, and how a lost task is queued again, is the same for every area."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django_tasks import TaskResultStatus
from django_tasks.base import Task
from django_tasks_db.models import DBTaskResult

from fangkong.operations.conf import operations_settings


def enqueue(task: Task[Any, Any], *args: Any, **kwargs: Any) -> None:
    task.enqueue(*args, **kwargs)


def enqueue_unless_waiting(task: Task[Any, Any], *args: Any, **kwargs: Any) -> bool:
    """Enqueue unless the same task with the same arguments already waits to be run; True if
    it enqueued. For the sweeps of the periodic jobs, which would otherwise queue a copy every
    tick while the worker is busy."""
    waiting = DBTaskResult.objects.filter(task_path=task.module_path, status=TaskResultStatus.READY)
    for row in waiting.only("args_kwargs"):
        if row.args_kwargs == {"args": list(args), "kwargs": kwargs}:
            return False
    task.enqueue(*args, **kwargs)
    return True


def task_results_prune(now: dt.datetime) -> int:
    """The periodic job that forgets the queue's finished records after
    FANGKONG_TASK_RESULTS_KEEP_DAYS: the domain rows (a trace request, a background work) keep
    what a user sees, so the queue's copy is only for operators looking into a recent failure."""
    keep = dt.timedelta(days=operations_settings().task_results_keep_days)
    finished = (TaskResultStatus.SUCCESSFUL, TaskResultStatus.FAILED)
    deleted, _ = DBTaskResult.objects.filter(
        status__in=finished, finished_at__lt=now - keep
    ).delete()
    return deleted
