"""The residents' days in the demo city: who goes where, when and for how long.

The demo's 10,000 residents and 3,000 venues are a sample of a city, so its residents meet
each other as a city's people do: rarely, except where their lives are shared. Each
resident has a life of their age: most adults work five days a week in an office (tens of
colleagues) or a shift at a shop, restaurant, market or mall (meeting its customers); the
old and those at home go to their usual market at their usual hour; pupils have a class
three times a week. On top come outings — lunch near work, a dinner, a shop, now and then a bar,
a KTV, a mall — mostly near home, often to the same places (regulars), their number and
hours set by the day of the week. A venue's trade follows its size and a personal
popularity (log-normal, so a few places are busy without one taking a tenth of the city).
Tracing a random resident then proposes tens of close contacts, not thousands.

Everything is drawn from the random source given, in a fixed order (deterministic).
"""

from __future__ import annotations

import bisect
import datetime as dt
import math
import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import NamedTuple

from fangkong.venues.models import CheckIn, CheckInSource, Venue, VenueCategory

C = VenueCategory
MISSING_CHECKOUT = 0.2
WORKING_AGE = (18, 60)
SCHOOL_AGE = (6, 18)
EMPLOYED = 0.85
STAFF_SHARE = 0.3  # of those in work: a shift at a shop, restaurant... rather than an office
WORKDAY_ATTENDANCE = 0.92  # office workers on a weekday (leave, sickness, trips)
SHIFT_ATTENDANCE = 5.5 / 7  # shift workers, any day of the week
NEAR_HOME = 0.75  # of outings in the resident's own district
REGULAR = 0.6  # of outings to the resident's usual place of that kind
POPULARITY_SIGMA = 0.6  # log-normal spread of venues' trade beyond their size
CLASS_VENUES = 0.1  # of the `other` venues: after-school classes (培训班)
# (weekday, minute) of the classes; a pupil takes CLASSES_A_WEEK of them.
CLASS_SLOTS = (*((day, 18 * 60 + 30) for day in range(5)), (5, 9 * 60), (6, 14 * 60))
CLASSES_A_WEEK = 3
CLASS_MINUTES = 90
STAFFED = (
    C.RESTAURANT, C.SHOPPING_MALL, C.MARKET, C.HOTEL, C.OTHER, C.GYM, C.CINEMA, C.KTV,
    C.BAR, C.INTERNET_CAFE, C.BATHHOUSE, C.COMMERCIAL_STREET, C.STADIUM,
)  # fmt: skip

WORKER, HOMEBODY, PUPIL = "worker", "homebody", "pupil"


class Outing(NamedTuple):
    category: str
    weekday: float  # expected outings of this kind a day, Monday to Friday
    weekend: float
    starts: tuple[float, float]  # earliest and latest arrival (hours)
    near_work: bool = False


OUTINGS: dict[str, list[Outing]] = {
    WORKER: [
        Outing(C.RESTAURANT, 0.25, 0.30, (11.25, 12.75), near_work=True),
        Outing(C.RESTAURANT, 0.15, 0.30, (17.5, 20.0)),
        Outing(C.OTHER, 0.15, 0.25, (8.0, 21.0)),
        Outing(C.GYM, 0.05, 0.08, (18.0, 20.5)),
        Outing(C.BAR, 0.03, 0.06, (20.0, 23.5)),
        Outing(C.KTV, 0.02, 0.07, (19.0, 22.5)),
        Outing(C.CINEMA, 0.02, 0.08, (13.0, 21.0)),
        Outing(C.SHOPPING_MALL, 0.04, 0.18, (10.0, 20.0)),
        Outing(C.COMMERCIAL_STREET, 0.01, 0.06, (10.0, 21.0)),
        Outing(C.MARKET, 0.01, 0.06, (7.0, 10.5)),
        Outing(C.INTERNET_CAFE, 0.01, 0.02, (19.0, 23.0)),
        Outing(C.BATHHOUSE, 0.005, 0.02, (14.0, 21.0)),
        Outing(C.STADIUM, 0.005, 0.02, (9.0, 19.5)),
        Outing(C.HOTEL, 0.003, 0.005, (14.0, 22.0)),
    ],
    HOMEBODY: [
        Outing(C.OTHER, 0.15, 0.15, (8.0, 18.0)),
        Outing(C.RESTAURANT, 0.08, 0.10, (11.0, 12.5)),
        Outing(C.RESTAURANT, 0.06, 0.12, (17.0, 19.0)),
        Outing(C.SHOPPING_MALL, 0.04, 0.08, (10.0, 17.0)),
        Outing(C.BATHHOUSE, 0.03, 0.03, (13.0, 20.0)),
        Outing(C.COMMERCIAL_STREET, 0.02, 0.04, (9.0, 17.0)),
        Outing(C.STADIUM, 0.02, 0.02, (8.0, 17.0)),
    ],
    PUPIL: [
        Outing(C.OTHER, 0.15, 0.25, (16.5, 20.0)),
        Outing(C.RESTAURANT, 0.08, 0.30, (11.5, 19.0)),
        Outing(C.SHOPPING_MALL, 0.04, 0.25, (10.0, 19.0)),
        Outing(C.CINEMA, 0.02, 0.12, (10.0, 20.0)),
        Outing(C.GYM, 0.04, 0.08, (16.5, 20.0)),
        Outing(C.INTERNET_CAFE, 0.02, 0.06, (13.0, 21.0)),
        Outing(C.STADIUM, 0.02, 0.07, (9.0, 18.0)),
    ],
}
MARKET_DAYS = 0.6  # a homebody at their usual market, at their usual hour ± 20 min
MARKET_HOURS = (6.5, 10.0)


