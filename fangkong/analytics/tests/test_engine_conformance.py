"""Every engine against a plain-Python reference written straight from the contract.

The reference below is deliberately naive (every stay against every stay) so that it can be
checked by reading it next to /spec contact-tracing.md; it is not part of the package.
"""

from __future__ import annotations

import csv
import dataclasses
import os
import tempfile
from collections.abc import Callable, Iterator, Sequence
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any, NamedTuple

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from fangkong.analytics.checkin_files import iter_records, load_checkins
from fangkong.analytics.duckdb_engine import DuckDBEngine
from fangkong.analytics.sql_dialects import CheckinTable
from fangkong.analytics.sql_engine import SqlEngine
from fangkong.analytics.sql_schema import (
    create_checkin_table,
    create_tracing_indexes,
    insert_checkins,
)
from fangkong.analytics.tests.disk_tables import NamedEngine, build_disk_engine, write_archive
from fangkong.analytics.tests.memory_tables import (
    NEVER_COMPACT,
    PostgresMemoryTables,
    sqlite_memory_engine,
)
from fangkong.analytics.timestamps import DEFAULT_ZONE, instant_us, zone_named
from fangkong.analytics.tracing import (
    BatchTracingEngine,
    CaseQuery,
    TracingEngine,
    TracingParams,
    file_engine,
    trace_batch,
)

ZONE = zone_named(DEFAULT_ZONE)
TABLE = CheckinTable().table  # what create_checkin_table makes by default
DATA = Path(__file__).parent / "data"
Row = tuple[str, int, int, str, str]  # person_id, degree, first_exposure_us, venue_id, via


class Stay(NamedTuple):
    person: str
    venue: str
    check_in: datetime  # naive local, as in the files
    check_out: datetime | None


# ---------------------------------------------------------------- the reference, from the spec


def reference_trace(
    stays: Sequence[Stay],
    case: CaseQuery,
    params: TracingParams,
    control_times: dict[str, datetime] | None = None,
) -> list[Row]:
    us = lambda moment: instant_us(moment, ZONE)  # noqa: E731
    m, d = params.min_overlap_us, params.default_stay_us

    def interval(stay: Stay) -> tuple[int, int]:
        end = us(stay.check_out) if stay.check_out is not None else us(stay.check_in) + d
        return us(stay.check_in), end

    def clipped_stays(person: str, start: int, end: int | None) -> Iterator[tuple[str, int, int]]:
        for stay in stays:
            if stay.person != person:
                continue
            s, e = interval(stay)
            s, e = max(s, start), e if end is None else min(e, end)
            if s < e:  # stays that do not intersect the window are dropped
                yield stay.venue, s, e

    def qualifying(sources: dict[str, tuple[int, int | None]], excluded: set[str]) -> dict:
        best: dict[str, tuple[int, str, str]] = {}
        for source, (start, end) in sources.items():
            for venue, cs, ce in clipped_stays(source, start, end):
                for other in stays:
                    if other.person in excluded or other.venue != venue:
                        continue
                    ps, pe = interval(other)
                    if min(pe, ce) - max(ps, cs) >= m:
                        # exposure first, then smallest via, then smallest venue_id
                        candidate = (max(ps, cs), source, venue)
                        if other.person not in best or candidate < best[other.person]:
                            best[other.person] = candidate
        return best

    window_start = us(
        datetime.combine(case.onset - timedelta(days=params.lookback_days), datetime.min.time())
    )
    window_end = None if case.isolated_at is None else us(case.isolated_at)
    close = qualifying({case.case_id: (window_start, window_end)}, {case.case_id})
    rows: list[Row] = [(p, 1, e, v, via) for p, (e, via, v) in close.items()]
    if params.degree == 2:
        controls = control_times or {}
        windows = {
            c: (exposure, us(controls[c]) if c in controls else None)
            for c, (exposure, _, _) in close.items()
        }
        second = qualifying(windows, {case.case_id, *close})
        rows += [(p, 2, e, v, via) for p, (e, via, v) in second.items()]
    return sorted(rows, key=lambda row: (row[1], row[2], row[0]))


