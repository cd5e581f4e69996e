"""The screen's capacity trends: people in quarantine and free rooms, beds taken and free by
ward kind, venues found over their limit and venues closed, at each day's end over the window
(`screen.py` says how they are counted)."""

from __future__ import annotations

from typing import Any

from django.db.models import Count

from fangkong.alerts.selectors import alert_list
from fangkong.command.selectors.screen import ScreenArea, Window
from fangkong.core.trends import by_day, daily, stock
from fangkong.hospitals.selectors.hospitals import hospital_list
from fangkong.hospitals.selectors.trends import beds_by_day
from fangkong.quarantine.models import Room, Site, SiteStatus
from fangkong.quarantine.selectors.sites import site_visibility_q
from fangkong.quarantine.selectors.trends import quarantine_by_day
from fangkong.venues.models import EnforcementAction, EnforcementKind, Venue, VenueStatus
from fangkong.venues.selectors.venues import venue_scope_q
from fangkong.venues.services.enforcement import OVER_LIMIT_ALERT


def screen_quarantine(*, area: ScreenArea, window: Window) -> dict[str, Any]:
    """People under centralised observation at each day's end and the free guest rooms of the
    sites in use, counted by the quarantine area (`quarantine_by_day`). Rooms of standby sites
    are the reserve."""
    sites = Site.objects.filter(site_visibility_q(area.viewer)).filter(area.within("jurisdiction"))
    trend = quarantine_by_day(sites, window.as_trend())
    standby = sites.filter(status=SiteStatus.STANDBY).values("pk")
    reserve = Room.objects.for_guests().filter(site__in=standby).count()
    return {
        "days": window.labels,
        "people": list(trend.people),
        "rooms_free": list(trend.rooms_free),
        "rooms_total": trend.rooms_total,
        "rooms_reserve": reserve,
        "links": {"sites": area.link("quarantine:home")},
    }


def screen_beds(*, area: ScreenArea, window: Window) -> dict[str, Any]:
    """Beds taken and free at each day's end by ward kind, over the hospitals the viewer sees,
    counted by the hospitals area (`beds_by_day`: beds in service, in wards in use)."""
    hospitals = hospital_list(viewer=area.viewer).filter(area.within("jurisdiction"))
    kinds = [
        {
            "kind": trend.kind,
            "label": trend.label,
            "total": trend.total,
            "occupied": list(trend.occupied),
            "free": list(trend.free),
        }
        for trend in beds_by_day(hospitals, window.as_trend())
    ]
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
    closed = stock(closures, window.as_trend(), "issued_at", "lifted_at", closed=Count("pk"))[
        "closed"
    ]
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
            "over_limit": area.link("venues:over_limit"),
            "closed": area.link("venues:home", status=VenueStatus.CLOSED),
        },
    }
