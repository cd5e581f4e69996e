"""The command area's parts of the daily briefing: notices, supervised tasks, unit reports."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext as _

from fangkong.command.forecast_briefing import forecast_section
from fangkong.command.models import MissingReport, Notice, NoticeMeasure, Task, UnitReport
from fangkong.command.selectors.figures import (
    day_bounds,
    notice_figures,
    report_cutoff_label,
    report_figures,
    task_figures,
)
from fangkong.command.selectors.reports import reporting_units
from fangkong.core.figures import BriefingSection, BriefingTable, Figure
from fangkong.operations.briefing import register_briefing
from fangkong.policy.kinds import measure_kind

NOTICES_ORDER = 5
TASKS_ORDER = 80
REPORTS_ORDER = 85
TABLE_ROWS = 30  # the briefing lists at most this many rows per table; the pages list all


def _value(figures: list[Figure], key: str) -> object:
    return next(f.value for f in figures if f.key == key)


def notices_section(*, day: dt.date) -> BriefingSection:
    figures = notice_figures(day)
    bounds = day_bounds(day)
    lines = (
        NoticeMeasure.objects.filter(
            measure__effective_at__gte=bounds.start, measure__effective_at__lt=bounds.end
        )
        .select_related("notice", "measure")
        .order_by("measure__effective_at", "pk")
    )
    rows: list[list[object]] = []
    for line in lines[:TABLE_ROWS]:
        try:
            kind = measure_kind(line.kind)
            label, subjects = str(kind.label), dict(kind.subjects())
            shown = kind.display(line.measure.value if line.measure else line.value)
        except KeyError:
            label, subjects, shown = line.kind, {}, line.value
        rows.append(
            [
                line.notice.label,
                label,
                str(subjects.get(line.subject, line.subject)) or _("全市"),
                shown,
                timezone.localtime(line.measure.effective_at).strftime("%m-%d %H:%M")
                if line.measure
                else "",
            ]
        )
    issued = Notice.objects.published().filter(
        issued_at__gte=bounds.start, issued_at__lt=bounds.end
    )
    paragraphs = [
        _("当日发布%(label)s《%(title)s》。") % {"label": n.label, "title": n.title}
        for n in issued.order_by("number")
    ]
    tables = []
    if rows:
        tables.append(
            BriefingTable(
                title=_("当日生效的防控措施"),
                header=[_("依据"), _("措施"), _("适用对象"), _("取值"), _("生效时间")],
                rows=rows,
            )
        )
    return BriefingSection(
        key="command.notices",
        title=_("通告与防控措施"),
        order=NOTICES_ORDER,
        figures=figures,
        paragraphs=paragraphs,
        tables=tables,
    )


def tasks_section(*, day: dt.date) -> BriefingSection:
    figures = task_figures(day)
    bounds = day_bounds(day)
    overdue = (
        Task.objects.filter(issued_at__lt=bounds.as_of)
        .overdue(bounds.as_of)
        .select_related("owner_unit", "owner_user")
        .order_by("deadline")
    )
    rows: list[list[object]] = [
        [
            task.title,
            str(task.owner),
            task.get_responsibility_display(),
            timezone.localtime(task.deadline).strftime("%m-%d %H:%M"),
            task.get_status_display(),
        ]
        for task in overdue[:TABLE_ROWS]
    ]
    paragraphs = [
        _("当日交办督办任务%(issued)s项，办结%(closed)s项；在办%(open)s项，其中逾期%(overdue)s项。")
        % {
            "issued": _value(figures, "command.tasks_issued"),
            "closed": _value(figures, "command.tasks_closed"),
            "open": _value(figures, "command.tasks_open"),
            "overdue": _value(figures, "command.tasks_overdue"),
        }
    ]
    tables = []
    if rows:
        tables.append(
            BriefingTable(
                title=_("逾期督办任务"),
                header=[_("任务"), _("责任方"), _("责任类型"), _("完成时限"), _("状态")],
                rows=rows,
            )
        )
    return BriefingSection(
        key="command.tasks",
        title=_("督办落实"),
        order=TASKS_ORDER,
        figures=figures,
        paragraphs=paragraphs,
        tables=tables,
    )


def reports_section(*, day: dt.date) -> BriefingSection:
    figures = report_figures(day)
    units = reporting_units()
    missing = (
        MissingReport.objects.filter(day=day, resolved_at__isnull=True, unit__in=units)
        .select_related("unit", "unit__jurisdiction")
        .order_by("unit__jurisdiction__path", "unit__name")
    )
    needs = (
        UnitReport.objects.filter(day=day, unit__in=units)
        .exclude(needs="")
        .select_related("unit")
        .order_by("unit__name")
    )
    paragraphs = [
        _(
            "应报单位%(expected)s个，已报送%(reported)s个（按时%(on_time)s个、迟报%(late)s个），"
            "其中零报告%(zero)s个；缺报%(missing)s个。报送截止时间%(cutoff)s。"
        )
        % {
            "expected": _value(figures, "command.units_expected"),
            "reported": _value(figures, "command.reports_submitted"),
            "on_time": _value(figures, "command.reports_on_time"),
            "late": _value(figures, "command.reports_late"),
            "zero": _value(figures, "command.reports_zero"),
            "missing": _value(figures, "command.reports_missing"),
            "cutoff": report_cutoff_label(day),
        }
    ]
    tables = []
    missing_rows: list[list[object]] = [
        [m.unit.name, m.unit.jurisdiction.name] for m in missing[:TABLE_ROWS]
    ]
    if missing_rows:
        tables.append(
            BriefingTable(title=_("缺报单位"), header=[_("单位"), _("辖区")], rows=missing_rows)
        )
    needs_rows: list[list[object]] = [[r.unit.name, r.needs] for r in needs[:TABLE_ROWS]]
    if needs_rows:
        tables.append(
            BriefingTable(title=_("需协调事项"), header=[_("单位"), _("事项")], rows=needs_rows)
        )
    return BriefingSection(
        key="command.reports",
        title=_("日报告与零报告"),
        order=REPORTS_ORDER,
        figures=figures,
        paragraphs=paragraphs,
        tables=tables,
    )


def briefing_sections(*, day: dt.date) -> list[BriefingSection]:
    """This area gives the briefing four sections; other areas give one `briefing_section`."""
    return [
        notices_section(day=day),
        forecast_section(day=day),
        tasks_section(day=day),
        reports_section(day=day),
    ]


def register() -> None:
    register_briefing("command", briefing_sections)
