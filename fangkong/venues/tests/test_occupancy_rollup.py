"""The running occupancy count (PostgreSQL) gives, at every instant it answers for, exactly
the people a count of the stays gives: after inserts, check-outs, deletes, a fold, a day
moved out of DEFAULT and a day dropped."""

from __future__ import annotations

import datetime as dt
import random
import threading
import time
from collections.abc import Callable
from functools import partial

import pytest
from django.db import connection, transaction

from fangkong.testing.concurrency import run_concurrently
from fangkong.venues import jobs
from fangkong.venues.checkin_days import (
    checkin_day_bounds,
    checkin_day_remove,
    checkin_partitions_ensure,
)
from fangkong.venues.models import CheckIn, CheckInSource, Venue
from fangkong.venues.occupancy_rollup import (
    base_table,
    minute_table,
    occupancy_rollup_fold,
    rollup_counts,
    rollup_mark,
)
from fangkong.venues.selectors.occupancy_sql import occupancy_counts
from fangkong.venues.tests.factories import persons

pytestmark = pytest.mark.postgres

# A day with no partition of its own (partitions exist for today and a few days ahead): its
# rows wait in DEFAULT until the day is created.
DAY = dt.date(2031, 3, 14)


def _inside(stays: list[CheckIn], at: dt.datetime, *, stay_minutes: int, window_hours: int):
    """The stays counted one by one, by the rule of `occupancy_sql`."""
    counts: dict[int, int] = {}
    for s in stays:
        end = s.check_out or s.check_in + dt.timedelta(minutes=stay_minutes)
        end = min(end, s.check_in + dt.timedelta(hours=window_hours))
        if s.check_in <= at < end:
            counts[s.venue_id] = counts.get(s.venue_id, 0) + 1
    return counts


def _expected(at: dt.datetime, settings) -> dict[int, int]:
    return _inside(
        list(CheckIn.objects.all()),
        at,
        stay_minutes=settings.FANGKONG_TRACE_DEFAULT_STAY_MINUTES,
        window_hours=settings.FANGKONG_VENUE_OCCUPANCY_MAX_STAY_HOURS,
    )


def _random_stays(venues: list[Venue], start: dt.datetime, rng: random.Random) -> list[CheckIn]:
    people = persons(30)
    rows = []
    for n in range(240):
        # Whole minutes and odd seconds both: a minute's edge is where the count and the
        # stays it leaves to be counted meet.
        seconds = rng.randrange(0, 30 * 3600)
        if n % 3 == 0:
            seconds -= seconds % 60
        check_in = start + dt.timedelta(seconds=seconds)
        kind = rng.random()
        if kind < 0.3:
            check_out = None
        elif kind < 0.9:
            check_out = check_in + dt.timedelta(minutes=rng.choice([1, 7, 59, 60, 61, 300]))
        else:  # past the window (still counted only for its 12 hours)
            check_out = check_in + dt.timedelta(hours=rng.choice([12, 13, 30]))
        rows.append(
            CheckIn(
                person=people[n % len(people)],
                venue=venues[n % len(venues)],
                check_in=check_in,
                check_out=check_out,
                source=CheckInSource.MANUAL,
            )
        )
    return rows


def _instants(start: dt.datetime, rng: random.Random) -> list[dt.datetime]:
    events = [
        moment
        for stay in CheckIn.objects.all()
        for moment in (stay.check_in, stay.check_out)
        if moment is not None
    ]
    picked = rng.sample(events, 40)
    second = dt.timedelta(seconds=1)
    return sorted(
        {m + shift for m in picked for shift in (-second, dt.timedelta(0), second)}
        | {start + dt.timedelta(minutes=37 * k, seconds=13 * k) for k in range(60)}
    )


def _assert_matches(instants: list[dt.datetime], settings, *, from_count: bool) -> None:
    for at in instants:
        kept = rollup_counts(at=at)
        assert (kept is not None) == from_count, at
        assert occupancy_counts(at=at) == _expected(at, settings), at
        if kept is not None:
            assert kept == _expected(at, settings), at


