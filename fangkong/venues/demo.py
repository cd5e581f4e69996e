"""Demo venues across the city and two weeks of their check-ins (the input of tracing).

Popularity is Zipf-like (a few venues draw most visits), visiting hours and stay lengths
follow each category, and one stay in five has no check-out, as with real venue codes.
Later, once the command area has issued notice No. 33, `demo_story` plays the night of its
enforcement: crowded bars, alerts, an unannounced sweep with closures, routine inspections
and rectifications.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import NamedTuple

from django.db import transaction

from fangkong.accounts.roles import Role
from fangkong.demo.context import DemoContext
from fangkong.people.models import Person
from fangkong.venues.demo_story import build_story
from fangkong.venues.models import CheckIn, CheckInSource, Venue, VenueCategory

ORDER = 10
STORY_ORDER = 60  # after the command area's notices (50) have set the tiers
VENUES = 3_000
DAYS = 14
VISITS_PER_PERSON_DAY = 1.4
MISSING_CHECKOUT = 0.2
ZIPF_EXPONENT = 1.1


class Profile(NamedTuple):
    share: float  # of all venues
    capacity: tuple[int, int]
    suffixes: list[str]
    hours: tuple[int, int]  # opening and closing hour (past 24: after midnight)
    stay: tuple[int, int]  # minutes


C = VenueCategory
PROFILES: dict[str, Profile] = {
    C.RESTAURANT: Profile(0.30, (40, 300), ["饭店", "面馆", "火锅", "酒家"], (10, 22), (30, 120)),
    C.SHOPPING_MALL: Profile(0.05, (2000, 12000), ["广场", "购物中心"], (10, 22), (40, 180)),
    C.MARKET: Profile(0.06, (300, 1500), ["农贸市场", "菜场"], (6, 12), (15, 60)),
    C.OFFICE: Profile(0.12, (100, 2000), ["大厦", "科技园", "写字楼"], (8, 19), (240, 540)),
    C.BAR: Profile(0.06, (60, 300), ["酒吧", "清吧", "Live House"], (19, 26), (60, 240)),
    C.KTV: Profile(0.05, (80, 500), ["KTV", "量贩KTV"], (18, 26), (90, 240)),
    C.INTERNET_CAFE: Profile(0.05, (60, 300), ["网咖", "网吧"], (12, 26), (90, 360)),
    C.CINEMA: Profile(0.03, (200, 1500), ["影城", "电影院"], (12, 24), (100, 150)),
    C.GYM: Profile(0.06, (50, 400), ["健身", "健身会所"], (7, 22), (60, 120)),
    C.BATHHOUSE: Profile(0.03, (80, 600), ["浴场", "汤泉"], (12, 25), (90, 240)),
    C.COMMERCIAL_STREET: Profile(0.02, (3000, 20000), ["步行街", "商业街"], (10, 23), (30, 150)),
    C.STADIUM: Profile(0.02, (1000, 30000), ["体育中心", "体育馆"], (8, 22), (90, 180)),
    C.HOTEL: Profile(0.08, (100, 800), ["大酒店", "宾馆", "酒店"], (0, 24), (300, 720)),
    C.OTHER: Profile(0.07, (30, 300), ["便利店", "药店", "理发店"], (8, 22), (10, 40)),
}
NAME_STEMS = [
    "锦江", "金陵", "梁溪", "太湖", "蠡园", "惠山", "崇安", "南长", "清扬", "江南", "新吴",
    "鸿山", "阳山", "宜兴", "华庄", "荣巷", "运河", "东林", "天一", "长江", "龙腾", "凤凰",
    "红豆", "银河", "星光", "嘉华", "万达", "海岸城", "恒隆", "八佰伴", "老街", "古运河",
]  # fmt: skip


def _venue_rows(ctx: DemoContext, count: int) -> Iterator[Venue]:
    categories = list(PROFILES)
    weights = [PROFILES[c].share for c in categories]
    for index in range(count):
        category = ctx.rng.choices(categories, weights)[0]
        profile = PROFILES[category]
        community = ctx.rng.choice(ctx.communities)
        stem = ctx.rng.choice(NAME_STEMS)
        yield Venue(
            name=f"{stem}{ctx.rng.choice(profile.suffixes)}（{community.name}店{index % 97 + 1}）",
            category=category,
            address=f"{community.parent.name if community.parent else ''}{community.name}",
            jurisdiction=community,
            approved_capacity=ctx.rng.randint(*profile.capacity),
            code=f"demo{index:06d}",
        )


def _stays(ctx: DemoContext, venues: list[Venue], persons: list[int]) -> Iterator[CheckIn]:
    ranks = list(range(1, len(venues) + 1))
    ctx.rng.shuffle(ranks)
    popularity = [1.0 / rank**ZIPF_EXPONENT for rank in ranks]
    first_day = ctx.today - dt.timedelta(days=DAYS)
    visits_per_day = round(len(persons) * VISITS_PER_PERSON_DAY)
    for offset in range(DAYS):
        day = first_day + dt.timedelta(days=offset)
        chosen = ctx.rng.choices(venues, popularity, k=visits_per_day)
        for venue in chosen:
            (opens, closes), (shortest, longest) = PROFILES[venue.category][3:]
            minute = ctx.rng.randint(opens * 60, max(opens * 60, closes * 60 - shortest))
            arrival = ctx.at(day, 0) + dt.timedelta(minutes=minute)
            stay = dt.timedelta(minutes=ctx.rng.randint(shortest, longest))
            leaves = None if ctx.rng.random() < MISSING_CHECKOUT else arrival + stay
            if arrival >= ctx.now:
                continue
            yield CheckIn(
                person_id=ctx.rng.choice(persons),
                venue=venue,
                check_in=arrival,
                check_out=leaves if leaves is None or leaves <= ctx.now else None,
                source=ctx.rng.choice([CheckInSource.VENUE_CODE, CheckInSource.HEALTH_CODE]),
            )


@transaction.atomic
def build(ctx: DemoContext) -> None:
    venues = Venue.objects.bulk_create(
        _venue_rows(ctx, ctx.scaled(VENUES, minimum=40)), batch_size=1000
    )
    manager = ctx.users.get(Role.VENUE_MANAGER)
    bars = [v for v in venues if v.category == VenueCategory.BAR]
    if manager is not None and bars:
        managed = next(
            (
                b
                for b in bars
                if manager.jurisdiction and manager.jurisdiction.contains(b.jurisdiction)
            ),
            bars[0],
        )
        Venue.objects.filter(pk=managed.pk).update(manager=manager)
    persons = list(Person.objects.order_by("pk").values_list("pk", flat=True))
    batch: list[CheckIn] = []
    total = round(len(persons) * VISITS_PER_PERSON_DAY) * DAYS
    for stay in ctx.progress(_stays(ctx, venues, persons), "扫码记录", total=total):
        batch.append(stay)
        if len(batch) >= 5000:
            CheckIn.objects.bulk_create(batch)
            batch.clear()
    CheckIn.objects.bulk_create(batch)
    ctx.shared["venues"] = {"bars": [b.pk for b in bars], "days": DAYS}


def build_enforcement(ctx: DemoContext) -> None:
    venues = list(Venue.objects.select_related("jurisdiction").order_by("pk"))
    persons = list(Person.objects.order_by("pk").values_list("pk", flat=True))
    ctx.shared["venues"].update(build_story(ctx, venues, persons, DAYS))


STEPS = [(ORDER, build), (STORY_ORDER, build_enforcement)]
