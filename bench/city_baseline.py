"""The plain baseline at city scale: the spec's queries (`bench/plain_query.py`) run by DuckDB
straight over the archive's day files that `bench/city_scale.py` wrote, for the cases of its
`cases.json`.

    .venv/bin/python -m bench.city_baseline /work/citydata/30m [--cases 20]

Times, each call one DuckDB query returning the whole result as Arrow:
- degree 1 of the first `--cases` cases of cases.json (one warm-up call, then one timed
  call per case): p50 and p99 (with 20 cases the p99 is the worst but one);
- degree 2 (open-ended contact windows, as in file mode) of the case with the median number
  of close contacts among them, once;
- the over-limit-style aggregate: for every venue and hour of the last day, how many stays
  are inside during that hour (the occupancy an over-limit list compares with the limits).
Nothing is loaded into memory first: every query reads the Parquet files (which the page
cache holds after the first), so the figures are what a plain query over the archive costs.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import duckdb

from bench.plain_query import DEGREE_1, DEGREE_2
from fangkong.analytics.tracing import TracingParams

LOCAL_OFFSET = timedelta(hours=8)  # Asia/Shanghai; the files hold UTC instants

OCCUPANCY_BY_HOUR = """
WITH stays AS (
    SELECT venue_id, check_in AS s,
           coalesce(check_out, check_in + to_microseconds($default_stay_us)) AS e
    FROM read_parquet($file)
),
hours AS (
    SELECT $day_start + to_hours(h) AS h_start, $day_start + to_hours(h + 1) AS h_end
    FROM range(24) t(h)
)
SELECT venue_id, h_start AS hour, count(*) AS stays
FROM stays JOIN hours ON stays.s < hours.h_end AND stays.e > hours.h_start
GROUP BY venue_id, h_start
ORDER BY stays DESC
"""


def connect(city: Path, memory_limit: str) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    con.execute("SET TimeZone = 'UTC'")
    con.execute(f"SET memory_limit = '{memory_limit}'")
    con.execute("SET temp_directory = '/tmp/fk_bench_duckdb'")
    files = str(city / "checkins" / "*.parquet")
    # The spec's table: naive timestamps, here UTC (the case window is given in UTC too).
    con.execute(
        f"""CREATE VIEW checkins AS
        SELECT person_id, venue_id, check_in::TIMESTAMP AS check_in,
               check_out::TIMESTAMP AS check_out
        FROM read_parquet('{files}')"""
    )
    return con


def trace(con: duckdb.DuckDBPyConnection, case: dict[str, str], degree: int) -> Any:
    params = TracingParams(degree=degree)
    onset = date.fromisoformat(case["onset"])
    window_start = datetime.combine(
        onset - timedelta(days=params.lookback_days), datetime.min.time()
    )
    # cases.json gives the isolation time with its offset; the query compares naive UTC.
    isolated = datetime.fromisoformat(case["isolated_at"]).astimezone(UTC)
    arguments = {
        "case_id": int(case["case_id"]),
        "window_start": window_start - LOCAL_OFFSET,
        "window_end": isolated.replace(tzinfo=None),
        "default_stay_us": params.default_stay_us,
        "min_overlap_us": params.min_overlap_us,
    }
    query = DEGREE_2 if degree == 2 else DEGREE_1
    return con.sql(query, params=arguments).to_arrow_table()


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def measure(
    city: Path,
    case_count: int,
    memory_limit: str,
    *,
    degree2: bool = True,
    warm_up: bool = True,
) -> dict[str, Any]:
    cases = json.loads((city / "cases.json").read_text())["cases"][:case_count]
    days = sorted((city / "checkins").glob("*.parquet"))
    con = connect(city, memory_limit)
    stays = con.execute("SELECT count(*) FROM checkins").fetchall()[0]
    result: dict[str, Any] = {
        "warm_up": warm_up,
        "city": str(city),
        "stays": stays[0] if stays else 0,
        "days": len(days),
        "bytes": sum(path.stat().st_size for path in days),
        "measured_at": datetime.now().astimezone().isoformat(timespec="seconds"),
    }
    if warm_up:
        trace(con, cases[0], 1)  # file metadata, page cache
    seconds: list[float] = []
    contacts: list[int] = []
    for case in cases:
        began = time.perf_counter()
        rows = trace(con, case, 1).num_rows
        seconds.append(time.perf_counter() - began)
        contacts.append(rows)
        print(
            f"degree 1 of {case['case_id']}: {rows} contacts, {seconds[-1] * 1000:.0f} ms",
            flush=True,
        )
    result["degree1"] = {
        "cases": len(cases),
        "p50_ms": round(percentile(seconds, 0.5) * 1000, 1),
        "p99_ms": round(percentile(seconds, 0.99) * 1000, 1),
        "max_ms": round(max(seconds) * 1000, 1),
        "contacts_median": statistics.median(contacts),
        "contacts_max": max(contacts),
    }
    median_case = sorted(zip(contacts, range(len(cases)), strict=True))[len(cases) // 2][1]
    if degree2:
        began = time.perf_counter()
        table = trace(con, cases[median_case], 2)
        result["degree2_median_case"] = {
            "case_id": cases[median_case]["case_id"],
            "close": contacts[median_case],
            "contacts": table.num_rows,
            "ms": round((time.perf_counter() - began) * 1000, 1),
        }
        print(f"degree 2: {result['degree2_median_case']}", flush=True)
    last = days[-1]
    day = date.fromisoformat(last.name.removesuffix(".parquet"))
    arguments = {
        "file": str(last),
        "day_start": datetime.combine(day, datetime.min.time()) - LOCAL_OFFSET,
        "default_stay_us": TracingParams().default_stay_us,
    }
    con.sql(OCCUPANCY_BY_HOUR, params=arguments).to_arrow_table()  # warm-up
    began = time.perf_counter()
    occupancy = con.sql(OCCUPANCY_BY_HOUR, params=arguments).to_arrow_table()
    result["occupancy_by_hour"] = {
        "day": day.isoformat(),
        "rows": occupancy.num_rows,
        "busiest": occupancy.column("stays")[0].as_py(),
        "ms": round((time.perf_counter() - began) * 1000, 1),
    }
    print(f"occupancy by hour: {result['occupancy_by_hour']}", flush=True)
    result["max_rss_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("city", type=Path, help="a directory written by bench.city_scale")
    parser.add_argument("--cases", type=int, default=20)
    parser.add_argument("--memory-limit", default="8GB")
    parser.add_argument("--no-degree2", action="store_true", help="skip the degree-2 query")
    parser.add_argument("--no-warm-up", action="store_true", help="time the first call too")
    options = parser.parse_args()
    result = measure(
        options.city,
        options.cases,
        options.memory_limit,
        degree2=not options.no_degree2,
        warm_up=not options.no_warm_up,
    )
    (options.city / "baseline.json").write_text(json.dumps(result, indent=1) + "\n")
    print(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
