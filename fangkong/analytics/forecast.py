"""The preparedness forecast (应急准备): how many quarantine rooms and hospital beds the next days
need, and the first day each runs out. Pure computation: no Django, nothing else of fangkong;
the command area gathers the inputs from the database (`fangkong/command/forecasting.py`).

The model, step by step (every number it assumes is an input; the platform names each one a
setting):

1. **Growth.** Daily onsets over the last `window` days are fitted with a Poisson regression
   on a log link, log E[onsets(t)] = a + r·t, by iteratively reweighted least squares. `r` is
   the epidemic growth rate per day (doubling time ln 2 / r when r > 0). Its band is
   r ± z·se(r), z the normal quantile of the confidence asked for, se from the Fisher
   information scaled by the over-dispersion (quasi-Poisson: Pearson χ² / (n − 2), at least 1,
   so that clustered onsets widen the band instead of being believed). With fewer than
   `min_cases` onsets in the window the data say nothing of a slope: the series is taken as
   flat at its mean (r = 0, `estimated` false). |r| is capped at `max_rate` (the
   likelihood's optimum runs off to infinity when every onset sits on the last days).
2. **Cases.** Expected new cases on forecast day h (tomorrow is day 1) extrapolate the fitted
   line, exp(a + r·t); low and high are the confidence band of the fitted mean at t (intercept
   and slope uncertainty together). Onsets stand for the cases the next days bring: a case is
   admitted a day or two after its onset, a delay the model leaves out (its projection is,
   if anything, early).
3. **Rooms.** Occupancy on day h = occupants already placed who have not left yet (each cohort
   leaves as its stay ends) + contacts found but not yet placed (placed on day 1) + for every
   day j ≤ h the contacts of day j's cases (cases × contacts per case × share of contacts who
   take a room) + other arrivals (inbound travellers) at their observed daily rate, each still
   there with the probability that a stay lasts longer than h − j days.
4. **Beds.** Occupancy on day h = patients in beds who have not left yet (each with the
   remaining stay of its severity, given the days already spent) + cases awaiting admission
   (admitted on day 1) + the cases of each day j ≤ h, mixed by severity, each severity with
   its length of admission.
5. **Capacity.** Places usable now (occupied and free) plus each reserve (a standby site, a
   standby hospital) from the day its activation lead time has passed. A resource runs out on
   the first day its rounded need passes what is usable that day: central (expected cases) and
   pessimistic (the high end of the band).

Deterministic: the same inputs give the same forecast, bit for bit.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from statistics import NormalDist

import numpy as np

from fangkong.analytics.forecast_stays import (
    Capacity,
    Cohort,
    Reserve,
    Stay,
    first_shortfall,
    occupancy,
    whole,
)

__all__ = [
    "BedInputs",
    "Capacity",
    "Cohort",
    "Forecast",
    "ForecastDay",
    "ForecastInputs",
    "Growth",
    "Reserve",
    "RoomInputs",
    "Stay",
    "estimate_growth",
    "first_shortfall",
    "forecast",
    "new_patient_stay",
    "occupancy",
    "whole",
    "z_for",
]

# The likelihood's optimum is found to this precision in the slope (per day).
_TOLERANCE = 1e-10
_MAX_ITERATIONS = 100


# --- Growth --------------------------------------------------------------------------------


# Per day: a doubling time of about two thousand years; far below any rate worth a figure.
_FLAT_RATE = 1e-6


@dataclass(frozen=True)
class Growth:
    """The growth of daily onsets fitted over a window whose last day is t = 0.

    `level` is the fitted expected onsets on that last day; the band of the fitted mean at any
    t comes from the variances of log(level) and of the rate and their covariance."""

    rate: float
    rate_low: float
    rate_high: float
    level: float
    window_days: int
    cases: int  # onsets in the window
    estimated: bool  # False: too few onsets for a slope, taken as flat
    z: float
    var_log_level: float = 0.0
    var_rate: float = 0.0
    cov: float = 0.0

    @property
    def doubling_days(self) -> float | None:
        """ln 2 / r while onsets grow; None when they do not. A flat series' fitted rate is
        zero give or take the solver's round-off (8e-19 in one clean run: a doubling time of
        10^15 years): under _FLAT_RATE it is no growth."""
        return math.log(2) / self.rate if self.rate > _FLAT_RATE else None

    def expected(self, t: float) -> tuple[float, float, float]:
        """Expected onsets t days after the window's last day: central, low, high."""
        if self.level <= 0:
            return 0.0, 0.0, 0.0
        eta = math.log(self.level) + self.rate * t
        variance = self.var_log_level + t * t * self.var_rate + 2 * t * self.cov
        spread = self.z * math.sqrt(max(variance, 0.0))
        return math.exp(eta), math.exp(eta - spread), math.exp(eta + spread)


