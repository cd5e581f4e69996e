"""The disk engine's day indexes follow the archive: a day dropped by retention stops being
traced, a rewritten day file gets a new index, concurrent builds leave one good index, and
integer ids tie-break as their texts do."""

from __future__ import annotations

import os
from datetime import date, datetime, timedelta
from pathlib import Path

import numpy as np

from fangkong.analytics.disk_engine import DiskEngine
from fangkong.analytics.disk_index import build_day_index, open_day_index
from fangkong.analytics.exposures_by_id import text_order_key
from fangkong.analytics.tests.disk_tables import ZONE, index_days, local, write_archive_day
from fangkong.analytics.tracing import CaseQuery, TracingParams

DAY1, DAY2 = date(2026, 11, 2), date(2026, 11, 3)
AT = datetime(2026, 11, 2, 10, 0)


def _stay(person: int, venue: int, start: datetime, minutes: int) -> tuple[int, int, int, int]:
    return (person, venue, local(start), local(start + timedelta(minutes=minutes)))


def _two_days(root: Path) -> None:
    # Case 1 meets 2 on day 1 and 3 on day 2.
    write_archive_day(root, DAY1, [_stay(1, 7, AT, 60), _stay(2, 7, AT, 30)])
    write_archive_day(
        root,
        DAY2,
        [_stay(1, 8, AT + timedelta(days=1), 60), _stay(3, 8, AT + timedelta(days=1), 30)],
    )


def _contacts(engine: DiskEngine) -> list[str]:
    result = engine.trace(CaseQuery("1", DAY2), TracingParams(degree=1))
    return list(result.person_ids)


def test_a_day_removed_by_retention_is_no_longer_traced_and_its_index_goes(tmp_path: Path):
    _two_days(tmp_path)
    engine = DiskEngine(tmp_path, zone=ZONE)
    assert _contacts(engine) == ["2", "3"]
    assert index_days(engine) == [DAY1.isoformat(), DAY2.isoformat()]
    (tmp_path / "checkins" / f"{DAY1.isoformat()}.parquet").unlink()
    assert _contacts(engine) == ["3"]
    assert engine.days() == [DAY2]
    assert index_days(engine) == [DAY2.isoformat()]


def test_a_rewritten_day_file_gets_a_new_index(tmp_path: Path):
    _two_days(tmp_path)
    engine = DiskEngine(tmp_path, zone=ZONE)
    assert _contacts(engine) == ["2", "3"]
    # Other records (other ids, so the archive's checksum differs), same size of file.
    write_archive_day(tmp_path, DAY1, [_stay(1, 7, AT, 60), _stay(4, 7, AT, 20)], first_id=11)
    assert _contacts(engine) == ["4", "3"]
    # Another process (a fresh engine) opens the rebuilt index, not the old one.
    assert _contacts(DiskEngine(tmp_path, zone=ZONE)) == ["4", "3"]


def test_a_touched_day_file_with_the_same_content_keeps_its_index(tmp_path: Path):
    _two_days(tmp_path)
    engine = DiskEngine(tmp_path, zone=ZONE)
    folder = engine.index_dir / DAY1.isoformat()
    before = (folder / "meta.json").stat().st_mtime_ns
    parquet = tmp_path / "checkins" / f"{DAY1.isoformat()}.parquet"
    os.utime(parquet, ns=(1, 1))
    assert open_day_index(DAY1, parquet, folder) is not None
    assert _contacts(engine) == ["2", "3"]
    assert (folder / "meta.json").stat().st_mtime_ns == before


def test_two_builds_of_one_day_leave_one_complete_index(tmp_path: Path):
    _two_days(tmp_path)
    parquet = tmp_path / "checkins" / f"{DAY1.isoformat()}.parquet"
    folder = tmp_path / "index" / DAY1.isoformat()
    build_day_index(DAY1, parquet, folder)
    opened = open_day_index(DAY1, parquet, folder)
    build_day_index(DAY1, parquet, folder)  # as a second process would, over the first
    assert opened is not None and open_day_index(DAY1, parquet, folder) is not None
    assert sorted(p.name for p in folder.parent.iterdir()) == [DAY1.isoformat()]
    # The first reader's mapped arrays still read (the replaced files live while mapped).
    assert opened.persons.tolist() == [1, 2]


def test_a_partial_day_file_is_not_traced(tmp_path: Path):
    _two_days(tmp_path)
    parquet = tmp_path / "checkins" / f"{DAY1.isoformat()}.parquet"
    parquet.rename(parquet.with_name(parquet.name + ".partial"))
    assert _contacts(DiskEngine(tmp_path, zone=ZONE)) == ["3"]


def test_integer_ids_order_as_their_texts():
    ids = np.array([9, 10, 1, 100, 0, 99, 2**62, 19, 1000000], dtype=np.int64)
    major, minor = text_order_key(ids)
    order = np.lexsort((minor, major))
    assert [str(i) for i in ids[order]] == sorted(str(i) for i in ids)
    negative = np.array([-5, 3, -10], dtype=np.int64)
    major, minor = text_order_key(negative)
    assert [str(i) for i in negative[np.lexsort((minor, major))]] == ["-10", "-5", "3"]
