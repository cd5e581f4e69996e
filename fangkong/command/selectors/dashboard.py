"""What the command dashboard (指挥大屏) shows, gathered in a handful of queries."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

from django.core.cache import cache
from django.db.models import Count
from django.db.models.functions import TruncDate
from django.utils import timezone, translation

from fangkong.alerts.selectors import alert_list
from fangkong.command.conf import command_settings
from fangkong.command.daily_briefing import Briefing, briefing_build
from fangkong.command.measures import RISK_LEVEL, RiskLevel
from fangkong.command.models import FigureSnapshot, Task
from fangkong.command.selectors.reports import report_day_status, reporting_trend
from fangkong.command.selectors.tasks import escalation_list, task_list
from fangkong.command.selectors.teams import on_duty_board
from fangkong.policy.selectors import measures_in_force

LIST_ROWS = 10


def cached_briefing(day: dt.date) -> Briefing:
    """The briefing of a day, reused for a short while: the dashboard polls, and a city's
    figures do not need recomputing for every screen every minute."""
    key = f"command:briefing:{day.isoformat()}:{translation.get_language()}"
    briefing = cache.get(key)
    if briefing is None:
        briefing = briefing_build(day=day)
        cache.set(key, briefing, command_settings().dashboard_cache_seconds)
    return briefing


def task_trend(*, viewer: Any, until: dt.date, days: int) -> list[dict[str, Any]]:
    since = until - dt.timedelta(days=days - 1)
    start = timezone.make_aware(dt.datetime.combine(since, dt.time.min))
    tasks = task_list(viewer=viewer).order_by()
    issued = Counter(
        {
            row["d"]: row["n"]
            for row in tasks.filter(issued_at__gte=start)
            .annotate(d=TruncDate("issued_at"))
            .values("d")
            .annotate(n=Count("pk"))
        }
    )
    closed = Counter(
        {
            row["d"]: row["n"]
            for row in tasks.filter(closed_at__gte=start)
            .annotate(d=TruncDate("closed_at"))
            .values("d")
            .annotate(n=Count("pk"))
        }
    )
    open_before = tasks.filter(issued_at__lt=start).exclude(closed_at__lt=start).count()
    rows: list[dict[str, Any]] = []
    open_now = open_before
    for offset in range(days):
        day = since + dt.timedelta(days=offset)
        open_now += issued[day] - closed[day]
        rows.append({"day": day, "issued": issued[day], "closed": closed[day], "open": open_now})
    return rows


def figure_trends(
    *, until: dt.date, days: int, headlines: frozenset[str] = frozenset()
) -> dict[str, Any]:
    """Every area's briefing figures over the last days, from the daily snapshots; the
    sections' headline figures are shown at first, the others one click away in the legend."""
    since = until - dt.timedelta(days=days - 1)
    dates = [since + dt.timedelta(days=i) for i in range(days)]
    series: dict[str, dict[str, Any]] = {}
    for row in FigureSnapshot.objects.filter(day__range=(since, until)).order_by("key", "day"):
        name = f"{row.section}·{row.label}"
        entry = series.setdefault(
            row.key, {"name": name, "section": row.section, "values": [None] * days}
        )
        entry["values"][(row.day - since).days] = row.value
    selected = {entry["name"]: key in headlines for key, entry in series.items()}
    return {
        "days": [d.strftime("%m-%d") for d in dates],
        "series": [{"name": e["name"], "values": e["values"]} for e in series.values()],
        "selected": selected,
    }


def risk_counts(*, at: dt.datetime) -> dict[str, int]:
    counts = Counter(measures_in_force(RISK_LEVEL, at=at).values())
    return {level: counts.get(level, 0) for level in (RiskLevel.HIGH, RiskLevel.MEDIUM)}


def dashboard(*, viewer: Any, now: dt.datetime | None = None) -> dict[str, Any]:
    moment = now or timezone.now()
    today = timezone.localdate(moment)
    days = command_settings().dashboard_trend_days
    briefing = cached_briefing(today)
    reports = report_day_status(viewer=viewer, day=today)
    yesterday = report_day_status(viewer=viewer, day=today - dt.timedelta(days=1))
    on_duty = on_duty_board(at=moment)
    return {
        "now": moment,
        "briefing": briefing,
        "alerts": list(alert_list(viewer=viewer)[:LIST_ROWS]),
        # The card shows how many are open, not how many the short list holds.
        "alerts_count": alert_list(viewer=viewer).count(),
        "overdue_tasks": list(
            task_list(viewer=viewer, overdue_at=moment).order_by("deadline")[:LIST_ROWS]
        ),
        "overdue_count": task_list(viewer=viewer, overdue_at=moment).count(),
        "escalations": escalation_list(viewer=viewer)[:LIST_ROWS],
        "reports_today": reports,
        "reports_yesterday": yesterday,
        "risk": risk_counts(at=moment),
        "on_duty": on_duty,
        "on_duty_count": sum(len(row.shifts) for row in on_duty),
        "report_trend": reporting_trend(viewer=viewer, until=today, days=days),
        "task_trend": task_trend(viewer=viewer, until=today, days=days),
        "open_tasks": Task.objects.open().count(),
        "figure_trends": figure_trends(
            until=today,
            days=days,
            headlines=frozenset(s.figures[0].key for s in briefing.sections if s.figures),
        ),
    }


def chart_data(data: dict[str, Any]) -> dict[str, Any]:
    """The series the dashboard's charts draw, as JSON-ready lists."""
    reports = data["report_trend"]
    tasks = data["task_trend"]
    return {
        "reports": {
            "days": [row["day"].strftime("%m-%d") for row in reports],
            "on_time": [row["on_time"] for row in reports],
            "late": [row["late"] for row in reports],
            "missing": [row["missing"] for row in reports],
        },
        "tasks": {
            "days": [row["day"].strftime("%m-%d") for row in tasks],
            "issued": [row["issued"] for row in tasks],
            "closed": [row["closed"] for row in tasks],
            "open": [row["open"] for row in tasks],
        },
        "figures": data["figure_trends"],
    }
