"""The screen's live feed: critical alerts still open and 督办 tasks past due, newest first."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Case, F, Min, Q, When
from django.db.models.functions import Coalesce, Least
from django.utils import timezone

from fangkong.alerts.models import Severity
from fangkong.alerts.selectors import alert_list
from fangkong.command.conf import command_settings
from fangkong.command.selectors.screen import ScreenArea
from fangkong.command.selectors.tasks import task_list


def screen_feed(*, area: ScreenArea, now: dt.datetime | None = None) -> dict[str, Any]:
    """The newest FANGKONG_SCREEN_FEED_ROWS of both, merged by time (an alert's raising, the
    moment a task fell behind), with how many there are of each in all."""
    moment = now or timezone.now()
    rows = command_settings().screen_feed_rows
    alerts = (
        alert_list(viewer=area.viewer)
        .filter(severity=Severity.CRITICAL)
        .filter(area.within("jurisdiction"))
    )
    tasks = task_list(viewer=area.viewer, overdue_at=moment).filter(area.within("jurisdiction"))
    # A task is late from its deadline, or from its first milestone past due if that is earlier.
    first_late = Min(
        "milestones__due_at",
        filter=Q(milestones__done_at__isnull=True, milestones__due_at__lt=moment),
    )
    late = tasks.annotate(first_late=first_late).annotate(
        late_since=Case(
            When(deadline__lt=moment, then=Least("deadline", Coalesce("first_late", "deadline"))),
            default=F("first_late"),
        )
    )
    items: list[dict[str, Any]] = [
        {
            "kind": "alert",
            "id": alert.pk,
            "title": alert.title,
            "at": alert.raised_at,
            "where": alert.jurisdiction.name if alert.jurisdiction else "",
            "url": alert.get_absolute_url(),
        }
        for alert in alerts[:rows]
    ]
    items += [
        {
            "kind": "task",
            "id": task.pk,
            "title": task.title,
            "at": task.late_since,
            "where": str(task.owner_unit or task.owner_user or ""),
            "url": task.get_absolute_url(),
        }
        for task in late.order_by("-late_since", "-pk")[:rows]
    ]
    items.sort(key=lambda item: item["at"], reverse=True)
    return {
        "items": items[:rows],
        "critical_alerts": alerts.count(),
        "overdue_tasks": tasks.count(),
        "links": {
            "alerts": area.link("alerts:list"),
            "tasks": area.link("command:task_list", overdue=1),
        },
    }
