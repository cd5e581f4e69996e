"""The hospitals' day series: beds taken and free at each day's end by ward kind, over the
briefing's window (fangkong/core/trends.py), of any set of hospitals.

Counted as the wall screen counts them: beds in service in wards in use (as the hospitals'
own figures count them), a bed taken while a stay in it is open; free is the beds less those
taken. One grouped query for the beds and three for the stays, whatever the window's length.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet

from fangkong.core.trends import TrendWindow, stock
from fangkong.hospitals.models import BedStay, Hospital, WardKind
from fangkong.hospitals.selectors.beds import usable_beds


@dataclass(frozen=True)
class BedTrend:
    kind: str
    total: int  # beds of the kind, as they stand
    occupied: tuple[int, ...]

    @property
    def label(self) -> str:
        return str(WardKind(self.kind).label)

    @property
    def free(self) -> tuple[int, ...]:
        return tuple(max(self.total - taken, 0) for taken in self.occupied)


def beds_by_day(hospitals: QuerySet[Hospital], window: TrendWindow) -> list[BedTrend]:
    """Each ward kind's beds taken at every day's end of the window, in WardKind's order."""
    beds = usable_beds().filter(ward__hospital__in=hospitals.values("pk"))
    totals = dict(beds.order_by().values_list("ward__kind").annotate(n=Count("pk")))
    stays = BedStay.objects.filter(bed__in=beds.values("pk"))
    counts = stock(
        stays,
        window,
        "started_at",
        "ended_at",
        **{kind: Count("pk", filter=Q(bed__ward__kind=kind)) for kind in WardKind.values},
    )
    return [
        BedTrend(kind=kind, total=int(totals.get(kind, 0)), occupied=counts[kind])
        for kind in WardKind.values
    ]