def z_for(confidence: float) -> float:
    """The two-sided normal quantile of a confidence level (0.95 → 1.96)."""
    if not 0 < confidence < 1:
        raise ValueError("confidence must lie between 0 and 1")
    return NormalDist().inv_cdf(0.5 + confidence / 2)


def _fit_poisson(y: np.ndarray, t: np.ndarray, max_rate: float) -> tuple[float, float]:
    """Maximum-likelihood (intercept, slope) of log E[y] = b0 + r·t (t centred), the slope
    held within ±max_rate."""
    b = np.array([math.log(y.mean()), 0.0])
    design = np.column_stack([np.ones_like(t), t])
    for _ in range(_MAX_ITERATIONS):
        mu = np.exp(design @ b)
        working = design @ b + (y - mu) / mu
        weighted = design * mu[:, None]
        step = np.linalg.solve(design.T @ weighted, weighted.T @ working)
        converged = abs(step[1] - b[1]) < _TOLERANCE
        b = step
        if abs(b[1]) > 4 * max_rate:
            break
        if converged:
            break
    rate = float(b[1])
    if abs(rate) <= max_rate:
        return float(b[0]), rate
    rate = math.copysign(max_rate, rate)
    # The intercept that fits the total for the capped slope.
    return math.log(float(y.sum()) / float(np.exp(rate * t).sum())), rate


def estimate_growth(
    onsets: Sequence[int],
    *,
    confidence: float = 0.95,
    min_cases: int = 10,
    max_rate: float = math.log(2),
) -> Growth:
    """The growth rate of daily onsets (oldest first; the last is day t = 0) and its band."""
    y = np.asarray(onsets, dtype=float)
    n = int(y.size)
    if n == 0 or np.any(y < 0):
        raise ValueError("onsets must be counts of at least one day")
    z = z_for(confidence)
    total = int(y.sum())
    if total == 0:
        return Growth(0.0, 0.0, 0.0, 0.0, n, 0, estimated=False, z=z)
    if total < min_cases or n < 3:
        mean = total / n
        # The log of a Poisson mean estimated from `total` events has variance 1/total.
        return Growth(0.0, 0.0, 0.0, mean, n, total, estimated=False, z=z, var_log_level=1 / total)
    t = np.arange(n, dtype=float) - (n - 1)
    centre = float(t.mean())
    tc = t - centre
    b0, rate = _fit_poisson(y, tc, max_rate)
    mu = np.exp(b0 + rate * tc)
    design = np.column_stack([np.ones_like(tc), tc])
    information = design.T @ (design * mu[:, None])
    pearson = float((((y - mu) ** 2) / mu).sum())
    dispersion = max(1.0, pearson / (n - 2))
    covariance = np.linalg.inv(information) * dispersion
    var_b0, var_rate, cov_b0 = (
        float(covariance[0, 0]),
        float(covariance[1, 1]),
        float(covariance[0, 1]),
    )
    # Moved to the window's last day (t = 0, i.e. tc = -centre).
    var_log_level = var_b0 + centre * centre * var_rate - 2 * centre * cov_b0
    cov = cov_b0 - centre * var_rate
    spread = z * math.sqrt(var_rate)
    low = max(rate - spread, -max_rate)
    high = min(rate + spread, max_rate)
    return Growth(
        rate=rate,
        rate_low=low,
        rate_high=high,
        level=math.exp(b0 - rate * centre),
        window_days=n,
        cases=total,
        estimated=True,
        z=z,
        var_log_level=var_log_level,
        var_rate=var_rate,
        cov=cov,
    )


# --- Demand and run-out --------------------------------------------------------------------


@dataclass(frozen=True)
class RoomInputs:
    occupants: tuple[Cohort, ...]  # people in rooms now, by when they leave
    pipeline_contacts: int  # found, not yet placed: placed on day 1
    contacts_per_case: float
    room_share: float  # of contacts, the share who take a room (0..1)
    stay: Stay  # a new arrival's stay in a room
    capacity: Capacity
    other_per_day: float = 0.0  # arrivals not from cases (inbound travellers), per day


