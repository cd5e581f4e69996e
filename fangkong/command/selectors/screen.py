"""The wall screen (指挥大屏): what its panels share.

Every panel reads the viewer's part of the city (the scope of each area's own selectors, as
the dashboard does), narrowed to one district when the screen shows one, over a window of
whole local days ending today. Series are counted in the database, grouped by day (a day is
the city's local day: `TruncDate` in the current time zone), and stocks (people in a room, a
bed taken, a venue closed) are rebuilt day by day from the stock at the window's start plus
the starts and ends of each day, each of these one grouped query: no query per day or per row.
The panels themselves are in `screen_map`, `screen_trends`, `screen_capacity` and
`screen_feed`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from fangkong.accounts.scope import Scope, scope_of
from fangkong.core.trends import TrendWindow
from fangkong.jurisdictions.models import Jurisdiction, JurisdictionQuerySet, Level

# The windows the screen offers (days of trends).
SCREEN_DAYS = (7, 14, 30)
# Its panels, each read from its own endpoint (`/api/v1/command/screen/<name>/`).
SCREEN_PANEL_NAMES = ("map", "cases", "contacts", "quarantine", "beds", "venues", "reports", "feed")


class DistrictNotVisible(Exception):
    """The district asked for does not exist, is not a district, or lies outside the viewer's
    part of the city: the same answer for all three, so that it confirms nothing."""


@dataclass(frozen=True)
class ScreenArea:
    """The part of the city a panel counts: the viewer's scope, narrowed to `district` if one
    is chosen."""

    viewer: Any
    district: Jurisdiction | None = None

    @property
    def scope(self) -> Scope:
        return scope_of(self.viewer)

    def within(self, field: str) -> Q:
        """Rows whose `field` (a foreign key to Jurisdiction) lies in the chosen district; every
        row when none is chosen (the viewer's scope is applied by each area's selector)."""
        if self.district is None:
            return Q()
        inside = Jurisdiction.objects.filter(path__startswith=self.district.path).values("pk")
        return Q(**{f"{field}__in": inside})

    def query(self, **extra: object) -> str:
        """A list page's query string with the district (by id, as the list pages' filters
        take it) and `extra` parameters, empty values left out."""
        params = {key: value for key, value in extra.items() if value not in (None, "")}
        if self.district is not None:
            params["district"] = self.district.pk
        return urlencode(params)

    def link(self, name: str, *, district: bool = True, **extra: object) -> str:
        """The address of the list page `name` (a URL name) with the screen's filter."""
        query = self.query(**extra) if district else urlencode(extra)
        return reverse(name) + (f"?{query}" if query else "")


def screen_districts(*, viewer: Any) -> JurisdictionQuerySet:
    """The districts the viewer may see (the HQ: all of the city's; a district: its own)."""
    return (
        Jurisdiction.objects.districts()
        .filter(scope_of(viewer).jurisdiction_q("pk"))
        .order_by("code")
    )


def screen_district(*, viewer: Any, key: str | int | None) -> Jurisdiction | None:
    """The district named by id or by division code, if the viewer may see it; None for no
    key (the viewer's whole part of the city). Raises DistrictNotVisible otherwise."""
    if key in (None, ""):
        return None
    text = str(key).strip()
    if not text.isascii() or not text.isdigit():
        raise DistrictNotVisible
    districts = screen_districts(viewer=viewer)
    # A division code has six or more digits; an id fewer (the city has thousands of nodes).
    found = districts.filter(code=text).first() if len(text) >= 6 else None
    if found is None and len(text) <= 18:
        found = districts.filter(pk=int(text)).first()
    if found is None:
        raise DistrictNotVisible
    return found


@dataclass(frozen=True)
class Window:
    """Whole local days ending today: `start` is the first day's midnight, `now` the moment
    the figures are read at."""

    days: tuple[dt.date, ...]
    start: dt.datetime
    now: dt.datetime

    @property
    def labels(self) -> list[str]:
        return [day.isoformat() for day in self.days]

    def as_trend(self) -> TrendWindow:
        """The same days for the areas' own series (they end at the moment read: now)."""
        return TrendWindow(days=self.days, start=self.start, end=self.now)

    def end_of(self, day: dt.date) -> dt.datetime:
        """The moment a day's stock is read at: its end, or now for today."""
        end = midnight(day + dt.timedelta(days=1))
        return min(end, self.now)


def midnight(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def screen_window(*, days: int, now: dt.datetime | None = None) -> Window:
    moment = now or timezone.now()
    today = timezone.localdate(moment)
    first = today - dt.timedelta(days=days - 1)
    return Window(
        days=tuple(first + dt.timedelta(days=n) for n in range(days)),
        start=midnight(first),
        now=moment,
    )


def district_of_path(path: str, districts: Mapping[str, Jurisdiction]) -> Jurisdiction | None:
    """The district above a node, read from its path (city/district/...), no query."""
    for code in path.split("/"):
        if code in districts:
            return districts[code]
    return None


def district_index(districts: Iterable[Jurisdiction]) -> dict[str, Jurisdiction]:
    return {d.code: d for d in districts if d.level == Level.DISTRICT}
