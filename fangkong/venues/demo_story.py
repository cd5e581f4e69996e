"""The night of notice No. 33 in the demo city, on top of the demo's venues and check-ins.

Notice No. 33 (issued in the command area's demo, which runs before this story) holds bars and
KTVs to the tightened tier. Last night a few bars were crowded anyway; the
over-limit scan raised alerts at 22:00, and the HQ's unannounced sweep of bars, KTVs and
stadiums in two districts inspected them that night, closing two. Around it: rooms of KTVs
and restaurants, two weeks of routine inspections with their warnings and rectification
orders, a venue closed last week and reopened after a passed re-inspection, one whose
re-inspection this morning failed, and today's sweep of markets and malls under way.

Everything goes through the area's services (audited, validated), with a random source of
its own so that the areas built later draw the same numbers as before.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Sequence

from django.utils import timezone

from fangkong.accounts.models import User
from fangkong.accounts.roles import Role
from fangkong.demo.context import DemoContext
from fangkong.venues import jobs
from fangkong.venues.limits import Limits
from fangkong.venues.models import (
    CHECKLIST,
    CapacityTier,
    CheckIn,
    CheckInSource,
    EnforcementKind,
    Inspection,
    RoomKind,
    Venue,
    VenueCategory,
    VenueRoom,
    Verdict,
)
from fangkong.venues.selectors.occupancy import venue_occupancy
from fangkong.venues.services.campaigns import TeamPlan, campaign_finish, campaign_launch
from fangkong.venues.services.enforcement import enforcement_issue, venue_reopen
from fangkong.venues.services.inspections import inspection_record
from fangkong.venues.services.venues import capacity_tiers_ensure

CROWDED_BARS = 4
ROUTINE_INSPECTIONS = 300
ROUTINE_PASS_RATE = 0.85
SWEEP_SHARE_INSPECTED = 0.7


def _rooms(ctx: DemoContext, rng: random.Random, venues: Sequence[Venue]) -> None:
    rooms: list[VenueRoom] = []
    for venue in venues:
        if venue.category == VenueCategory.KTV:
            kind, count, size = RoomKind.KTV_ROOM, rng.randint(6, 24), (6, 20)
        elif venue.category == VenueCategory.RESTAURANT and rng.random() < 0.3:
            kind, count, size = RoomKind.PRIVATE_ROOM, rng.randint(2, 8), (8, 16)
        else:
            continue
        prefix = "K" if kind == RoomKind.KTV_ROOM else "包间"
        budget = venue.approved_capacity
        for number in range(1, count + 1):
            people = min(rng.randint(*size), budget)
            if people < 1:
                break
            budget -= people
            rooms.append(
                VenueRoom(
                    venue=venue, name=f"{prefix}{number:02d}", kind=kind, approved_capacity=people
                )
            )
    VenueRoom.objects.bulk_create(rooms, batch_size=2000)


def _checks(rng: random.Random, *, passed: bool) -> dict[str, bool]:
    checks = {field: True for field, _label in CHECKLIST if field != "capacity_respected"}
    if not passed:
        for field in rng.sample(sorted(checks), k=rng.randint(1, 2)):
            checks[field] = False
    return checks


def _inspect(
    rng: random.Random,
    venue: Venue,
    at: dt.datetime,
    team: list[User],
    *,
    comply: bool,
    notes: str = "",
) -> Inspection:
    headcount = venue_occupancy(venue, at=at)
    limit = Limits(at, venue_ids=[venue.pk]).limit(venue)
    checks = _checks(rng, passed=comply)
    passed = comply and headcount <= limit
    return inspection_record(
        venue=venue,
        inspected_at=at,
        inspectors=team,
        headcount=headcount,
        verdict=Verdict.PASSED if passed else Verdict.FAILED,
        notes=notes,
        by=team[0],
        code_posted=checks["code_posted"],
        everyone_scans=checks["everyone_scans"],
        temperature_checked=checks["temperature_checked"],
        masks_worn=checks["masks_worn"],
        ventilated_disinfected=checks["ventilated_disinfected"],
    )


def _crowd(
    ctx: DemoContext, rng: random.Random, bars: list[Venue], persons: list[int], at: dt.datetime
) -> list[Venue]:
    """Fill a few bars well beyond the tightened limit in the evening of `at`."""
    limits = Limits(at, venue_ids=[b.pk for b in bars])
    crowded: list[Venue] = []
    stays: list[CheckIn] = []
    # A miniature city crowds one bar: four would hold most of its residents.
    for bar in bars[: ctx.scaled(CROWDED_BARS, minimum=1)]:
        wanted = round(limits.limit(bar) * rng.uniform(1.2, 1.6)) - venue_occupancy(bar, at=at)
        for person_id in rng.sample(persons, k=max(0, min(wanted, len(persons)))):
            arrival = at - dt.timedelta(minutes=rng.randint(10, 90))
            leaves = at + dt.timedelta(minutes=rng.randint(30, 150))
            stays.append(
                CheckIn(
                    person_id=person_id,
                    venue=bar,
                    check_in=arrival,
                    check_out=None if rng.random() < 0.2 else leaves,
                    source=CheckInSource.VENUE_CODE,
                )
            )
        crowded.append(bar)
    CheckIn.objects.bulk_create(stays, batch_size=5000)
    return crowded


def _routine(
    ctx: DemoContext, rng: random.Random, venues: list[Venue], team: list[User], days: int
) -> None:
    latest = min(ctx.now, timezone.now())
    for _n in ctx.progress(range(ctx.scaled(ROUTINE_INSPECTIONS, minimum=10)), "督查记录"):
        venue = rng.choice(venues)
        day = ctx.today - dt.timedelta(days=rng.randint(1, days - 1))
        at = ctx.at(day, rng.randint(9, 21), rng.randint(0, 59))
        if at >= latest or venue.status == "closed":
            continue
        found = _inspect(
            rng, venue, at, [rng.choice(team)], comply=rng.random() < ROUTINE_PASS_RATE
        )
        if found.verdict == Verdict.FAILED:
            kind = rng.choice([EnforcementKind.WARNING, EnforcementKind.RECTIFICATION])
            enforcement_issue(
                venue=venue,
                kind=kind,
                reason="、".join(found.failed_items()) + "未落实",
                inspection=found,
                issued_at=at + dt.timedelta(minutes=15),
                deadline=at + dt.timedelta(days=rng.choice([1, 3, 5])),
                by=found.recorded_by,
            )


def build_story(ctx: DemoContext, venues: list[Venue], persons: list[int], days: int) -> dict:
    rng = random.Random(hash(ctx.rng.getstate()))  # the shared stream is left untouched
    capacity_tiers_ensure(by=None)
    hq = ctx.users.get(Role.HQ_ADMIN)
    inspector = ctx.users.get(Role.INSPECTOR)
    officer = ctx.users.get(Role.DISTRICT_OFFICER)
    assert hq is not None and inspector is not None and officer is not None
    _rooms(ctx, rng, venues)

    yesterday = ctx.today - dt.timedelta(days=1)

    first_districts = [d.path for d in ctx.districts[:2]]

    def in_first_districts(venue: Venue) -> bool:
        return any(venue.jurisdiction.path.startswith(path) for path in first_districts)

    # The small bars crowd: a crowd of a few dozen, not hundreds who would all be each
    # other's close contacts in any trace of the next days.
    bars = sorted(
        (v for v in venues if v.category == VenueCategory.BAR),
        key=lambda v: (not in_first_districts(v), v.approved_capacity, v.pk),
    )
    peak = ctx.at(yesterday, 22, 0)
    crowded = _crowd(ctx, rng, bars, persons, peak)
    jobs.run(peak)

    # Last week: a KTV closed for crowding, re-inspected, reopened under the tightened tier.
    ktvs = [v for v in venues if v.category == VenueCategory.KTV]
    team = [inspector, officer]
    if ktvs:
        reopened = rng.choice(ktvs)
        closed_at = ctx.at(ctx.today - dt.timedelta(days=6), 22, 40)
        found = _inspect(rng, reopened, closed_at - dt.timedelta(minutes=20), team, comply=False)
        enforcement_issue(
            venue=reopened,
            kind=EnforcementKind.CLOSURE,
            inspection=found,
            issued_at=closed_at,
            reason="超过限流人数经营，未落实扫码登记",
            by=officer,
        )
        # in the morning, hours before a KTV opens: nobody is inside a closed venue
        recheck_at = ctx.at(closed_at.date() + dt.timedelta(days=3), 10, 30)
        recheck = _inspect(rng, reopened, recheck_at, team, comply=True)
        venue_reopen(
            venue=reopened,
            by=officer,
            at=recheck.inspected_at + dt.timedelta(hours=2),
            note="复查合格，同意恢复营业",
            then_limit_tier=CapacityTier.objects.get(code="tightened"),
        )

    _routine(ctx, rng, [v for v in venues if v not in crowded], team, days)

    # Last night's sweep of notice No. 33.
    districts = list(ctx.districts[:2])
    sweep = campaign_launch(
        title="第33号通告落实情况夜间专项督查",
        categories=[VenueCategory.BAR, VenueCategory.KTV, VenueCategory.STADIUM],
        districts=districts,
        starts_at=ctx.at(yesterday, 20, 0),
        ends_at=ctx.at(ctx.today, 2, 0),
        teams=[TeamPlan("第一督查组", [inspector]), TeamPlan("第二督查组", [officer])],
        notes="四不两直，重点检查限流、扫码、测温",
        by=hq,
    )
    targets = list(sweep.targets.select_related("venue", "team").order_by("pk"))
    closures = 0
    for target in targets:
        venue = target.venue
        if venue not in crowded and rng.random() > SWEEP_SHARE_INSPECTED:
            continue
        member = list(target.team.members.all()) if target.team else team
        at = ctx.at(yesterday, 20, 30) + dt.timedelta(minutes=rng.randint(0, 270))
        if venue in crowded:
            at = peak + dt.timedelta(minutes=rng.randint(5, 40))
        found = _inspect(rng, venue, at, member, comply=venue not in crowded and rng.random() < 0.9)
        if found.verdict == Verdict.PASSED:
            continue
        if not found.capacity_respected and closures < 2:
            enforcement_issue(
                venue=venue,
                kind=EnforcementKind.CLOSURE,
                inspection=found,
                issued_at=at + dt.timedelta(minutes=10),
                reason=f"现场 {found.headcount} 人，超过限流 {found.limit_at_time} 人",
                by=member[0],
            )
            closures += 1
        else:
            enforcement_issue(
                venue=venue,
                kind=EnforcementKind.RECTIFICATION,
                inspection=found,
                issued_at=at + dt.timedelta(minutes=10),
                deadline=at + dt.timedelta(days=2),
                reason="、".join(found.failed_items()) + "未落实",
                by=member[0],
            )
    campaign_finish(campaign=sweep, by=hq)

    # This morning: one of last night's closures re-inspected, not yet fit to reopen.
    closed_bar = next((v for v in crowded if Venue.objects.get(pk=v.pk).status == "closed"), None)
    morning = ctx.at(ctx.today, 8, 30)
    if closed_bar is not None and morning < timezone.now():
        _inspect(rng, closed_bar, morning, [inspector], comply=False, notes="扫码登记仍未落实")

    # Today's sweep of markets and malls, under way.
    today_sweep = campaign_launch(
        title="农贸市场、商场超市日间督查",
        categories=[VenueCategory.MARKET, VenueCategory.SHOPPING_MALL],
        districts=list(ctx.districts[2:4]) or districts,
        starts_at=ctx.at(ctx.today, 8, 0),
        ends_at=ctx.at(ctx.today, 18, 0),
        teams=[TeamPlan("第三督查组", [inspector]), TeamPlan("第四督查组", [officer])],
        by=hq,
    )
    latest = min(ctx.now, timezone.now())
    still_to_do: set[int] = set()  # each team's first venue waits for them, whatever the hour
    for target in today_sweep.targets.select_related("venue", "team").order_by("pk"):
        if target.team_id is not None and target.team_id not in still_to_do:
            still_to_do.add(target.team_id)
            continue
        at = ctx.at(ctx.today, 8, 10) + dt.timedelta(minutes=rng.randint(0, 110))
        if rng.random() < 0.4 and at < latest and target.team is not None:
            _inspect(
                rng, target.venue, at, list(target.team.members.all()), comply=rng.random() < 0.9
            )
    jobs.run_rectification_overdue(latest)
    return {"crowded_bars": [v.pk for v in crowded], "peak": peak}
