"""What the demo builders share: a seeded random source, the demo's "today", the city and
its users, and a way for one area to leave data for another (venues for tracing, say)."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar
from zoneinfo import ZoneInfo

from django.conf import settings
from stdnum.cn import ric
from tqdm import tqdm

from fangkong.demo import geography

if TYPE_CHECKING:
    from fangkong.accounts.models import User
    from fangkong.jurisdictions.models import Jurisdiction, ResponsibleUnit

T = TypeVar("T")
TYPICAL_AGE = 38
PRESENT = dt.time(10, 0)  # the demo's present: its today at this local time


def demo_today(now: dt.datetime) -> dt.date:
    """The latest day whose present has passed, so that everything the demo writes "up to
    its present" lies in the past however early in the morning the demo is built."""
    moment = now.astimezone(ZoneInfo(settings.TIME_ZONE))
    return (moment - dt.timedelta(hours=PRESENT.hour, minutes=PRESENT.minute)).date()


def _valid_resident_id(number: str) -> bool:
    try:
        return bool(ric.is_valid(number))
    except KeyError:  # stdnum's division table lacks a county name for a few codes
        return False


@dataclass(frozen=True)
class Identity:
    name: str
    id_number: str
    phone: str


@dataclass
class DemoContext:
    rng: random.Random
    today: dt.date
    write: Callable[[str], None]
    show_progress: bool = True
    # 1.0 builds the full demo city; tests build a miniature with the same shape.
    scale: float = 1.0
    city: Jurisdiction | None = None
    districts: list[Jurisdiction] = field(default_factory=list)
    communities: list[Jurisdiction] = field(default_factory=list)
    hq_unit: ResponsibleUnit | None = None
    users: dict[str, User] = field(default_factory=dict)  # by role
    shared: dict[str, Any] = field(default_factory=dict)  # area -> data for later areas
    _issued_ids: set[str] = field(default_factory=set)

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(settings.TIME_ZONE)

    @property
    def now(self) -> dt.datetime:
        """The demo's present: today at 10:00 local time (deterministic for a given date)."""
        return self.at(self.today, PRESENT.hour, PRESENT.minute)

    def at(self, day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
        return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=self.tz)

    def scaled(self, full: int, *, minimum: int = 1) -> int:
        """How many of something to build: `full` in the real demo, fewer in a miniature."""
        return max(minimum, round(full * self.scale))

    def progress(
        self, items: Iterable[T], description: str, total: int | None = None
    ) -> Iterator[T]:
        return iter(
            tqdm(
                items,
                desc=description,
                total=total,
                disable=not self.show_progress,
                leave=False,
                unit="",
            )
        )

    def new_identity(self, *, local: bool = True, min_age: int = 1, max_age: int = 85) -> Identity:
        """A realistic name, a valid and unused resident ID, and a valid mobile number."""
        rng = self.rng
        while True:
            pool = (
                geography.LOCAL_BIRTHPLACES
                if local and rng.random() < 0.7
                else (geography.OTHER_BIRTHPLACES)
            )
            # Adults of working age are the bulk of a city's population.
            age_days = round(rng.triangular(min_age * 365, max_age * 365, TYPICAL_AGE * 365))
            birth = self.today - dt.timedelta(days=age_days)
            body = f"{rng.choice(pool)}{birth:%Y%m%d}{rng.randint(0, 999):03d}"
            number = body + ric.calc_check_digit(body + "0")
            # Division codes change over the years; a code must have existed at the birth.
            if _valid_resident_id(number) and number not in self._issued_ids:
                self._issued_ids.add(number)
                break
        given = "".join(rng.choice(geography.GIVEN_CHARS) for _ in range(rng.choice((1, 2, 2))))
        phone = rng.choice(geography.MOBILE_PREFIXES) + f"{rng.randint(0, 99_999_999):08d}"
        return Identity(name=rng.choice(geography.SURNAMES) + given, id_number=number, phone=phone)
