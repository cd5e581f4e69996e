"""Reads about sites, rooms and placements that depend on who is looking."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q

from fangkong.accounts.capabilities import user_can
from fangkong.accounts.roles import Role
from fangkong.accounts.scope import scope_of
from fangkong.alerts.models import Alert
from fangkong.jurisdictions.models import Jurisdiction
from fangkong.jurisdictions.selectors import within_district
from fangkong.quarantine.models import (
    Batch,
    Placement,
    PlacementEnd,
    PlacementQuerySet,
    ReviewFlag,
    Room,
    RoomKind,
    Site,
)
from fangkong.quarantine.models.sites import SiteQuerySet


def site_visibility_q(viewer: Any) -> Q:
    """Site staff see the sites their unit runs; others the sites in their jurisdiction
    (plus any their own unit runs); the HQ and the leader every site."""
    if not user_can(viewer, "quarantine.view"):
        return Q(pk__in=[])
    unit_id = getattr(viewer, "unit_id", None)
    if viewer.role == Role.SITE_STAFF:
        return Q(operating_unit_id=unit_id) if unit_id else Q(pk__in=[])
    scope = scope_of(viewer)
    if scope.city_wide:
        return Q()
    visible = scope.jurisdiction_q("jurisdiction")
    if unit_id:
        visible |= Q(operating_unit_id=unit_id)
    return visible


def site_list(*, viewer: Any, district: Jurisdiction | None = None) -> SiteQuerySet:
    """The sites the viewer may see; with `district`, only those lying in it."""
    return (
        Site.objects.filter(site_visibility_q(viewer))
        .filter(within_district("jurisdiction", district))
        .select_related("jurisdiction", "operating_unit")
        .order_by("name")
    )


def site_get(*, viewer: Any, pk: int) -> Site:
    """One site the viewer may see; Site.DoesNotExist otherwise (answered 404)."""
    return site_list(viewer=viewer).get(pk=pk)


def placement_list(*, viewer: Any) -> PlacementQuerySet:
    sites = Site.objects.filter(site_visibility_q(viewer)).values("pk")
    return Placement.objects.filter(room__site__in=sites).select_related(
        "person", "room__site", "scheme", "batch", "exposed_via"
    )


def placement_get(*, viewer: Any, pk: int) -> Placement:
    return placement_list(viewer=viewer).get(pk=pk)


def room_get(*, viewer: Any, pk: int) -> Room:
    sites = Site.objects.filter(site_visibility_q(viewer)).values("pk")
    return Room.objects.select_related("site").get(pk=pk, site__in=sites)


def batch_get(*, viewer: Any, pk: int) -> Batch:
    sites = Site.objects.filter(site_visibility_q(viewer)).values("pk")
    return Batch.objects.select_related("site", "data_import").get(pk=pk, site__in=sites)


def site_open_alerts(site: Site) -> list[Alert]:
    return list(
        Alert.objects.open().filter(quarantine_site__site=site).order_by("-raised_at", "-pk")
    )


@dataclass
class RoomCell:
    room: Room
    placement: Placement | None = None
    companion: Placement | None = None
    alerting: bool = False
    under_review: bool = False

    @property
    def state(self) -> str:
        if self.room.kind == RoomKind.STAFF:
            return "staff"
        if not self.room.in_service:
            return "closed"
        if self.placement is None:
            return "free"
        if self.alerting:
            return "alert"
        if self.under_review:
            return "review"
        return "occupied"


@dataclass
class FloorRow:
    floor: int
    cells: list[RoomCell] = field(default_factory=list)

    @property
    def occupied(self) -> int:
        return sum(1 for c in self.cells if c.placement is not None)

    @property
    def free(self) -> int:
        return sum(1 for c in self.cells if c.state == "free")


def floor_plan(site: Site, *, floor: int | None = None) -> list[FloorRow]:
    """Every room floor by floor with who is in it and what needs attention."""
    rooms = Room.objects.filter(site=site).order_by("-floor", "number")
    if floor is not None:
        rooms = rooms.filter(floor=floor)
    active = Placement.objects.active().filter(room__site=site).select_related("person", "scheme")
    if floor is not None:
        active = active.filter(room__floor=floor)
    primary: dict[int, Placement] = {}
    companion: dict[int, Placement] = {}
    for occupant in active:
        (companion if occupant.companion_of_id else primary)[occupant.room_id] = occupant
    alerting = {
        int(pk)
        for pk in Alert.objects.open()
        .filter(
            quarantine_site__site=site,
            subject_type__app_label="quarantine",
            subject_type__model="placement",
        )
        .values_list("subject_id", flat=True)
    }
    reviewed = set(
        ReviewFlag.objects.filter(placement__room__site=site, resolved_at__isnull=True).values_list(
            "placement_id", flat=True
        )
    )
    rows: dict[int, FloorRow] = {}
    for room in rooms:
        placement = primary.get(room.pk)
        cell = RoomCell(
            room=room,
            placement=placement,
            companion=companion.get(room.pk),
            alerting=placement is not None and placement.pk in alerting,
            under_review=placement is not None and placement.pk in reviewed,
        )
        rows.setdefault(room.floor, FloorRow(room.floor)).cells.append(cell)
    return list(rows.values())


def site_floors(site: Site) -> list[int]:
    return sorted(set(Room.objects.filter(site=site).values_list("floor", flat=True)))


@dataclass(frozen=True)
class BatchStats:
    batch: Batch
    total: int
    present: int
    released: int
    transferred: int
    by_category: dict[str, int]
    positives: int


def batch_stats(batch: Batch, *, day: dt.date) -> BatchStats:
    # A move ends one placement and starts another: each person's last one stands for them.
    placements = Placement.objects.filter(batch=batch).exclude(end_reason=PlacementEnd.MOVED)
    ends = dict(placements.exclude(end_reason="").values_list("end_reason").annotate(n=Count("pk")))
    present = Placement.objects.filter(batch=batch).active().count()
    categories = dict(placements.values_list("category").annotate(n=Count("pk")))
    positives = (
        Placement.objects.filter(batch=batch, tests__outcome="positive")
        .values("person_id")
        .distinct()
        .count()
    )
    return BatchStats(
        batch=batch,
        total=placements.count(),
        present=present,
        released=ends.get("released", 0),
        transferred=ends.get("transferred", 0),
        by_category=categories,
        positives=positives,
    )
