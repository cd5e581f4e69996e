"""Moving a day of check-ins into the archive: the rows leave the database only after the
file verifies, a killed run is finished by the next, every day moved is audited."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from fangkong.analytics import checkin_archive as archive
from fangkong.core.models import AuditEvent
from fangkong.venues import archive_readers, jobs
from fangkong.venues.checkin_days import checkin_day_bounds
from fangkong.venues.models import CheckIn, CheckInSource
from fangkong.venues.services import checkin_archive as service
from fangkong.venues.tests.archive_setup import archive_in_tmp
from fangkong.venues.tests.factories import persons


@pytest.fixture(autouse=True)
def _archive_in_tmp(settings, tmp_path, monkeypatch):
    archive_in_tmp(settings, tmp_path, monkeypatch)


@pytest.fixture
def old_day() -> dt.date:
    return timezone.localdate() - dt.timedelta(days=5)


def _stays(venues, people, day: dt.date, *, first_record: int = 0) -> list[CheckIn]:
    """Stays across the day (local time) at two venues, one open, one with an empty record
    id (it must come back as '' and not as NULL)."""
    start, _end = checkin_day_bounds(day)
    rows = []
    for i, person in enumerate(people):
        moment = start + dt.timedelta(minutes=5 + i * 97, microseconds=999_999 * (i == 2))
        rows.append(
            CheckIn(
                person=person,
                venue=venues[i % len(venues)],
                check_in=moment,
                check_out=None if i == 0 else moment + dt.timedelta(minutes=40),
                source=CheckInSource.IMPORT,
                source_record_id="" if i == 1 and not first_record else f"rec-{first_record + i}",
            )
        )
    return CheckIn.objects.bulk_create(rows)


def _day_rows(day: dt.date) -> list[tuple[object, ...]]:
    start, end = checkin_day_bounds(day)
    return sorted(
        CheckIn.objects.filter(check_in__gte=start, check_in__lt=end).values_list(
            "id", "person_id", "venue_id", "check_in", "check_out", "source", "source_record_id"
        )
    )


def _file_rows(day: dt.date) -> list[tuple[object, ...]]:
    table = archive.days_read(service.archive_root(), [day])
    return sorted(tuple(row.values()) for row in table.to_pylist())


def _archive_audits() -> list[dict]:
    events = AuditEvent.objects.filter(action="checkin.day_archive").order_by("pk")
    return [event.after or {} for event in events]


def test_archiving_a_day_moves_exactly_its_rows_into_a_verified_file(bar, ktv, old_day):
    _stays([bar, ktv], persons(12), old_day)
    _stays([bar], persons(3, start=20), old_day + dt.timedelta(days=1), first_record=50)
    before = _day_rows(old_day)
    result = service.checkin_day_archive(day=old_day, by=None)
    assert (result.rows, result.wrote_file) == (12, True)
    assert _day_rows(old_day) == []
    assert _file_rows(old_day) == before  # ids, times (UTC, aware), '' and NULL kept apart
    assert len(_day_rows(old_day + dt.timedelta(days=1))) == 3  # the next day stays
    assert archive.archived_days(service.archive_root()) == [old_day]
    [audit] = _archive_audits()
    assert audit["day"] == old_day.isoformat()
    assert audit["rows"] == 12
    assert audit["bytes"] == archive.day_path(service.archive_root(), old_day).stat().st_size
    assert AuditEvent.objects.filter(action="checkin.day_remove").count() == 1


def test_the_rows_stay_in_the_database_when_the_file_does_not_verify(bar, old_day, monkeypatch):
    _stays([bar], persons(4), old_day)

    def corrupt(path, **kwargs):
        raise archive.ArchiveCorrupt("simulated")

    with monkeypatch.context() as patched:
        patched.setattr(service.archive, "day_verify", corrupt)
        with pytest.raises(archive.ArchiveCorrupt):
            service.checkin_day_archive(day=old_day, by=None)
    assert len(_day_rows(old_day)) == 4
    assert archive.archived_days(service.archive_root()) == []  # only a .partial
    assert _archive_audits() == []
    assert service.checkin_day_archive(day=old_day, by=None).wrote_file is True
    assert _day_rows(old_day) == []


def test_a_run_killed_between_publishing_and_removing_is_finished_by_the_next(
    bar, old_day, monkeypatch
):
    _stays([bar], persons(5), old_day)
    before = _day_rows(old_day)

    def killed(**kwargs):
        raise KeyboardInterrupt

    with monkeypatch.context() as patched:
        patched.setattr(service, "_remove_archived_day", killed)
        with pytest.raises(KeyboardInterrupt):
            service.checkin_day_archive(day=old_day, by=None)
    assert _day_rows(old_day) == before
    assert archive.archived_days(service.archive_root()) == [old_day]
    result = service.checkin_day_archive(day=old_day, by=None)
    assert (result.rows, result.wrote_file) == (5, False)  # only the removal was left
    assert _day_rows(old_day) == [] and _file_rows(old_day) == before
    assert len(_archive_audits()) == 1
    assert service.checkin_day_archive(day=old_day, by=None).rows == 0  # nothing left to do
    assert len(_archive_audits()) == 1


def test_a_leftover_partial_file_is_written_again(bar, old_day):
    _stays([bar], persons(3), old_day)
    partial = archive.partial_path(service.archive_root(), old_day)
    partial.parent.mkdir(parents=True)
    partial.write_bytes(b"half a file")
    assert service.checkin_day_archive(day=old_day, by=None).wrote_file is True
    assert not partial.exists()
    assert len(_file_rows(old_day)) == 3


def test_late_rows_of_an_archived_day_are_merged_into_its_file(bar, ktv, old_day):
    first = _stays([bar], persons(3), old_day)
    service.checkin_day_archive(day=old_day, by=None)
    late = _stays([ktv], persons(2, start=10), old_day, first_record=90)
    result = service.checkin_day_archive(day=old_day, by=None)
    assert (result.rows, result.wrote_file) == (2, True)
    assert sorted(int(str(r[0])) for r in _file_rows(old_day)) == sorted(s.pk for s in first + late)
    assert _day_rows(old_day) == []


def test_today_and_the_hot_days_are_refused(bar):
    with pytest.raises(ValueError, match="within the last 3 days"):
        service.checkin_day_archive(day=timezone.localdate() - dt.timedelta(days=3), by=None)
    with pytest.raises(ValueError, match="within the last 3 days"):
        service.checkin_day_archive(day=timezone.localdate(), by=None)


def test_the_command_lists_due_days_on_a_dry_run_then_moves_them(bar, old_day):
    hot = timezone.localdate() - dt.timedelta(days=1)
    _stays([bar], persons(2), old_day)
    _stays([bar], persons(2, start=5), hot, first_record=10)
    out = StringIO()
    call_command("checkins", "archive", "--dry-run", stdout=out)
    assert f"{old_day}：待归档 2 条" in out.getvalue()
    assert hot.isoformat() not in out.getvalue()
    assert len(_day_rows(old_day)) == 2
    call_command("checkins", "archive", "--no-progress", stdout=out)
    assert _day_rows(old_day) == [] and len(_day_rows(hot)) == 2


def test_the_job_archives_one_due_day_a_run_oldest_first(bar, old_day):
    _stays([bar], persons(2), old_day)
    _stays([bar], persons(2, start=5), old_day - dt.timedelta(days=1), first_record=10)
    assert ("checkins_archive", jobs.run_checkins_archive) in jobs.JOBS
    assert jobs.run_checkins_archive(timezone.now()) == 1
    assert archive.archived_days(service.archive_root()) == [old_day - dt.timedelta(days=1)]
    assert jobs.run_checkins_archive(timezone.now()) == 1
    assert jobs.run_checkins_archive(timezone.now()) == 0
    assert len(archive.archived_days(service.archive_root())) == 2


def test_a_damaged_published_file_is_never_overwritten(bar, old_day):
    _stays([bar], persons(2), old_day)
    final = archive.day_path(service.archive_root(), old_day)
    final.parent.mkdir(parents=True)
    final.write_bytes(b"PAR1 damaged")
    with pytest.raises(archive.ArchiveCorrupt, match="unreadable"):
        service.checkin_day_archive(day=old_day, by=None)
    assert final.read_bytes() == b"PAR1 damaged"
    assert len(_day_rows(old_day)) == 2


def test_retention_removes_the_archived_days_past_it_and_audits_each(settings, bar, old_day):
    # Given two archived days, one of them older than the retention period
    settings.FANGKONG_CHECKIN_RETENTION_DAYS = 6
    expired = old_day - dt.timedelta(days=2)
    _stays([bar], persons(3), expired)
    _stays([bar], persons(2, start=5), old_day, first_record=10)
    service.checkin_day_archive(day=expired, by=None)
    service.checkin_day_archive(day=old_day, by=None)
    # When retention runs
    jobs.run_checkin_retention(timezone.now())
    # Then only the expired day's file is gone, and its removal names the day and its rows
    assert archive.archived_days(service.archive_root()) == [old_day]
    removal = AuditEvent.objects.get(action="checkin.day_remove", after__archive__isnull=False)
    assert removal.after is not None
    assert (removal.after["day"], removal.after["rows"]) == (expired.isoformat(), 3)


def test_nothing_is_archived_while_no_tracing_engine_reads_the_archive(monkeypatch, bar, old_day):
    monkeypatch.delitem(archive_readers._readers, "tests")
    monkeypatch.setitem(archive_readers._readers, "sql only", lambda: False)
    _stays([bar], persons(2), old_day)
    with pytest.raises(ValueError, match="no tracing engine reads the archive"):
        service.checkin_day_archive(day=old_day, by=None)
    assert jobs.run_checkins_archive(timezone.now()) == 0
    assert len(_day_rows(old_day)) == 2
    assert archive.archived_days(service.archive_root()) == []
