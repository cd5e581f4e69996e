"""The quarantine area's day series: people under centralised observation and free guest rooms
at each day's end, over the briefing's window (fangkong/core/trends.py), city-wide or of any
set of sites.

Counted as the wall screen counts them: people are placements present at the day's end
(companions included); the rooms taken are those of placements without a companion-of at sites
in use, and the free rooms are the guest rooms of the sites in use less those taken (a
companion shares a room). Each series is three grouped queries, whatever the window's length.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet

from fangkong.core.trends import TrendWindow, stock
from fangkong.quarantine.models import Placement, Room, Site, SiteStatus


@dataclass(frozen=True)
class QuarantineTrend:
    people: tuple[int, ...]
    rooms_free: tuple[int, ...]
    rooms_total: int  # guest rooms of the sites in use, as they stand


def quarantine_by_day(sites: QuerySet[Site], window: TrendWindow) -> QuarantineTrend:
    placements = Placement.objects.filter(room__site__in=sites.values("pk"))
    counts = stock(
        placements,
        window,
        "starts_at",
        "ended_at",
        people=Count("pk"),
        rooms=Count(
            "pk", filter=Q(companion_of__isnull=True, room__site__status=SiteStatus.IN_USE)
        ),
    )
    in_use = sites.filter(status=SiteStatus.IN_USE)
    rooms = Room.objects.for_guests().filter(site__in=in_use.values("pk")).count()
    return QuarantineTrend(
        people=counts["people"],
        rooms_free=tuple(max(rooms - taken, 0) for taken in counts["rooms"]),
        rooms_total=rooms,
    )
