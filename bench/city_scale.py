"""A Wuxi-size city's check-ins, one day at a time, written in the archive's day format.

    .venv/bin/python -m bench.city_scale --days 2 --out /work/citydata/30m

Shape (defaults): 7,500,000 persons, 120,000 venues, about 15,000,000 stays a day.
- The city is 8 districts of 75 neighbourhoods; venues are numbered neighbourhood by
  neighbourhood and persons live in one neighbourhood (by id), so both ids carry place.
- Venue popularity is log-normal (most venues see a handful of people a day) and 0.5 % of
  venues are large (malls, stations, hospitals) weighted 40-400 times an average one.
- 72 % of a person's scans are in the home neighbourhood, 18 % in the home district, 10 %
  anywhere in the city, each drawn by the venues' popularity; so large venues fill from
  the whole city and corner shops from their street.
- A person's daily number of scans is Poisson around a personal, log-normal activity
  (mean 2 a day: many scan nothing on a given day, a few scan ten times).
- Check-in times and stay lengths as in `bench/city.py`: commute, lunch and evening peaks,
  weekends later; log-normal lengths (median 35 min, capped at 10 h), 0.2 % multi-day
  stays, 12 % without check-out.

Every day is drawn from its own seed (`seed`, day index), so a day file is the same whatever
else was generated, and a smaller city is a prefix of a larger one (the 30 M city is the
first two days of the 420 M one). Ids are unique and increasing across days: day k's ids
start after the last id of day k-1 (read from that file's `fangkong.rows`), in check-in
order within the day as an ingest would assign them. A day file that exists is kept, so a
run can be stopped and resumed, or extended with more days.

The file format is the day archive's (docs: DESIGN of issue 16): `checkins/<day>.parquet`,
columns `id, person_id, venue_id, check_in, check_out, source, source_record_id`, sorted by
(venue_id, check_in), zstd, row groups of 1,000,000 rows, key-value metadata
`fangkong.day`, `fangkong.rows`, `fangkong.id_sum`.
"""

from __future__ import annotations

import argparse
import json
import os
import time
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from bench.city import _times_of_day

LOCAL_OFFSET_S = 8 * 3600  # Asia/Shanghai, no DST: a day is [00:00+08, 24:00+08)
DISTRICTS = 8
NEIGHBOURHOODS_PER_DISTRICT = 75
ROW_GROUP = 1_000_000
SOURCE = "health_code"
SCHEMA = pa.schema(
    [
        ("id", pa.int64()),
        ("person_id", pa.int64()),
        ("venue_id", pa.int64()),
        ("check_in", pa.timestamp("us", tz="UTC")),
        ("check_out", pa.timestamp("us", tz="UTC")),
        ("source", pa.string()),
        ("source_record_id", pa.string()),
    ]
)


@dataclass(frozen=True)
class CityScale:
    persons: int = 7_500_000
    venues: int = 120_000
    per_day: int = 15_000_000
    seed: int = 20260728
    start: date = date(2026, 11, 1)
    missing_check_out: float = 0.12
    home_share: float = 0.72
    district_share: float = 0.18

    @property
    def neighbourhoods(self) -> int:
        return DISTRICTS * NEIGHBOURHOODS_PER_DISTRICT


