"""The tracing area's day series: new confirmed cases and asymptomatic infections by day, and
contacts confirmed by day with how many were under control in time. The daily briefing draws
them city-wide; they take any set of cases or contacts (a viewer's, a district's), each series
one grouped query over the window (fangkong/core/trends.py).

Counted as the wall screen counts them: a case on the day it was reported, or the day it was
found while not reported yet (the case list's "new"); a contact (close or secondary, counted
by person) on the day it was confirmed, in time when under control within
FANGKONG_CONTACT_CONTROL_HOURS of that, pending while still inside that time and not yet under
control. Nothing after the window's end counts: a control made later is not yet made.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, F, Q
from django.db.models.functions import Coalesce

from fangkong.cases.conf import cases_settings
from fangkong.cases.models import (
    CONFIRMED,
    INFECTED,
    CaseClassification,
    CaseQuerySet,
    ContactQuerySet,
)
from fangkong.core.trends import TrendWindow, by_day, daily


@dataclass(frozen=True)
class CaseTrend:
    confirmed: tuple[int, ...]
    asymptomatic: tuple[int, ...]


@dataclass(frozen=True)
class ContactTrend:
    control_hours: int
    found: tuple[int, ...]  # persons confirmed as contacts that day
    in_time: tuple[int, ...]  # of them, under control within the time limit
    pending: tuple[int, ...]  # of them, not yet under control and still inside the limit

    @property
    def late(self) -> tuple[int, ...]:
        return tuple(
            f - i - p for f, i, p in zip(self.found, self.in_time, self.pending, strict=True)
        )


def new_cases_by_day(cases: CaseQuerySet, window: TrendWindow) -> CaseTrend:
    """New confirmed cases and asymptomatic infections each day of the window."""
    day = Coalesce("reported_at", "detected_at")
    new = (
        cases.filter(classification__in=INFECTED)
        .alias(trend_moment=day)
        .filter(trend_moment__gte=window.start, trend_moment__lt=window.end)
    )
    counts = by_day(
        new,
        day,
        confirmed=Count("pk", filter=Q(classification=CaseClassification.CONFIRMED)),
        asymptomatic=Count("pk", filter=Q(classification=CaseClassification.ASYMPTOMATIC)),
    )
    return CaseTrend(
        confirmed=daily(counts, window, "confirmed"),
        asymptomatic=daily(counts, window, "asymptomatic"),
    )


def contacts_by_day(contacts: ContactQuerySet, window: TrendWindow) -> ContactTrend:
    """Contacts confirmed each day of the window (persons), and how many of them were under
    control in time, as the window's end knows it."""
    hours = cases_settings().contact_control_hours
    limit = dt.timedelta(hours=hours)
    end = window.end
    found = contacts.filter(status__in=CONFIRMED).filter(window.within("identified_at"))
    controlled = Q(controlled_at__isnull=False, controlled_at__lte=end)
    not_yet = Q(controlled_at__isnull=True) | Q(controlled_at__gt=end)
    counts = by_day(
        found,
        "identified_at",
        found=Count("person", distinct=True),
        in_time=Count(
            "person",
            distinct=True,
            filter=controlled & Q(controlled_at__lte=F("identified_at") + limit),
        ),
        pending=Count("person", distinct=True, filter=not_yet & Q(identified_at__gt=end - limit)),
    )
    return ContactTrend(
        control_hours=hours,
        found=daily(counts, window, "found"),
        in_time=daily(counts, window, "in_time"),
        pending=daily(counts, window, "pending"),
    )
