"""The preparedness forecast (应急准备) of the city or one district: rooms and beds needed each
of the next days, against what is free and what the reserves add in time, and the day each
runs out. The inputs are gathered from the database (`forecast_inputs`, `forecast_observed`)
as known at a moment; the computation is `fangkong.analytics.forecast`. Every assumption is a
setting (`command.conf.forecast_settings`).

Read by the preparedness page, the API (the command screen's panel reads it there), the daily
briefing and the alert job. The forecast of the present moment is reused for a short while
(FANGKONG_DASHBOARD_CACHE_SECONDS): screens poll it.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from typing import Any

from django.core.cache import cache
from django.db.models import QuerySet
from django.utils import timezone

from fangkong.accounts.scope import scope_of
from fangkong.analytics.forecast import (
    BedInputs,
    Forecast,
    ForecastDay,
    ForecastInputs,
    Growth,
    RoomInputs,
    forecast,
)
from fangkong.command.conf import command_settings, forecast_settings
from fangkong.command.forecast_inputs import (
    Beds,
    Rooms,
    awaiting_admission,
    beds,
    daily_onsets,
    pipeline_contacts,
    rooms,
    travellers_per_day,
)
from fangkong.command.forecast_observed import DAY, SEVERITIES, Observed, mean_days, observed
from fangkong.hospitals.models import ClinicalClassification, WardKind
from fangkong.jurisdictions.models import Jurisdiction

ROOMS = "rooms"
BEDS = "beds"


@dataclass(frozen=True)
class DayRow:
    date: dt.date
    forecast: ForecastDay


@dataclass(frozen=True)
class PreparednessForecast:
    generated_at: dt.datetime
    as_of: dt.datetime
    today: dt.date  # day 0: the forecast's days are the next `horizon_days`
    district: Jurisdiction | None  # None: the whole city
    horizon_days: int
    window_days: int
    alert_days: int
    confidence_percent: int
    onset_days: tuple[dt.date, ...]
    onsets: tuple[int, ...]
    pipeline_contacts: int
    awaiting_admission: int
    travellers_per_day: float
    observed: Observed
    rooms: Rooms
    beds: Beds
    result: Forecast

    @property
    def growth(self) -> Growth:
        return self.result.growth

    @property
    def days(self) -> list[DayRow]:
        return [DayRow(self.today + dt.timedelta(days=d.day), d) for d in self.result.days]

    def on(self, day: int | None) -> dt.date | None:
        return None if day is None else self.today + dt.timedelta(days=day)

    @property
    def rooms_run_out(self) -> dt.date | None:
        return self.on(self.result.rooms_run_out)

    @property
    def rooms_run_out_pessimistic(self) -> dt.date | None:
        return self.on(self.result.rooms_run_out_pessimistic)

    @property
    def beds_run_out(self) -> dt.date | None:
        return self.on(self.result.beds_run_out)

    @property
    def beds_run_out_pessimistic(self) -> dt.date | None:
        return self.on(self.result.beds_run_out_pessimistic)

    def run_out(self, resource: str) -> int | None:
        """The day (1 = tomorrow) a resource runs out, central estimate."""
        return self.result.rooms_run_out if resource == ROOMS else self.result.beds_run_out

    def alerting(self, resource: str) -> bool:
        day = self.run_out(resource)
        return day is not None and day <= self.alert_days

    @property
    def quarantine_stay_days(self) -> float:
        return mean_days(self.observed.quarantine_stay)

    @property
    def admission_days(self) -> dict[str, float]:
        return {s: mean_days(self.observed.admission_stays[s]) for s in SEVERITIES}

    # What the page shows, in its units (percent) and words (labels).

    @property
    def rate_percents(self) -> tuple[float, float, float]:
        g = self.growth
        return round(g.rate * 100, 1), round(g.rate_low * 100, 1), round(g.rate_high * 100, 1)

    @property
    def doubling_days(self) -> float | None:
        days = self.growth.doubling_days
        return None if days is None else round(days, 1)

    @property
    def room_share_percent(self) -> int:
        return round(self.observed.room_share * 100)

    @property
    def severity_rows(self) -> list[tuple[str, int, float, bool]]:
        """(label, percent of new patients, mean days in hospital, whether those days are the
        settings' default) by severity."""
        days = self.admission_days
        return [
            (
                str(ClinicalClassification(s).label),
                round(self.observed.severity_mix[s] * 100),
                days[s],
                f"admission_days.{s}" in self.observed.defaults,
            )
            for s in SEVERITIES
        ]

    @property
    def beds_free_rows(self) -> list[tuple[str, int]]:
        return [
            (str(WardKind(k).label), n) for k, n in self.beds.free.items() if k in WardKind.values
        ]

    @property
    def defaults(self) -> frozenset[str]:
        return self.observed.defaults


def _window(today: dt.date, window_days: int, lag_days: int) -> tuple[dt.date, ...]:
    last = today - dt.timedelta(days=1 + lag_days)
    return tuple(last - dt.timedelta(days=n) for n in reversed(range(window_days)))


def preparedness_forecast(
    *, district: Jurisdiction | None = None, at: dt.datetime | None = None
) -> PreparednessForecast:
    """The forecast for the city (or a district's subtree) as known at `at` (default: now)."""
    conf = forecast_settings()
    as_of = at or timezone.now()
    today = timezone.localdate(as_of)
    window = _window(today, conf.window_days, conf.onset_lag_days)
    since = as_of - conf.window_days * DAY
    seen = observed(as_of=as_of, conf=conf)
    onsets = daily_onsets(area=district, as_of=as_of, first=window[0], last=window[-1])
    pipeline = pipeline_contacts(area=district, as_of=as_of, since=since)
    waiting = awaiting_admission(area=district, as_of=as_of, since=since)
    travellers = travellers_per_day(area=district, as_of=as_of, since=since, days=conf.window_days)
    held_rooms = rooms(area=district, as_of=as_of, observed=seen, conf=conf)
    held_beds = beds(area=district, as_of=as_of, observed=seen, conf=conf)
    result = forecast(
        ForecastInputs(
            onsets=tuple(onsets),
            days_ahead=(today - window[-1]).days,
            horizon=conf.horizon_days,
            rooms=RoomInputs(
                occupants=held_rooms.cohorts,
                pipeline_contacts=pipeline,
                contacts_per_case=seen.contacts_per_case,
                room_share=seen.room_share,
                stay=seen.quarantine_stay,
                capacity=held_rooms.capacity,
                other_per_day=travellers,
            ),
            beds=BedInputs(
                occupants=held_beds.cohorts,
                awaiting_admission=waiting,
                severity_mix=seen.severity_mix,
                stays=seen.admission_stays,
                capacity=held_beds.capacity,
            ),
            confidence=conf.confidence_percent / 100,
            min_cases=conf.min_cases,
            max_rate=math.log(2) / max(conf.min_doubling_days, 1),
        )
    )
    return PreparednessForecast(
        generated_at=timezone.now(),
        as_of=as_of,
        today=today,
        district=district,
        horizon_days=conf.horizon_days,
        window_days=conf.window_days,
        alert_days=conf.alert_days,
        confidence_percent=conf.confidence_percent,
        onset_days=window,
        onsets=tuple(onsets),
        pipeline_contacts=pipeline,
        awaiting_admission=waiting,
        travellers_per_day=travellers,
        observed=seen,
        rooms=held_rooms,
        beds=held_beds,
        result=result,
    )


def current_forecast(*, district: Jurisdiction | None = None) -> PreparednessForecast:
    """The forecast of the present, reused for FANGKONG_DASHBOARD_CACHE_SECONDS."""
    key = f"command:forecast:{district.pk if district else 'city'}"
    found = cache.get(key)
    if not isinstance(found, PreparednessForecast):
        found = preparedness_forecast(district=district)
        cache.set(key, found, command_settings().dashboard_cache_seconds)
    return found


# --- Who may ask for which area ------------------------------------------------------------


def forecast_districts(*, viewer: Any) -> QuerySet[Jurisdiction]:
    """The districts whose forecast the viewer may see (the HQ: every one; a district: its own)."""
    return Jurisdiction.objects.districts().filter(scope_of(viewer).jurisdiction_q("pk"))


def forecast_area(*, viewer: Any, district_id: int | None) -> Jurisdiction | None:
    """The area asked for: None (the city) by default for a city-wide viewer, their own
    jurisdiction for the others. Raises Jurisdiction.DoesNotExist for a district the viewer
    may not see (or none at all)."""
    if district_id is not None:
        return forecast_districts(viewer=viewer).get(pk=district_id)
    scope = scope_of(viewer)
    if scope.city_wide:
        return None
    if scope.nothing or viewer.jurisdiction is None:
        raise Jurisdiction.DoesNotExist
    return viewer.jurisdiction


# --- As data (the API's body, the page's chart) --------------------------------------------


def _rounded(value: float, places: int = 4) -> float:
    return round(value, places)


def forecast_data(found: PreparednessForecast) -> dict[str, Any]:
    """The forecast as the API sends it (`api/forecast.py` declares the shape)."""
    growth = found.growth
    doubling = growth.doubling_days
    return {
        "generated_at": found.generated_at,
        "district": found.district.pk if found.district else None,
        "horizon_days": found.horizon_days,
        "inputs": {
            "window_days": found.window_days,
            "growth_rate": _rounded(growth.rate),
            "growth_rate_low": _rounded(growth.rate_low),
            "growth_rate_high": _rounded(growth.rate_high),
            "growth_estimated": growth.estimated,
            "confidence_percent": found.confidence_percent,
            "doubling_days": None if doubling is None else round(doubling, 1),
            "onsets": [
                {"date": day, "count": count}
                for day, count in zip(found.onset_days, found.onsets, strict=True)
            ],
            "contacts_per_case": round(found.observed.contacts_per_case, 1),
            "room_share": round(found.observed.room_share, 3),
            "pipeline_contacts": found.pipeline_contacts,
            "travellers_per_day": round(found.travellers_per_day, 1),
            "awaiting_admission": found.awaiting_admission,
            "quarantine_stay_days": found.quarantine_stay_days,
            "admission_days": found.admission_days,
            "severity_mix": {s: round(v, 3) for s, v in found.observed.severity_mix.items()},
            "defaults": sorted(found.observed.defaults),
            "rooms_occupied": found.rooms.occupied,
            "rooms_free": found.rooms.free,
            "rooms_standby": found.rooms.standby,
            "beds_occupied": found.beds.occupied,
            "beds_free": found.beds.free,
            "beds_standby": found.beds.standby,
        },
        "days": [
            {
                "date": row.date,
                "cases": round(row.forecast.cases, 1),
                "cases_low": round(row.forecast.cases_low, 1),
                "cases_high": round(row.forecast.cases_high, 1),
                "rooms_needed": row.forecast.rooms_needed,
                "rooms_needed_high": row.forecast.rooms_needed_high,
                "rooms_available": row.forecast.rooms_available,
                "beds_needed": row.forecast.beds_needed,
                "beds_needed_high": row.forecast.beds_needed_high,
                "beds_available": row.forecast.beds_available,
            }
            for row in found.days
        ],
        "runs_out": {
            "rooms": found.rooms_run_out,
            "rooms_pessimistic": found.rooms_run_out_pessimistic,
            "beds": found.beds_run_out,
            "beds_pessimistic": found.beds_run_out_pessimistic,
        },
        "alert_days": found.alert_days,
    }
