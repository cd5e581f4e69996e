"""The screen's capacity trends: people in quarantine and free rooms, beds taken and free by
ward kind, venues found over their limit and venues closed, at each day's end over the window
(`screen.py` says how they are counted)."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q, QuerySet

from fangkong.alerts.selectors import alert_list
from fangkong.command.selectors.screen import ScreenArea, Window
from fangkong.core.trends import by_day, daily, running
from fangkong.hospitals.models import BedStay, WardKind
from fangkong.hospitals.selectors.beds import usable_beds
from fangkong.hospitals.selectors.hospitals import hospital_list
from fangkong.quarantine.models import Placement, Room, Site, SiteStatus
from fangkong.quarantine.selectors.sites import site_visibility_q
from fangkong.venues.models import EnforcementAction, EnforcementKind, Venue, VenueStatus
from fangkong.venues.selectors.venues import venue_scope_q
from fangkong.venues.services.enforcement import OVER_LIMIT_ALERT


def _present_at_start(start_field: str, end_field: str, window: Window) -> Q:
    """Rows that had begun before the window and had not ended by its start."""
    return Q(**{f"{start_field}__lt": window.start}) & (
        Q(**{f"{end_field}__isnull": True}) | Q(**{f"{end_field}__gte": window.start})
    )


def _stock(
    rows: QuerySet[Any], window: Window, start_field: str, end_field: str, **counts: Any
) -> dict[str, tuple[int, ...]]:
    """Each of `counts` (conditional counts of `rows`) at every day's end of the window, from
    three grouped queries: at the window's start, begun each day, ended each day."""
    present = _present_at_start(start_field, end_field, window)
    base = rows.filter(present).aggregate(**counts)
    began = by_day(rows.filter(**{f"{start_field}__gte": window.start}), start_field, **counts)
    ended = by_day(rows.filter(**{f"{end_field}__gte": window.start}), end_field, **counts)
    return {
        name: running(int(base[name] or 0), daily(began, window, name), daily(ended, window, name))
        for name in counts
    }


def screen_quarantine(*, area: ScreenArea, window: Window) -> dict[str, Any]:
    """People under centralised observation at each day's end (companions included), and the
    free guest rooms of the sites in use: their rooms in service less the rooms taken (a
    companion shares a room). Rooms of standby sites are the reserve."""
    sites = Site.objects.filter(site_visibility_q(area.viewer)).filter(area.within("jurisdiction"))
    in_use = sites.filter(status=SiteStatus.IN_USE)
    placements = Placement.objects.filter(room__site__in=sites.values("pk"))
    stock = _stock(
        placements,
        window,
        "starts_at",
        "ended_at",
        people=Count("pk"),
        rooms=Count(
            "pk", filter=Q(companion_of__isnull=True, room__site__status=SiteStatus.IN_USE)
        ),
    )
    guest_rooms = Room.objects.for_guests()
    rooms = guest_rooms.filter(site__in=in_use.values("pk")).count()
    reserve = guest_rooms.filter(
        site__in=sites.filter(status=SiteStatus.STANDBY).values("pk")
    ).count()
    return {
        "days": window.labels,
        "people": stock["people"],
        "rooms_free": [max(rooms - taken, 0) for taken in stock["rooms"]],
        "rooms_total": rooms,
        "rooms_reserve": reserve,
        "links": {"sites": area.link("quarantine:home")},
    }


def screen_beds(*, area: ScreenArea, window: Window) -> dict[str, Any]:
    """Beds taken and free at each day's end by ward kind, over the hospitals the viewer sees
    (beds in service, in wards in use, as the hospitals' own figures count them)."""
    hospitals = hospital_list(viewer=area.viewer).filter(area.within("jurisdiction"))
    beds = usable_beds().filter(ward__hospital__in=hospitals.values("pk"))
    totals = dict(beds.order_by().values_list("ward__kind").annotate(n=Count("pk")))
    stays = BedStay.objects.filter(bed__in=beds.values("pk"))
    stock = _stock(
        stays,
        window,
        "started_at",
        "ended_at",
        **{kind: Count("pk", filter=Q(bed__ward__kind=kind)) for kind in WardKind.values},
    )
    kinds = []
    for kind, label in WardKind.choices:
        total = int(totals.get(kind, 0))
        kinds.append(
            {
                "kind": kind,
                "label": str(label),
                "total": total,
                "occupied": stock[kind],
                "free": [max(total - taken, 0) for taken in stock[kind]],
            }
        )
    return {
        "days": window.labels,
        "kinds": kinds,
        "links": {"beds": area.link("hospitals:overview")},
    }


def screen_venues(*, area: ScreenArea, window: Window) -> dict[str, Any]:
    """Venues found over their limit each day (an over-limit alert raised that day: the job
    checks live occupancy, so no check-in is read here) and venues closed at each day's end."""
    venues = Venue.objects.filter(venue_scope_q(area.viewer)).filter(area.within("jurisdiction"))
    closures = EnforcementAction.objects.filter(
        kind=EnforcementKind.CLOSURE, venue__in=venues.values("pk")
    )
    closed = _stock(closures, window, "issued_at", "lifted_at", closed=Count("pk"))["closed"]
    raised = (
        alert_list(viewer=area.viewer, open_only=False, kind_prefix=OVER_LIMIT_ALERT)
        .filter(area.within("jurisdiction"))
        .filter(raised_at__gte=window.start)
    )
    over = by_day(raised, "raised_at", over=Count("subject_id", distinct=True))
    return {
        "days": window.labels,
        "over_limit": daily(over, window, "over"),
        "closed": closed,
        "links": {
            "over_limit": area.link("venues:over_limit", district=False),
            "closed": area.link("venues:home", status=VenueStatus.CLOSED),
        },
    }