class CityPlan:
    """What does not change from day to day: where venues and persons are, how popular and
    how active they are (one array each; 7.5 M persons take about 120 MB)."""

    def __init__(self, city: CityScale) -> None:
        self.city = city
        rng = np.random.default_rng([city.seed, 0])
        weight = rng.lognormal(0.0, 1.2, size=city.venues)
        large = rng.random(city.venues) < 0.005
        # A large venue draws 40-400 times an average one (the busiest ~30,000 stays a day,
        # a railway station's), whatever its log-normal draw.
        weight[large] = weight.mean() * rng.uniform(40, 400, size=int(large.sum()))
        self.venue_cum = np.concatenate([[0.0], np.cumsum(weight)])
        hood_edges = np.linspace(0, city.venues, city.neighbourhoods + 1).astype(np.int64)
        self.hood_lo = self.venue_cum[hood_edges[:-1]]
        self.hood_hi = self.venue_cum[hood_edges[1:]]
        district_edges = hood_edges[::NEIGHBOURHOODS_PER_DISTRICT]
        self.district_lo = self.venue_cum[district_edges[:-1]]
        self.district_hi = self.venue_cum[district_edges[1:]]
        activity = rng.lognormal(0.0, 0.8, size=city.persons)
        self.rate = (activity * (city.per_day / activity.sum())).astype(np.float32)

    def home_of(self, person_index: np.ndarray) -> np.ndarray:
        return (person_index * self.city.neighbourhoods) // self.city.persons

    def day_table(self, day_index: int, first_id: int) -> pa.Table:
        city = self.city
        rng = np.random.default_rng([city.seed, 1, day_index])
        scans = rng.poisson(self.rate).astype(np.int64)
        person_index = np.repeat(np.arange(city.persons, dtype=np.int64), scans)
        n = len(person_index)
        hood = self.home_of(person_index)
        district = hood // NEIGHBOURHOODS_PER_DISTRICT
        reach = rng.random(n)
        lo = np.where(reach < city.home_share, self.hood_lo[hood], self.district_lo[district])
        hi = np.where(reach < city.home_share, self.hood_hi[hood], self.district_hi[district])
        anywhere = reach >= city.home_share + city.district_share
        lo[anywhere] = 0.0
        hi[anywhere] = self.venue_cum[-1]
        del reach, hood, district, anywhere
        pick = lo + rng.random(n) * (hi - lo)
        del lo, hi
        venue = np.searchsorted(self.venue_cum, pick, side="right").clip(1, city.venues)
        del pick
        day = city.start + timedelta(days=day_index)
        weekend = np.full(n, day.weekday() >= 5)
        local_s = _times_of_day(rng, n, weekend)
        midnight_utc_s = int(np.datetime64(day, "s").astype(np.int64)) - LOCAL_OFFSET_S
        check_in_s = midnight_utc_s + local_s
        length_s = np.minimum(rng.lognormal(np.log(35 * 60), 0.8, size=n), 10 * 3600)
        multi_day = rng.random(n) < 0.002
        length_s = np.where(multi_day, rng.integers(86400, 3 * 86400, size=n), length_s)
        length_s = np.maximum(length_s, 2 * 60).astype(np.int64)
        # Sub-second jitter so that check-ins of one venue rarely tie.
        check_in_us = check_in_s * 1_000_000 + rng.integers(0, 1_000_000, size=n)
        check_out_us = check_in_us + length_s * 1_000_000
        open_stay = rng.random(n) < city.missing_check_out
        # Ids in check-in order (as an ingest would assign them), rows in venue order.
        by_time = np.argsort(check_in_us, kind="stable")
        ids = np.empty(n, dtype=np.int64)
        ids[by_time] = np.arange(first_id, first_id + n, dtype=np.int64)
        del by_time
        order = np.lexsort((check_in_us, venue))
        ids = ids[order]
        return pa.table(
            [
                pa.array(ids),
                pa.array(person_index[order] + 1),
                pa.array(venue[order].astype(np.int64)),
                pa.array(check_in_us[order], type=pa.timestamp("us", tz="UTC")),
                pa.array(
                    check_out_us[order], type=pa.timestamp("us", tz="UTC"), mask=open_stay[order]
                ),
                pa.DictionaryArray.from_arrays(
                    pa.array(np.zeros(n, dtype=np.int32)), pa.array([SOURCE])
                ).cast(pa.string()),
                pc.cast(pa.array(ids), pa.string()),
            ],
            schema=SCHEMA,
        )


def day_path(out: Path, day: date) -> Path:
    return out / "checkins" / f"{day.isoformat()}.parquet"


def write_day(table: pa.Table, path: Path, day: date) -> None:
    """Writes `<day>.parquet.partial`, checks what was written, then renames it: a file
    under its final name is always complete."""
    ids = table.column("id").to_numpy()
    id_sum = int(ids.sum(dtype=np.int64)) % 2**63
    metadata = {
        b"fangkong.day": day.isoformat().encode(),
        b"fangkong.rows": str(table.num_rows).encode(),
        b"fangkong.id_sum": str(id_sum).encode(),
    }
    partial = path.with_name(path.name + ".partial")
    pq.write_table(
        table.replace_schema_metadata(metadata),
        partial,
        compression="zstd",
        row_group_size=ROW_GROUP,
    )
    written = pq.ParquetFile(partial).metadata
    if written.num_rows != table.num_rows:
        raise RuntimeError(f"{partial}: {written.num_rows} rows written of {table.num_rows}")
    os.replace(partial, path)


