"""The Spark engine's own parts: reading files on the cluster exactly as the validator reads
them, pruning the archive by day, refusing what it cannot trace exactly.

Whether it traces as the contract says is test_engine_conformance.py's (the `spark-*` kinds).
"""

from __future__ import annotations

import contextlib
import csv
import io
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from fangkong.analytics.checkin_files import InvalidCheckinsError, iter_records, load_checkins
from fangkong.analytics.cli import main
from fangkong.analytics.tests.disk_tables import ZONE, local, write_archive, write_archive_day
from fangkong.analytics.tracing import CaseQuery, TracingParams, file_engine

pytestmark = [pytest.mark.spark, pytest.mark.sqlite_pass]

Stay = tuple[str, str, int, int | None]

# Every form checkin_files accepts or refuses, with a byte order mark, Windows line ends,
# columns in another order, an extra column, quotes, a line break inside a field, a blank
# line, short and long rows.
TEXT_FORMS = (
    "\ufeffvenue_id,note,person_id,check_out,check_in\r\n"
    'v1,"a, b",p1,2021-07-28T21:00:00,2021-07-28T20:00:00\r\n'
    'v1,x,"p""2",2021-07-28 21:00:00.5,2021-07-28 20:00:00.123456\r\n'
    'v1,x,"p\n3",,2021-07-28T12:00:00Z\r\n'
    "v2,x,p4,2021-07-28T21:00:00+08:00,2021-07-28T20:00:00-05:30\r\n"
    "v2,x,p5,2021-07-28T21:00:00+08:60,2021-07-28T20:00:00+23:59\r\n"
    "v2,x,p6,,2021-07-28T20:00:00+24:00\r\n"
    "v2,x,p7,,2021-02-29T10:00:00\r\n"
    "v2,x,p8,,2021-07-28T24:00:00\r\n"
    "v2,x,p9,,2021-07-28T23:59:60\r\n"
    "v2,x,p10,,0000-01-01T00:00:00\r\n"
    "v2,x,p11,,2021-7-28T20:00:00\r\n"
    "v2,x,p12,, 2021-07-28T20:00:00\r\n"
    "v2,x,p13,,2021-07-28T20:00\r\n"
    "v2,x,p14,,2021-07-28T20:00:00.1234567\r\n"
    "v2,x,,,2021-07-28T20:00:00\r\n"
    ",x,p15,,2021-07-28T20:00:00\r\n"
    "v2,x,p16,,\r\n"
    "v2,x,p17,nonsense,2021-07-28T20:00:00\r\n"
    "v2,x,p18\r\n"
    "\r\n"
    "v3,x,p19,2021-07-28T20:00:00,2021-07-28T20:00:00\r\n"
    "v3,x,张三,2021-07-28T20:30:00,2021-07-28T20:00:00\r\n"
    "v3,x,p20,2021-07-28T20:30:00,2021-07-28T20:00:00,extra,fields\r\n"
    # Shanghai's clocks in 1986: 02:30 on 4 May did not exist, 01:30 on 14 September twice.
    "v3,x,p21,,1986-05-04T02:30:00\r\n"
    "v3,x,p22,,1986-09-14T01:30:00\r\n"
)


def read_on_the_cluster(spark: Any, path: Path) -> tuple[list[Stay], int]:
    """(valid stays, number of invalid rows) as the Spark engine reads `path`."""
    from fangkong.analytics.checkin_files import checkin_files
    from fangkong.analytics.spark_checkin_reading import read_checkins

    frame = read_checkins(spark, checkin_files(path), path, ZONE)
    rows = frame.collect()
    valid = sorted(
        (r["person"], r["venue"], r["check_in"], r["check_out"]) for r in rows if r["valid"]
    )
    return valid, sum(not r["valid"] for r in rows)


def read_by_the_validator(path: Path) -> tuple[list[Stay], int]:
    records = load_checkins(path, zone=ZONE, skip_invalid=True)
    return sorted(iter_records(records)), records.skipped


def test_the_cluster_reads_text_timestamps_as_the_validator_does(spark: Any, tmp_path: Path):
    (tmp_path / "a.csv").write_bytes(TEXT_FORMS.encode())
    (tmp_path / "b.csv").write_text(
        "person_id,venue_id,check_in\np1,v9,2021-07-29T08:00:00\np2,v9,2021-07-29T08:10:00Z\n"
    )
    valid, invalid = read_on_the_cluster(spark, tmp_path)
    assert (valid, invalid) == read_by_the_validator(tmp_path)
    assert (len(valid), invalid) == (11, 15)