# ---------------------------------------------------------------- engines built over the stays


def write_csv(stays: Sequence[Stay], path: Path) -> None:
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["person_id", "venue_id", "check_in", "check_out"])
        for stay in stays:
            out = "" if stay.check_out is None else stay.check_out.isoformat()
            writer.writerow([stay.person, stay.venue, stay.check_in.isoformat(), out])


def write_parquet(stays: Sequence[Stay], path: Path) -> None:
    table = pa.table(
        {
            "person_id": [s.person for s in stays],
            "venue_id": [s.venue for s in stays],
            "check_in": pa.array([s.check_in for s in stays], type=pa.timestamp("s")),
            "check_out": pa.array([s.check_out for s in stays], type=pa.timestamp("s")),
        }
    )
    pq.write_table(table, path)


def sqlite_engine(csv_path: Path) -> SqlEngine:
    import sqlite3

    connection = sqlite3.connect(":memory:")
    create_checkin_table(connection, "sqlite", id_type="text")
    insert_checkins(connection, "sqlite", iter_records(load_checkins(csv_path, zone=ZONE)))
    create_tracing_indexes(connection, "sqlite")
    return SqlEngine(connection, zone=ZONE)


class PostgresTable:
    """One table reused by every example: refilled, not recreated, to keep examples cheap."""

    def __init__(self, connection: Any) -> None:
        self.connection = connection
        connection.execute(f'DROP TABLE IF EXISTS "{TABLE}"')
        create_checkin_table(connection, "postgresql", id_type="text")
        create_tracing_indexes(connection, "postgresql")

    def engine(self, csv_path: Path) -> SqlEngine:
        self.connection.execute(f'TRUNCATE "{TABLE}"')
        rows = iter_records(load_checkins(csv_path, zone=ZONE))
        insert_checkins(self.connection, "postgresql", rows)
        return SqlEngine(self.connection, zone=ZONE)


# Each database runs degree 2 one way (the dialect's `matches_in_memory`); the "-other-way"
# kinds run the other, so both ways stay exact on both databases.
ENGINE_KINDS = [
    "sql-sqlite",
    "sql-sqlite-other-way",
    pytest.param("sql-postgresql", marks=pytest.mark.postgres),
    pytest.param("sql-postgresql-other-way", marks=pytest.mark.postgres),
    "duckdb-csv",
    "duckdb-parquet",
    # The one-shot trace of the CLI (one_shot.py), over the CSV and Parquet readers.
    "one-shot-csv",
    "one-shot-parquet",
    "memory-sqlite",
    "memory-sqlite-caught-up",
    "memory-sqlite-compacting",
    pytest.param("memory-postgresql", marks=pytest.mark.postgres),
    pytest.param("memory-postgresql-caught-up", marks=pytest.mark.postgres),
    # The disk engine: every day an archive file, or the earlier days files and the later
    # ones live rows (tests/disk_tables.py).
    "disk-archive",
    "disk-mixed-sqlite",
    "disk-mixed-sqlite-caught-up",
    pytest.param("disk-mixed-postgresql", marks=pytest.mark.postgres),
]


def _spark(kind: str) -> Any:
    # Without a database, like the whole package: the SQLite pass of make test runs them
    # (conftest.py marks fangkong/analytics so; said here too, as they start a JVM).
    return pytest.param(kind, marks=[pytest.mark.spark, pytest.mark.sqlite_pass])


# The Spark engine: through file_engine("spark") over the validated CSV (the CLI's way),
# reading and validating a Parquet file on the cluster alone (from_path), over the
# archive's day files (read per pass, only the days a pass can reach), and over rows
# handed over from the driver (records without a source).
SPARK_KINDS = [
    _spark("spark-csv"),
    _spark("spark-parquet"),
    _spark("spark-archive"),
    _spark("spark-in-memory"),
]
# A Spark trace costs a second or more on 2 cores: the busy days and random data run on
# the two ways that differ most (the archive is pruned by day, the CSV cached whole).
SPARK_MAIN_KINDS = [_spark("spark-csv"), _spark("spark-archive")]


