"""Which venues a viewer sees: managers their own, everyone else their jurisdiction's."""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from fangkong.accounts.capabilities import user_can
from fangkong.accounts.scope import Scope, scope_of
from fangkong.core.search import prefix_q
from fangkong.jurisdictions.models import Jurisdiction
from fangkong.venues.models import Venue, VenueQuerySet


def venue_scope_q(viewer: Any) -> Q:
    """Venues the viewer may see. `venue.view_area` sees the viewer's jurisdiction subtree;
    a viewer with only `venue.view` (a venue manager) sees the venues they manage or whose
    operator is their unit."""
    if not user_can(viewer, "venue.view"):
        return Q(pk__in=[])
    if user_can(viewer, "venue.view_area"):
        return scope_of(viewer).jurisdiction_q("jurisdiction")
    own = Q(manager=viewer)
    if getattr(viewer, "unit_id", None):
        own |= Q(operator_unit_id=viewer.unit_id)
    return own


def venues_in_scope(scope: Scope) -> VenueQuerySet:
    """Venues of a part of the city, for jobs and the briefing (which have no viewer)."""
    return Venue.objects.filter(scope.jurisdiction_q("jurisdiction"))


def venue_list(
    *,
    viewer: Any,
    search: str = "",
    category: str = "",
    status: str = "",
    district: Jurisdiction | None = None,
) -> VenueQuerySet:
    venues = Venue.objects.filter(venue_scope_q(viewer))
    if search.strip():
        venues = venues.filter(prefix_q("name", search.strip()))
    if category:
        venues = venues.filter(category=category)
    if status:
        venues = venues.filter(status=status)
    if district is not None:
        venues = venues.filter(jurisdiction__path__startswith=district.path)
    return venues.select_related("jurisdiction", "operator_unit", "manager")


def venue_get(*, viewer: Any, pk: int) -> Venue:
    """One venue the viewer may see; Venue.DoesNotExist (a 404) otherwise."""
    return venue_list(viewer=viewer).get(pk=pk)


def may_manage_venue(viewer: Any, venue: Venue) -> bool:
    return user_can(viewer, "venue.manage") and scope_of(viewer).covers(venue.jurisdiction)


def venue_for_scan(*, viewer: Any, code: str = "", pk: int | None = None) -> Venue | None:
    """The venue a scanning gateway names by code or id, within the gateway's jurisdiction
    (a gateway sees no venue list: it only scans into the venues of its part of the city)."""
    venues = Venue.objects.filter(scope_of(viewer).jurisdiction_q("jurisdiction"))
    if code:
        venues = venues.filter(code=code)
    if pk is not None:
        venues = venues.filter(pk=pk)
    return venues.first() if code or pk is not None else None
