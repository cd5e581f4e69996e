"""The assist demo's part beyond the lists received (demo.py): the risk-area list, arrivals'
own reports matched against it, and our own contacts living elsewhere on lists to their
cities, one of them sent and answered. All through the area's services."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from fangkong.accounts.models import User
from fangkong.accounts.roles import Role
from fangkong.assist.models import (
    AreaLevel,
    AssistRequest,
    Outcome,
    RequestCategory,
    RiskArea,
    VerificationTask,
)
from fangkong.assist.services.arrivals import arrival_report_submit
from fangkong.assist.services.outgoing_lists import (
    assist_request_reply,
    assist_request_send,
    outgoing_drafts_from_contacts,
)
from fangkong.assist.services.risk_areas import risk_area_create, risk_area_end
from fangkong.cases.models import Case, ContactCategory, ContactDegree
from fangkong.cases.services.contacts import contact_add
from fangkong.demo import geography
from fangkong.demo.context import DemoContext
from fangkong.jurisdictions.models import Jurisdiction
from fangkong.people.services import person_register

LATEST = dt.timedelta(minutes=5)  # nothing is recorded later than this before the present

# (city, area, level, days ago it began, days ago it was lifted)
RISK_AREAS = (
    ("南京市", "江宁区禄口街道", AreaLevel.HIGH, 16, None),
    ("南京市", "江宁区秣陵街道", AreaLevel.MEDIUM, 14, 3),
    ("南京市", "江宁区东山街道", AreaLevel.MEDIUM, 12, None),
    ("扬州市", "邗江区蒋王街道", AreaLevel.MEDIUM, 8, None),
    ("扬州市", "广陵区汤汪乡", AreaLevel.MEDIUM, 7, None),
    ("扬州市", "邗江区城北街道", AreaLevel.MEDIUM, 6, None),
)
ARRIVALS = 20

# Our contacts living elsewhere: where they live, at full scale one city each in turn.
ELSEWHERE = (
    "南京市江宁区双龙大道",
    "南京市秦淮区中华路",
    "扬州市邗江区文昌西路",
    "上海市闵行区七莘路",
)
ELSEWHERE_FULL = 8


def _at(ctx: DemoContext, days_ago: int, hour: int) -> dt.datetime:
    return ctx.at(ctx.today - dt.timedelta(days=days_ago), hour)


def outgoing(ctx: DemoContext, *, by: User | None) -> None:
    """Our contacts living elsewhere, on a draft per city; Nanjing's is sent and answered."""
    rng = ctx.rng
    identified = _at(ctx, 3, 8)
    case = (
        Case.objects.filter(detected_at__lte=identified - dt.timedelta(hours=6))
        .order_by("-detected_at", "pk")
        .first()
    )
    if case is None or case.detected_at is None:
        return
    detected = case.detected_at
    since = identified - dt.timedelta(days=1)
    for n in range(ctx.scaled(ELSEWHERE_FULL, minimum=len(ELSEWHERE) - 1)):
        who = ctx.new_identity(local=False)
        person = person_register(
            name=who.name,
            id_number=who.id_number,
            phone=who.phone,
            address=f"{ELSEWHERE[n % len(ELSEWHERE)]}{rng.randint(1, 300)}号",
            by=None,
        ).person
        contact_add(
            case=case,
            person=person,
            degree=ContactDegree.CLOSE,
            category=ContactCategory.VEHICLE,
            evidence="与病例同乘一辆网约车，未全程佩戴口罩",
            last_exposure=detected - dt.timedelta(hours=rng.randint(20, 40)),
            by=ctx.users.get(Role.INVESTIGATOR),
            at=identified + dt.timedelta(minutes=rng.randint(0, 50)),
        )
    outgoing_drafts_from_contacts(since=min(since, ctx.now), at=_at(ctx, 3, 9), by=by)
    draft = AssistRequest.objects.outgoing().filter(counterpart="南京市", status="draft").first()
    if draft is None:
        return
    sent = assist_request_send(request=draft, by=by, at=_at(ctx, 3, 10))
    outcomes = (Outcome.CENTRALIZED, Outcome.CENTRALIZED, Outcome.HOME_QUARANTINE)
    replies = [
        (number, outcomes[i % len(outcomes)], "已落地管控")
        for i, number in enumerate(
            sent.rows.order_by("row_number").values_list("row_number", flat=True)
        )
    ]
    assist_request_reply(request=sent, rows=replies, by=by, at=_at(ctx, 3, 17))


def risk_areas(ctx: DemoContext, *, by: User | None) -> list[RiskArea]:
    areas = []
    for city, name, level, since, lifted in RISK_AREAS:
        area = risk_area_create(
            province="江苏省",
            city=city,
            name=name,
            level=level,
            since=ctx.today - dt.timedelta(days=since),
            source=f"{city}新冠肺炎疫情防控指挥部通告",
            by=by,
        )
        if lifted is not None:
            area = risk_area_end(area=area, until=ctx.today - dt.timedelta(days=lifted), by=by)
        areas.append(area)
    return areas


def arrivals(
    ctx: DemoContext,
    areas: list[RiskArea],
    *,
    home: Jurisdiction,
    verify: Callable[[VerificationTask, str, dt.datetime], None],
) -> None:
    """Arrivals' own reports over the last week: most chose their area, one typed it,
    one came from nowhere on the list; each matched one is a task for its community."""
    rng = ctx.rng
    ours = [c for c in ctx.communities if c.path.startswith(home.path)]
    others = [c for c in ctx.communities if not c.path.startswith(home.path)]
    moments = sorted(
        ctx.now - dt.timedelta(minutes=rng.randint(30, 7 * 24 * 60))
        for _n in range(ctx.scaled(ARRIVALS, minimum=4))
    )
    latest = ctx.now - LATEST
    for n, reported in enumerate(moments):
        arrived = reported - dt.timedelta(hours=rng.randint(1, 8))
        left = arrived.astimezone(ctx.tz).date() - dt.timedelta(days=rng.randint(0, 1))
        in_force = [a for a in areas if a.since <= left and (a.until is None or left <= a.until)]
        chosen, typed = (rng.choice(in_force) if in_force else None), ""
        if n == 1 or chosen is None:
            chosen, typed = None, "上海市浦东新区"  # not on the list: kept, no task
        elif n == 2:
            typed, chosen = f"{chosen.city.removesuffix('市')}{chosen.name}附近", None
        who = ctx.new_identity(local=False)
        community = rng.choice(ours if n % 2 == 0 else others)
        report = arrival_report_submit(
            name=who.name,
            id_number=who.id_number,
            phone=who.phone,
            from_area=chosen,
            from_text=typed,
            left_at=left,
            arrived_at=arrived,
            address=f"{community.name}{rng.choice(geography.ROADS)}{rng.randint(1, 400)}号",
            jurisdiction=community,
            at=reported,
        )
        if report.task is not None:
            at = reported + dt.timedelta(minutes=rng.randint(90, 20 * 60))
            if at <= latest:
                verify(report.task, RequestCategory.RISK_AREA_ARRIVAL, at)