def test_the_count_agrees_with_the_stays_through_inserts_check_outs_deletes_and_a_fold(
    bar, second_bar, ktv, settings
):
    # Given stays at three venues written in bulk, one by one, checked out and deleted
    rng = random.Random(16)
    start, _end = checkin_day_bounds(DAY)
    venues = [bar, second_bar, ktv]
    rows = _random_stays(venues, start, rng)
    CheckIn.objects.bulk_create(rows[:200])
    for row in rows[200:]:
        row.save()
    open_stays = CheckIn.objects.filter(check_out__isnull=True).order_by("pk")
    for stay in list(open_stays[:20]):
        stay.check_out = stay.check_in + dt.timedelta(minutes=rng.choice([5, 95]))
        stay.save(update_fields=["check_out"])
    CheckIn.objects.filter(pk__in=[r.pk for r in rows[::17]]).delete()
    CheckIn.objects.filter(pk__in=[r.pk for r in rows[1::19]]).update(venue=ktv)
    instants = _instants(start, rng)

    # Then the count answers for every instant, as the stays do
    mark = rollup_mark()
    assert mark is not None and mark.folded_to is None
    _assert_matches(instants, settings, from_count=True)

    # When the minutes before the middle of the day are folded into one row a venue
    middle = start + dt.timedelta(hours=15, seconds=30)
    assert occupancy_rollup_fold(to=middle) > 0
    with connection.cursor() as cursor:
        cursor.execute(f'SELECT min(at_minute) FROM "{minute_table()}"')
        assert cursor.fetchone()[0] >= middle.replace(second=0)

    # Then it still answers from there on, and before it the stays are counted instead
    _assert_matches(
        [t for t in instants if t >= middle.replace(second=0)], settings, from_count=True
    )
    _assert_matches(
        [t for t in instants if t < middle.replace(second=0)], settings, from_count=False
    )
    # A late record of a folded hour still counts.
    CheckIn.objects.create(
        person=persons(1, start=900)[0],
        venue=bar,
        check_in=start + dt.timedelta(hours=14, minutes=50),
        check_out=None,
        source=CheckInSource.MANUAL,
    )
    _assert_matches([middle, middle + dt.timedelta(minutes=1)], settings, from_count=True)


def test_a_day_moved_out_of_default_and_then_dropped_leaves_the_count_exact(
    bar, second_bar, settings
):
    rng = random.Random(61)
    start, _end = checkin_day_bounds(DAY)
    CheckIn.objects.bulk_create(_random_stays([bar, second_bar], start, rng))
    instants = _instants(start, rng)

    assert checkin_partitions_ensure(days=[DAY]) == [DAY]
    _assert_matches(instants, settings, from_count=True)

    assert checkin_day_remove(day=DAY, reason="test", by=None) > 0
    _assert_matches(instants, settings, from_count=True)


def test_a_changed_default_stay_counts_stays_until_the_job_rebuilds_the_count(bar, settings):
    start, _end = checkin_day_bounds(DAY)
    CheckIn.objects.bulk_create(_random_stays([bar], start, random.Random(7)))
    at = start + dt.timedelta(hours=20, minutes=10, seconds=5)

    settings.FANGKONG_TRACE_DEFAULT_STAY_MINUTES = 30
    assert rollup_counts(at=at) is None
    assert occupancy_counts(at=at) == _expected(at, settings)

    assert jobs.run_checkin_occupancy(at) == 1
    mark = rollup_mark()
    assert mark is not None and mark.default_stay_minutes == 30
    assert rollup_counts(at=at) == _expected(at, settings)


