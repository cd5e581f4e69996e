"""Day series for the briefing's trend charts: each area counts its own rows over the last
FANGKONG_BRIEFING_TREND_DAYS days ending the briefing's day.

As on the wall screen (command/selectors/screen.py), a day is the city's local day (`TruncDate`
in the current time zone), a series is one grouped query (never a query per day), and a stock
(a person in a room, a bed taken) is rebuilt from the stock at the window's start plus each
day's starts less its ends. Nothing after the window's end is counted: a past day's briefing
reads the rows as they stood at that day's end.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from django.db.models import Q, QuerySet
from django.db.models.functions import TruncDate
from django.utils import timezone

from fangkong.core.conf import core_settings


@dataclass(frozen=True)
class TrendWindow:
    """Whole local days ending the briefing's day: `start` is the first day's midnight, `end`
    the moment the last day is read at (its end, or now for today)."""

    days: tuple[dt.date, ...]
    start: dt.datetime
    end: dt.datetime

    @property
    def labels(self) -> tuple[str, ...]:
        """The charts' x axis, e.g. "8/05" (as the forecast's charts write days)."""
        return tuple(f"{day.month}/{day.day:02d}" for day in self.days)

    def within(self, field: str) -> Q:
        """Rows whose moment `field` falls inside the window."""
        return Q(**{f"{field}__gte": self.start, f"{field}__lt": self.end})


def _midnight(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def trend_window(*, day: dt.date, days: int | None = None) -> TrendWindow:
    """The `days` days (FANGKONG_BRIEFING_TREND_DAYS unless given) ending `day`."""
    count = days if days is not None else core_settings().briefing_trend_days
    first = day - dt.timedelta(days=count - 1)
    return TrendWindow(
        days=tuple(first + dt.timedelta(days=n) for n in range(count)),
        start=_midnight(first),
        end=min(_midnight(day + dt.timedelta(days=1)), timezone.now()),
    )


def by_day(rows: QuerySet[Any], moment: Any, **aggregates: Any) -> dict[dt.date, dict[str, int]]:
    """`aggregates` of `rows` grouped by the local day of `moment` (a field name or an
    expression), in one query: day → {name: value}."""
    grouped = (
        rows.order_by()
        .annotate(trend_day=TruncDate(moment))
        .values("trend_day")
        .annotate(**aggregates)
    )
    return {row["trend_day"]: {name: int(row[name] or 0) for name in aggregates} for row in grouped}


class Days(Protocol):
    """A window of whole days: the briefing's `TrendWindow`, the wall screen's `Window`."""

    @property
    def days(self) -> tuple[dt.date, ...]: ...


def daily(counts: Mapping[dt.date, Mapping[str, int]], window: Days, name: str) -> tuple[int, ...]:
    """One count of `by_day` for every day of the window (0 where nothing was counted)."""
    return tuple(counts.get(day, {}).get(name, 0) for day in window.days)


def running(base: int, plus: Iterable[int], minus: Iterable[int]) -> tuple[int, ...]:
    """A stock at each day's end: what there was at the window's start, plus each day's
    arrivals, less each day's departures, accumulated."""
    changes = (p - m for p, m in zip(plus, minus, strict=True))
    return tuple(base + change for change in itertools.accumulate(changes))


def stock(
    rows: QuerySet[Any], window: TrendWindow, start_field: str, end_field: str, **counts: Any
) -> dict[str, tuple[int, ...]]:
    """Each of `counts` (conditional counts of `rows`, whose spans run from `start_field` to
    `end_field`, open while it is null) at every day's end of the window, from three grouped
    queries: present at the window's start, begun each day, ended each day."""
    present = Q(**{f"{start_field}__lt": window.start}) & (
        Q(**{f"{end_field}__isnull": True}) | Q(**{f"{end_field}__gte": window.start})
    )
    base = rows.filter(present).aggregate(**counts)
    began = by_day(rows.filter(window.within(start_field)), start_field, **counts)
    ended = by_day(rows.filter(window.within(end_field)), end_field, **counts)
    return {
        name: running(int(base[name] or 0), daily(began, window, name), daily(ended, window, name))
        for name in counts
    }