def _other_way(engine: SqlEngine) -> SqlEngine:
    engine.dialect.matches_in_memory = not engine.dialect.matches_in_memory
    return engine


@pytest.fixture
def build_engine(request: pytest.FixtureRequest, engine_kind: str) -> Callable[..., TracingEngine]:
    if engine_kind.startswith("sql-postgresql"):
        table = PostgresTable(request.getfixturevalue("postgres_connection"))
    if engine_kind.startswith("memory-postgresql"):
        memory_tables = PostgresMemoryTables(request.getfixturevalue("postgres_connection"))

    if engine_kind == "disk-mixed-postgresql":
        memory_tables = PostgresMemoryTables(request.getfixturevalue("postgres_connection"))
    if engine_kind.startswith("spark-"):
        request.getfixturevalue("spark")  # skips (or fails under CI) without pyspark/Java

    def build(stays: Sequence[Stay], folder: Path) -> TracingEngine:
        if engine_kind.startswith("spark-"):
            return spark_engine(engine_kind, stays, folder)
        if engine_kind == "disk-archive":
            return build_disk_engine(stays, folder, live=None)
        if engine_kind.startswith("disk-mixed-sqlite"):
            caught_up = engine_kind.endswith("caught-up")
            return build_disk_engine(
                stays,
                folder,
                live=lambda rows, where: sqlite_memory_engine(
                    rows, where, caught_up=caught_up, compact_at=NEVER_COMPACT
                ),
            )
        if engine_kind == "disk-mixed-postgresql":
            return build_disk_engine(
                stays, folder, live=lambda rows, _: memory_tables.engine(rows, caught_up=True)
            )
        csv_path = folder / "events.csv"
        write_csv(stays, csv_path)
        if engine_kind.startswith("memory-"):
            rows = list(iter_records(load_checkins(csv_path, zone=ZONE)))
            caught_up = engine_kind.endswith(("caught-up", "compacting"))
            if engine_kind.startswith("memory-postgresql"):
                return memory_tables.engine(rows, caught_up=caught_up)
            # Tiny tables: the default share would merge every change into a new copy.
            compact_at = 0.0 if engine_kind.endswith("compacting") else NEVER_COMPACT
            return sqlite_memory_engine(rows, folder, caught_up=caught_up, compact_at=compact_at)
        if engine_kind == "sql-sqlite":
            return sqlite_engine(csv_path)
        if engine_kind == "sql-sqlite-other-way":
            return _other_way(sqlite_engine(csv_path))
        if engine_kind == "sql-postgresql":
            return table.engine(csv_path)
        if engine_kind == "sql-postgresql-other-way":
            return _other_way(table.engine(csv_path))
        if engine_kind == "one-shot-csv":
            return file_engine("one-shot")(load_checkins(csv_path, zone=ZONE), ZONE)
        if engine_kind == "one-shot-parquet":
            parquet_path = folder / "events.parquet"
            write_parquet(stays, parquet_path)
            return file_engine("one-shot")(load_checkins(parquet_path, zone=ZONE), ZONE)
        if engine_kind == "duckdb-parquet":
            parquet_path = folder / "events.parquet"
            write_parquet(stays, parquet_path)
            return DuckDBEngine.from_path(parquet_path, zone=ZONE)
        return DuckDBEngine.from_path(csv_path, zone=ZONE)

    return build


