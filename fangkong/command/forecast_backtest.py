"""The backtest of the preparedness forecast: for each day d of the history, the forecast made
with what was known at the end of d is compared with what happened on d+1 ... d+horizon, and
the error is summed up as the mean absolute percentage error (MAPE) per horizon day.

What happened: onsets by day as known now (cases found later are counted on their onset day);
rooms held at the end of each day (active placements, companions sharing a room not counted);
beds held at the end of each day in the ward kinds the forecast counts. Days on which nothing
happened (zero cases, rooms or beds) have no percentage error and are left out of the mean.

Run it with `fangkong forecast-backtest --days N` (management command).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.utils import timezone

from fangkong.command.conf import forecast_settings
from fangkong.command.forecast_inputs import daily_onsets, day_start, inside
from fangkong.command.forecasting import preparedness_forecast
from fangkong.hospitals.models import BedStay
from fangkong.jurisdictions.models import Jurisdiction
from fangkong.quarantine.models import Placement

RESOURCES = ("cases", "rooms", "beds")


@dataclass(frozen=True)
class HorizonError:
    """The error of the forecasts made `horizon` days ahead, by resource: the MAPE (a
    fraction, 0.1 = 10 %) and over how many days it is taken (None: no day to compare)."""

    horizon: int
    mape: dict[str, float | None]
    compared: dict[str, int]


@dataclass(frozen=True)
class Backtest:
    origins: list[dt.date]  # the days whose end each forecast was made at
    errors: list[HorizonError]
    district: Jurisdiction | None


def end_of(day: dt.date) -> dt.datetime:
    return day_start(day + dt.timedelta(days=1)) - dt.timedelta(seconds=1)


def rooms_held(*, area: Jurisdiction | None, day: dt.date) -> int:
    return (
        Placement.objects.present_at(end_of(day))
        .filter(companion_of__isnull=True)
        .filter(inside(area, "room__site__jurisdiction"))
        .values("room_id")
        .distinct()
        .count()
    )


def beds_held(*, area: Jurisdiction | None, day: dt.date) -> int:
    return (
        BedStay.objects.active_at(end_of(day))
        .filter(bed__ward__kind__in=list(forecast_settings().bed_kinds))
        .filter(inside(area, "bed__ward__hospital__jurisdiction"))
        .count()
    )


def mape(pairs: Iterable[tuple[float, float]]) -> tuple[float | None, int]:
    """Mean of |predicted − actual| / actual over the pairs whose actual is not zero."""
    errors = [abs(predicted - actual) / actual for predicted, actual in pairs if actual]
    return (sum(errors) / len(errors) if errors else None), len(errors)


def backtest(
    *,
    days: int,
    horizon: int = 7,
    district: Jurisdiction | None = None,
    until: dt.date | None = None,
    progress: Callable[[Iterable[dt.date]], Iterable[dt.date]] = lambda it: it,
) -> Backtest:
    """Forecasts made at the end of each of `days` days, the last `horizon` days before
    `until` (default: yesterday, the last complete day), scored on the days after each."""
    if not 1 <= horizon <= forecast_settings().horizon_days:
        raise ValueError(f"horizon must lie between 1 and {forecast_settings().horizon_days}")
    last_known = until or timezone.localdate() - dt.timedelta(days=1)
    last_origin = last_known - dt.timedelta(days=horizon)
    origins = [last_origin - dt.timedelta(days=n) for n in reversed(range(days))]
    first, last = origins[0], last_known
    onsets = daily_onsets(area=district, as_of=timezone.now(), first=first, last=last)
    happened: dict[dt.date, dict[str, int]] = {}
    for offset, count in enumerate(onsets):
        day = first + dt.timedelta(days=offset)
        if day > origins[0]:
            happened[day] = {
                "cases": count,
                "rooms": rooms_held(area=district, day=day),
                "beds": beds_held(area=district, day=day),
            }
    pairs: dict[tuple[int, str], list[tuple[float, float]]] = {}
    for origin in progress(origins):
        found = preparedness_forecast(district=district, at=end_of(origin))
        for row in found.days[:horizon]:
            actual = happened[row.date]
            f = row.forecast
            for resource, predicted in (
                ("cases", f.cases),
                ("rooms", float(f.rooms_needed)),
                ("beds", float(f.beds_needed)),
            ):
                pairs.setdefault((f.day, resource), []).append((predicted, actual[resource]))
    errors = []
    for ahead in range(1, horizon + 1):
        scored = {r: mape(pairs.get((ahead, r), [])) for r in RESOURCES}
        errors.append(
            HorizonError(
                horizon=ahead,
                mape={r: scored[r][0] for r in RESOURCES},
                compared={r: scored[r][1] for r in RESOURCES},
            )
        )
    return Backtest(origins=origins, errors=errors, district=district)


def backtest_table(result: Backtest) -> str:
    """The errors as a plain-text table, one line per horizon day."""

    def percent(value: float | None) -> str:
        return "—" if value is None else f"{value * 100:.1f}%"

    lines = [
        f"forecasts made at the end of {result.origins[0]} … {result.origins[-1]}"
        f" ({len(result.origins)} days), "
        + (f"district {result.district.name}" if result.district else "the whole city"),
        f"{'days ahead':>10}  {'cases MAPE':>10}  {'rooms MAPE':>10}  {'beds MAPE':>10}",
    ]
    for error in result.errors:
        lines.append(
            f"{error.horizon:>10}  " + "  ".join(f"{percent(error.mape[r]):>10}" for r in RESOURCES)
        )
    return "\n".join(lines)
