"""Demo venues across the city and two weeks of their check-ins (the input of tracing).

The residents live the days of a city's people (`demo_routines`: work, classes, the usual
market, outings near home), so tracing one of them proposes tens of contacts; visiting hours
and stay lengths follow each category, and one stay in five has no check-out, as with real
venue codes.
Later, once the command area has issued notice No. 33, `demo_story` plays the night of its
enforcement: crowded bars, alerts, an unannounced sweep with closures, routine inspections
and rectifications.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from collections.abc import Iterator
from decimal import Decimal
from typing import NamedTuple

from django.db import transaction
from django.utils import timezone

from fangkong.accounts.roles import Role
from fangkong.demo.context import DemoContext
from fangkong.demo.geography import DISTRICT_PLACES
from fangkong.people.models import Person
from fangkong.venues.checkin_days import checkin_partitions_ensure
from fangkong.venues.demo_routines import City, Day, Hours, district_of, residents
from fangkong.venues.demo_story import build_story
from fangkong.venues.models import CheckIn, Venue, VenueCategory

ORDER = 10
STORY_ORDER = 60  # after the command area's notices (50) have set the tiers
VENUES = 3_000
DAYS = 14


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


# Kilometres in a degree of latitude, and of longitude at the city's latitude.
KM_PER_DEGREE = 111.0


def venue_place(district: str, index: int) -> tuple[Decimal, Decimal] | None:
    """Where the demo's venue number `index` stands in its district (latitude, longitude): a
    point drawn evenly from the district's disc (`geography.DISTRICT_PLACES`), from a stream
    of its own so that the rest of the demo draws the same as without it. None outside the
    demo's districts."""
    place = DISTRICT_PLACES.get(district)
    if place is None:
        return None
    longitude, latitude, radius_km = place
    rng = random.Random(f"venue-place:{index}")
    distance = radius_km * math.sqrt(rng.random())
    angle = rng.uniform(0, 2 * math.pi)
    north = distance * math.sin(angle) / KM_PER_DEGREE
    east = distance * math.cos(angle) / (KM_PER_DEGREE * math.cos(math.radians(latitude)))
    return (
        Decimal(f"{latitude + north:.6f}"),
        Decimal(f"{longitude + east:.6f}"),
    )


def _venue_rows(ctx: DemoContext, count: int) -> Iterator[Venue]:
    categories = list(PROFILES)
    weights = [PROFILES[c].share for c in categories]
    for index in range(count):
        category = ctx.rng.choices(categories, weights)[0]
        profile = PROFILES[category]
        community = ctx.rng.choice(ctx.communities)
        stem = ctx.rng.choice(NAME_STEMS)
        latitude, longitude = venue_place(district_of(community.path), index) or (None, None)
        yield Venue(
            name=f"{stem}{ctx.rng.choice(profile.suffixes)}（{community.name}店{index % 97 + 1}）",
            category=category,
            address=f"{community.parent.name if community.parent else ''}{community.name}",
            jurisdiction=community,
            approved_capacity=ctx.rng.randint(*profile.capacity),
            latitude=latitude,
            longitude=longitude,
            code=f"demo{index:06d}",
        )


def _life(ctx: DemoContext, venues: list[Venue], persons: list[int]) -> Iterator[CheckIn]:
    """Two weeks of the residents' days (`demo_routines`), up to the demo's present."""
    # A stream of its own, seeded from the shared one without drawing from it.
    rng = random.Random("venues:" + ",".join(str(n) for n in ctx.rng.getstate()[1][:8]))
    districts = {c.pk: district_of(c.path) for c in ctx.communities}
    hours = {c: Hours(p.hours[0], p.hours[1], p.stay) for c, p in PROFILES.items()}
    city = City(rng, venues, hours, districts)
    people = list(
        Person.objects.filter(pk__in=persons)
        .order_by("pk")
        .values_list("pk", "birth_date", "home_jurisdiction__path")
    )
    lives = residents(rng, city, [(pk, b, path or "") for pk, b, path in people], ctx.today)
    latest = min(ctx.now, timezone.now())
    # DAYS days: the last is today up to the demo's present.
    first_day = ctx.today - dt.timedelta(days=DAYS - 1)
    for offset in range(DAYS):
        day = first_day + dt.timedelta(days=offset)
        yield from Day(rng, city, day, ctx.at(day, 0), latest).stays(lives)


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
    # The days' partitions first (PostgreSQL), so the stays do not pile up in DEFAULT; the
    # stories of later steps lie within these days too.
    first_day = ctx.today - dt.timedelta(days=DAYS)
    checkin_partitions_ensure(days=[first_day + dt.timedelta(days=n) for n in range(DAYS + 2 + 1)])
    batch: list[CheckIn] = []
    for stay in ctx.progress(_life(ctx, venues, persons), "扫码记录"):
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
