"""The preparedness forecast's computation (fangkong/analytics/forecast.py), on synthetic series
whose truth is known."""

from __future__ import annotations

import math

import numpy as np
import pytest

from fangkong.analytics.forecast import (
    BedInputs,
    Capacity,
    Cohort,
    ForecastInputs,
    Reserve,
    RoomInputs,
    Stay,
    estimate_growth,
    first_shortfall,
    forecast,
    occupancy,
)

DOUBLING_DAYS = 3.0
TRUE_RATE = math.log(2) / DOUBLING_DAYS


def _outbreak(days: int = 14, start: float = 5.0) -> list[float]:
    return [start * 2 ** (t / DOUBLING_DAYS) for t in range(days)]


def _inputs(
    onsets: list[int],
    *,
    rooms_now: int = 1000,
    reserves: tuple[Reserve, ...] = (),
    beds_now: int = 1000,
    contacts_per_case: float = 2.0,
    stay: Stay | None = None,
    occupants: tuple[Cohort, ...] = (),
    pipeline: int = 0,
) -> ForecastInputs:
    long_stay = Stay.fixed(30)
    return ForecastInputs(
        onsets=tuple(onsets),
        days_ahead=1,
        horizon=14,
        rooms=RoomInputs(
            occupants=occupants,
            pipeline_contacts=pipeline,
            contacts_per_case=contacts_per_case,
            room_share=1.0,
            stay=stay or long_stay,
            capacity=Capacity(rooms_now, reserves),
        ),
        beds=BedInputs(
            occupants=(),
            awaiting_admission=0,
            severity_mix={"mild": 1.0},
            stays={"mild": long_stay},
            capacity=Capacity(beds_now),
        ),
    )


def test_an_exact_outbreak_doubling_every_three_days_gives_its_doubling_time():
    growth = estimate_growth([round(n) for n in _outbreak()])
    assert growth.estimated
    assert growth.rate_low < TRUE_RATE < growth.rate_high
    assert growth.doubling_days == pytest.approx(DOUBLING_DAYS, rel=0.02)


@pytest.mark.parametrize("seed", [1, 7, 2021])
def test_a_noisy_poisson_outbreak_gives_a_band_that_contains_the_true_growth(seed):
    rng = np.random.default_rng(seed)
    onsets = [int(n) for n in rng.poisson(_outbreak())]
    growth = estimate_growth(onsets)
    assert growth.rate_low < TRUE_RATE < growth.rate_high
    assert growth.rate_high - growth.rate_low < 0.15  # a band that says something


def test_a_flat_series_gives_no_growth_and_no_doubling_time():
    growth = estimate_growth([10] * 14)
    assert growth.rate == pytest.approx(0, abs=1e-9)
    assert growth.rate_low < 0 < growth.rate_high
    assert growth.doubling_days is None
    assert growth.expected(5)[0] == pytest.approx(10)


def test_a_declining_outbreak_has_a_negative_rate_and_no_doubling_time():
    growth = estimate_growth([round(80 * 2 ** (-t / 4)) for t in range(14)])
    assert growth.rate_high < 0 and growth.doubling_days is None


def test_zero_cases_give_no_growth_no_cases_and_no_run_out():
    result = forecast(_inputs([0] * 14, rooms_now=0, beds_now=0))
    assert result.growth.rate == 0 and not result.growth.estimated
    assert all(d.cases == d.cases_high == 0 for d in result.days)
    assert all(d.rooms_needed == d.beds_needed == 0 for d in result.days)
    assert result.rooms_run_out is None and result.beds_run_out is None
    assert result.rooms_run_out_pessimistic is None and result.beds_run_out_pessimistic is None


def test_a_few_scattered_cases_are_taken_as_flat_at_their_mean():
    growth = estimate_growth([0, 1, 0, 0, 2, 0, 0, 0, 1, 0, 0, 0, 0, 3], min_cases=10)
    assert not growth.estimated and growth.rate == 0
    assert growth.expected(3)[0] == pytest.approx(7 / 14)