class Hours(NamedTuple):
    opens: int  # hour
    closes: int  # hour (past 24: after midnight)
    stay: tuple[int, int]  # a visitor's stay, minutes


@dataclass
class _Pool:
    venues: list[Venue] = field(default_factory=list)
    cumulative: list[float] = field(default_factory=list)

    def add(self, venue: Venue, weight: float) -> None:
        self.venues.append(venue)
        self.cumulative.append((self.cumulative[-1] if self.cumulative else 0.0) + weight)

    def pick(self, rng: random.Random) -> Venue:
        point = rng.random() * self.cumulative[-1]
        return self.venues[min(bisect.bisect_right(self.cumulative, point), len(self.venues) - 1)]


@dataclass
class Resident:
    pk: int
    district: str
    life: str
    workplace: Venue | None = None
    shift: tuple[int, int] = (0, 0)  # start minute, length in minutes
    market_minute: int = 0
    lesson: tuple[Venue, tuple[tuple[int, int], ...]] | None = None
    usual: dict[tuple[str, str], Venue] = field(default_factory=dict)


def district_of(path: str) -> str:
    parts = [p for p in path.split("/") if p]
    return parts[1] if len(parts) > 1 else (parts[0] if parts else "")


class City:
    """Where the residents can go: the venues by kind and district, weighted by trade."""

    def __init__(
        self,
        rng: random.Random,
        venues: list[Venue],
        hours: dict[str, Hours],
        districts: dict[int, str],
    ) -> None:
        self.hours = hours
        self.district = {v.pk: districts.get(v.jurisdiction_id, "") for v in venues}
        self.pools: dict[tuple[str, str], _Pool] = {}
        self.staffing: dict[str, _Pool] = {}
        lessons = [v for v in venues if v.category == C.OTHER]
        rng.shuffle(lessons)
        self.classrooms: dict[str, _Pool] = {}
        for venue in lessons[: max(1, round(len(lessons) * CLASS_VENUES))]:
            self.classrooms.setdefault(self.district[venue.pk], _Pool()).add(venue, 1.0)
            self.classrooms.setdefault("", _Pool()).add(venue, 1.0)
        for venue in venues:
            trade = math.sqrt(venue.approved_capacity) * rng.lognormvariate(0, POPULARITY_SIGMA)
            for where in ("", self.district[venue.pk]):
                self.pools.setdefault((venue.category, where), _Pool()).add(venue, trade)
            workforce = "office" if venue.category == C.OFFICE else "staff"
            if venue.category == C.OFFICE or venue.category in STAFFED:
                for where in ("", self.district[venue.pk]):
                    self.staffing.setdefault(f"{workforce}:{where}", _Pool()).add(
                        venue, math.sqrt(venue.approved_capacity)
                    )

    def pick(self, rng: random.Random, category: str, district: str) -> Venue | None:
        near = self.pools.get((category, district)) if rng.random() < NEAR_HOME else None
        pool = near or self.pools.get((category, ""))
        return pool.pick(rng) if pool else None

    def employer(self, rng: random.Random, kind: str, district: str) -> Venue | None:
        near = self.staffing.get(f"{kind}:{district}") if rng.random() < NEAR_HOME else None
        pool = near or self.staffing.get(f"{kind}:")
        return pool.pick(rng) if pool else None

    def classroom(self, rng: random.Random, district: str) -> Venue | None:
        pool = self.classrooms.get(district) or self.classrooms.get("")
        return pool.pick(rng) if pool else None


def _age(birth: dt.date | None, today: dt.date) -> int:
    if birth is None:
        return 40
    return today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day))


