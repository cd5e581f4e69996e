"""The screen's epidemic trends: new cases, contacts found and controlled in time, units'
reports, by day over the window (`screen.py` says how they are counted)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, Q

from fangkong.cases.models import (
    Case,
    CaseClassification,
    CaseQuerySet,
    Contact,
    ContactQuerySet,
)
from fangkong.cases.selectors.trends import contacts_by_day, new_cases_by_day
from fangkong.cases.visibility import case_scope_q, contact_scope_q
from fangkong.command.models import MissingReport, UnitReport
from fangkong.command.selectors.reports import units_in_scope
from fangkong.command.selectors.screen import ScreenArea, Window


def screen_cases_in(area: ScreenArea) -> CaseQuerySet:
    """The cases the viewer sees, of the chosen district: those it runs, or, for a case
    without a jurisdiction, those whose person lives there (as the cases' own scope reads)."""
    cases = Case.objects.filter(case_scope_q(area.viewer))
    if area.district is None:
        return cases
    return cases.filter(
        area.within("jurisdiction")
        | (Q(jurisdiction__isnull=True) & area.within("person__home_jurisdiction"))
    )


def screen_contacts_in(area: ScreenArea) -> ContactQuerySet:
    """The contacts the viewer sees, of the chosen district: of its cases, or living there
    (the district that must place them under control)."""
    contacts = Contact.objects.filter(contact_scope_q(area.viewer))
    if area.district is None:
        return contacts
    return contacts.filter(
        area.within("case__jurisdiction") | area.within("person__home_jurisdiction")
    )


def screen_cases(*, area: ScreenArea, window: Window) -> dict[str, Any]:
    """New confirmed cases and asymptomatic infections by day, counted by the cases area
    (`new_cases_by_day`: on the report day, or the finding day while not reported yet)."""
    trend = new_cases_by_day(screen_cases_in(area), window.as_trend())
    return {
        "days": window.labels,
        "confirmed": list(trend.confirmed),
        "asymptomatic": list(trend.asymptomatic),
        "total_confirmed": sum(trend.confirmed),
        "total_asymptomatic": sum(trend.asymptomatic),
        "links": {
            "confirmed": area.link("cases:list", classification=CaseClassification.CONFIRMED),
            "asymptomatic": area.link("cases:list", classification=CaseClassification.ASYMPTOMATIC),
        },
    }


def _share(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def screen_contacts(*, area: ScreenArea, window: Window) -> dict[str, Any]:
    """Close and secondary contacts confirmed each day (persons), and of them how many were
    under control within FANGKONG_CONTACT_CONTROL_HOURS, counted by the cases area
    (`contacts_by_day`). Those still inside that time and not yet under control are pending:
    the share is of the decided ones."""
    trend = contacts_by_day(screen_contacts_in(area), window.as_trend())
    decided = [f - p for f, p in zip(trend.found, trend.pending, strict=True)]
    return {
        "days": window.labels,
        "control_hours": trend.control_hours,
        "found": list(trend.found),
        "in_time": list(trend.in_time),
        "late": list(trend.late),
        "pending": list(trend.pending),
        "share_in_time": [_share(i, d) for i, d in zip(trend.in_time, decided, strict=True)],
        "total_found": sum(trend.found),
        "total_share_in_time": _share(sum(trend.in_time), sum(decided)),
        "links": {
            "found": area.link("cases:list"),
            "late": area.link("cases:overdue"),
        },
    }


def screen_reports(*, area: ScreenArea, window: Window) -> dict[str, Any]:
    """Units' daily reports each day: on time, late, and missing (listed by the cut-off job
    and not yet made up), of the reporting units of the viewer's part of the chosen district."""
    units = units_in_scope(area.viewer).filter(area.within("jurisdiction"))
    span = (window.days[0], window.days[-1])
    filed: dict[dt.date, dict[str, int]] = {
        row["day"]: {"on_time": row["on_time"], "late": row["late"]}
        for row in UnitReport.objects.filter(day__range=span, unit__in=units.values("pk"))
        .values("day")
        .annotate(on_time=Count("pk", filter=Q(late=False)), late=Count("pk", filter=Q(late=True)))
    }
    missing = dict(
        MissingReport.objects.filter(
            day__range=span, resolved_at__isnull=True, unit__in=units.values("pk")
        )
        .values_list("day")
        .annotate(n=Count("pk"))
    )
    on_time = [filed.get(day, {}).get("on_time", 0) for day in window.days]
    expected = units.count()
    return {
        "days": window.labels,
        "expected": expected,
        "on_time": on_time,
        "late": [filed.get(day, {}).get("late", 0) for day in window.days],
        "missing": [missing.get(day, 0) for day in window.days],
        "share_on_time": [_share(n, expected) for n in on_time],
        "links": {"day": area.link("command:report_overview")},
    }
