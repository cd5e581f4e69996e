"""The screen's city map: every district the viewer sees with its risk level (the highest in
force for the district or any place in it, `command.risk_level` measures) and its cases, and
the venues closed or over their limit as points (venues without coordinates are counted, not
drawn)."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone

from fangkong.cases.models import INFECTED, CaseClassification
from fangkong.command.measures import RISK_LEVEL, RiskLevel
from fangkong.command.selectors.screen import (
    ScreenArea,
    district_index,
    district_of_path,
    midnight,
    screen_districts,
)
from fangkong.command.selectors.screen_trends import screen_cases_in
from fangkong.hospitals.models import Admission, AdmissionOutcome
from fangkong.jurisdictions.models import Jurisdiction
from fangkong.policy.selectors import measures_in_force
from fangkong.venues.models import Venue, VenueStatus
from fangkong.venues.selectors.occupancy import over_limit_list
from fangkong.venues.selectors.venues import venue_scope_q

# Worst first: a district takes the worst level in force anywhere inside it.
RISK_ORDER = (RiskLevel.HIGH, RiskLevel.MEDIUM, RiskLevel.LOW)
# The points drawn at most (the closed and over-limit venues are a city's few dozen).
MAX_POINTS = 1000


def _risk_by_district(
    districts: dict[str, Jurisdiction], at: dt.datetime
) -> dict[str, Counter[str]]:
    """District code → how many places in it (itself included) are at each raised level."""
    levels = measures_in_force(RISK_LEVEL, at=at)
    raised = {code: str(level) for code, level in levels.items() if level != RiskLevel.LOW}
    places = Jurisdiction.objects.filter(code__in=list(raised)).values_list("code", "path")
    counts: dict[str, Counter[str]] = {code: Counter() for code in districts}
    for code, path in places:
        district = district_of_path(path, districts)
        if district is not None:
            counts[district.code][raised[code]] += 1
    return counts


def _cases_by_district(
    area: ScreenArea, districts: dict[str, Jurisdiction], now: dt.datetime
) -> tuple[Counter[str], Counter[str]]:
    """Active cases (infected and not discharged: in hospital, or never discharged) and the
    cases new today, by district code: counted by the place that runs them (their person's
    home if none) in two grouped queries, then each place put in its district."""
    discharged = Admission.objects.filter(
        person=OuterRef("person_id"), outcome=AdmissionOutcome.DISCHARGED
    )
    in_hospital = Admission.objects.filter(person=OuterRef("person_id"), ended_at__isnull=True)
    start = midnight(timezone.localdate(now))
    cases = (
        screen_cases_in(ScreenArea(viewer=area.viewer))
        .filter(classification__in=INFECTED)
        .annotate(place=Coalesce("jurisdiction", "person__home_jurisdiction"))
        .order_by()
    )
    active_by_place = dict(
        cases.filter(Exists(in_hospital) | ~Exists(discharged))
        .values_list("place")
        .annotate(n=Count("pk"))
    )
    new_by_place = dict(
        cases.filter(
            Q(reported_at__gte=start) | Q(reported_at__isnull=True, detected_at__gte=start)
        )
        .values_list("place")
        .annotate(n=Count("pk"))
    )
    paths = dict(
        Jurisdiction.objects.filter(pk__in={*active_by_place, *new_by_place}).values_list(
            "pk", "path"
        )
    )
    active: Counter[str] = Counter()
    new: Counter[str] = Counter()
    for counts, by_place in ((active, active_by_place), (new, new_by_place)):
        for place, n in by_place.items():
            district = district_of_path(paths.get(place, ""), districts)
            if district is not None:
                counts[district.code] += n
    return active, new


def _coordinates(venue: Venue) -> tuple[float, float] | None:
    if venue.latitude is None or venue.longitude is None:
        return None
    return float(venue.longitude), float(venue.latitude)


def _venue_points(area: ScreenArea, now: dt.datetime) -> tuple[list[dict[str, Any]], int, int]:
    """The venues closed, and those over their limit now (live occupancy, the over-limit
    list's read: two index ranges of the recent check-ins), of the chosen district; with how
    many of each there are, drawn or not."""
    venues = Venue.objects.filter(venue_scope_q(area.viewer)).filter(area.within("jurisdiction"))
    closed = list(
        venues.filter(status=VenueStatus.CLOSED)
        .only("pk", "name", "latitude", "longitude")
        .order_by("pk")
    )
    over = [
        row
        for row in over_limit_list(viewer=area.viewer, at=now)
        if area.district is None or area.district.contains(row.venue.jurisdiction)
    ]
    points: list[dict[str, Any]] = []
    for venue in closed:
        place = _coordinates(venue)
        if place is not None:
            points.append(
                {
                    "id": venue.pk,
                    "name": venue.name,
                    "state": "closed",
                    "lng": place[0],
                    "lat": place[1],
                    "occupancy": None,
                    "limit": 0,
                    "url": venue.get_absolute_url(),
                }
            )
    for row in over:
        place = _coordinates(row.venue)
        if place is not None:
            points.append(
                {
                    "id": row.venue.pk,
                    "name": row.venue.name,
                    "state": "closed" if row.closed else "over",
                    "lng": place[0],
                    "lat": place[1],
                    "occupancy": row.occupancy,
                    "limit": row.limit,
                    "url": row.venue.get_absolute_url(),
                }
            )
    return points[:MAX_POINTS], len(closed), len(over)


def screen_map(*, area: ScreenArea, now: dt.datetime | None = None) -> dict[str, Any]:
    """Every district the viewer sees (drawn whichever is chosen, so that another can be
    picked), and the points and totals of the chosen one (or of them all)."""
    moment = now or timezone.now()
    shown = list(screen_districts(viewer=area.viewer))
    districts = district_index(shown)
    risk = _risk_by_district(districts, moment)
    active, new = _cases_by_district(area, districts, moment)
    rows = []
    for district in shown:
        levels = risk[district.code]
        level = next((lv for lv in RISK_ORDER if levels.get(lv)), RiskLevel.LOW)
        rows.append(
            {
                "id": district.pk,
                "code": district.code,
                "name": district.name,
                "risk": str(level),
                "risk_label": str(RiskLevel(level).label),
                "high_areas": levels.get(RiskLevel.HIGH, 0),
                "medium_areas": levels.get(RiskLevel.MEDIUM, 0),
                "active_cases": active.get(district.code, 0),
                "new_cases": new.get(district.code, 0),
                "url": reverse("cases:list") + f"?district={district.pk}",
            }
        )
    chosen = [r for r in rows if area.district is None or r["id"] == area.district.pk]
    points, closed, over = _venue_points(area, moment)
    return {
        "districts": rows,
        "venues": points,
        "totals": {
            "active_cases": sum(r["active_cases"] for r in chosen),
            "new_cases": sum(r["new_cases"] for r in chosen),
            "high_areas": sum(r["high_areas"] for r in chosen),
            "medium_areas": sum(r["medium_areas"] for r in chosen),
            "closed_venues": closed,
            "over_limit_venues": over,
        },
        "links": {
            "cases": area.link("cases:list"),
            "new_cases": area.link("cases:list", classification=CaseClassification.CONFIRMED),
            "risk_areas": area.link("policy:board", district=False),
            "closed_venues": area.link("venues:home", status=VenueStatus.CLOSED),
            "over_limit_venues": area.link("venues:over_limit"),
        },
    }
