"""Time degree-1 and degree-2 traces of several cases on every engine next to the plain
DuckDB query, all over the same synthetic city; every side is loaded once before timing.

    .venv/bin/python -m bench.run            # full size (5 M stays), see bench/README.md
    .venv/bin/python -m bench.run --stays 200000 --cases 3   # a quick look
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import hashlib
import os
import sqlite3
import statistics
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import duckdb
import numpy as np

from bench.city import DATA_DIR, FIRST_DAY, CityShape, city_file
from bench.plain_query import plain_trace
from fangkong.analytics.checkin_files import CheckinRecords, iter_records, load_checkins
from fangkong.analytics.duckdb_engine import DuckDBEngine
from fangkong.analytics.memory_engine import MemoryEngine
from fangkong.analytics.sql_change_tracking import change_tracking_statements
from fangkong.analytics.sql_dialects import CheckinTable
from fangkong.analytics.sql_engine import SqlEngine
from fangkong.analytics.sql_schema import (
    Dialect,
    create_checkin_table,
    create_tracing_indexes,
    insert_checkins,
    tracing_index_statements,
)
from fangkong.analytics.timestamps import DEFAULT_ZONE, instant_us, zone_named
from fangkong.analytics.tracing import CaseQuery, TracingEngine, TracingParams

ZONE = zone_named(DEFAULT_ZONE)
POSTGRES_ADMIN = "host=127.0.0.1 port=5432 user=postgres dbname=postgres connect_timeout=3"
POSTGRES_BENCH_DB = "fangkong_bench"
Row = tuple[str, int, int, str, str]
# The platform's name, so that databases built by earlier runs (kept under bench/data) serve.
TABLE = CheckinTable(table="venues_checkin")


@dataclass
class Timings:
    seconds: dict[tuple[str, str, int], float] = field(default_factory=dict)
    contacts: dict[tuple[str, int], int] = field(default_factory=dict)


def interleaved_medians(runs: dict[str, Callable[[], object]], repeat: int) -> dict[str, float]:
    """Median seconds per side, sampling the sides in turn so that a busy moment on the
    machine (it is shared) slows all of them rather than one."""
    for run in runs.values():
        run()  # warm caches, plans and lazily built structures once
    samples: dict[str, list[float]] = {name: [] for name in runs}
    for _ in range(repeat):
        for name, run in runs.items():
            began = time.perf_counter()
            run()
            samples[name].append(time.perf_counter() - began)
    return {name: statistics.median(values) for name, values in samples.items()}


def pick_cases(records: CheckinRecords, count: int, seed: int) -> list[CaseQuery]:
    """People seen in the case window, chosen at random; onset mid-month, isolated a day
    after onset, as a case found by routine testing would be."""
    onset = FIRST_DAY.date() + timedelta(days=9)
    low = instant_us(datetime.combine(onset - timedelta(days=4), datetime.min.time()), ZONE)
    high = instant_us(datetime.combine(onset + timedelta(days=1), datetime.min.time()), ZONE)
    seen = (records.check_in_us >= low) & (records.check_in_us < high)
    people = np.unique(np.asarray(records.person_ids.filter(seen).to_pylist(), dtype=object))
    chosen = np.random.default_rng(seed).choice(people, size=count, replace=False)
    isolated = datetime.combine(onset + timedelta(days=1), datetime.min.time())
    return [CaseQuery(str(person), onset, isolated) for person in sorted(chosen)]


def plain_rows(table: Any) -> list[Row]:
    return [
        (person, degree, instant_us(moment, ZONE), venue, via)
        for person, degree, moment, venue, via in zip(
            *(c.to_pylist() for c in table.columns), strict=True
        )
    ]


def index_marker(dialect: Dialect) -> str:
    """Changes whenever the tracing index definition changes, so stale bench databases
    get the new index instead of silently timing full scans."""
    statements = tracing_index_statements(dialect, TABLE) + change_tracking_statements(
        dialect, TABLE
    )
    text = "\n".join(statements)
    return hashlib.sha256(text.encode()).hexdigest()[:12]


def _install_tracing_support(connection: Any, dialect: Dialect) -> None:
    """The tracing index and the change tracking of the memory engine, on a table that may
    predate either (bench databases are kept between runs)."""
    cursor = connection.cursor()
    t = TABLE.table
    cursor.execute(f'DROP INDEX IF EXISTS "{t}_trace_venue"')
    if dialect == "postgresql":
        cursor.execute(f'ALTER TABLE "{t}" ADD COLUMN IF NOT EXISTS revision bigint')
    elif "revision" not in {row[1] for row in cursor.execute(f'PRAGMA table_info("{t}")')}:
        cursor.execute(f'ALTER TABLE "{t}" ADD COLUMN revision bigint')
    for statement in change_tracking_statements(dialect, TABLE):
        cursor.execute(statement)
    cursor.close()
    create_tracing_indexes(connection, dialect, TABLE)


def build_sqlite(path: Path, records: CheckinRecords) -> sqlite3.Connection:
    """The platform's shape (integer ids, Django's UTC text) in a file, built once."""
    if not path.exists():
        partial = path.with_suffix(".building")
        partial.unlink(missing_ok=True)
        connection = sqlite3.connect(partial)
        create_checkin_table(connection, "sqlite", TABLE)
        insert_checkins(connection, "sqlite", _integer_ids(records), TABLE)
        connection.execute("CREATE TABLE bench_index (marker TEXT)")
        connection.execute("INSERT INTO bench_index VALUES ('')")
        connection.commit()
        connection.close()
        partial.rename(path)
    connection = sqlite3.connect(path)
    if connection.execute("SELECT marker FROM bench_index").fetchone()[0] != index_marker("sqlite"):
        _install_tracing_support(connection, "sqlite")
        connection.execute("UPDATE bench_index SET marker = ?", (index_marker("sqlite"),))
        connection.commit()
    return connection


def _integer_ids(records: CheckinRecords) -> Iterator[tuple[int, int, int, int | None]]:
    for person, venue, start, end in iter_records(records):
        yield int(person), int(venue), start, end


@contextlib.contextmanager
def postgres(records: CheckinRecords, marker: str) -> Iterator[Any]:
    """A database kept between runs (loading 5 M rows takes a minute); reloaded when the
    city changes. Yields None when PostgreSQL is not reachable."""
    import psycopg

    try:
        admin = psycopg.connect(POSTGRES_ADMIN, autocommit=True)
    except psycopg.OperationalError:
        yield None
        return
    with admin:
        if not admin.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", (POSTGRES_BENCH_DB,)
        ).fetchone():
            admin.execute(f'CREATE DATABASE "{POSTGRES_BENCH_DB}"')
    dsn = POSTGRES_ADMIN.replace("dbname=postgres", f"dbname={POSTGRES_BENCH_DB}")
    with psycopg.connect(dsn) as connection:  # a transaction; committed on leaving
        loaded = connection.execute(
            "SELECT obj_description(to_regclass(%s))", (TABLE.table,)
        ).fetchone()
        if loaded is None or loaded[0] is None or loaded[0].split("|")[0] != marker:
            connection.execute(f'DROP TABLE IF EXISTS "{TABLE.table}"')
            create_checkin_table(connection, "postgresql", TABLE)
            insert_checkins(connection, "postgresql", _integer_ids(records), TABLE)
        if loaded is None or loaded[0] != f"{marker}|{index_marker('postgresql')}":
            _install_tracing_support(connection, "postgresql")
            connection.execute(
                f"COMMENT ON TABLE \"{TABLE.table}\" IS '{marker}|{index_marker('postgresql')}'"
            )
            connection.commit()
            # Index-only scans need the visibility map that VACUUM writes; on the platform
            # autovacuum keeps it current.
            connection.autocommit = True
            connection.execute(f'VACUUM ANALYZE "{TABLE.table}"')
            connection.autocommit = False
        yield connection


def run(
    shape: CityShape,
    case_count: int,
    repeat: int,
    out: Callable[[str], None],
    *,
    data_dir: Path = DATA_DIR,
    use_postgres: bool = True,
) -> Timings:
    path = city_file(shape, data_dir)
    began = time.perf_counter()
    records = load_checkins(path, zone=ZONE)
    engines: dict[str, TracingEngine] = {"duckdb": DuckDBEngine(records, zone=ZONE)}
    out(f"loaded and prepared duckdb engine in {time.perf_counter() - began:.1f} s")
    plain = duckdb.connect()
    plain.execute(f"CREATE TABLE checkins AS SELECT * FROM read_parquet('{path}')")
    began = time.perf_counter()
    sqlite_path = path.with_suffix(".sqlite")
    engines["sql-sqlite"] = SqlEngine(
        build_sqlite(sqlite_path, records), dialect="sqlite", table=TABLE, zone=ZONE
    )
    out(f"sqlite ready in {time.perf_counter() - began:.1f} s")
    engines["memory-sqlite"] = _prepared_memory_engine(sqlite3.connect(sqlite_path), out)
    cases = pick_cases(records, case_count, shape.seed)
    out(
        "load average before timing (1, 5, 15 min): "
        + " ".join(f"{x:.2f}" for x in os.getloadavg())
    )
    with postgres(records, path.name) if use_postgres else contextlib.nullcontext() as pg:
        if pg is not None:
            import psycopg

            engines["sql-postgresql"] = SqlEngine(pg, dialect="postgresql", table=TABLE, zone=ZONE)
            engines["memory-postgresql"] = _prepared_memory_engine(
                psycopg.connect(pg.info.dsn), out
            )
        else:
            out("PostgreSQL not used or not reachable: sql-postgresql skipped")
        return _time_all(engines, plain, cases, repeat)


def _prepared_memory_engine(connection: Any, out: Callable[[str], None]) -> MemoryEngine:
    began = time.perf_counter()
    engine = MemoryEngine(connection, table=TABLE, zone=ZONE)
    out(f"{engine.dialect_name} table copied into the memory engine in "
        f"{time.perf_counter() - began:.1f} s")  # fmt: skip
    return engine


def _time_all(
    engines: dict[str, TracingEngine],
    plain: duckdb.DuckDBPyConnection,
    cases: list[CaseQuery],
    repeat: int,
) -> Timings:
    timings = Timings()
    for degree in (1, 2):
        params = TracingParams(degree=degree)
        for case in cases:
            expected = plain_rows(plain_trace(plain, case, params))
            timings.contacts[(case.case_id, degree)] = len(expected)
            for name, engine in engines.items():
                got = list(engine.trace(case, params).rows())
                if got != expected:
                    raise AssertionError(f"{name} disagrees with the plain query on {case}")
            runs: dict[str, Callable[[], object]] = {
                "plain": functools.partial(plain_trace, plain, case, params),
                **{
                    name: functools.partial(engine.trace, case, params)
                    for name, engine in engines.items()
                },
            }
            for name, seconds in interleaved_medians(runs, repeat).items():
                timings.seconds[(name, case.case_id, degree)] = seconds
    return timings


def report(timings: Timings, engines: list[str]) -> str:
    lines = []
    cases = sorted({case for case, _ in timings.contacts})
    for degree in (1, 2):
        lines.append(f"\n### Degree {degree}\n")
        header = "| case | contacts | plain DuckDB query | " + " | ".join(engines) + " |"
        lines += [header, "|" + "---|" * (3 + len(engines))]
        for case in cases:
            base = timings.seconds[("plain", case, degree)]
            cells = [
                f"{timings.seconds[(e, case, degree)] * 1000:.1f} ms "
                f"({base / timings.seconds[(e, case, degree)]:.0f}×)"
                for e in engines
            ]
            contacts = timings.contacts[(case, degree)]
            lines.append(
                f"| {case} | {contacts} | {base * 1000:.1f} ms | " + " | ".join(cells) + " |"
            )
        medians = []
        for e in engines:
            own = [timings.seconds[(e, c, degree)] for c in cases]
            ratios = [
                timings.seconds[("plain", c, degree)] / timings.seconds[(e, c, degree)]
                for c in cases
            ]
            medians.append(
                f"median {statistics.median(own) * 1000:.1f} ms, max {max(own) * 1000:.1f} ms, "
                f"ratio median {statistics.median(ratios):.0f}× min {min(ratios):.0f}×"
            )
        plain_median = statistics.median(timings.seconds[("plain", c, degree)] for c in cases)
        lines.append(
            f"| **all** | | median {plain_median * 1000:.1f} ms | " + " | ".join(medians) + " |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--stays", type=int, default=CityShape.stays)
    parser.add_argument("--cases", type=int, default=8)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--no-postgres", action="store_true")
    options = parser.parse_args(argv)
    shape = CityShape(stays=options.stays)
    timings = run(shape, options.cases, options.repeat, print, use_postgres=not options.no_postgres)
    engines = sorted({name for name, _, _ in timings.seconds} - {"plain"})
    print(report(timings, engines))


if __name__ == "__main__":
    main()
