"""The disk engine (fangkong.analytics.disk_engine) over a city's archive day files, next to
the plain DuckDB query of the spec (bench/plain_query.py) over the same files.

    PYTHONPATH=$PWD .venv/bin/python -m bench.city_trace --data /work/citydata/30m \\
        --index /work/fk_disk_index/30m --cases 300 --degree2 20

Without --data it writes a small city of its own first (--small-days days of
--small-per-day stays). Reports, as JSON: index build seconds per day (only days without a
current index are built), first open of the engine with the indexes built (nothing
dropped from the page cache: a warm "cold start"), degree-1 p50/p99 over N cases, degree 2
median and worst, 1,000 cases traced one after another, the plain query's times over a
few cases (and whether its contacts are the engine's), and memory: peak RSS, and the
current RSS split into anonymous (this process's own) and file-backed (the mapped indexes,
shared with every other process through the page cache).
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import time
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from bench.plain_query import plain_trace
from fangkong.analytics.disk_engine import DiskEngine
from fangkong.analytics.disk_index import archive_day_files, day_index
from fangkong.analytics.timestamps import DEFAULT_ZONE, zone_named
from fangkong.analytics.tracing import CaseQuery, TracingParams

ZONE = zone_named(DEFAULT_ZONE)


def small_city(root: Path, *, days: int, per_day: int, persons: int, venues: int) -> None:
    """Day files in the archive's format: skewed venue popularity, stays of minutes to hours,
    a few without check-out."""
    folder = root / "checkins"
    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(20261203)
    popularity = 1.0 / np.arange(1, venues + 1) ** 0.9
    popularity /= popularity.sum()
    first = date(2026, 11, 1)
    next_id = 1
    for offset in range(days):
        day = first + timedelta(days=offset)
        midnight = int(datetime.combine(day, datetime.min.time(), tzinfo=ZONE).timestamp())
        start = (midnight + rng.integers(6 * 3600, 23 * 3600, per_day)) * 1_000_000
        length = rng.choice([10, 20, 30, 45, 60, 90, 120, 240], per_day) * 60_000_000
        end = np.where(rng.random(per_day) < 0.05, -1, start + length)
        venue = rng.choice(venues, per_day, p=popularity) + 1
        person = rng.integers(1, persons + 1, per_day)
        order = np.lexsort((start, venue))
        ids = np.arange(next_id, next_id + per_day, dtype=np.int64)
        next_id += per_day
        us = pa.timestamp("us", tz="UTC")
        out = pa.array(end[order], mask=end[order] < 0).cast(us)
        table = pa.table(
            {
                "id": ids,
                "person_id": person[order],
                "venue_id": venue[order],
                "check_in": pa.array(start[order]).cast(us),
                "check_out": out,
                "source": pa.array(["bench"] * per_day),
                "source_record_id": pa.nulls(per_day, pa.string()),
            }
        ).replace_schema_metadata(
            {
                "fangkong.day": day.isoformat(),
                "fangkong.rows": str(per_day),
                "fangkong.id_sum": str(int(ids.sum()) % 2**63),
            }
        )
        pq.write_table(table, folder / f"{day.isoformat()}.parquet", compression="zstd")


def rss() -> dict[str, float]:
    found = {"peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}
    for line in Path("/proc/self/status").read_text().splitlines():
        name, _, value = line.partition(":")
        if name in ("VmRSS", "RssAnon", "RssFile"):
            found[f"{name}_mb"] = int(value.split()[0]) / 1024
    return found


def cases_of(data: Path, count: int, seed: int) -> list[CaseQuery]:
    """The generator's cases (cases.json) if there are enough, else persons of the last
    day, with onset that day and isolation at its end."""
    listed = data / "cases.json"
    found: list[CaseQuery] = []
    if listed.exists():
        for row in json.loads(listed.read_text())["cases"]:
            isolated = row.get("isolated_at")
            found.append(
                CaseQuery(
                    str(row["case_id"]),
                    date.fromisoformat(row["onset"]),
                    None if isolated is None else datetime.fromisoformat(isolated),
                )
            )
    if len(found) < count:
        files = archive_day_files(data)
        last = max(files)
        persons = pq.read_table(files[last], columns=["person_id"]).column(0).to_numpy()
        rng = np.random.default_rng(seed)
        isolated_at = datetime.combine(last + timedelta(days=1), datetime.min.time(), ZONE)
        found += [
            CaseQuery(str(p), last, isolated_at)
            for p in rng.choice(persons, count - len(found)).tolist()
        ]
    random.Random(seed).shuffle(found)
    return found[:count]


def percentile(values: list[float], q: float) -> float:
    return float(np.percentile(np.array(values), q)) if values else float("nan")


def plain_connection(data: Path) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    con.execute("SET TimeZone = 'UTC'")
    con.execute("SET memory_limit = '6GB'")
    files = str(data / "checkins" / "*.parquet")
    # The plain query wants naive local timestamps and text ids, as in a check-in file.
    con.execute(
        f"""CREATE VIEW checkins AS SELECT CAST(person_id AS VARCHAR) AS person_id,
        CAST(venue_id AS VARCHAR) AS venue_id,
        timezone('{DEFAULT_ZONE}', check_in) AS check_in,
        timezone('{DEFAULT_ZONE}', check_out) AS check_out
        FROM read_parquet('{files}')"""
    )
    return con


def _show(report: dict[str, Any], key: str) -> None:
    # Each figure as soon as it is measured: a run killed later (out of memory in a huge
    # second degree) keeps what it had.
    print(json.dumps({key: report[key]}), flush=True)


def run(args: argparse.Namespace) -> dict[str, Any]:
    data = Path(args.data)
    index = Path(args.index)
    report: dict[str, Any] = {"data": str(data), "index": str(index)}
    files = archive_day_files(data)
    report["days"] = len(files)
    report["stays"] = sum(pq.read_metadata(p).num_rows for p in files.values())
    builds = {}
    for day in sorted(files):
        started = time.perf_counter()
        folder_existed = (index / day.isoformat() / "meta.json").exists()
        day_index(day, files[day], index)
        if not folder_existed:
            builds[day.isoformat()] = round(time.perf_counter() - started, 2)
    report["index_build_seconds"] = builds
    report["index_bytes"] = sum(p.stat().st_size for p in index.rglob("*.npy"))
    report["rss_after_build"] = rss()
    for key in ("days", "stays", "index_build_seconds", "index_bytes", "rss_after_build"):
        _show(report, key)

    started = time.perf_counter()
    engine = DiskEngine(data, index_dir=index, zone=ZONE)
    report["first_open_seconds"] = round(time.perf_counter() - started, 3)
    cases = cases_of(data, max(args.cases, 1000), args.seed)
    one = TracingParams(degree=1)
    started = time.perf_counter()
    first = engine.trace(cases[0], one)
    report["first_trace_ms"] = round((time.perf_counter() - started) * 1000, 2)
    del first
    _show(report, "first_open_seconds")
    _show(report, "first_trace_ms")

    times, sizes = [], []
    for case in cases[: args.cases]:
        started = time.perf_counter()
        result = engine.trace(case, one)
        times.append((time.perf_counter() - started) * 1000)
        sizes.append(len(result))
    report["degree1"] = {
        "cases": len(times),
        "p50_ms": round(percentile(times, 50), 2),
        "p99_ms": round(percentile(times, 99), 2),
        "max_ms": round(max(times), 2),
        "contacts_median": int(np.median(sizes)),
        "contacts_max": int(max(sizes)),
    }
    _show(report, "degree1")
    started = time.perf_counter()
    for case in cases[:1000]:
        engine.trace(case, one)
    report["thousand_cases_seconds"] = round(time.perf_counter() - started, 2)
    _show(report, "thousand_cases_seconds")

    # Degree 2 of the cases with the median and the largest close-contact counts.
    order = np.argsort(sizes)
    chosen = [cases[i] for i in order[len(order) // 2 - args.degree2 // 2 :][: args.degree2]]
    if args.largest:
        chosen.append(cases[int(order[-1])])
    two = TracingParams(degree=2)
    d2 = []
    for case in chosen:
        started = time.perf_counter()
        result = engine.trace(case, two)
        d2.append(((time.perf_counter() - started) * 1000, len(result)))
        del result
        print(
            json.dumps({"degree2_case": {"ms": round(d2[-1][0], 1), "contacts": d2[-1][1]}}),
            flush=True,
        )
    median_cases = d2[:-1] if args.largest else d2
    report["degree2"] = {
        "median_case_ms": round(percentile([t for t, _ in median_cases], 50), 1),
        "median_cases_worst_ms": round(max(t for t, _ in median_cases), 1),
        "median_case_contacts": int(np.median([n for _, n in median_cases])),
        "largest_case_ms": round(d2[-1][0], 1) if args.largest else None,
        "largest_case_contacts": d2[-1][1] if args.largest else None,
    }
    report["rss_after_traces"] = rss()
    _show(report, "degree2")
    _show(report, "rss_after_traces")

    if args.plain:
        con = plain_connection(data)
        plain = []
        for case in cases[: args.plain]:
            started = time.perf_counter()
            table = plain_trace(con, case, one)
            elapsed = (time.perf_counter() - started) * 1000
            ours = engine.trace(case, one)
            theirs = table.column("person_id").to_pylist()
            plain.append((elapsed, sorted(theirs) == sorted(ours.person_ids)))
        report["plain_duckdb_degree1"] = {
            "cases": len(plain),
            "median_ms": round(percentile([t for t, _ in plain], 50), 1),
            "same_contacts": all(same for _, same in plain),
        }
        _show(report, "plain_duckdb_degree1")
    return report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", help="a folder holding checkins/<day>.parquet")
    parser.add_argument("--index", help="where the day indexes go (default <data>/tracing_index)")
    parser.add_argument("--cases", type=int, default=300)
    parser.add_argument("--degree2", type=int, default=10)
    parser.add_argument("--plain", type=int, default=3, help="cases for the plain query")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--no-largest",
        dest="largest",
        action="store_false",
        help="skip degree 2 of the case with the most close contacts (minutes at 100 M)",
    )
    parser.add_argument("--small-days", type=int, default=3)
    parser.add_argument("--small-per-day", type=int, default=200_000)
    args = parser.parse_args()
    if args.data is None:
        args.data = "/tmp/fk_disk_city"
        small_city(
            Path(args.data),
            days=args.small_days,
            per_day=args.small_per_day,
            persons=args.small_per_day // 2,
            venues=max(args.small_per_day // 100, 10),
        )
    if args.index is None:
        args.index = str(Path(args.data) / "tracing_index")
    print(json.dumps(run(args)), flush=True)


if __name__ == "__main__":
    main()
