"""The venues area's numbers: venues by category and status, over-limit now, the day's
inspections, violations and closures. One source for the main page, the API and the
daily briefing."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from fangkong.accounts.capabilities import user_can
from fangkong.accounts.scope import NOTHING, Scope, scope_of
from fangkong.core.figures import Figure
from fangkong.venues.models import (
    EnforcementAction,
    EnforcementKind,
    Inspection,
    VenueCategory,
    VenueStatus,
    Verdict,
)
from fangkong.venues.selectors.inspections import day_bounds
from fangkong.venues.selectors.occupancy import over_limit_in_scope
from fangkong.venues.selectors.venues import venues_in_scope


@dataclass(frozen=True)
class VenueFigures:
    at: dt.datetime
    day: dt.date
    by_category_status: dict[tuple[str, str], int]
    over_limit: int
    inspections: int
    violations: int
    closures: int
    rectifications_overdue: int

    def count(self, *, category: str = "", status: str = "") -> int:
        return sum(
            n
            for (c, s), n in self.by_category_status.items()
            if (not category or c == category) and (not status or s == status)
        )

    def figures(self) -> list[Figure]:
        return [
            Figure("venues.total", _("登记场所"), self.count(), _("家")),
            Figure(
                "venues.limited", _("限流营业"), self.count(status=VenueStatus.LIMITED), _("家")
            ),
            Figure("venues.closed", _("关停"), self.count(status=VenueStatus.CLOSED), _("家")),
            Figure(
                "venues.over_limit",
                _("超限场所"),
                self.over_limit,
                _("家"),
                alert=self.over_limit > 0,
            ),
            Figure("venues.inspections", _("当日督查"), self.inspections, _("次")),
            Figure(
                "venues.violations",
                _("发现问题"),
                self.violations,
                _("次"),
                alert=self.violations > 0,
            ),
            Figure("venues.closures", _("当日关停"), self.closures, _("家")),
            Figure(
                "venues.rectifications_overdue",
                _("整改逾期"),
                self.rectifications_overdue,
                _("项"),
                alert=self.rectifications_overdue > 0,
            ),
        ]

    def category_table(self) -> list[dict[str, Any]]:
        rows = []
        for value, label in VenueCategory.choices:
            counts = {s: self.by_category_status.get((value, s), 0) for s in VenueStatus.values}
            if any(counts.values()):
                rows.append({"category": value, "label": str(label), **counts})
        return rows


def venue_figures_for(scope: Scope, *, day: dt.date | None = None) -> VenueFigures:
    """The figures of a part of the city for a day: status and over-limit at the end of a
    past day, or now for today."""
    today = timezone.localdate()
    day = day or today
    start, end = day_bounds(day)
    at = min(timezone.now(), end - dt.timedelta(microseconds=1))
    venues = venues_in_scope(scope)
    restriction = dict(
        EnforcementAction.objects.covering(at)
        .filter(venue__in=venues)
        .values_list("venue_id", "kind")
    )
    status_of: dict[str, str] = {
        EnforcementKind.CLOSURE: VenueStatus.CLOSED,
        EnforcementKind.LIMIT: VenueStatus.LIMITED,
    }
    counts: Counter[tuple[str, str]] = Counter()
    for pk, category in venues.values_list("pk", "category").iterator(chunk_size=5000):
        counts[(category, status_of.get(restriction.get(pk, ""), VenueStatus.OPEN))] += 1
    inspections = Inspection.objects.filter(
        venue__in=venues, inspected_at__gte=start, inspected_at__lt=end
    )
    actions = EnforcementAction.objects.filter(venue__in=venues)
    return VenueFigures(
        at=at,
        day=day,
        by_category_status=dict(counts),
        over_limit=len(over_limit_in_scope(scope, at=at)),
        inspections=inspections.count(),
        violations=inspections.filter(verdict=Verdict.FAILED).count(),
        closures=actions.filter(
            kind=EnforcementKind.CLOSURE, issued_at__gte=start, issued_at__lt=end
        ).count(),
        rectifications_overdue=actions.filter(
            kind=EnforcementKind.RECTIFICATION, rectified_at__isnull=True, deadline__lt=at
        ).count(),
    )


def venue_figures(*, viewer: Any, day: dt.date | None = None) -> VenueFigures:
    scope = scope_of(viewer) if user_can(viewer, "venue.view_area") else NOTHING
    return venue_figures_for(scope, day=day)
