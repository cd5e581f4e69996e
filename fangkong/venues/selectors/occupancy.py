"""Live occupancy against the limit: one venue, the over-limit list, a day's curve.

Occupancy at t counts the stays with check_in <= t < end, where end is the check-out or, when
none was recorded, check_in + FANGKONG_TRACE_DEFAULT_STAY_MINUTES (the tracing spec's rule).
The count over many venues is `occupancy_sql.occupancy_counts` (two index ranges).
"""

from __future__ import annotations

import bisect
import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from functools import reduce
from operator import or_
from typing import Any

from django.db import connection
from django.db.models import Q, QuerySet
from django.utils import timezone

from fangkong.accounts.capabilities import user_can
from fangkong.accounts.scope import Scope, scope_of
from fangkong.jurisdictions.models import Jurisdiction
from fangkong.jurisdictions.selectors import within_district
from fangkong.venues.conf import venues_settings
from fangkong.venues.limits import LimitBasis, Limits, ratio_timeline
from fangkong.venues.models import CheckIn, EnforcementKind, Venue, capacity_limit
from fangkong.venues.models.checkins import default_stay, occupancy_window
from fangkong.venues.occupancy_rollup import Screen
from fangkong.venues.selectors.occupancy_sql import occupancy_counts
from fangkong.venues.selectors.stays import venue_stays
from fangkong.venues.selectors.venues import venue_scope_q, venues_in_scope


def venue_occupancy(venue: Venue, *, at: dt.datetime | None = None) -> int:
    """How many people are inside the venue at the instant (now by default)."""
    return CheckIn.objects.filter(venue=venue).present_at(at or timezone.now()).count()


def occupancy_by_venue(*, at: dt.datetime, venues: QuerySet[Venue] | None = None) -> dict[int, int]:
    """People inside every venue (restricted to `venues` if given) with anyone inside."""
    return occupancy_counts(at=at, venues=venues)


@dataclass(frozen=True)
class OccupancyRow:
    venue: Venue
    occupancy: int
    basis: LimitBasis

    @property
    def limit(self) -> int:
        return self.basis.limit

    @property
    def excess(self) -> int:
        return self.occupancy - self.limit

    @property
    def over(self) -> bool:
        return self.occupancy > self.limit

    @property
    def closed(self) -> bool:
        """Listed while closed: people checked in after the closure took effect."""
        return self.basis.closed


# Up to this many venues counted, their limits are read by key; more (stays counted, not
# screened), all the venues of the scope are read in one pass.
SCREENED_FEW = 5_000


def _over_limit(venues: QuerySet[Venue], at: dt.datetime, *, city: bool) -> list[OccupancyRow]:
    limits = Limits(at)
    # City-wide, the count needs no join with the venues: it reads the time index alone. The
    # kept count leaves out, in the database, the venues within their category's limit.
    screen = Screen(
        ratios={category: tier.ratio for category, tier in limits.category_tier.items()},
        checked=list(limits.restriction),
    )
    counts = occupancy_counts(at=at, venues=None if city else venues, screen=screen)
    if not counts:
        return []
    over: list[int] = []
    closed: dict[int, dt.datetime] = {}  # closed venues with people inside: since when
    # A city's venues share a few hundred capacities and a few ratios: each limit is worked
    # out once (Decimal arithmetic, 100,000 times, is a tenth of a second).
    limit_of: dict[tuple[int, Decimal], int] = {}
    # Limits are checked on three columns, read straight from the cursor (a city's 120,000
    # venues through the ORM's rows cost a quarter of a second); only the venues found over
    # are loaded whole.
    if len(counts) <= SCREENED_FEW:
        venues = venues.filter(pk__in=list(counts))
    columns = venues.order_by().values_list("pk", "category", "approved_capacity")
    with connection.cursor() as cursor:
        cursor.execute(*columns.query.sql_with_params())
        rows = cursor.fetchall()
    for pk, category, capacity in rows:
        people = counts.get(pk)
        if people is None:
            continue
        ratio, _tier, restriction = limits.ratio_of(pk, category)
        limit = limit_of.get((capacity, ratio))
        if limit is None:
            limit = limit_of[capacity, ratio] = capacity_limit(capacity, ratio)
        # The people inside when a venue was closed are the closure's business (it has its
        # own record); anyone who checked in after it is a venue trading while closed.
        if restriction is not None and restriction.kind == EnforcementKind.CLOSURE:
            closed[pk] = restriction.issued_at
        elif people > limit:
            over.append(pk)
    over += _entered_after_closure(closed, at)
    loaded = Venue.objects.filter(pk__in=over).select_related(
        "jurisdiction", "operator_unit", "manager__unit"
    )
    rows = [OccupancyRow(v, counts[v.pk], limits.basis(v)) for v in loaded]
    return sorted(rows, key=lambda r: (-r.excess, r.venue.name, r.venue.pk))