def residents(
    rng: random.Random, city: City, people: list[tuple[int, dt.date | None, str]], today: dt.date
) -> list[Resident]:
    """Each resident's life: their work or class, their usual market hour."""
    found: list[Resident] = []
    for pk, birth, home in people:
        age = _age(birth, today)
        district = district_of(home)
        if WORKING_AGE[0] <= age < WORKING_AGE[1] and rng.random() < EMPLOYED:
            resident = Resident(pk, district, WORKER)
            kind = "staff" if rng.random() < STAFF_SHARE else "office"
            resident.workplace = city.employer(rng, kind, district)
            if resident.workplace is not None:
                resident.shift = _shift(rng, city.hours[resident.workplace.category], kind)
        elif SCHOOL_AGE[0] <= age < SCHOOL_AGE[1]:
            resident = Resident(pk, district, PUPIL)
            room = city.classroom(rng, district)
            if room is not None:
                resident.lesson = (room, tuple(rng.sample(CLASS_SLOTS, CLASSES_A_WEEK)))
        else:
            resident = Resident(pk, district, HOMEBODY)
        resident.market_minute = round(rng.uniform(*MARKET_HOURS) * 60)
        found.append(resident)
    return found


def _shift(rng: random.Random, hours: Hours, kind: str) -> tuple[int, int]:
    if kind == "office":
        return 8 * 60 + rng.randint(0, 100), rng.randint(480, 600)
    span = (hours.closes - hours.opens) * 60
    length = min(span, rng.randint(420, 540))
    return hours.opens * 60 + rng.choice([0, span - length]), length


@dataclass
class Day:
    """The city's stays of one day, up to `latest` (what has happened by then)."""

    rng: random.Random
    city: City
    day: dt.date
    midnight: dt.datetime
    latest: dt.datetime

    def stays(self, people: list[Resident]) -> Iterator[CheckIn]:
        weekday = self.day.weekday()
        working_day = weekday < 5
        for resident in people:
            yield from self._work(resident, weekday)
            for outing in OUTINGS[resident.life]:
                rate = outing.weekday if working_day else outing.weekend
                if self.rng.random() >= rate:
                    continue
                where = resident.district
                if outing.near_work and resident.workplace is not None:
                    where = self.city.district[resident.workplace.pk]
                venue = self._venue(resident, outing.category, where)
                if venue is None:
                    continue
                minute = round(self.rng.uniform(*outing.starts) * 60)
                yield from self._stay(resident, venue, minute, self._length(venue))

    def _work(self, resident: Resident, weekday: int) -> Iterator[CheckIn]:
        rng = self.rng
        if resident.life == HOMEBODY and rng.random() < MARKET_DAYS:
            market = self._venue(resident, C.MARKET, resident.district)
            if market is not None:
                minute = resident.market_minute + rng.randint(-20, 20)
                yield from self._stay(resident, market, minute, self._length(market))
        if resident.lesson is not None:
            room, slots = resident.lesson
            for slot_day, minute in slots:
                if slot_day == weekday:
                    yield from self._stay(
                        resident, room, minute + rng.randint(-5, 10), CLASS_MINUTES
                    )
        if resident.workplace is None:
            return
        office = resident.workplace.category == C.OFFICE
        attends = WORKDAY_ATTENDANCE if office else SHIFT_ATTENDANCE
        if (office and weekday >= 5) or rng.random() >= attends:
            return
        start, length = resident.shift
        yield from self._stay(
            resident,
            resident.workplace,
            start + rng.randint(-15, 15),
            length + rng.randint(-20, 20),
        )

    def _venue(self, resident: Resident, category: str, where: str) -> Venue | None:
        key = (category, where)
        usual = resident.usual.get(key)
        if usual is not None and self.rng.random() < REGULAR:
            return usual
        venue = self.city.pick(self.rng, category, where)
        if venue is not None and usual is None:
            resident.usual[key] = venue
        return venue

    def _length(self, venue: Venue) -> int:
        shortest, longest = self.city.hours[venue.category].stay
        # Most stays are short; a few run to the longest.
        return round(self.rng.triangular(shortest, longest, shortest))

    def _stay(
        self, resident: Resident, venue: Venue, minute: int, length: int
    ) -> Iterator[CheckIn]:
        arrival = self.midnight + dt.timedelta(minutes=minute)
        if arrival >= self.latest:
            return
        leaves = arrival + dt.timedelta(minutes=max(length, 5))
        missing = self.rng.random() < MISSING_CHECKOUT
        source = CheckInSource.VENUE_CODE if self.rng.random() < 0.5 else CheckInSource.HEALTH_CODE
        if leaves > self.latest:
            # Still running at the demo's present: the demo clock sends such stays as they
            # happen (fangkong/demo/clock.py), with their check-out once it is past.
            return
        yield CheckIn(
            person_id=resident.pk,
            venue=venue,
            check_in=arrival,
            check_out=None if missing else leaves,
            source=source,
        )