def day_rows(path: Path) -> int:
    metadata = pq.ParquetFile(path).schema_arrow.metadata or {}
    return int(metadata[b"fangkong.rows"])


def generate(city: CityScale, days: int, out: Path, log: bool = True) -> list[dict[str, object]]:
    """Writes the missing day files of the first `days` days; returns one line per day."""
    (out / "checkins").mkdir(parents=True, exist_ok=True)
    plan: CityPlan | None = None
    next_id = 1
    report: list[dict[str, object]] = []
    for day_index in range(days):
        day = city.start + timedelta(days=day_index)
        path = day_path(out, day)
        if path.exists():
            rows = day_rows(path)
            report.append({"day": day.isoformat(), "rows": rows, "seconds": None})
        else:
            plan = plan or CityPlan(city)
            began = time.perf_counter()
            table = plan.day_table(day_index, next_id)
            drawn = time.perf_counter()
            write_day(table, path, day)
            rows = table.num_rows
            del table
            seconds = time.perf_counter() - began
            report.append(
                {
                    "day": day.isoformat(),
                    "rows": rows,
                    "seconds": round(seconds, 1),
                    "draw_seconds": round(drawn - began, 1),
                    "bytes": path.stat().st_size,
                }
            )
            if log:
                print(
                    f"{day}: {rows:,} stays in {seconds:.1f} s ({rows / seconds:,.0f} rows/s, "
                    f"drawn in {drawn - began:.1f} s), {path.stat().st_size / 2**20:.0f} MiB",
                    flush=True,
                )
        next_id += rows
    return report


def write_cases(city: CityScale, days: int, out: Path, count: int, seed: int) -> Path:
    """Persons to trace as cases, the same for every engine: drawn at random among those with
    a stay on the last day; onset that day, isolated at the end of it (local midnight), so
    the case window covers the last `lookback_days` + 1 days of the city."""
    last = city.start + timedelta(days=days - 1)
    persons = pq.read_table(day_path(out, last), columns=["person_id"]).column(0).to_numpy()
    rng = np.random.default_rng([seed, days])
    chosen = rng.choice(np.unique(persons), size=count, replace=False)
    isolated = last + timedelta(days=1)
    cases = [
        {
            "case_id": str(int(person)),
            "onset": last.isoformat(),
            "isolated_at": f"{isolated.isoformat()}T00:00:00+08:00",
        }
        for person in sorted(chosen.tolist())
    ]
    path = out / "cases.json"
    path.write_text(json.dumps({"seed": seed, "cases": cases}, indent=1) + "\n")
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    defaults = CityScale()
    parser.add_argument("--persons", type=int, default=defaults.persons)
    parser.add_argument("--venues", type=int, default=defaults.venues)
    parser.add_argument("--per-day", type=int, default=defaults.per_day)
    parser.add_argument("--days", type=int, default=2)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--seed", type=int, default=defaults.seed)
    parser.add_argument("--start", type=date.fromisoformat, default=defaults.start)
    parser.add_argument("--cases", type=int, default=1000, help="persons in cases.json")
    options = parser.parse_args()
    city = CityScale(
        persons=options.persons,
        venues=options.venues,
        per_day=options.per_day,
        seed=options.seed,
        start=options.start,
    )
    began = time.perf_counter()
    report = generate(city, options.days, options.out)
    cases = write_cases(city, options.days, options.out, options.cases, options.seed)
    total = sum(int(str(line["rows"])) for line in report)
    print(f"{total:,} stays in {options.out} ({time.perf_counter() - began:.0f} s); {cases}")
    (options.out / "generation.json").write_text(
        json.dumps(
            {"city": {**vars(options), "out": str(options.out)}, "days": report},
            default=str,
            indent=1,
        )
        + "\n"
    )


if __name__ == "__main__":
    main()
