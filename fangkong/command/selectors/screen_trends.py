"""The screen's epidemic trends: new cases, contacts found and controlled in time, units'
reports, by day over the window (`screen.py` says how they are counted)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, F, Q
from django.db.models.functions import Coalesce

from fangkong.cases.conf import cases_settings
from fangkong.cases.models import (
    CONFIRMED,
    INFECTED,
    Case,
    CaseClassification,
    CaseQuerySet,
    Contact,
    ContactQuerySet,
)
from fangkong.cases.visibility import case_scope_q, contact_scope_q
from fangkong.command.models import MissingReport, UnitReport
from fangkong.command.selectors.reports import units_in_scope
from fangkong.command.selectors.screen import ScreenArea, Window
from fangkong.core.trends import by_day, daily


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
    """New confirmed cases and asymptomatic infections by day: a case counts on the day it
    was reported, or the day it was found while not reported yet (the case list's "new")."""
    new = (
        screen_cases_in(area)
        .filter(classification__in=INFECTED)
        .filter(
            Q(reported_at__gte=window.start)
            | Q(reported_at__isnull=True, detected_at__gte=window.start)
        )
    )
    counts = by_day(
        new,
        Coalesce("reported_at", "detected_at"),
        confirmed=Count("pk", filter=Q(classification=CaseClassification.CONFIRMED)),
        asymptomatic=Count("pk", filter=Q(classification=CaseClassification.ASYMPTOMATIC)),
    )
    confirmed = daily(counts, window, "confirmed")
    asymptomatic = daily(counts, window, "asymptomatic")
    return {
        "days": window.labels,
        "confirmed": confirmed,
        "asymptomatic": asymptomatic,
        "total_confirmed": sum(confirmed),
        "total_asymptomatic": sum(asymptomatic),
        "links": {
            "confirmed": area.link("cases:list", classification=CaseClassification.CONFIRMED),
            "asymptomatic": area.link("cases:list", classification=CaseClassification.ASYMPTOMATIC),
        },
    }


def _share(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def screen_contacts(*, area: ScreenArea, window: Window) -> dict[str, Any]:
    """Close and secondary contacts confirmed each day (persons), and of them how many were
    under control within FANGKONG_CONTACT_CONTROL_HOURS of being confirmed. Those still inside
    that time and not yet under control are pending: the share is of the decided ones."""
    hours = cases_settings().contact_control_hours
    limit = dt.timedelta(hours=hours)
    found = screen_contacts_in(area).filter(status__in=CONFIRMED, identified_at__gte=window.start)
    counts = by_day(
        found,
        "identified_at",
        found=Count("person", distinct=True),
        in_time=Count(
            "person",
            distinct=True,
            filter=Q(controlled_at__isnull=False, controlled_at__lte=F("identified_at") + limit),
        ),
        pending=Count(
            "person",
            distinct=True,
            filter=Q(controlled_at__isnull=True, identified_at__gt=window.now - limit),
        ),
    )
    totals = {name: daily(counts, window, name) for name in ("found", "in_time", "pending")}
    late = [
        f - i - p
        for f, i, p in zip(totals["found"], totals["in_time"], totals["pending"], strict=True)
    ]
    decided = [f - p for f, p in zip(totals["found"], totals["pending"], strict=True)]
    return {
        "days": window.labels,
        "control_hours": hours,
        "found": totals["found"],
        "in_time": totals["in_time"],
        "late": late,
        "pending": totals["pending"],
        "share_in_time": [_share(i, d) for i, d in zip(totals["in_time"], decided, strict=True)],
        "total_found": sum(totals["found"]),
        "total_share_in_time": _share(sum(totals["in_time"]), sum(decided)),
        "links": {
            "found": area.link("cases:list"),
            "late": area.link("cases:overdue", district=False),
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
        "links": {"day": area.link("command:report_overview", district=False)},
    }