def test_onsets_only_on_the_last_days_are_capped_at_doubling_every_day():
    growth = estimate_growth([0] * 12 + [8, 16])
    assert growth.rate == pytest.approx(math.log(2))
    assert growth.rate_high <= math.log(2)


def test_a_reserve_sized_to_run_out_on_the_fourth_day_says_day_four():
    # 10 cases a day, 2 contacts each, nobody leaves within the horizon: 20 more rooms a day,
    # 20, 40, 60, 80 needed on days 1..4; 70 rooms usable.
    result = forecast(_inputs([10] * 14, rooms_now=70))
    assert [d.rooms_needed for d in result.days[:4]] == [20, 40, 60, 80]
    assert result.rooms_run_out == 4
    assert result.beds_run_out is None


def test_a_reserve_activated_in_time_pushes_the_run_out_back():
    late = forecast(_inputs([10] * 14, rooms_now=70, reserves=(Reserve(100, lead_days=5),)))
    early = forecast(_inputs([10] * 14, rooms_now=70, reserves=(Reserve(100, lead_days=3),)))
    assert late.rooms_run_out == 4
    assert early.rooms_run_out == 9  # 170 rooms from day 3: 180 needed on day 9
    assert [d.rooms_available for d in early.days[:4]] == [70, 70, 170, 170]


def test_the_pessimistic_run_out_comes_no_later_than_the_central_one():
    onsets = [round(n) for n in _outbreak()]
    result = forecast(_inputs(onsets, rooms_now=2500, beds_now=1200))
    assert result.rooms_run_out is not None and result.rooms_run_out_pessimistic is not None
    assert result.rooms_run_out_pessimistic <= result.rooms_run_out
    assert result.beds_run_out_pessimistic is not None and result.beds_run_out is not None
    assert result.beds_run_out_pessimistic <= result.beds_run_out
    assert all(d.rooms_needed_high >= d.rooms_needed for d in result.days)


def test_occupants_leave_as_their_stays_end_and_new_arrivals_stay_their_length():
    leaving_in_3 = Cohort(10, Stay.fixed(3))  # present today, tomorrow and the day after
    present = occupancy(
        occupants=(leaving_in_3,), arrivals=[4, 0, 0, 0], stay=Stay.fixed(2), horizon=4
    )
    assert present == [14, 14, 0, 0]


def test_a_patient_already_in_hospital_has_only_the_rest_of_their_stay():
    stay = Stay.fixed(10)
    assert Cohort(1, stay, age=7).present(2) == 1 and Cohort(1, stay, age=7).present(3) == 0
    # Longer there than any stay known: leaves tomorrow.
    assert Cohort(1, stay, age=12).present(1) == 0


def test_kaplan_meier_counts_stays_still_running_without_shortening_the_stay():
    # Early in an outbreak nobody has finished a 14-day stay: only the few transferred out
    # early have ended. Counting only those would say a stay lasts 2 days.
    tail = Stay.fixed(14)
    stay = Stay.kaplan_meier(ended=[2], ongoing=[5, 6, 7, 8, 9, 10, 11, 12, 13], tail=tail)
    assert stay.at(1) == 1 and stay.at(2) == pytest.approx(0.9)
    assert stay.mean == pytest.approx(0.1 * 2 + 0.9 * 14)


def test_observed_stays_keep_their_mean():
    stay = Stay.observed([14, 13.5, 2])
    assert stay.mean == pytest.approx((14 + 13.5 + 2) / 3)
    assert Stay.mixture([(1, Stay.fixed(10)), (3, Stay.fixed(20))]).mean == pytest.approx(17.5)


def test_first_shortfall_is_the_first_day_needing_more_than_there_is():
    assert first_shortfall([1, 5, 9], [5, 5, 5]) == 3
    assert first_shortfall([1, 5, 5], [5, 5, 5]) is None


def test_the_forecast_is_deterministic():
    onsets = [round(n) for n in _outbreak()]
    assert forecast(_inputs(onsets)) == forecast(_inputs(onsets))
