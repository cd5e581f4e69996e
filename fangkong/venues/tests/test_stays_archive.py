"""Reads of past check-ins return the same rows before and after their day moves to the
archive: a venue's occupancy curve, a person's latest stays, a group's stays in a window."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from fangkong.venues.checkin_days import checkin_day_bounds
from fangkong.venues.models import CheckIn, CheckInSource
from fangkong.venues.personal_data import checkins_of
from fangkong.venues.selectors.occupancy import occupancy_curve
from fangkong.venues.selectors.stays import person_stays_latest, persons_stays, venue_stays
from fangkong.venues.services.checkin_archive import checkin_day_archive
from fangkong.venues.tests.archive_setup import archive_in_tmp
from fangkong.venues.tests.factories import persons


@pytest.fixture(autouse=True)
def _archive_in_tmp(settings, tmp_path, monkeypatch):
    archive_in_tmp(settings, tmp_path, monkeypatch)


def _key(stays: list[CheckIn]) -> list[tuple[object, ...]]:
    return [
        (s.pk, s.person_id, s.venue_id, s.check_in, s.check_out, s.source, s.source_record_id)
        for s in stays
    ]


def test_history_reads_are_the_same_before_and_after_a_day_is_archived(bar, ktv):
    day = timezone.localdate() - dt.timedelta(days=6)
    start, end = checkin_day_bounds(day)
    people = persons(6)
    stays = []
    for i, person in enumerate(people):
        # two days: the archived one and the next (still in the database), so that reads
        # crossing the boundary merge both sides; one stay runs past midnight.
        for offset in (0, 1):
            moment = start + dt.timedelta(days=offset, hours=8 + 2 * i)
            stays.append(
                CheckIn(
                    person=person,
                    venue=bar if i % 2 else ktv,
                    check_in=moment,
                    check_out=None if i == 0 else moment + dt.timedelta(hours=1 + 3 * (i == 5)),
                    source=CheckInSource.MANUAL,
                )
            )
    CheckIn.objects.bulk_create(stays)
    window = (start - dt.timedelta(hours=4), end + dt.timedelta(days=1))

    def reads() -> tuple[Any, ...]:
        curve = occupancy_curve(bar, day=day)
        return (
            _key(venue_stays(bar.pk, start=window[0], end=window[1])),
            _key(persons_stays([p.pk for p in people[:3]], start=window[0], end=window[1])),
            _key(person_stays_latest(people[1].pk, limit=3)),
            [s.venue.name for s in person_stays_latest(people[1].pk, limit=3)],
            curve.occupancy,
        )

    before = reads()
    assert checkin_day_archive(day=day, by=None).rows == 6
    assert not CheckIn.objects.filter(check_in__gte=start, check_in__lt=end).exists()
    after = reads()
    assert after == before
    assert len(before[0]) == 6  # 3 at the bar on each of the two days
    assert max(v or 0 for v in before[4]) >= 1


def test_the_latest_stays_come_from_archived_days_newest_first(bar):
    person = persons(1)[0]
    days = [timezone.localdate() - dt.timedelta(days=n) for n in (5, 6, 7)]
    for day in days:
        CheckIn.objects.create(
            person=person, venue=bar, check_in=checkin_day_bounds(day)[0] + dt.timedelta(hours=9)
        )
        checkin_day_archive(day=day, by=None)
    latest = person_stays_latest(person.pk, limit=2)
    assert [timezone.localtime(s.check_in).date() for s in latest] == days[:2]
    assert all(getattr(s, "archived", False) for s in latest)


def test_a_persons_own_export_lists_their_archived_stays(bar):
    person = persons(1)[0]
    day = timezone.localdate() - dt.timedelta(days=5)
    CheckIn.objects.create(
        person=person, venue=bar, check_in=checkin_day_bounds(day)[0] + dt.timedelta(hours=9)
    )
    CheckIn.objects.create(person=person, venue=bar, check_in=timezone.now())
    before = [(row["id"], row["venue_name"]) for row in checkins_of(person)]
    checkin_day_archive(day=day, by=None)
    assert [(row["id"], row["venue_name"]) for row in checkins_of(person)] == before
    assert len(before) == 2