def test_the_cluster_reads_typed_parquet_as_the_validator_does(spark: Any, tmp_path: Path):
    at = datetime(2021, 7, 28, 20)
    naive = pa.timestamp("s")
    pq.write_table(
        pa.table(
            {
                "person_id": pa.array([1, 2, 10], type=pa.int64()),
                "venue_id": pa.array([7, 7, 7], type=pa.int64()),
                "check_in": pa.array([at, at, at], type=naive),
                "check_out": pa.array([at + timedelta(hours=1), None, at], type=naive),
            }
        ),
        tmp_path / "naive.parquet",
    )
    aware = pa.timestamp("ms", tz="+05:30")
    moment = datetime(2021, 7, 28, 12, tzinfo=ZONE)
    pq.write_table(
        pa.table(
            {
                "person_id": pa.array(["a", None, "c", "d"]),
                "venue_id": pa.array(["v", "v", "", "v"]),
                "check_in": pa.array([moment] * 4, type=pa.timestamp("us", tz="UTC")),
                "check_out": pa.array(
                    [moment + timedelta(minutes=30), None, None, moment - timedelta(seconds=1)],
                    type=aware,
                ),
            }
        ),
        tmp_path / "aware.parquet",
    )
    # One column text, one typed: the validator reads both as text.
    pq.write_table(
        pa.table(
            {
                "person_id": ["t1", "t2", "t3"],
                "venue_id": ["v", "v", "v"],
                "check_in": ["2021-07-28T20:00:00+08:00", "2021-07-28 20:00:00", "bad"],
                "check_out": pa.array([at + timedelta(hours=2), None, None], type=naive),
            }
        ),
        tmp_path / "mixed.parquet",
    )
    valid, invalid = read_on_the_cluster(spark, tmp_path)
    assert (valid, invalid) == read_by_the_validator(tmp_path)
    assert (len(valid), invalid) == (6, 4)


def test_from_path_refuses_invalid_rows_unless_asked_to_skip_them(spark: Any, tmp_path: Path):
    from fangkong.analytics.spark_engine import SparkEngine

    path = tmp_path / "events.csv"
    path.write_text(
        "person_id,venue_id,check_in,check_out\n"
        "c,v,2021-07-28T20:00:00,2021-07-28T21:00:00\n"
        "p,v,2021-07-28T20:30:00,2021-07-28T19:00:00\n"
        "q,v,2021-07-28T20:30:00,\n"
    )
    with pytest.raises(InvalidCheckinsError, match="1 invalid check-in rows"):
        SparkEngine.from_path(path, zone=ZONE)
    with SparkEngine.from_path(path, zone=ZONE, skip_invalid=True) as engine:
        found = engine.trace(CaseQuery("c", date(2021, 7, 29)), TracingParams())
    assert [(c.person_id, c.degree, c.venue_id) for c in found] == [("q", 1, "v")]


def test_files_that_changed_since_they_were_validated_are_refused(spark: Any, tmp_path: Path):
    path = tmp_path / "events.csv"
    path.write_text("person_id,venue_id,check_in\nc,v,2021-07-28T20:00:00\n")
    records = load_checkins(path, zone=ZONE)
    with path.open("a") as handle:
        handle.write("p,v,2021-07-28T20:00:00\n")
    with pytest.raises(RuntimeError, match="Spark reads 2 valid check-ins where the validator"):
        file_engine("spark")(records, ZONE)


def _day_stay(person: int, venue: int, start: datetime, minutes: int | None) -> Any:
    end = None if minutes is None else local(start + timedelta(minutes=minutes))
    return (person, venue, local(start), end)


def test_the_archive_is_read_only_on_the_days_a_pass_can_reach(spark: Any, tmp_path: Path):
    from fangkong.analytics.spark_engine import SparkEngine

    at = datetime
    write_archive_day(tmp_path, date(2021, 7, 20), [_day_stay(5, 1, at(2021, 7, 20, 9), 60)])
    # Checked in on the 22nd, out on the 27th: its day must be read for the 26th on.
    write_archive_day(tmp_path, date(2021, 7, 22), [_day_stay(2, 1, at(2021, 7, 22, 9), 7200)])
    # Late on the 25th without check-out: into the 26th with a 60-minute default stay only.
    write_archive_day(tmp_path, date(2021, 7, 25), [_day_stay(3, 1, at(2021, 7, 25, 23, 30), None)])
    write_archive_day(
        tmp_path,
        date(2021, 7, 27),
        [_day_stay(1, 1, at(2021, 7, 27, 8), 30), _day_stay(4, 1, at(2021, 7, 27, 8), 30)],
    )
    write_archive_day(tmp_path, date(2021, 7, 31), [_day_stay(6, 1, at(2021, 7, 31, 8), 30)])
    (tmp_path / "checkins" / "2021-07-30.parquet.partial").write_bytes(b"half written")
    engine = SparkEngine.over_archive(tmp_path, zone=ZONE)
    case = CaseQuery("1", date(2021, 7, 30))
    assert engine.days_for(case, TracingParams()) == [
        date(2021, 7, 22),
        date(2021, 7, 25),
        date(2021, 7, 27),
        date(2021, 7, 31),
    ]
    short = TracingParams(default_stay=timedelta(minutes=20))
    isolated = CaseQuery("1", date(2021, 7, 30), isolated_at=at(2021, 7, 28))
    assert engine.days_for(isolated, short) == [date(2021, 7, 22), date(2021, 7, 27)]
    found = engine.trace(case, TracingParams(degree=1))
    assert [(c.person_id, c.first_exposure) for c in found] == [
        ("2", at(2021, 7, 27, 8, tzinfo=ZONE)),
        ("4", at(2021, 7, 27, 8, tzinfo=ZONE)),
    ]
    # A day removed by retention is no longer read; a new day is.
    (tmp_path / "checkins" / "2021-07-22.parquet").unlink()
    assert [c.person_id for c in engine.trace(case, TracingParams(degree=1))] == ["4"]
    # The validated archive (what `trace --events ARCHIVE --engine spark` builds) is
    # recognised as day files and read the same way.
    records = load_checkins(tmp_path, zone=ZONE)
    recognised = file_engine("spark")(records, ZONE)
    assert recognised.days_for(case, TracingParams()) == [  # type: ignore[attr-defined]
        date(2021, 7, 25),
        date(2021, 7, 27),
        date(2021, 7, 31),
    ]


