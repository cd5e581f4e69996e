"""The Spark engine (local[2]) next to the duckdb engine and the plain DuckDB query of the
spec, over the synthetic city (`bench/city.py`), in one run:

(a) one case, degree 2: each side traces it; the median of `--repeat` timed calls after
    one warm-up call (the one whose output is checked), the sides sampled in turn;
(b) a batch of `--batch` cases (default 1,000), degree 2: Spark as one job per degree
    (`SparkEngine.trace_many`), the duckdb engine case by case (`tracing.trace_batch`), and
    the plain query batched: the spec's query with a table of cases instead of one case
    (`PLAIN_BATCH`), one DuckDB query per 100 cases. Each side runs the batch once, timed.

Every side is loaded before timing. Outputs are checked equal row for row: the one case
before it is timed, the batch on the timed runs' own outputs (a second run of a 1,000-case
batch would double the benchmark's time).

    .venv/bin/python -m bench.spark_trace                      # 5 M stays
    .venv/bin/python -m bench.spark_trace --rows 30000000      # 30 M stays
    .venv/bin/python -m bench.spark_trace --rows 200000 --batch 50   # a quick look
"""

from __future__ import annotations

import argparse
import functools
import os
import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

from bench.city import DATA_DIR, CityShape, city_file
from bench.plain_query import plain_trace
from bench.run import ZONE, pick_cases, plain_rows
from fangkong.analytics.checkin_files import load_checkins
from fangkong.analytics.duckdb_engine import DuckDBEngine
from fangkong.analytics.spark_engine import SparkEngine, spark_session
from fangkong.analytics.timestamps import DEFAULT_ZONE
from fangkong.analytics.tracing import CaseQuery, TraceResult, TracingParams, trace_batch

MASTER = "local[2]"
# The driver is the executor in local mode: room for the cached city and a batch's pairs;
# a 1,000-case batch's contacts (tens of millions of rows) come back to the driver whole,
# over the default 1 GiB limit on results.
SPARK_SETTINGS = {"spark.driver.memory": "8g", "spark.driver.maxResultSize": "6g"}
SIDES = ("plain", "duckdb", "spark")
PLAIN_MEMORY = "5GB"
# Cases per batched plain query: 1,000 cases' pairs in one query outgrow the memory that a
# JVM holding the city leaves on this machine.
PLAIN_CHUNK = 100

# The spec's query (bench/plain_query.py DEGREE_2) for many cases at once: every row
# carries its case (case_no), a person is excluded per case, first exposures per case.
PLAIN_BATCH = """
WITH stays AS (
    SELECT person_id, venue_id, check_in AS s,
           coalesce(check_out, check_in + to_microseconds($default_stay_us)) AS e
    FROM checkins
),
case_stays AS (
    SELECT k.case_no, k.case_id, s.venue_id,
           greatest(s.s, k.window_start) AS s, least(s.e, k.window_end) AS e
    FROM stays s JOIN cases k ON s.person_id = k.case_id
    WHERE greatest(s.s, k.window_start) < least(s.e, k.window_end)
),
close_pairs AS (
    SELECT c.case_no, p.person_id, greatest(p.s, c.s) AS exposure, p.venue_id, c.case_id AS via
    FROM stays p JOIN case_stays c ON p.venue_id = c.venue_id
    WHERE p.person_id <> c.case_id
      AND least(p.e, c.e) - greatest(p.s, c.s) >= to_microseconds($min_overlap_us)
),
close AS (
    SELECT case_no, person_id, exposure, venue_id, via FROM (
        SELECT *, row_number() OVER (
            PARTITION BY case_no, person_id ORDER BY exposure, venue_id) AS rank
        FROM close_pairs)
    WHERE rank = 1
),
contact_stays AS (
    SELECT k.case_no, s.venue_id, k.person_id AS via, greatest(s.s, k.exposure) AS s, s.e
    FROM stays s JOIN close k ON s.person_id = k.person_id
    WHERE s.e > k.exposure
),
secondary_pairs AS (
    SELECT c.case_no, q.person_id, greatest(q.s, c.s) AS exposure, q.venue_id, c.via
    FROM stays q JOIN contact_stays c ON q.venue_id = c.venue_id
    WHERE least(q.e, c.e) - greatest(q.s, c.s) >= to_microseconds($min_overlap_us)
      AND NOT EXISTS (
          SELECT 1 FROM cases k WHERE k.case_no = c.case_no AND k.case_id = q.person_id)
      AND NOT EXISTS (
          SELECT 1 FROM close k WHERE k.case_no = c.case_no AND k.person_id = q.person_id)
),
secondary AS (
    SELECT case_no, person_id, exposure, venue_id, via FROM (
        SELECT *, row_number() OVER (
            PARTITION BY case_no, person_id ORDER BY exposure, via, venue_id) AS rank
        FROM secondary_pairs)
    WHERE rank = 1
)
SELECT case_no, person_id, 1 AS degree, exposure, venue_id, via FROM close
UNION ALL
SELECT case_no, person_id, 2 AS degree, exposure, venue_id, via FROM secondary
ORDER BY case_no, degree, exposure, person_id
"""