def spark_engine(kind: str, stays: Sequence[Stay], folder: Path) -> TracingEngine:
    from fangkong.analytics.spark_engine import SparkEngine

    if kind == "spark-archive":
        root = folder / "archive"
        persons, venues = write_archive(root, stays)
        if not stays:  # no day file at all: nothing for the validator to read
            return NamedEngine(SparkEngine.over_archive(root, zone=ZONE), persons, venues)
        records = load_checkins(root, zone=ZONE)
        return NamedEngine(file_engine("spark")(records, ZONE), persons, venues)
    if kind == "spark-parquet":
        parquet_path = folder / "events.parquet"
        write_parquet(stays, parquet_path)
        return SparkEngine.from_path(parquet_path, zone=ZONE)
    csv_path = folder / "events.csv"
    write_csv(stays, csv_path)
    records = load_checkins(csv_path, zone=ZONE)
    if kind == "spark-in-memory":
        return SparkEngine(dataclasses.replace(records, source=None), zone=ZONE)
    return file_engine("spark")(records, ZONE)


def rows_of(engine: TracingEngine, case: CaseQuery, params: TracingParams, **kw: Any) -> list[Row]:
    return list(engine.trace(case, params, **kw).rows())


# ---------------------------------------------------------------- random check-in sets

PERSONS = ["c", "p1", "p2", "p9", "p10", "Q", "张三", "c2"]
VENUES = ["v1", "v2", "v10", "店A"]
BASE = datetime(2021, 7, 28)
# Lengths straddle 15 minutes and the engines' internal length classes (2 h, 12 h, 1 and 3 days).
LENGTHS = [
    0,
    5,
    10,
    14,
    15,
    16,
    20,
    30,
    45,
    60,
    75,
    90,
    120,
    125,
    600,
    720,
    730,
    1440,
    1500,
    4400,
    5000,
]


# Stays cluster around a few busy moments so that contacts (and contacts of contacts) are
# the rule rather than the exception; a few land days away to exercise the windows.
ANCHORS = [timedelta(hours=h) for h in (-30, 10, 20, 34, 60)]


@st.composite
def stays_strategy(draw: st.DrawFn) -> list[Stay]:
    count = draw(st.integers(0, 40))
    stays = []
    for _ in range(count):
        # A 5-minute grid makes ties, touching ends and exact 15-minute overlaps common.
        offset = timedelta(minutes=5 * draw(st.integers(-30, 30)))
        start = BASE + draw(st.sampled_from(ANCHORS)) + offset
        length = draw(st.sampled_from(LENGTHS) | st.integers(0, 300))
        end = None if draw(st.integers(0, 4)) == 0 else start + timedelta(minutes=length)
        person = draw(st.sampled_from(PERSONS))
        venue = draw(st.sampled_from(VENUES[:2]) | st.sampled_from(VENUES))
        stays.append(Stay(person, venue, start, end))
    # Exact duplicates are allowed and must change nothing.
    duplicate: bool = draw(st.booleans())
    if stays and duplicate:
        stays.append(draw(st.sampled_from(stays)))
    return stays


moments = st.integers(-2 * 288, 3 * 288).map(lambda k: BASE + timedelta(minutes=5 * k))


@st.composite
def case_strategy(draw: st.DrawFn, case_id: str | None = None) -> CaseQuery:
    onset = BASE.date() + timedelta(days=draw(st.integers(-1, 4)))
    isolated = draw(st.none() | moments)
    return CaseQuery(case_id or draw(st.sampled_from(PERSONS[:3])), onset, isolated)


params_strategy = st.builds(
    TracingParams,
    lookback_days=st.integers(0, 5),
    min_overlap=st.sampled_from([15, 10, 30, 1]).map(lambda m: timedelta(minutes=m)),
    default_stay=st.sampled_from([60, 30, 15, 0]).map(lambda m: timedelta(minutes=m)),
    degree=st.sampled_from([1, 2]),
)
controls_strategy = st.dictionaries(st.sampled_from(PERSONS), moments, max_size=4)


# ---------------------------------------------------------------- the tests


