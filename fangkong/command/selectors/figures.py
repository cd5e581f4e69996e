"""The command area's own figures for a day: tasks, unit reports and notices. They feed the
area's pages, its API, the daily briefing and the dashboard."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from fangkong.command.measures import report_cutoff
from fangkong.command.models import (
    Escalation,
    MissingReport,
    Notice,
    NoticeMeasure,
    ReportKind,
    Task,
    TaskStatus,
    UnitReport,
)
from fangkong.command.selectors.reports import reporting_units
from fangkong.core.figures import Figure


@dataclass(frozen=True)
class DayBounds:
    start: dt.datetime
    end: dt.datetime  # exclusive
    as_of: dt.datetime  # the end of the day, or now for today


def day_bounds(day: dt.date, *, now: dt.datetime | None = None) -> DayBounds:
    start = timezone.make_aware(dt.datetime.combine(day, dt.time.min))
    end = start + dt.timedelta(days=1)
    return DayBounds(start, end, min(end, now or timezone.now()))


def task_figures(day: dt.date, *, now: dt.datetime | None = None) -> list[Figure]:
    bounds = day_bounds(day, now=now)
    counts = Task.objects.aggregate(
        issued=Count("pk", filter=Q(issued_at__gte=bounds.start, issued_at__lt=bounds.end)),
        closed=Count("pk", filter=Q(closed_at__gte=bounds.start, closed_at__lt=bounds.end)),
        open=Count("pk", filter=Q(issued_at__lt=bounds.as_of) & ~Q(status=TaskStatus.DONE)),
        submitted=Count("pk", filter=Q(status=TaskStatus.SUBMITTED)),
    )
    overdue = Task.objects.filter(issued_at__lt=bounds.as_of).overdue(bounds.as_of).count()
    escalated = Escalation.objects.filter(
        escalated_at__gte=bounds.start, escalated_at__lt=bounds.end
    ).count()
    return [
        Figure("command.tasks_issued", _("当日交办任务"), counts["issued"], _("项")),
        Figure("command.tasks_closed", _("当日办结任务"), counts["closed"], _("项")),
        Figure("command.tasks_open", _("在办任务"), counts["open"], _("项")),
        Figure("command.tasks_submitted", _("待验收任务"), counts["submitted"], _("项")),
        Figure("command.tasks_overdue", _("逾期任务"), overdue, _("项"), alert=overdue > 0),
        Figure(
            "command.escalations", _("当日逾期上报节点"), escalated, _("个"), alert=escalated > 0
        ),
    ]


def report_figures(day: dt.date) -> list[Figure]:
    units = reporting_units()
    reports = UnitReport.objects.filter(day=day, unit__in=units).aggregate(
        on_time=Count("pk", filter=Q(late=False)),
        late=Count("pk", filter=Q(late=True)),
        zero=Count("pk", filter=Q(kind=ReportKind.ZERO)),
        needs=Count("pk", filter=~Q(needs="")),
    )
    missing = MissingReport.objects.filter(
        day=day, resolved_at__isnull=True, unit__in=units
    ).count()
    # Zero reports are counted among all reports of the day, on time or late alike: a figure
    # of their own, never "of which" after the late ones.
    return [
        Figure("command.units_expected", _("应报单位"), units.count(), _("个")),
        Figure(
            "command.reports_submitted",
            _("已报送"),
            reports["on_time"] + reports["late"],
            _("个"),
        ),
        Figure("command.reports_on_time", _("按时报送"), reports["on_time"], _("个")),
        Figure(
            "command.reports_late", _("迟报"), reports["late"], _("个"), alert=reports["late"] > 0
        ),
        Figure("command.reports_zero", _("零报告"), reports["zero"], _("个")),
        Figure("command.reports_missing", _("缺报"), missing, _("个"), alert=missing > 0),
        Figure("command.reports_needs", _("提出协调事项"), reports["needs"], _("个")),
    ]


def notice_figures(day: dt.date) -> list[Figure]:
    bounds = day_bounds(day)
    published = Notice.objects.published()
    issued = published.filter(issued_at__gte=bounds.start, issued_at__lt=bounds.end).count()
    effective = published.filter(
        effective_at__gte=bounds.start, effective_at__lt=bounds.end
    ).count()
    measures = NoticeMeasure.objects.filter(
        measure__effective_at__gte=bounds.start, measure__effective_at__lt=bounds.end
    ).count()
    return [
        Figure("command.notices_issued", _("当日发布通告"), issued, _("份")),
        Figure("command.notices_effective", _("当日生效通告"), effective, _("份")),
        Figure("command.measures_effective", _("当日生效措施"), measures, _("项")),
    ]


def report_cutoff_label(day: dt.date) -> str:
    return timezone.localtime(report_cutoff(day)).strftime("%H:%M")