def _entered_after_closure(closed: dict[int, dt.datetime], at: dt.datetime) -> list[int]:
    """Closed venues with someone inside at `at` who checked in after the closure: one read
    over the (few) venues closed with people inside."""
    if not closed:
        return []
    since = reduce(or_, (Q(venue_id=pk, check_in__gte=t) for pk, t in closed.items()))
    return list(
        CheckIn.objects.filter(since)
        .present_at(at)
        .order_by()
        .values_list("venue_id", flat=True)
        .distinct()
    )


def over_limit_list(
    *, viewer: Any, at: dt.datetime | None = None, district: Jurisdiction | None = None
) -> list[OccupancyRow]:
    """Venues the viewer sees (in `district`, if given) that hold more people than their
    limit at the instant."""
    venues = Venue.objects.filter(venue_scope_q(viewer), within_district("jurisdiction", district))
    city = user_can(viewer, "venue.view_area") and scope_of(viewer).city_wide and district is None
    return _over_limit(venues, at or timezone.now(), city=city)


def over_limit_in_scope(scope: Scope, *, at: dt.datetime) -> list[OccupancyRow]:
    """The over-limit list of a part of the city, for jobs and the briefing."""
    return _over_limit(venues_in_scope(scope), at, city=scope.city_wide)


def venue_occupancy_row(venue: Venue, *, at: dt.datetime | None = None) -> OccupancyRow:
    moment = at or timezone.now()
    return OccupancyRow(
        venue, venue_occupancy(venue, at=moment), Limits(moment, venue_ids=[venue.pk]).basis(venue)
    )


@dataclass(frozen=True)
class OccupancyCurve:
    times: list[dt.datetime]
    occupancy: list[int | None]  # None for samples still ahead: nobody has been counted yet
    limits: list[int]

    @property
    def peak(self) -> int:
        return max((n for n in self.occupancy if n is not None), default=0)

    def as_dict(self) -> dict[str, list[Any]]:
        return {
            "times": [timezone.localtime(t).strftime("%H:%M") for t in self.times],
            "occupancy": self.occupancy,
            "limits": self.limits,
        }


def occupancy_curve(
    venue: Venue, *, day: dt.date, now: dt.datetime | None = None
) -> OccupancyCurve:
    """Occupancy and limit through one local day, every FANGKONG_VENUE_CURVE_STEP_MINUTES.

    Samples after `now` have no occupancy (None, drawn as a gap): a 0 there would claim the
    venue empty for hours that have not happened. The limits are known ahead, so they stay.
    """
    moment_now = now or timezone.now()
    zone = timezone.get_current_timezone()
    start = dt.datetime.combine(day, dt.time(0), tzinfo=zone)
    end = start + dt.timedelta(days=1)
    step = dt.timedelta(minutes=venues_settings().curve_step_minutes)
    times: list[dt.datetime] = []
    moment = start
    while moment < end:
        times.append(moment)
        moment += step
    # Past days may be in the day archive: read both (the archive read is one venue's
    # row groups of one or two day files).
    reach = start - occupancy_window()
    stays = [
        (stay.check_in, stay.check_out)
        for stay in venue_stays(venue.pk, start=reach, end=end)
        if stay.check_in > reach
    ]
    fallback = default_stay()
    # Each stay adds one from its first sample at or after check_in to the last before its end.
    delta = [0] * (len(times) + 1)
    for check_in, check_out in stays:
        stay_end = check_out or check_in + fallback
        first = bisect.bisect_left(times, check_in)
        after = bisect.bisect_left(times, stay_end)
        if first < after:
            delta[first] += 1
            delta[after] -= 1
    occupancy: list[int | None] = []
    running = 0
    for index, sample in enumerate(times):
        running += delta[index]
        occupancy.append(running if sample <= moment_now else None)
    timeline = ratio_timeline(venue, start=start, end=end)
    changes = [change.at for change in timeline]
    limits = [
        venue.limit_at_ratio(timeline[bisect.bisect_right(changes, t) - 1].ratio) for t in times
    ]
    return OccupancyCurve(times, occupancy, limits)