@pytest.mark.parametrize("engine_kind", [*ENGINE_KINDS, *SPARK_KINDS])
def test_every_engine_gives_the_spec_example_output(build_engine: Callable[..., TracingEngine]):
    stays = [
        Stay(
            r["person_id"],
            r["venue_id"],
            datetime.fromisoformat(r["check_in"]),
            datetime.fromisoformat(r["check_out"]) if r["check_out"] else None,
        )
        for r in csv.DictReader((DATA / "example-events.csv").open())
    ]
    expected = [
        (
            r["person_id"],
            int(r["degree"]),
            instant_us(datetime.fromisoformat(r["first_exposure"]), ZONE),
            r["venue_id"],
            r["via"],
        )
        for r in csv.DictReader((DATA / "example-contacts.csv").open())
    ]
    case = CaseQuery("case1", date(2021, 7, 30))
    assert reference_trace(stays, case, TracingParams()) == expected
    with tempfile.TemporaryDirectory() as folder:
        engine = build_engine(stays, Path(folder))
        assert rows_of(engine, case, TracingParams()) == expected


def busy_days() -> list[Stay]:
    """A busy venue, stays over several days and weeks, stays without check-out, a stay
    clipped by the window's start: what binning by hour and reading by day must get right."""
    day = datetime(2021, 7, 28)
    stays = []
    # v1 is busy all day: 14 regulars come 8 times each, every fourth stay without check-out.
    for i in range(14):
        for k in range(8):
            start = day + timedelta(hours=8, minutes=7 * i + 85 * k)
            length = timedelta(minutes=20 + 13 * ((i + k) % 6))
            out = None if (i + k) % 4 == 0 else start + length
            stays.append(Stay(f"r{i}", "v1", start, out))
    at = datetime
    stays += [
        Stay("c", "v1", day + timedelta(hours=11), day + timedelta(hours=11, minutes=40)),
        Stay("c", "v1", day + timedelta(hours=15, minutes=5), None),
        # A guest in since six days before onset (two before the window), met there by the
        # case, then three days at v5 with a resident checked in for six weeks.
        Stay("guest", "v2", at(2021, 7, 22, 8), at(2021, 7, 27, 9)),
        Stay("c", "v2", at(2021, 7, 27, 8), at(2021, 7, 27, 8, 30)),
        Stay("guest", "v5", at(2021, 7, 27, 10), at(2021, 7, 30, 10)),
        Stay("resident", "v5", at(2021, 7, 10), at(2021, 8, 20)),
        Stay("r3", "v5", at(2021, 7, 29, 9, 50), None),
        Stay("r7", "v6", at(2021, 7, 29, 19), at(2021, 7, 29, 21)),
        Stay("friend", "v6", at(2021, 7, 29, 20), None),
        # Across the window's start at midnight: the case's stay is clipped there; a stay
        # without check-out from 23:50 lasts into the window.
        Stay("c", "v3", at(2021, 7, 25, 23, 30), at(2021, 7, 26, 0, 40)),
        Stay("late", "v3", at(2021, 7, 25, 23, 50), None),
        # Before the window: nobody met here is a contact.
        Stay("c", "v4", at(2021, 7, 24, 9), at(2021, 7, 24, 10)),
        Stay("early", "v4", at(2021, 7, 24, 9), at(2021, 7, 24, 10)),
    ]
    return stays


BUSY_TRACES = [
    (CaseQuery("c", date(2021, 7, 30)), TracingParams(), None),
    (
        CaseQuery("c", date(2021, 7, 30), isolated_at=datetime(2021, 7, 28, 15, 20)),
        TracingParams(min_overlap=timedelta(minutes=10), default_stay=timedelta(minutes=30)),
        {"guest": datetime(2021, 7, 29, 12), "r3": datetime(2021, 7, 28, 18)},
    ),
    (CaseQuery("r5", date(2021, 7, 29), None), TracingParams(lookback_days=1, degree=1), None),
]