BATCH_SCHEMA = pa.schema(
    [
        ("case_no", pa.int64()),
        ("person", pa.string()),
        ("degree", pa.int64()),
        ("exposure", pa.int64()),
        ("venue", pa.string()),
        ("via", pa.string()),
    ]
)


def city_shape(rows: int) -> CityShape:
    """The 5 M city's density at any size: a person and a venue per 16⅔ and 83⅓ stays."""
    return CityShape(stays=rows, people=max(rows * 3 // 50, 100), venues=max(rows * 3 // 250, 20))


@dataclass
class Figures:
    rows: int
    case: str = ""
    contacts: int = 0
    one_case: dict[str, float] = field(default_factory=dict)
    batch_cases: int = 0
    batch_contacts: int = 0
    batch: dict[str, float] = field(default_factory=dict)
    loading: dict[str, float] = field(default_factory=dict)


def plain_batch(
    con: duckdb.DuckDBPyConnection,
    cases: Sequence[CaseQuery],
    params: TracingParams,
    chunk: int = PLAIN_CHUNK,
) -> pa.Table:
    """PLAIN_BATCH over `cases` in batch order (case_no: the place in `cases`), `chunk`
    cases a query; windows as naive local wall clock like the table's check-ins
    (`plain_query.plain_trace`'s way)."""
    arguments = {"default_stay_us": params.default_stay_us, "min_overlap_us": params.min_overlap_us}
    tables = []
    for first in range(0, len(cases), chunk):
        part = cases[first : first + chunk]
        windows = pa.table(
            {
                "case_no": pa.array(range(first, first + len(part)), type=pa.int64()),
                "case_id": pa.array([case.case_id for case in part], type=pa.string()),
                "window_start": pa.array(
                    [
                        datetime.combine(
                            case.onset - timedelta(days=params.lookback_days), datetime.min.time()
                        )
                        for case in part
                    ],
                    type=pa.timestamp("us"),
                ),
                "window_end": pa.array(
                    [
                        (case.isolated_at or datetime(9999, 1, 1)).replace(tzinfo=None)
                        for case in part
                    ],
                    type=pa.timestamp("us"),
                ),
            }
        )
        con.register("case_windows", windows)
        con.execute("CREATE OR REPLACE TEMP TABLE cases AS SELECT * FROM case_windows")
        con.unregister("case_windows")
        tables.append(con.sql(PLAIN_BATCH, params=arguments).to_arrow_table())
    return pa.concat_tables(tables)


def plain_batch_table(table: pa.Table) -> pa.Table:
    """The plain query's naive local exposures as instants, in BATCH_SCHEMA."""
    exposure = pc.assume_timezone(table.column("exposure"), DEFAULT_ZONE)
    columns = [
        table.column("case_no"),
        table.column("person_id"),
        table.column("degree"),
        exposure.cast(pa.timestamp("us", tz="UTC")).cast(pa.int64()),
        table.column("venue_id"),
        table.column("via"),
    ]
    return pa.table(
        [column.cast(kind.type) for column, kind in zip(columns, BATCH_SCHEMA, strict=True)],
        schema=BATCH_SCHEMA,
    )


def results_table(results: Sequence[TraceResult]) -> pa.Table:
    """An engine's batch (results in batch order) as one table in BATCH_SCHEMA."""
    tables = [
        pa.table(
            [
                pa.array([number] * len(result), type=pa.int64()),
                pa.array(result.person_ids, type=pa.string()),
                pa.array(result.degrees, type=pa.int64()),
                pa.array(result.exposures_us, type=pa.int64()),
                pa.array(result.venue_ids, type=pa.string()),
                pa.array(result.vias, type=pa.string()),
            ],
            schema=BATCH_SCHEMA,
        )
        for number, result in enumerate(results)
    ]
    return pa.concat_tables(tables) if tables else BATCH_SCHEMA.empty_table()


def run(
    rows: int,
    batch_size: int,
    repeat: int,
    out: Callable[[str], None],
    *,
    data_dir: Path = DATA_DIR,
    master: str | None = MASTER,
) -> Figures:
    """master None: the process's Spark session as it is (the smoke test's)."""
    path = city_file(city_shape(rows), data_dir)
    figures = Figures(rows=rows)
    began = time.perf_counter()
    records = load_checkins(path, zone=ZONE)
    duckdb_engine = DuckDBEngine(records, zone=ZONE)
    figures.loading["duckdb"] = time.perf_counter() - began
    began = time.perf_counter()
    plain = duckdb.connect()
    # Beside a JVM holding the city: the batched plain query spills rather than take the
    # machine's memory (DuckDB's default is 80 % of it).
    plain.execute(f"SET memory_limit = '{PLAIN_MEMORY}'")
    plain.execute(f"SET temp_directory = '{data_dir / 'duckdb-spill'}'")
    plain.execute(f"CREATE TABLE checkins AS SELECT * FROM read_parquet('{path}')")
    figures.loading["plain"] = time.perf_counter() - began
    began = time.perf_counter()
    spark_session(master, config=SPARK_SETTINGS)
    figures.loading["spark session"] = time.perf_counter() - began
    began = time.perf_counter()
    spark = SparkEngine.from_path(path, zone=ZONE)  # read, validated and cached on the cluster
    figures.loading["spark"] = time.perf_counter() - began
    out("loading (s): " + ", ".join(f"{k} {v:.1f}" for k, v in figures.loading.items()))
    params = TracingParams(degree=2)
    cases = pick_cases(records, batch_size, seed=20210728)
    ordered = sorted(cases, key=lambda case: case.case_id)
    out(
        "load average before timing (1, 5, 15 min): "
        + " ".join(f"{x:.2f}" for x in os.getloadavg())
    )

    # (a) one case
    case = ordered[0]
    expected = plain_rows(plain_trace(plain, case, params))
    for name, engine in (("duckdb", duckdb_engine), ("spark", spark)):
        if list(engine.trace(case, params).rows()) != expected:
            raise AssertionError(f"{name} disagrees with the plain query on {case}")
    figures.case, figures.contacts = case.case_id, len(expected)
    runs: dict[str, Callable[[], object]] = {
        "plain": functools.partial(plain_trace, plain, case, params),
        "duckdb": functools.partial(duckdb_engine.trace, case, params),
        "spark": functools.partial(spark.trace, case, params),
    }
    # The checking calls above were the warm-up: sample the sides in turn, as
    # bench.run.interleaved_medians does after its own warm-up call.
    samples: dict[str, list[float]] = {name: [] for name in runs}
    for _ in range(repeat):
        for name, call in runs.items():
            began = time.perf_counter()
            call()
            samples[name].append(time.perf_counter() - began)
    figures.one_case = {name: statistics.median(values) for name, values in samples.items()}
    out(f"one case ({figures.contacts} contacts): {_seconds(figures.one_case)}")

    # (b) the batch, each side once (the engines first, the plain query, the longest, last);
    # each side's output is made one table for the check, untimed.
    batches: dict[str, tuple[Callable[[], Any], Callable[[Any], pa.Table]]] = {
        "spark": (functools.partial(spark.trace_many, cases, params), results_table),
        "duckdb": (functools.partial(trace_batch, duckdb_engine, cases, params), results_table),
        "plain": (functools.partial(plain_batch, plain, ordered, params), plain_batch_table),
    }
    outputs: dict[str, pa.Table] = {}
    for name, (call, as_table) in batches.items():
        began = time.perf_counter()
        output = call()
        figures.batch[name] = time.perf_counter() - began
        out(f"batch of {len(cases)}: {name} {figures.batch[name]:.1f} s")
        outputs[name] = as_table(output)
        del output  # an engine's batch as Python lists: gigabytes at 1,000 cases
    for name in ("duckdb", "spark"):
        if not outputs[name].equals(outputs["plain"]):
            raise AssertionError(f"{name} disagrees with the plain query on the batch")
    figures.batch_cases, figures.batch_contacts = len(cases), outputs["plain"].num_rows
    out(f"batch of {len(cases)} ({figures.batch_contacts} contacts): {_seconds(figures.batch)}")
    spark.close()
    return figures


def _seconds(timings: dict[str, float]) -> str:
    return ", ".join(f"{name} {timings[name]:.2f} s" for name in SIDES)


def report(figures: Figures) -> str:
    def cells(timings: dict[str, float]) -> str:
        base = timings["plain"]
        return " | ".join(
            f"{timings[name]:.2f} s"
            + ("" if name == "plain" else f" ({base / timings[name]:.1f}×)")
            for name in SIDES
        )

    return "\n".join(
        [
            f"\n### {figures.rows:,} stays (ratio: plain / side)\n",
            "| trace | contacts | plain DuckDB query | duckdb | spark local[2] |",
            "|---|---|---|---|---|",
            f"| one case ({figures.case}), degree 2 | {figures.contacts:,} | "
            f"{cells(figures.one_case)} |",
            f"| batch of {figures.batch_cases:,} cases, degree 2 | {figures.batch_contacts:,} | "
            f"{cells(figures.batch)} |",
            "",
            "Loading (s, not in the figures): "
            + ", ".join(f"{k} {v:.1f}" for k, v in figures.loading.items()),
        ]
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=CityShape.stays, help="stays in the city")
    parser.add_argument("--batch", type=int, default=1000, help="cases in the batch")
    parser.add_argument("--repeat", type=int, default=3, help="timed calls for one case")
    options = parser.parse_args(argv)
    began = time.perf_counter()
    figures = run(options.rows, options.batch, options.repeat, print)
    print(report(figures))
    print(f"\nwall time {time.perf_counter() - began:.0f} s")


if __name__ == "__main__":
    main()