def test_trace_over_an_archive_reads_it_on_the_cluster_and_prints_the_same(
    spark: Any, tmp_path: Path
):
    data = Path(__file__).parent / "data" / "example-events.csv"
    stays = [
        (
            r["person_id"],
            r["venue_id"],
            datetime.fromisoformat(r["check_in"]),
            datetime.fromisoformat(r["check_out"]) if r["check_out"] else None,
        )
        for r in csv.DictReader(data.open())
    ]
    persons, venues = write_archive(tmp_path, stays)
    args = ["trace", "--events", str(tmp_path), "--case", persons("case1"), "--onset", "2021-07-30"]
    printed = {}
    for engine in ("spark", "duckdb"):
        out, err = io.StringIO(), io.StringIO()
        assert (main([*args, "--engine", engine], out, err), err.getvalue()) == (0, "")
        printed[engine] = out.getvalue()
    assert printed["spark"] == printed["duckdb"]
    # UTC instants in the archive: written with Z, like the validator's reading of it.
    first = f"{persons('p2')},1,2021-07-28T13:40:00Z,{venues('barA')},{persons('case1')}"
    assert printed["spark"].splitlines()[1] == first
    assert len(printed["spark"].splitlines()) == 5


def test_the_session_keeps_its_master(spark: Any):
    from fangkong.analytics.spark_engine import SparkUnavailable, spark_session

    running = spark.sparkContext.master
    assert spark_session() is spark
    assert spark_session(running) is spark
    with pytest.raises(SparkUnavailable, match="already runs with master"):
        spark_session("spark://elsewhere:7077")


@contextlib.contextmanager
def queries_run(spark: Any) -> Iterator[list[int]]:
    """Counts the SQL queries that ran Spark jobs meanwhile (a query runs several jobs:
    its broadcasts, its stages), from the session's own record of its executions."""
    store = spark._jsparkSession.sharedState().statusStore()
    bus = spark.sparkContext._jsc.sc().listenerBus()

    def executions() -> list[Any]:
        bus.waitUntilEmpty()  # the record is kept by a listener, asynchronously
        count = store.executionsCount()
        listed = store.executionsList(max(0, count - 200), 200)
        return [listed.apply(i) for i in range(listed.size())]

    known = max((e.executionId() for e in executions()), default=-1)
    counted: list[int] = []
    try:
        yield counted
    finally:
        ran = [e for e in executions() if e.executionId() > known and e.jobs().size() > 0]
        counted.append(len(ran))


def test_a_batch_is_one_spark_query_per_degree_whatever_its_size(spark: Any, tmp_path: Path):
    from fangkong.analytics.spark_engine import SparkEngine

    data = Path(__file__).parent / "data" / "example-events.csv"
    engine = SparkEngine(load_checkins(data, zone=ZONE), zone=ZONE)
    onset = date(2021, 7, 30)
    cases = [CaseQuery(person, onset) for person in ("case1", "p2", "p3", "p4", "p5", "nobody")]
    with queries_run(spark) as single:
        alone = engine.trace(cases[0], TracingParams())
    with queries_run(spark) as batch:
        together = engine.trace_many(cases, TracingParams())
    assert (single, batch) == ([2], [2])
    assert list(together[0].rows()) == list(alone.rows())
    assert [(r.case_id, len(r)) for r in together] == [
        ("case1", 4),
        ("nobody", 0),
        ("p2", 4),
        ("p3", 3),
        ("p4", 3),
        ("p5", 1),
    ]
    # Nothing to find: degree 2 is not asked for, an empty batch asks nothing.
    with queries_run(spark) as idle:
        assert engine.trace_many([], TracingParams()) == []
        assert len(engine.trace(cases[-1], TracingParams())[:]) == 0
    assert idle == [1]
