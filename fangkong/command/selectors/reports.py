"""Reads about daily reports: who must report, who has, who is late or missing."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from fangkong.accounts.scope import scope_of
from fangkong.command.measures import report_cutoff
from fangkong.command.models import (
    MissingReport,
    ReportFigure,
    ReportKind,
    ReportProfile,
    UnitReport,
)
from fangkong.jurisdictions.models import Jurisdiction, Level, ResponsibilityKind, ResponsibleUnit
from fangkong.jurisdictions.selectors import within_district
from fangkong.operations.unit_days import UnitDay, unit_day


def reporting_units() -> QuerySet[ResponsibleUnit]:
    """Every active unit that answers to the HQ: all but the HQ itself (the territory unit at
    city level), which receives the reports."""
    return (
        ResponsibleUnit.objects.active()
        .exclude(kind=ResponsibilityKind.TERRITORY, jurisdiction__level=Level.CITY)
        .select_related("jurisdiction")
    )


def unit_profile(unit: ResponsibleUnit) -> str:
    """Which figures a unit reports, from what it runs: a quarantine site, a hospital, a
    community, a department... (decided from data, so a new site's unit reports site figures)."""
    if unit.quarantine_sites.exists():
        return ReportProfile.SITE
    if unit.hospitals.exists():
        return ReportProfile.HOSPITAL
    if unit.kind == ResponsibilityKind.DEPARTMENT:
        return ReportProfile.DEPARTMENT
    if unit.kind == ResponsibilityKind.ORGANISATION:
        return ReportProfile.ORGANISATION
    if unit.jurisdiction.level == Level.COMMUNITY:
        return ReportProfile.COMMUNITY
    return ReportProfile.TERRITORY


def profile_figures(profile: str) -> list[ReportFigure]:
    return list(ReportFigure.objects.filter(profile=profile, active=True))


def unit_day_facts(
    *, unit: ResponsibleUnit, day: dt.date, at: dt.datetime | None = None
) -> UnitDay:
    """What the platform knows of the unit's day (the areas below register it): the figures
    to prefill its report with, and the events that rule out a zero report."""
    return unit_day(unit=unit, day=day, at=at or timezone.now())


def zero_report_refusal(facts: UnitDay, *, day: dt.date, at: dt.datetime) -> str | None:
    """Why the unit may not file a zero report (今日无新增情况) for `day`, or None."""
    if not facts.events:
        return None
    events = "、".join(facts.events)
    if day == timezone.localdate(at):
        return _("本单位今日有%(events)s，不能零报告，请填报日报告") % {"events": events}
    return _("本单位%(day)s有%(events)s，不能零报告，请填报日报告") % {
        "day": day.strftime("%m-%d"),
        "events": events,
    }


def daily_report_filed_refusal(*, day: dt.date, at: dt.datetime) -> str:
    """Why a zero report may not follow the unit's daily report of `day`."""
    if day == timezone.localdate(at):
        return _("本单位今日已报送日报告，零报告不能覆盖已填报的数据；如有变化请更正日报告")
    return _("本单位%(day)s已报送日报告，零报告不能覆盖已填报的数据；如有变化请更正日报告") % {
        "day": day.strftime("%m-%d")
    }


@dataclass(frozen=True)
class TemplateFigure:
    key: str
    label: str
    unit: str
    order: int
    platform_value: int | None  # what the platform knows of the day, to prefill with


@dataclass(frozen=True)
class ReportTemplate:
    """What a unit reports for a day: its profile's figures, what it has filed, and whether a
    zero report is open to it (the same rules the report page and the services apply)."""

    unit: ResponsibleUnit
    profile: str
    day: dt.date
    cutoff_at: dt.datetime
    figures: list[TemplateFigure]
    filed: str | None
    zero_report_refusal: str | None

    @property
    def zero_report_allowed(self) -> bool:
        return self.zero_report_refusal is None


def report_template(*, unit: ResponsibleUnit, day: dt.date, at: dt.datetime) -> ReportTemplate:
    profile = unit_profile(unit)
    facts = unit_day_facts(unit=unit, day=day, at=at)
    filed = UnitReport.objects.filter(unit=unit, day=day).values_list("kind", flat=True).first()
    refusal = (
        daily_report_filed_refusal(day=day, at=at)
        if filed == ReportKind.DAILY
        else zero_report_refusal(facts, day=day, at=at)
    )
    return ReportTemplate(
        unit=unit,
        profile=profile,
        day=day,
        cutoff_at=report_cutoff(day),
        figures=[
            TemplateFigure(f.key, f.label, f.unit, f.order, facts.figures.get(f.key))
            for f in profile_figures(profile)
        ],
        filed=filed,
        zero_report_refusal=refusal,
    )


def units_in_scope(viewer: Any, district: Jurisdiction | None = None) -> QuerySet[ResponsibleUnit]:
    """The reporting units the viewer sees, of `district` alone if given."""
    return reporting_units().filter(
        scope_of(viewer).jurisdiction_q("jurisdiction"), within_district("jurisdiction", district)
    )


@dataclass(frozen=True)
class DayStatus:
    day: dt.date
    cutoff: dt.datetime
    expected: int
    on_time: int
    late: int
    zero: int
    missing: list[MissingReport]
    not_yet: list[ResponsibleUnit]  # before the cut-off, or before the job has run

    @property
    def reported(self) -> int:
        return self.on_time + self.late


def report_day_status(
    *, viewer: Any, day: dt.date, district: Jurisdiction | None = None
) -> DayStatus:
    """A day's reporting (of `district`'s units, if given): counts, the missing list (after
    the cut-off job) and units that have not reported yet."""
    units = units_in_scope(viewer, district)
    reports = UnitReport.objects.filter(day=day, unit__in=units)
    counts = reports.aggregate(
        on_time=Count("pk", filter=Q(late=False)),
        late=Count("pk", filter=Q(late=True)),
        zero=Count("pk", filter=Q(kind=ReportKind.ZERO)),
    )
    missing = list(
        MissingReport.objects.filter(day=day, resolved_at__isnull=True, unit__in=units)
        .select_related("unit", "unit__jurisdiction")
        .order_by("unit__jurisdiction__path", "unit__name")
    )
    missing_ids = {m.unit_id for m in missing}
    not_yet = [
        unit
        for unit in units.exclude(daily_reports__day=day).order_by("jurisdiction__path", "name")
        if unit.pk not in missing_ids
    ]
    return DayStatus(
        day=day,
        cutoff=report_cutoff(day),
        expected=units.count(),
        on_time=counts["on_time"],
        late=counts["late"],
        zero=counts["zero"],
        missing=missing,
        not_yet=not_yet,
    )


def unit_report_history(
    *, unit: ResponsibleUnit, days: int, until: dt.date
) -> list[dict[str, Any]]:
    """A unit's record over the last `days` days: reported on time, late, zero, or missing."""
    since = until - dt.timedelta(days=days - 1)
    reports = {r.day: r for r in UnitReport.objects.filter(unit=unit, day__range=(since, until))}
    missing = set(
        MissingReport.objects.filter(unit=unit, day__range=(since, until)).values_list(
            "day", flat=True
        )
    )
    history: list[dict[str, Any]] = []
    for offset in range(days):
        day = until - dt.timedelta(days=offset)
        report = reports.get(day)
        history.append({"day": day, "report": report, "missing": report is None and day in missing})
    return history


def report_list(*, viewer: Any) -> QuerySet[UnitReport]:
    return UnitReport.objects.filter(unit__in=units_in_scope(viewer)).select_related(
        "unit", "submitted_by"
    )


def reporting_trend(*, viewer: Any, until: dt.date, days: int) -> list[dict[str, Any]]:
    """Per day: reports on time, late, and still missing (for the dashboard's chart)."""
    since = until - dt.timedelta(days=days - 1)
    units = units_in_scope(viewer)
    report_rows = (
        UnitReport.objects.filter(day__range=(since, until), unit__in=units)
        .values("day")
        .annotate(on_time=Count("pk", filter=Q(late=False)), late=Count("pk", filter=Q(late=True)))
    )
    missing_rows = (
        MissingReport.objects.filter(
            day__range=(since, until), resolved_at__isnull=True, unit__in=units
        )
        .values("day")
        .annotate(n=Count("pk"))
    )
    by_day: dict[dt.date, dict[str, Any]] = {
        since + dt.timedelta(days=i): {"on_time": 0, "late": 0, "missing": 0} for i in range(days)
    }
    for counted in report_rows:
        by_day[counted["day"]].update(on_time=counted["on_time"], late=counted["late"])
    for listed in missing_rows:
        by_day[listed["day"]]["missing"] = listed["n"]
    return [{"day": day, **values} for day, values in sorted(by_day.items())]