@pytest.mark.parametrize("engine_kind", [*ENGINE_KINDS, *SPARK_MAIN_KINDS])
def test_every_engine_on_a_busy_venue_and_stays_over_days(
    build_engine: Callable[..., TracingEngine],
):
    stays = busy_days()
    with tempfile.TemporaryDirectory() as folder:
        engine = build_engine(stays, Path(folder))
        for case, params, controls in BUSY_TRACES:
            expected = reference_trace(stays, case, params, controls)
            assert rows_of(engine, case, params, control_times=controls) == expected
    # The data is what it means to be: long chains, both degrees, the edge stays count.
    first = reference_trace(stays, *BUSY_TRACES[0][:2])
    assert sum(row[1] == 1 for row in first) >= 10 and sum(row[1] == 2 for row in first) >= 2
    found = {row[0]: row for row in first}
    assert found["guest"][1:3] == (1, instant_us(datetime(2021, 7, 27, 8), ZONE))
    assert found["late"][1:3] == (1, instant_us(datetime(2021, 7, 26), ZONE))
    assert found["resident"][1:] == (2, instant_us(datetime(2021, 7, 27, 10), ZONE), "v5", "guest")
    assert found["friend"][1:] == (2, instant_us(datetime(2021, 7, 29, 20), ZONE), "v6", "r7")
    assert "early" not in found


