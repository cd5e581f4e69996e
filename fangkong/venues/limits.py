"""Capacity limits: which tier is in force for a venue at an instant, and what it allows.

The limit of a venue at t = approved capacity × the ratio of the tier in force for its
category at t (the measure `venues.capacity_tier`, set by notices), lowered further by a
restriction of that venue in force at t (a limit order to a tier, or a closure: 0).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone

from fangkong.policy.models import Measure
from fangkong.policy.selectors import measures_in_force
from fangkong.venues.conf import venues_settings
from fangkong.venues.measures import TIER_KIND
from fangkong.venues.models import (
    CapacityTier,
    EnforcementAction,
    EnforcementKind,
    Venue,
    VenueCategory,
    VenueRoom,
)


def tiers_by_code() -> dict[str, CapacityTier]:
    return {tier.code: tier for tier in CapacityTier.objects.all()}


def default_tier(tiers: dict[str, CapacityTier]) -> CapacityTier:
    tier = tiers.get(venues_settings().default_tier)
    if tier is None:
        raise ImproperlyConfigured(
            f"FANGKONG_VENUE_DEFAULT_TIER={venues_settings().default_tier!r} "
            "is not the code of a capacity tier"
        )
    return tier


@dataclass(frozen=True)
class LimitBasis:
    """A venue's limit at an instant and what it comes from."""

    limit: int
    ratio: Decimal
    category_tier: CapacityTier
    restriction: EnforcementAction | None

    @property
    def closed(self) -> bool:
        return self.restriction is not None and self.restriction.kind == EnforcementKind.CLOSURE

    @property
    def suspended(self) -> bool:
        """The category's tier allows nobody in (a notice suspended the whole category)."""
        return self.category_tier.ratio == 0


class Limits:
    """Everything needed to compute limits at one instant, read in three small queries, so
    a list of thousands of venues costs no query per venue."""

    def __init__(self, at: dt.datetime, *, venue_ids: Iterable[int] | None = None) -> None:
        self.at = at
        self.tiers = tiers_by_code()
        self.default = default_tier(self.tiers)
        in_force = measures_in_force(TIER_KIND, at=at)
        self.category_tier = {
            category: self.tiers.get(str(in_force.get(category, "")), self.default)
            for category in VenueCategory.values
        }
        restrictions = EnforcementAction.objects.covering(at).select_related("tier")
        if venue_ids is not None:
            restrictions = restrictions.filter(venue_id__in=list(venue_ids))
        self.restriction = {r.venue_id: r for r in restrictions}

    def ratio(self, venue: Venue) -> tuple[Decimal, CapacityTier, EnforcementAction | None]:
        return self.ratio_of(venue.pk, venue.category)

    def ratio_of(
        self, venue_id: int, category: str
    ) -> tuple[Decimal, CapacityTier, EnforcementAction | None]:
        """The ratio in force for a venue known by id and category (no model instance needed
        when thousands of venues are checked at once)."""
        tier = self.category_tier[category]
        restriction = self.restriction.get(venue_id)
        ratio = tier.ratio
        if restriction is not None:
            if restriction.kind == EnforcementKind.CLOSURE:
                ratio = Decimal(0)
            elif restriction.tier is not None:
                ratio = min(ratio, restriction.tier.ratio)
        return ratio, tier, restriction

    def basis(self, venue: Venue) -> LimitBasis:
        ratio, tier, restriction = self.ratio(venue)
        return LimitBasis(venue.limit_at_ratio(ratio), ratio, tier, restriction)

    def limit(self, venue: Venue) -> int:
        return self.basis(venue).limit

    def room_limit(self, room: VenueRoom) -> int:
        return room.limit_at_ratio(self.ratio(room.venue)[0])


def venue_limit_basis(venue: Venue, *, at: dt.datetime | None = None) -> LimitBasis:
    return Limits(at or timezone.now(), venue_ids=[venue.pk]).basis(venue)


def venue_limit(venue: Venue, *, at: dt.datetime | None = None) -> int:
    """How many people the venue may hold at the instant (now by default)."""
    return venue_limit_basis(venue, at=at).limit


def category_tiers(*, at: dt.datetime | None = None) -> dict[str, CapacityTier]:
    """The tier in force for every venue category at the instant."""
    return Limits(at or timezone.now(), venue_ids=[]).category_tier


@dataclass(frozen=True)
class RatioChange:
    at: dt.datetime
    ratio: Decimal


def ratio_timeline(venue: Venue, *, start: dt.datetime, end: dt.datetime) -> list[RatioChange]:
    """The venue's ratio at `start` and every change until `end`: notices and restrictions
    that took effect or were lifted in between (for a day's occupancy curve)."""
    tiers = tiers_by_code()
    default = default_tier(tiers)
    measures = list(
        Measure.objects.filter(kind=TIER_KIND, subject=venue.category, effective_at__lt=end)
        .order_by("effective_at", "pk")
        .values_list("effective_at", "value")
    )
    restrictions = list(
        EnforcementAction.objects.restrictions()
        .filter(venue=venue, issued_at__lt=end)
        .exclude(lifted_at__lte=start)
        .select_related("tier")
    )
    moments = {start}
    moments.update(m for m, _value in measures if m > start)
    for r in restrictions:
        if r.issued_at > start:
            moments.add(r.issued_at)
        if r.lifted_at is not None and start < r.lifted_at < end:
            moments.add(r.lifted_at)
    timeline: list[RatioChange] = []
    for moment in sorted(moments):
        code = default.code
        for effective_at, value in measures:
            if effective_at <= moment:
                code = str(value)
        ratio = tiers.get(code, default).ratio
        for r in restrictions:
            if r.issued_at <= moment and (r.lifted_at is None or r.lifted_at > moment):
                if r.kind == EnforcementKind.CLOSURE:
                    ratio = Decimal(0)
                elif r.tier is not None:
                    ratio = min(ratio, r.tier.ratio)
        if not timeline or timeline[-1].ratio != ratio:
            timeline.append(RatioChange(moment, ratio))
    return timeline
