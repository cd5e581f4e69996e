"""Scans received after the fact at a venue that was closed at the time: enforcement leads.

A check-in sent by the health-code platform or a file is a fact and is stored whatever the
venue's state (tracing needs it); but a scan at a venue under a closure (关停), or of a
category suspended by a notice (tier with ratio 0), says the venue may have traded while
closed. Each such venue and local day becomes one lead: an alert `venues.closed_venue_scans`
for the venue's district and the HQ (one per venue and day however many scans and batches
show it), which an inspector follows up like any other alert.

Set-based, whatever the size of the batch: the batch's venues and their time spans in one
grouped read of the rows it wrote, the closures and suspensions over those spans in two small
reads, and only when there are any, the scans inside them in one more.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from functools import reduce
from operator import or_
from typing import TYPE_CHECKING

from django.db.models import Max, Min, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from fangkong.alerts.models import Alert, Severity
from fangkong.alerts.services import alert_key, alert_raise
from fangkong.core.models import DataImport
from fangkong.policy.models import Measure
from fangkong.venues.limits import default_tier, tiers_by_code
from fangkong.venues.measures import TIER_KIND
from fangkong.venues.models import CheckIn, EnforcementAction, EnforcementKind, Venue

if TYPE_CHECKING:
    from fangkong.accounts.models import User

CLOSED_VENUE_SCANS_ALERT = "venues.closed_venue_scans"

Span = tuple[dt.datetime, dt.datetime | None]  # from, until (None: still in force)


@dataclass(frozen=True)
class ClosedVenueLead:
    """Scans of one batch at one venue on one local day while it was closed."""

    venue: Venue
    day: dt.date
    scans: int  # of this batch
    first: dt.datetime
    last: dt.datetime
    alert: Alert
    created: bool  # False: the venue and day already had its lead


def _closures(spans: dict[int, tuple[dt.datetime, dt.datetime]]) -> dict[int, list[Span]]:
    """Closures of the batch's venues that overlap the batch's scans there."""
    earliest = min(first for first, _last in spans.values())
    latest = max(last for _first, last in spans.values())
    found: dict[int, list[Span]] = defaultdict(list)
    closures = EnforcementAction.objects.filter(
        kind=EnforcementKind.CLOSURE, venue_id__in=list(spans), issued_at__lte=latest
    ).exclude(lifted_at__lte=earliest)
    for venue_id, issued_at, lifted_at in closures.values_list(
        "venue_id", "issued_at", "lifted_at"
    ):
        found[venue_id].append((issued_at, lifted_at))
    return found


def _suspensions(categories: set[str], latest: dt.datetime) -> dict[str, list[Span]]:
    """When each category's tier in force allowed nobody in (a notice's ratio 0)."""
    tiers = tiers_by_code()
    default = default_tier(tiers)
    found: dict[str, list[Span]] = defaultdict(list)
    measures = (
        Measure.objects.filter(kind=TIER_KIND, subject__in=categories, effective_at__lte=latest)
        .order_by("subject", "effective_at", "pk")
        .values_list("subject", "effective_at", "value")
    )
    timeline: dict[str, list[tuple[dt.datetime, bool]]] = defaultdict(list)
    for subject, effective_at, value in measures:
        tier = tiers.get(str(value), default)
        timeline[subject].append((effective_at, tier.ratio == 0))
    for category in categories:
        changes = timeline.get(category, [])
        start: dt.datetime | None = None
        if default.ratio == 0:
            start = dt.datetime.min.replace(tzinfo=dt.UTC)
        for moment, closed in changes:
            if closed and start is None:
                start = moment
            elif not closed and start is not None:
                found[category].append((start, moment))
                start = None
        if start is not None:
            found[category].append((start, None))
    return found


def _inside(span: Span) -> Q:
    start, end = span
    inside = Q(check_in__gte=start)
    return inside if end is None else inside & Q(check_in__lt=end)


def closed_venue_leads_record(*, data_import: DataImport, by: User | None) -> list[ClosedVenueLead]:
    """The leads of the scans a batch stored (its `data_import`) at venues closed then: one
    alert per venue and local day, raised once; returns them by day and venue."""
    batch = CheckIn.objects.filter(data_import=data_import)
    spans = {
        venue_id: (first, last)
        for venue_id, first, last in batch.order_by()
        .values("venue_id")
        .annotate(first=Min("check_in"), last=Max("check_in"))
        .values_list("venue_id", "first", "last")
    }
    if not spans:
        return []
    categories = dict(Venue.objects.filter(pk__in=list(spans)).values_list("pk", "category"))
    latest = max(last for _first, last in spans.values())
    closures = _closures(spans)
    suspensions = _suspensions(set(categories.values()), latest)
    windows = [
        Q(venue_id=venue_id) & _inside(span)
        for venue_id, venue_spans in closures.items()
        for span in venue_spans
    ] + [
        Q(venue_id__in=[v for v, c in categories.items() if c == category]) & _inside(span)
        for category, category_spans in suspensions.items()
        for span in category_spans
    ]
    if not windows:
        return []
    days: dict[tuple[int, dt.date], list[dt.datetime]] = defaultdict(list)
    scans = batch.filter(reduce(or_, windows)).order_by().values_list("venue_id", "check_in")
    for venue_id, check_in in scans:
        days[venue_id, timezone.localdate(check_in)].append(check_in)
    return _raise_leads(days, by=by)


def _lead_key(venue: Venue, day: dt.date) -> str:
    return alert_key(CLOSED_VENUE_SCANS_ALERT, venue, day.isoformat())


def _raise_leads(
    days: dict[tuple[int, dt.date], list[dt.datetime]], *, by: User | None
) -> list[ClosedVenueLead]:
    venues = Venue.objects.select_related("jurisdiction").in_bulk({v for v, _day in days})
    keys = {(v, day): _lead_key(venues[v], day) for v, day in days}
    # Open or already dealt with: a venue's day has one lead, whoever resolved it since.
    known = {
        alert.dedupe_key: alert
        for alert in Alert.objects.filter(
            kind=CLOSED_VENUE_SCANS_ALERT, dedupe_key__in=list(keys.values())
        ).order_by("raised_at", "pk")
    }
    leads: list[ClosedVenueLead] = []
    for (venue_id, day), moments in sorted(days.items(), key=lambda item: (item[0][1], item[0][0])):
        venue = venues[venue_id]
        first, last = min(moments), max(moments)
        alert = known.get(keys[venue_id, day])
        created = alert is None
        if alert is None:
            alert = alert_raise(
                kind=CLOSED_VENUE_SCANS_ALERT,
                title=_("%(venue)s 关停期间有扫码记录（%(day)s）")
                % {"venue": venue.name, "day": day.isoformat()},
                detail=_(
                    "%(day)s 该场所处于关停（或所属类别暂停营业）期间，接收到 %(n)s 条扫码记录"
                    "（%(first)s 至 %(last)s），疑似违规营业，请核查。"
                )
                % {
                    "day": day.isoformat(),
                    "n": len(moments),
                    "first": timezone.localtime(first).strftime("%H:%M"),
                    "last": timezone.localtime(last).strftime("%H:%M"),
                },
                severity=Severity.WARNING,
                subject=venue,
                jurisdiction=venue.jurisdiction,
                dedupe_key=keys[venue_id, day],
                by=by,
            ).alert
        leads.append(ClosedVenueLead(venue, day, len(moments), first, last, alert, created))
    return leads