# Bounded for CI on 2 cores (about twenty engine setups share the suite's time budget);
# FANGKONG_HYPOTHESIS_EXAMPLES=2000 for a longer hunt. Set on this test only, so other
# apps' hypothesis settings stay theirs.
RANDOM_RUNS = settings(
    max_examples=int(os.environ.get("FANGKONG_HYPOTHESIS_EXAMPLES", "100")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
# Spark answers a trace in about a second on a busy 2-core machine, not in milliseconds:
# a few examples per run (FANGKONG_SPARK_HYPOTHESIS_EXAMPLES for more).
SPARK_RANDOM_RUNS = settings(
    RANDOM_RUNS,
    max_examples=int(os.environ.get("FANGKONG_SPARK_HYPOTHESIS_EXAMPLES", "5")),
)

random_check_ins = given(
    stays=stays_strategy(),
    cases=st.lists(case_strategy(), min_size=1, max_size=3, unique_by=lambda c: c.case_id),
    params=params_strategy,
    controls=st.none() | controls_strategy,
)


def check_against_the_reference(
    build_engine: Callable[..., TracingEngine],
    stays: list[Stay],
    cases: list[CaseQuery],
    params: TracingParams,
    controls: dict[str, datetime] | None,
) -> None:
    with tempfile.TemporaryDirectory() as folder:
        engine = build_engine(stays, Path(folder))
        results = trace_batch(engine, cases, params, control_times=controls)
    expected_order = sorted(c.case_id for c in cases)
    assert [r.case_id for r in results] == expected_order
    by_id = {c.case_id: c for c in cases}
    for result in results:
        expected = reference_trace(stays, by_id[result.case_id], params, controls)
        assert list(result.rows()) == expected
        event(f"degree-1 contacts: {min(sum(r[1] == 1 for r in expected), 3)}")
        event(f"degree-2 contacts: {min(sum(r[1] == 2 for r in expected), 3)}")


@pytest.mark.parametrize("engine_kind", ENGINE_KINDS)
@RANDOM_RUNS
@random_check_ins
def test_every_engine_matches_the_reference_on_random_check_ins(
    build_engine: Callable[..., TracingEngine],
    stays: list[Stay],
    cases: list[CaseQuery],
    params: TracingParams,
    controls: dict[str, datetime] | None,
):
    check_against_the_reference(build_engine, stays, cases, params, controls)


def check_the_batch_against_the_reference(
    build_engine: Callable[..., TracingEngine],
    stays: list[Stay],
    cases: list[CaseQuery],
    params: TracingParams,
    controls: dict[str, datetime] | None,
) -> list[list[Row]]:
    """The engine's `trace_many` of all cases against the reference, case by case; returns
    the reference's rows in batch order."""
    with tempfile.TemporaryDirectory() as folder:
        engine = build_engine(stays, Path(folder))
        assert isinstance(engine, BatchTracingEngine)
        results = engine.trace_many(cases, params, control_times=controls)
    ordered = sorted(cases, key=lambda case: case.case_id)  # stable: repeated ids keep order
    expected = [reference_trace(stays, case, params, controls) for case in ordered]
    assert [r.case_id for r in results] == [case.case_id for case in ordered]
    assert [list(r.rows()) for r in results] == expected
    return expected


@pytest.mark.parametrize("engine_kind", [_spark("spark-csv")])
def test_a_spark_batch_gives_each_case_its_own_trace(build_engine: Callable[..., TracingEngine]):
    """The spec example's cases traced together: cases that are each other's contacts,
    contacts shared by cases, a case without stays, a case id twice with other windows."""
    stays = [
        Stay(
            r["person_id"],
            r["venue_id"],
            datetime.fromisoformat(r["check_in"]),
            datetime.fromisoformat(r["check_out"]) if r["check_out"] else None,
        )
        for r in csv.DictReader((DATA / "example-events.csv").open())
    ]
    cases = [
        CaseQuery("p2", date(2021, 7, 30)),
        CaseQuery("case1", date(2021, 7, 30)),
        CaseQuery("nobody", date(2021, 7, 30)),
        CaseQuery("p5", date(2021, 7, 31), isolated_at=datetime(2021, 7, 29, 10, 25)),
        # 21:40-21:50 with case1 at most: 10 minutes, no contact.
        CaseQuery("p2", date(2021, 7, 20), isolated_at=datetime(2021, 7, 28, 21, 50)),
        CaseQuery("p6", date(2021, 7, 21)),
    ]
    # p2 under control at 10:20 on the 29th: 10 minutes with p5 at shopB, not 20.
    controls = {"p2": datetime(2021, 7, 29, 10, 20)}
    expected = check_the_batch_against_the_reference(
        build_engine, stays, cases, TracingParams(), controls
    )
    # In batch order: case1, nobody, p2 (onset 30th), p2 (onset 20th), p5, p6.
    found = [{row[0]: row[1] for row in rows} for rows in expected]
    assert found[0] == {"p2": 1, "p3": 2, "p4": 2}
    assert found[2] == {"case1": 1, "p3": 1, "p4": 1, "p5": 1}
    # p2's degree-2 window from 10:10 to its control at 10:20: too short for anyone.
    assert found[4] == {"p2": 1}
    assert found[1] == found[3] == found[5] == {}


batch_cases = st.lists(
    st.sampled_from(PERSONS).flatmap(lambda person: case_strategy(person)), min_size=2, max_size=6
)


@pytest.mark.parametrize("engine_kind", [_spark("spark-csv")])
@settings(
    SPARK_RANDOM_RUNS,
    max_examples=int(os.environ.get("FANGKONG_SPARK_HYPOTHESIS_EXAMPLES", "3")),
)
@given(
    stays=stays_strategy(),
    cases=batch_cases,
    params=params_strategy,
    controls=st.none() | controls_strategy,
)
def test_a_spark_batch_matches_the_reference_on_random_check_ins(
    build_engine: Callable[..., TracingEngine],
    stays: list[Stay],
    cases: list[CaseQuery],
    params: TracingParams,
    controls: dict[str, datetime] | None,
):
    expected = check_the_batch_against_the_reference(build_engine, stays, cases, params, controls)
    ids = {case.case_id for case in cases}
    event(
        f"cases found by other cases: {min(sum(r[0] in ids for rows in expected for r in rows), 2)}"
    )


@pytest.mark.parametrize("engine_kind", SPARK_MAIN_KINDS)
@SPARK_RANDOM_RUNS
@random_check_ins
def test_the_spark_engine_matches_the_reference_on_random_check_ins(
    build_engine: Callable[..., TracingEngine],
    stays: list[Stay],
    cases: list[CaseQuery],
    params: TracingParams,
    controls: dict[str, datetime] | None,
):
    check_against_the_reference(build_engine, stays, cases, params, controls)
