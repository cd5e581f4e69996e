"""The check-ins held by day: partitions created ahead and out of the DEFAULT partition
(PostgreSQL), and retention removing whole days, audited (both databases)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.utils import timezone

from fangkong.analytics.sql_change_tracking import (
    NEXT_PRUNE_KEY,
    PRUNED_BELOW_KEY,
    removed_table,
)
from fangkong.core.models import AuditEvent
from fangkong.venues import jobs
from fangkong.venues.checkin_days import (
    checkin_day_bounds,
    checkin_day_remove,
    checkin_days_in_database,
    checkin_partitions_ensure,
    checkin_removals_prune,
    retention_days_due,
)
from fangkong.venues.checkin_partitions import default_partition, partition_name
from fangkong.venues.checkin_table import CHECKIN_TABLE
from fangkong.venues.models import CheckIn, CheckInSource
from fangkong.venues.tests.factories import persons

pytestmark = pytest.mark.django_db


def _scalar(sql: str, params: list[str | int] | None = None) -> object:
    with connection.cursor() as cursor:
        cursor.execute(sql, params or [])
        (value,) = cursor.fetchone() or (None,)
        return value


def _exists(relation: str) -> bool:
    return _scalar("SELECT to_regclass(%s) IS NOT NULL", [f'"{relation}"']) is True


def _stays(bar, people, day: dt.date, hours: list[int]) -> list[CheckIn]:
    start, _end = checkin_day_bounds(day)
    return CheckIn.objects.bulk_create(
        CheckIn(
            person=people[i % len(people)],
            venue=bar,
            check_in=start + dt.timedelta(hours=hour),
            check_out=start + dt.timedelta(hours=hour, minutes=30),
            source=CheckInSource.MANUAL,
        )
        for i, hour in enumerate(hours)
    )


def test_a_day_is_the_local_calendar_day_in_the_platforms_time_zone():
    start, end = checkin_day_bounds(dt.date(2026, 3, 1))
    assert start.isoformat() == "2026-03-01T00:00:00+08:00"
    assert end - start == dt.timedelta(days=1)
    assert start.astimezone(dt.UTC) == dt.datetime(2026, 2, 28, 16, 0, tzinfo=dt.UTC)


def test_retention_is_due_for_the_days_wholly_older_than_the_retention(settings):
    settings.FANGKONG_CHECKIN_RETENTION_DAYS = 28
    today = dt.date(2026, 12, 3)
    days = [dt.date(2026, 11, 4), dt.date(2026, 11, 5), dt.date(2026, 12, 3)]
    # A stay on 11-05 may be younger than 28 days until the end of today: it stays.
    assert retention_days_due(today, days) == [dt.date(2026, 11, 4)]


@pytest.mark.postgres
def test_the_job_creates_the_partitions_of_today_and_the_days_ahead_once(settings):
    settings.FANGKONG_CHECKIN_PARTITIONS_AHEAD_DAYS = 2
    now = dt.datetime(2031, 1, 10, 9, 0, tzinfo=timezone.get_default_timezone())
    days = [dt.date(2031, 1, 10), dt.date(2031, 1, 11), dt.date(2031, 1, 12)]
    assert jobs.run_checkin_partitions_ahead(now) == 3
    assert all(_exists(partition_name(day)) for day in days)
    assert not _exists(partition_name(dt.date(2031, 1, 13)))
    assert set(days) <= set(checkin_days_in_database())
    assert jobs.run_checkin_partitions_ahead(now) == 0


@pytest.mark.postgres
def test_a_stay_of_a_day_without_a_partition_waits_in_default_and_moves_into_it(bar):
    day = dt.date(2030, 5, 1)
    (stay,) = _stays(bar, persons(1), day, [20])
    default, partition = default_partition(), partition_name(day)
    assert _scalar(f'SELECT count(*) FROM "{default}"') == 1
    assert day in checkin_days_in_database()
    assert checkin_partitions_ensure(days=[day, day]) == [day]
    assert _scalar(f'SELECT count(*) FROM "{default}"') == 0
    assert _scalar(f'SELECT "id" FROM "{partition}"') == stay.pk
    # The move is no removal for a reader of the change tracking.
    removed = _scalar(
        f'SELECT count(*) FROM "{removed_table(CHECKIN_TABLE)}" WHERE "id" = %s', [stay.pk]
    )
    assert removed == 0
    assert CheckIn.objects.get().check_in == stay.check_in
    assert checkin_partitions_ensure(days=[day]) == []


def test_retention_removes_exactly_the_old_days_and_audits_each_with_its_rows(bar, settings):
    settings.FANGKONG_CHECKIN_RETENTION_DAYS = 28
    now = timezone.now()
    today = timezone.localdate(now)
    people = persons(3)
    old, older, kept = (today - dt.timedelta(days=n) for n in (30, 29, 28))
    _stays(bar, people, old, [0, 10, 23])
    _stays(bar, people, older, [12])
    young = _stays(bar, people, kept, [0]) + _stays(bar, people, today, [0])
    # One old day in its partition, the other still in DEFAULT (PostgreSQL): both go whole.
    checkin_partitions_ensure(days=[old])
    assert jobs.run_checkin_retention(now) == 4
    assert sorted(CheckIn.objects.values_list("pk", flat=True)) == sorted(s.pk for s in young)
    audits = AuditEvent.objects.filter(action="checkin.day_remove").order_by("pk")
    assert [(a.after["day"], a.after["rows"]) for a in audits if a.after] == [
        (old.isoformat(), 3),
        (older.isoformat(), 1),
    ]
    assert {old, older}.isdisjoint(checkin_days_in_database())
    if connection.vendor == "postgresql":
        assert not _exists(partition_name(old)) and not _exists(partition_name(older))
    assert jobs.run_checkin_retention(now) == 0


def test_removing_a_day_not_held_removes_and_records_nothing():
    assert checkin_day_remove(day=dt.date(2020, 1, 1), reason="retention", by=None) == 0
    assert not AuditEvent.objects.filter(action="checkin.day_remove").exists()


def test_a_resent_record_is_one_stay_and_the_same_id_at_another_time_is_another(bar):
    # The unique record constraint holds check_in (the partition key) on both databases.
    person = persons(1)[0]
    at = timezone.now().replace(microsecond=0)
    fields = {"person": person, "venue": bar, "source": CheckInSource.HEALTH_CODE}
    CheckIn.objects.bulk_create(
        [CheckIn(check_in=at, source_record_id="r1", **fields) for _ in range(2)],
        ignore_conflicts=True,
    )
    CheckIn.objects.create(check_in=at - dt.timedelta(hours=1), source_record_id="r1", **fields)
    assert CheckIn.objects.filter(source_record_id="r1").count() == 2


def test_the_jobs_run_under_the_names_the_operators_know():
    from fangkong.operations.job_runner import registered_jobs

    names = {job.name for job in registered_jobs()}
    assert {"venues.checkin_partitions_ahead", "venues.checkin_retention"} <= names


def test_the_retention_command_lists_the_days_due_and_removes_them_unless_a_dry_run(bar, settings):
    from io import StringIO

    from django.core.management import call_command

    settings.FANGKONG_CHECKIN_RETENTION_DAYS = 28
    old = timezone.localdate() - dt.timedelta(days=40)
    _stays(bar, persons(2), old, [9, 10])
    out = StringIO()
    call_command("checkins", "retention", "--dry-run", stdout=out)
    assert f"将删除 {old.isoformat()}：2 条" in out.getvalue()
    assert CheckIn.objects.count() == 2
    call_command("checkins", "retention", stdout=out)
    assert f"已删除 {old.isoformat()}：2 条" in out.getvalue()
    assert CheckIn.objects.count() == 0
    call_command("checkins", "partitions", stdout=out)
    assert "数据库中共" in out.getvalue()


def _removal_keys() -> set[int]:
    with connection.cursor() as cursor:
        cursor.execute(f'SELECT "{CHECKIN_TABLE.key}" FROM "{removed_table(CHECKIN_TABLE)}"')
        return {int(key) for (key,) in cursor.fetchall()}


def test_retention_forgets_read_removals_at_most_once_a_period(bar, settings):
    # Given a removed stay, and the removals pruned once (which only marks where to cut next)
    settings.FANGKONG_CHECKIN_REMOVALS_KEEP_HOURS = 24
    now = timezone.now()
    [stay] = _stays(bar, persons(1), timezone.localdate(now), [0])
    gone = stay.pk
    stay.delete()
    assert checkin_removals_prune(now=now) == 0
    assert gone in _removal_keys() and NEXT_PRUNE_KEY in _removal_keys()
    # When retention runs again within the period, nothing is pruned
    assert checkin_removals_prune(now=now + dt.timedelta(hours=23)) == 0
    assert PRUNED_BELOW_KEY not in _removal_keys()
    # Then a period later the cut is marked for the copies, and what lay before it forgotten
    later = checkin_removals_prune(now=now + dt.timedelta(hours=25))
    assert PRUNED_BELOW_KEY in _removal_keys() and NEXT_PRUNE_KEY in _removal_keys()
    if connection.vendor == "sqlite":
        # (PostgreSQL's cut is the oldest running transaction: this test's own, here)
        assert later == 1 and gone not in _removal_keys()
