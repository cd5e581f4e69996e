"""Campaigns the viewer may follow, and their live progress."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from fangkong.accounts.capabilities import user_can
from fangkong.accounts.scope import scope_of
from fangkong.venues.models import (
    Campaign,
    CampaignTarget,
    EnforcementAction,
    EnforcementKind,
    Venue,
    Verdict,
)
from fangkong.venues.selectors.venues import venue_scope_q


def campaign_list(*, viewer: Any) -> QuerySet[Campaign]:
    """The city sees every campaign; others those touching venues they see or whose teams
    they belong to. A venue's own manager sees none: 四不两直 means unannounced."""
    campaigns = Campaign.objects.all()
    if not user_can(viewer, "venue.view_area"):
        return campaigns.none()
    if not scope_of(viewer).city_wide:
        touching = CampaignTarget.objects.filter(campaign=OuterRef("pk")).filter(
            Q(venue__in=Venue.objects.filter(venue_scope_q(viewer))) | Q(team__members=viewer)
        )
        campaigns = campaigns.filter(Exists(touching))
    return campaigns.select_related("launched_by").order_by("-starts_at", "-pk")


def campaign_get(*, viewer: Any, pk: int) -> Campaign:
    return campaign_list(viewer=viewer).get(pk=pk)


@dataclass(frozen=True)
class Progress:
    label: str
    targets: int
    inspected: int
    violations: int
    closed: int

    @property
    def percent(self) -> int:
        return round(100 * self.inspected / self.targets) if self.targets else 0


def campaign_progress(campaign: Campaign) -> tuple[Progress, list[Progress]]:
    """Totals and per-team counts: venues on the list, inspected, with violations, closed
    (by a closure issued during the campaign)."""
    closed = EnforcementAction.objects.filter(
        venue=OuterRef("venue"),
        kind=EnforcementKind.CLOSURE,
        issued_at__gte=campaign.starts_at,
        issued_at__lte=campaign.ends_at,
    )
    rows = (
        campaign.targets.order_by()
        .annotate(was_closed=Exists(closed))
        .values("team_id", "team__name")
        .annotate(
            targets=Count("pk"),
            inspected=Count("pk", filter=Q(inspection__isnull=False)),
            violations=Count("pk", filter=Q(inspection__verdict=Verdict.FAILED)),
            closed=Count("pk", filter=Q(was_closed=True)),
        )
        .order_by("team_id")
    )
    teams = [
        Progress(r["team__name"] or "—", r["targets"], r["inspected"], r["violations"], r["closed"])
        for r in rows
    ]
    total = Progress(
        str(campaign.title),
        sum(t.targets for t in teams),
        sum(t.inspected for t in teams),
        sum(t.violations for t in teams),
        sum(t.closed for t in teams),
    )
    return total, teams


def campaign_targets_assignable(*, viewer: Any, campaign: Campaign) -> QuerySet[CampaignTarget]:
    """Targets of a campaign the viewer may assign a team to: those at venues they see (a
    district officer sees a city campaign, but assigns only in their district)."""
    return campaign.targets.filter(venue__in=Venue.objects.filter(venue_scope_q(viewer)))


def campaign_targets(campaign: Campaign) -> QuerySet[CampaignTarget]:
    return campaign.targets.select_related(
        "venue", "venue__jurisdiction", "team", "inspection"
    ).order_by("team_id", "venue__jurisdiction__path", "venue__name")
