"""Inspections and enforcement actions the viewer may see (those of venues they see)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from fangkong.venues.models import (
    CampaignStatus,
    CampaignTarget,
    EnforcementAction,
    Inspection,
    InspectionPhoto,
    Venue,
)
from fangkong.venues.selectors.venues import venue_scope_q


def day_bounds(day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    start = dt.datetime.combine(day, dt.time(0), tzinfo=timezone.get_current_timezone())
    return start, start + dt.timedelta(days=1)


def _visible_venues(viewer: Any) -> Any:
    return Venue.objects.filter(venue_scope_q(viewer)).values("pk")


def inspection_list(
    *,
    viewer: Any,
    venue: Venue | None = None,
    day: dt.date | None = None,
    verdict: str = "",
) -> QuerySet[Inspection]:
    inspections = Inspection.objects.filter(venue_id__in=_visible_venues(viewer))
    if venue is not None:
        inspections = inspections.filter(venue=venue)
    if day is not None:
        start, end = day_bounds(day)
        inspections = inspections.filter(inspected_at__gte=start, inspected_at__lt=end)
    if verdict:
        inspections = inspections.filter(verdict=verdict)
    return inspections.select_related("venue", "venue__jurisdiction", "recorded_by")


def inspection_get(*, viewer: Any, pk: int) -> Inspection:
    """Raises Inspection.DoesNotExist (a 404) for an inspection of a venue out of sight."""
    return inspection_list(viewer=viewer).prefetch_related("inspectors", "photos").get(pk=pk)


def photo_get(*, viewer: Any, pk: int) -> InspectionPhoto:
    return InspectionPhoto.objects.select_related("inspection").get(
        pk=pk, inspection__venue_id__in=_visible_venues(viewer)
    )


def action_list(
    *,
    viewer: Any,
    venue: Venue | None = None,
    kind: str = "",
    in_force_only: bool = False,
) -> QuerySet[EnforcementAction]:
    actions = EnforcementAction.objects.filter(venue_id__in=_visible_venues(viewer))
    if venue is not None:
        actions = actions.filter(venue=venue)
    if kind:
        actions = actions.filter(kind=kind)
    if in_force_only:
        actions = actions.in_force()
    return actions.select_related("venue", "tier", "issued_by", "lifted_by", "inspection")


def action_get(*, viewer: Any, pk: int) -> EnforcementAction:
    return action_list(viewer=viewer).get(pk=pk)


def closure_in_force(venue: Venue) -> EnforcementAction | None:
    return EnforcementAction.objects.in_force().filter(venue=venue, kind="closure").first()


def my_targets(*, viewer: Any) -> QuerySet[CampaignTarget]:
    """Venues still to inspect for the teams the viewer belongs to, in active campaigns."""
    return (
        CampaignTarget.objects.filter(
            team__members=viewer,
            inspection__isnull=True,
            campaign__status=CampaignStatus.ACTIVE,
        )
        .select_related("venue", "venue__jurisdiction", "campaign", "team")
        .order_by("campaign__starts_at", "venue__jurisdiction__path", "venue__name")
    )