@dataclass(frozen=True)
class BedInputs:
    occupants: tuple[Cohort, ...]  # patients in beds now, by severity and days in hospital
    awaiting_admission: int  # cases not admitted yet: admitted on day 1
    severity_mix: Mapping[str, float]  # severity -> share of new patients (any positive sum)
    stays: Mapping[str, Stay]  # severity -> length of admission
    capacity: Capacity


@dataclass(frozen=True)
class ForecastInputs:
    onsets: tuple[int, ...]  # daily onsets of the window, oldest first
    days_ahead: int  # days from the window's last day to today (day 0 of the forecast)
    horizon: int
    rooms: RoomInputs
    beds: BedInputs
    confidence: float = 0.95
    min_cases: int = 10
    max_rate: float = math.log(2)


@dataclass(frozen=True)
class ForecastDay:
    day: int  # 1 = tomorrow
    cases: float
    cases_low: float
    cases_high: float
    rooms_needed: int
    rooms_needed_high: int
    rooms_available: int
    beds_needed: int
    beds_needed_high: int
    beds_available: int


@dataclass(frozen=True)
class Forecast:
    growth: Growth
    days: tuple[ForecastDay, ...]
    rooms_run_out: int | None  # the first day short of rooms (central), or None
    rooms_run_out_pessimistic: int | None
    beds_run_out: int | None
    beds_run_out_pessimistic: int | None
    new_patient_stay: Stay  # the admission length of a new patient, severities mixed


def _rooms(inputs: RoomInputs, cases: Sequence[float], horizon: int) -> list[int]:
    per_case = inputs.contacts_per_case * inputs.room_share
    arrivals = [c * per_case + inputs.other_per_day for c in cases]
    if arrivals:
        arrivals[0] += inputs.pipeline_contacts * inputs.room_share
    return [
        whole(v)
        for v in occupancy(
            occupants=inputs.occupants, arrivals=arrivals, stay=inputs.stay, horizon=horizon
        )
    ]


def new_patient_stay(inputs: BedInputs) -> Stay:
    """The admission length of a new patient of unknown severity: the stays mixed by severity."""
    parts = [
        (share, inputs.stays[severity])
        for severity, share in inputs.severity_mix.items()
        if severity in inputs.stays
    ]
    return Stay.mixture(parts) if parts else Stay.fixed(0)


def _beds(inputs: BedInputs, cases: Sequence[float], horizon: int, stay: Stay) -> list[int]:
    arrivals = list(cases)
    if arrivals:
        arrivals[0] += inputs.awaiting_admission
    return [
        whole(v)
        for v in occupancy(
            occupants=inputs.occupants, arrivals=arrivals, stay=stay, horizon=horizon
        )
    ]


def forecast(inputs: ForecastInputs) -> Forecast:
    """Cases, rooms and beds for days 1..horizon, and the first day each runs out."""
    growth = estimate_growth(
        inputs.onsets,
        confidence=inputs.confidence,
        min_cases=inputs.min_cases,
        max_rate=inputs.max_rate,
    )
    horizon = inputs.horizon
    expected = [growth.expected(inputs.days_ahead + day) for day in range(1, horizon + 1)]
    central = [e[0] for e in expected]
    high = [e[2] for e in expected]
    stay = new_patient_stay(inputs.beds)
    rooms, rooms_high = _rooms(inputs.rooms, central, horizon), _rooms(inputs.rooms, high, horizon)
    beds = _beds(inputs.beds, central, horizon, stay)
    beds_high = _beds(inputs.beds, high, horizon, stay)
    room_places = [inputs.rooms.capacity.on(day) for day in range(1, horizon + 1)]
    bed_places = [inputs.beds.capacity.on(day) for day in range(1, horizon + 1)]
    days = tuple(
        ForecastDay(
            day=day,
            cases=expected[day - 1][0],
            cases_low=expected[day - 1][1],
            cases_high=expected[day - 1][2],
            rooms_needed=rooms[day - 1],
            rooms_needed_high=rooms_high[day - 1],
            rooms_available=room_places[day - 1],
            beds_needed=beds[day - 1],
            beds_needed_high=beds_high[day - 1],
            beds_available=bed_places[day - 1],
        )
        for day in range(1, horizon + 1)
    )
    return Forecast(
        growth=growth,
        days=days,
        rooms_run_out=first_shortfall(rooms, room_places),
        rooms_run_out_pessimistic=first_shortfall(rooms_high, room_places),
        beds_run_out=first_shortfall(beds, bed_places),
        beds_run_out_pessimistic=first_shortfall(beds_high, bed_places),
        new_patient_stay=stay,
    )
