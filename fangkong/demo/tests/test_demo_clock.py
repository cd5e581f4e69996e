"""The demo clock keeps the demo city living in the current hours (when it is turned on)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from fangkong.accounts.scope import CITY
from fangkong.demo.clock import clock_tick
from fangkong.demo.context import demo_today
from fangkong.demo.fixtures import DEMO_TODAY
from fangkong.operations.job_runner import run_jobs
from fangkong.venues.models import CheckIn
from fangkong.venues.selectors.occupancy import occupancy_by_venue, over_limit_in_scope

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_miniature")]


def _at(hour: int, minute: int) -> dt.datetime:
    # The demo's today, hours after the demo build's present (10:00).
    return dt.datetime.combine(
        DEMO_TODAY, dt.time(hour, minute), tzinfo=timezone.get_current_timezone()
    )


def test_the_demo_clock_is_off_unless_the_setting_turns_it_on(settings):
    settings.FANGKONG_DEMO_CLOCK = False
    assert clock_tick(_at(12, 30)) == 0
    assert occupancy_by_venue(at=_at(12, 30)) == {}


def test_after_the_demo_clock_runs_at_lunch_time_people_are_inside_venues(settings):
    settings.FANGKONG_DEMO_CLOCK = True
    now = _at(12, 30)
    assert occupancy_by_venue(at=now) == {}  # the build stops at its present, 10:00
    [outcome] = list(run_jobs(now, only=["demo"]))
    assert outcome.name == "demo.clock" and outcome.error == "" and outcome.done > 0
    inside = occupancy_by_venue(at=now)
    assert len(inside) > 1 and sum(inside.values()) > len(inside)


def test_after_the_demo_clock_runs_in_the_evening_a_bar_is_over_its_limit(settings):
    settings.FANGKONG_DEMO_CLOCK = True
    now = _at(21, 15)
    assert over_limit_in_scope(CITY, at=now) == []
    clock_tick(now)
    over = over_limit_in_scope(CITY, at=now)
    assert over and {row.venue.category for row in over} == {"bar"}


def test_the_demo_clock_sends_each_stay_once_and_its_check_out_when_it_is_over(settings):
    settings.FANGKONG_DEMO_CLOCK = True
    now = _at(21, 15)
    clock_tick(now)
    stored = CheckIn.objects.count()
    assert clock_tick(now) == 0  # the same moment again: nothing new
    running = CheckIn.objects.filter(source_record_id__startswith="demo-", check_out__isnull=True)
    open_before = running.count()
    later = now + dt.timedelta(hours=1)
    assert clock_tick(later) > 0
    assert CheckIn.objects.count() > stored
    assert running.filter(check_in__lte=now).count() < open_before  # check-outs came in


def test_a_demo_built_before_ten_in_the_morning_is_the_day_before_so_its_present_is_past():
    zone = timezone.get_current_timezone()
    early = dt.datetime(2026, 12, 4, 1, 22, tzinfo=zone)  # 17:22 UTC the day before
    assert demo_today(early) == dt.date(2026, 12, 3)
    assert demo_today(dt.datetime(2026, 12, 4, 10, 0, tzinfo=zone)) == dt.date(2026, 12, 4)
    assert demo_today(dt.datetime(2026, 12, 3, 17, 22, tzinfo=dt.UTC)) == dt.date(2026, 12, 3)
