"""Reads about supervised tasks, limited to what the viewer may see."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, Q

from fangkong.accounts.scope import scope_of
from fangkong.command.models import Escalation, Milestone, Task, TaskQuerySet, TaskStatus
from fangkong.jurisdictions.models import Jurisdiction
from fangkong.jurisdictions.selectors import within_district


def task_list(
    *,
    viewer: Any,
    status: str = "",
    overdue_at: dt.datetime | None = None,
    district: Jurisdiction | None = None,
) -> TaskQuerySet:
    """The HQ and leaders see every task; others the tasks in their jurisdiction and the tasks
    they (or their unit) own, co-own or issued. With `district`, only the tasks lying in it."""
    scope = scope_of(viewer)
    tasks = Task.objects.all()
    if scope.nothing:
        return tasks.none()
    if not scope.city_wide:
        mine = (
            scope.jurisdiction_q("jurisdiction")
            | Q(owner_user=viewer)
            | Q(issued_by=viewer)
            | Q(co_owner_users=viewer)
        )
        if viewer.unit_id:
            mine |= Q(owner_unit_id=viewer.unit_id) | Q(co_owner_units=viewer.unit_id)
        tasks = tasks.filter(pk__in=Task.objects.filter(mine).values("pk"))
    if status:
        tasks = tasks.filter(status=status)
    if overdue_at is not None:
        tasks = tasks.overdue(overdue_at)
    if district is not None:
        tasks = tasks.filter(within_district("jurisdiction", district))
    return tasks.select_related("owner_unit", "owner_user", "issued_by", "jurisdiction")


def task_get(*, viewer: Any, pk: int) -> Task:
    return task_list(viewer=viewer).get(pk=pk)


def task_status_counts(*, viewer: Any, district: Jurisdiction | None = None) -> dict[str, int]:
    rows = (
        task_list(viewer=viewer, district=district)
        .order_by()
        .values("status")
        .annotate(n=Count("pk"))
    )
    counts = dict.fromkeys(TaskStatus.values, 0)
    for row in rows:
        counts[row["status"]] = row["n"]
    return counts


def escalation_list(*, viewer: Any) -> list[Escalation]:
    """Escalated milestones still open, newest first (what the HQ must chase)."""
    tasks = task_list(viewer=viewer).open()
    return list(
        Escalation.objects.filter(milestone__task__in=tasks, milestone__done_at__isnull=True)
        .select_related(
            "milestone",
            "milestone__task",
            "milestone__task__owner_unit",
            "milestone__task__owner_user",
            "to_unit",
        )
        .order_by("-escalated_at")
    )


def overdue_milestones(*, viewer: Any, at: dt.datetime) -> list[Milestone]:
    tasks = task_list(viewer=viewer).open()
    return list(
        Milestone.objects.filter(task__in=tasks, done_at__isnull=True, due_at__lt=at)
        .select_related("task", "task__owner_unit", "task__owner_user", "escalation")
        .order_by("due_at")
    )
