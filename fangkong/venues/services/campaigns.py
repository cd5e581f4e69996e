"""Inspection sweeps (专项督查行动): list the venues, share them among teams, finish."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from fangkong.core.audit import audit_write, snapshot
from fangkong.core.errors import Conflict
from fangkong.jurisdictions.models import Jurisdiction
from fangkong.venues.models import (
    Campaign,
    CampaignStatus,
    CampaignTarget,
    CampaignTeam,
    Venue,
    VenueCategory,
)

if TYPE_CHECKING:
    from fangkong.accounts.models import User


@dataclass(frozen=True)
class TeamPlan:
    name: str
    members: Sequence[User]


def _street(target: CampaignTarget) -> str:
    # city/district/street of the venue's place: venues of one street stay with one team
    return "/".join(target.venue.jurisdiction.path.split("/")[:3])


def _share(targets: list[CampaignTarget], teams: list[CampaignTeam]) -> None:
    """Whole streets go to one team, the largest first to the least loaded team, so that a
    team walks one neighbourhood instead of crossing the city between venues."""
    if not teams:
        return
    streets: dict[str, list[CampaignTarget]] = {}
    for target in targets:
        streets.setdefault(_street(target), []).append(target)
    load = dict.fromkeys(range(len(teams)), 0)
    for street in sorted(streets.values(), key=lambda group: (-len(group), _street(group[0]))):
        index = min(load, key=lambda i: (load[i], i))
        for target in street:
            target.team = teams[index]
        load[index] += len(street)


@transaction.atomic
def campaign_launch(
    *,
    title: str,
    categories: Sequence[str],
    districts: Sequence[Jurisdiction],
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    teams: Sequence[TeamPlan],
    notes: str = "",
    by: User | None,
) -> Campaign:
    """Launch a sweep over every venue of the categories in the districts, shared among the
    teams by neighbourhood."""
    errors: dict[str, str] = {}
    if not title.strip():
        errors["title"] = _("请填写行动名称")
    unknown = [c for c in categories if c not in VenueCategory.values]
    if not categories or unknown:
        errors["categories"] = _("请选择有效的场所类别")
    if not districts:
        errors["districts"] = _("请选择范围")
    if ends_at <= starts_at:
        errors["ends_at"] = _("结束时间须晚于开始时间")
    if not teams or any(not t.name.strip() or not t.members for t in teams):
        errors["teams"] = _("每个督查小组须有名称和至少一名组员")
    elif len({t.name.strip() for t in teams}) != len(teams):
        errors["teams"] = _("督查小组名称不能重复")
    if errors:
        raise ValidationError(errors)
    campaign = Campaign.objects.create(
        title=title.strip(),
        categories=sorted(set(categories)),
        starts_at=starts_at,
        ends_at=ends_at,
        notes=notes.strip(),
        launched_by=by,
    )
    campaign.districts.set(districts)
    created_teams: list[CampaignTeam] = []
    for plan in teams:
        team = CampaignTeam.objects.create(campaign=campaign, name=plan.name.strip())
        team.members.set(plan.members)
        created_teams.append(team)
    inside = Venue.objects.none()
    for district in districts:
        inside |= Venue.objects.filter(jurisdiction__path__startswith=district.path)
    venues = (
        inside.filter(category__in=campaign.categories)
        .select_related("jurisdiction")
        .order_by("jurisdiction__path", "name", "pk")
    )
    targets = [CampaignTarget(campaign=campaign, venue=v) for v in venues]
    _share(targets, created_teams)
    CampaignTarget.objects.bulk_create(targets, batch_size=1000)
    audit_write(
        by=by,
        action="campaign.launch",
        obj=campaign,
        after={
            **snapshot(campaign, ["title", "categories", "starts_at", "ends_at", "notes"]),
            "districts": [d.pk for d in districts],
            "teams": {t.name: [u.pk for u in t.members.all()] for t in created_teams},
            "targets": len(targets),
        },
    )
    return campaign


@transaction.atomic
def campaign_target_assign(
    *, target: CampaignTarget, team: CampaignTeam | None, by: User | None
) -> CampaignTarget:
    """Send a venue of the list to another team (or to none)."""
    target = CampaignTarget.objects.select_for_update().get(pk=target.pk)
    if team is not None and team.campaign_id != target.campaign_id:
        raise ValidationError({"team": _("该小组不属于本次行动")})
    if target.inspection_id is not None:
        raise Conflict(_("该场所已完成督查，不能改派"), code="target_inspected")
    before = snapshot(target, ["team"])
    target.team = team
    target.save(update_fields=["team"])
    audit_write(
        by=by, action="campaign.assign", obj=target, before=before, after=snapshot(target, ["team"])
    )
    return target


@transaction.atomic
def campaign_finish(*, campaign: Campaign, by: User | None) -> Campaign:
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    if campaign.status == CampaignStatus.FINISHED:
        raise Conflict(_("该行动已结束"), code="campaign_finished")
    campaign.status = CampaignStatus.FINISHED
    campaign.save(update_fields=["status"])
    audit_write(by=by, action="campaign.finish", obj=campaign, after={"status": campaign.status})
    return campaign