@pytest.mark.django_db(transaction=True)
def test_writers_and_folds_at_once_lose_no_event_and_count_none_twice(bar, second_bar, settings):
    # Given four writers, each checking people in and out one transaction at a time around
    # the minutes that two folders keep folding past
    start, _end = checkin_day_bounds(DAY)
    people = persons(40)
    noon = start + dt.timedelta(hours=12)

    def writer(first: int) -> None:
        rng = random.Random(first)
        for n in range(first, first + 10):
            with transaction.atomic():
                stay = CheckIn.objects.create(
                    person=people[n],
                    venue=(bar, second_bar)[n % 2],
                    check_in=noon + dt.timedelta(seconds=rng.randrange(0, 600)),
                    source=CheckInSource.MANUAL,
                )
            if n % 3:
                with transaction.atomic():
                    stay.check_out = stay.check_in + dt.timedelta(seconds=rng.randrange(1, 900))
                    stay.save(update_fields=["check_out"])

    def folder(offset: int) -> None:
        for minute in range(offset, 12, 2):
            occupancy_rollup_fold(to=noon + dt.timedelta(minutes=minute))

    # When they all run at once
    calls: list[Callable[[], None]] = [partial(writer, first) for first in (0, 10, 20, 30)]
    outcomes = run_concurrently(calls + [partial(folder, offset) for offset in (0, 1)])

    # Then nothing failed, and the count says what the stays say at every instant after the
    # last fold
    assert outcomes.errors == []
    assert CheckIn.objects.count() == 40
    mark = rollup_mark()
    assert mark is not None and mark.folded_to == noon + dt.timedelta(minutes=11)
    for second in range(0, 25 * 60, 7):
        at = noon + dt.timedelta(minutes=11, seconds=second)
        assert rollup_counts(at=at) == _expected(at, settings), at


@pytest.mark.django_db(transaction=True)
def test_a_fold_between_a_writers_two_halves_loses_none_of_its_events(bar, settings):
    # Given a count folded to noon, a stay already counted in the base, and another
    # transaction holding the venue's base row, so that a writer whose stay has an event
    # before the mark (which goes to the base) and one after it (to a minute) waits there
    start, _end = checkin_day_bounds(DAY)
    noon = start + dt.timedelta(hours=12)
    first, second = persons(2)
    CheckIn.objects.create(
        person=first,
        venue=bar,
        check_in=noon - dt.timedelta(hours=2),
        check_out=noon + dt.timedelta(hours=3),
        source=CheckInSource.MANUAL,
    )
    occupancy_rollup_fold(to=noon)
    holding, release, writer_pid = threading.Event(), threading.Event(), []

    def hold_the_base_row() -> None:
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(
                    f"SELECT 1 FROM {base_table()} WHERE venue_id = %s FOR UPDATE", [bar.pk]
                )
                holding.set()
                release.wait(30)
        finally:
            connection.close()

    def write() -> None:
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_backend_pid()")
                writer_pid.append(cursor.fetchone()[0])
            CheckIn.objects.create(
                person=second,
                venue=bar,
                check_in=noon - dt.timedelta(minutes=30),
                check_out=noon + dt.timedelta(minutes=5),
                source=CheckInSource.MANUAL,
            )
        finally:
            connection.close()

    holder, writer = threading.Thread(target=hold_the_base_row), threading.Thread(target=write)
    holder.start()
    assert holding.wait(30)
    writer.start()
    _wait_until_waiting_for_a_lock(writer_pid)

    # When a fold past the writer's check-out commits while the writer waits, and the writer
    # then goes on
    occupancy_rollup_fold(to=noon + dt.timedelta(minutes=10))
    release.set()
    holder.join(30)
    writer.join(30)

    # Then the count still says what the stays say: the second person left at 12:05
    for minutes in (10, 11, 60, 200):
        at = noon + dt.timedelta(minutes=minutes)
        assert rollup_counts(at=at) == _expected(at, settings), at


def _wait_until_waiting_for_a_lock(pid: list[int]) -> None:
    for _ in range(300):
        if pid:
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT wait_event_type FROM pg_stat_activity WHERE pid = %s", [pid[0]]
                )
                row = cursor.fetchone()
            if row and row[0] == "Lock":
                return
        time.sleep(0.02)
    raise AssertionError("the writer never waited for the held row")
