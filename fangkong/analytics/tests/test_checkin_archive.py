"""The day archive's file format: written sorted with its checksum, verified by a recount,
published by a rename; a damaged file is caught."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from fangkong.analytics import checkin_archive as archive

DAY = dt.date(2026, 11, 20)
T0 = dt.datetime(2026, 11, 20, 2, 0, tzinfo=dt.UTC)


def _rows(count: int, *, first_id: int = 1) -> list[tuple[object, ...]]:
    """Stays in no particular order over three venues, some open, some with record ids."""
    return [
        (
            first_id + i,
            100 + i % 7,
            3 - i % 3,
            T0 + dt.timedelta(minutes=(i * 37) % 600),
            None if i % 4 == 0 else T0 + dt.timedelta(minutes=(i * 37) % 600 + 30),
            "import" if i % 2 else "venue_code",
            f"r{i}" if i % 2 else None,
        )
        for i in range(count)
    ]


def _written(root: Path, count: int = 50) -> archive.DayFile:
    return archive.day_write(root, DAY, [archive.rows_batch(_rows(count))])


def test_a_day_is_written_to_a_partial_file_sorted_by_venue_and_check_in(tmp_path):
    file = _written(tmp_path)
    assert file.path == archive.partial_path(tmp_path, DAY)
    assert archive.archived_days(tmp_path) == []  # a .partial is not a day
    table = pq.read_table(file.path)
    assert table.schema.remove_metadata() == archive.ARCHIVE_SCHEMA
    keys = list(zip(table["venue_id"].to_pylist(), table["check_in"].to_pylist(), strict=True))
    assert keys == sorted(keys)
    meta = pq.ParquetFile(file.path).schema_arrow.metadata
    assert meta[b"fangkong.day"] == b"2026-11-20"
    assert meta[b"fangkong.rows"] == b"50"
    assert meta[b"fangkong.id_sum"] == str(sum(range(1, 51))).encode()
    assert pq.ParquetFile(file.path).metadata.row_group(0).column(0).compression == "ZSTD"


def test_a_verified_day_is_published_under_its_date(tmp_path):
    file = _written(tmp_path)
    checked = archive.day_verify(file.path, day=DAY, rows=50, id_sum_expected=sum(range(1, 51)))
    assert (checked.rows, checked.id_sum) == (50, 1275)
    assert archive.day_publish(tmp_path, DAY) == tmp_path / "checkins" / "2026-11-20.parquet"
    assert archive.archived_days(tmp_path) == [DAY]
    assert not archive.partial_path(tmp_path, DAY).exists()


def test_verification_refuses_a_file_that_differs_from_the_source(tmp_path):
    file = _written(tmp_path)
    with pytest.raises(archive.ArchiveCorrupt, match="49"):
        archive.day_verify(file.path, day=DAY, rows=49)
    with pytest.raises(archive.ArchiveCorrupt, match="id sum"):
        archive.day_verify(file.path, day=DAY, rows=50, id_sum_expected=1274)
    with pytest.raises(archive.ArchiveCorrupt, match="not 2026-11-21"):
        archive.day_verify(file.path, day=DAY + dt.timedelta(days=1))


def test_a_truncated_file_is_detected(tmp_path):
    file = _written(tmp_path)
    data = file.path.read_bytes()
    file.path.write_bytes(data[: len(data) // 2])
    with pytest.raises(archive.ArchiveCorrupt, match="unreadable"):
        archive.day_verify(file.path, day=DAY)


def test_a_file_whose_rows_do_not_match_its_metadata_is_detected(tmp_path):
    """A file rewritten with one row fewer but the original metadata (e.g. a buggy writer)."""
    file = _written(tmp_path)
    table = pq.read_table(file.path)
    pq.write_table(table.slice(1), file.path, compression="zstd")
    with pytest.raises(archive.ArchiveCorrupt, match="in the metadata"):
        archive.day_verify(file.path, day=DAY)


def test_the_id_sum_is_taken_mod_2_to_the_63_without_overflow():
    big = pa.array([2**62, 2**62, 5], type=pa.int64())
    assert archive.id_sum(big) == 5


def test_removing_a_day_removes_its_file_and_any_partial(tmp_path):
    _written(tmp_path)
    archive.day_publish(tmp_path, DAY)
    _written(tmp_path)
    assert archive.day_remove(tmp_path, DAY) is True
    assert not any((tmp_path / "checkins").iterdir())
    assert archive.day_remove(tmp_path, DAY) is False


def test_reads_filter_by_venue_person_and_time_window(tmp_path):
    rows = _rows(60)
    archive.day_write(tmp_path, DAY, [archive.rows_batch(rows[:30]), archive.rows_batch(rows[30:])])
    archive.day_publish(tmp_path, DAY)
    start, end = T0 + dt.timedelta(hours=1), T0 + dt.timedelta(hours=5)
    by_venue = archive.days_read(tmp_path, [DAY], venue_ids=[2], start=start, end=end)
    expected = sorted(
        (r for r in rows if r[2] == 2 and start <= r[3] < end),  # type: ignore[operator]
        key=lambda r: (r[3], r[0]),
    )
    assert by_venue["id"].to_pylist() == [r[0] for r in expected]
    by_person = archive.days_read(tmp_path, [DAY, DAY - dt.timedelta(days=1)], person_ids=[101])
    assert sorted(by_person["id"].to_pylist()) == [r[0] for r in rows if r[1] == 101]
    assert by_person["check_out"].to_pylist() == [
        r[4] for r in sorted((r for r in rows if r[1] == 101), key=lambda r: (r[2], r[3], r[0]))
    ]
    assert archive.days_read(tmp_path, [DAY], person_ids=[]).num_rows == 0
    assert archive.days_relation(duckdb.connect(), tmp_path, [DAY + dt.timedelta(days=1)]) is None
