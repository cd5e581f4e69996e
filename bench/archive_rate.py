"""Archive rate: moving one day of check-ins from PostgreSQL into the Parquet day archive.

For each size, fills one day of a throwaway PostgreSQL database (`fk_archive_bench`) with
that many stays, then times, each in a fresh child process (so its peak RSS is its own):

* baseline: the same rows streamed out (`COPY ... TO STDOUT`, pyarrow's CSV reader) and
  written by DuckDB to one zstd Parquet file, unsorted, unverified, nothing deleted;
* archive: `checkin_day_archive` (stream out, sort by venue and check-in, write, read back
  and verify count and id sum, publish, remove the day from the database, audit).

    .venv/bin/python -m bench.archive_rate                  # 1 M and 3 M rows
    .venv/bin/python -m bench.archive_rate --rows 5000000   # one size
    .venv/bin/python -m bench.archive_rate --reads 5000000  # reads of one day's file
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

DATA_DIR = Path(__file__).resolve().parent / "data"
ARCHIVE_DIR = DATA_DIR / "archive-bench"
SERVER = "postgres://postgres@127.0.0.1:5432/"
DATABASE = "fk_archive_bench"
DAY = dt.date(2026, 1, 15)  # far older than the hot days
VENUES, PERSONS = 20_000, 1_000_000


def _setup_django() -> None:
    os.environ["DATABASE_URL"] = SERVER + DATABASE
    os.environ["FANGKONG_ARCHIVE_DIR"] = str(ARCHIVE_DIR)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fangkong.settings")
    import django

    django.setup()


def _create_database() -> None:
    import psycopg

    with psycopg.connect(SERVER + "postgres", autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {DATABASE}")
        admin.execute(f"CREATE DATABASE {DATABASE}")
    _setup_django()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def _fill(rows: int) -> None:
    """One day of `rows` stays (foreign keys unchecked: the bench needs the shape only)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SET session_replication_role = replica")
        cursor.execute("TRUNCATE venues_checkin CASCADE")
        cursor.execute(
            "INSERT INTO venues_checkin (person_id, venue_id, check_in, check_out, source,"
            " source_record_id, created_at) "
            "SELECT 1 + (g * 7919) %% %s, 1 + floor(%s * power(random(), 3))::int, "
            "  %s::timestamptz + make_interval(secs => (g * 86399.0 / %s)), "
            "  CASE WHEN g %% 5 = 0 THEN NULL ELSE %s::timestamptz"
            "   + make_interval(secs => (g * 86399.0 / %s) + 1200 + g %% 7200) END, "
            "  'import', 'a' || g, now() "
            "FROM generate_series(1::bigint, %s::bigint) AS g",
            [
                PERSONS,
                VENUES,
                dt.datetime.combine(DAY, dt.time(), tzinfo=dt.timezone(dt.timedelta(hours=8))),
                rows,
                dt.datetime.combine(DAY, dt.time(), tzinfo=dt.timezone(dt.timedelta(hours=8))),
                rows,
                rows,
            ],
        )
        cursor.execute("SET session_replication_role = DEFAULT")
        cursor.execute("ANALYZE venues_checkin")


def _phase_baseline() -> dict[str, float]:
    import duckdb
    import pyarrow as pa

    from fangkong.venues.services.checkin_archive import day_batches

    out = ARCHIVE_DIR / "baseline.parquet"
    out.parent.mkdir(parents=True, exist_ok=True)
    began = time.perf_counter()
    table = pa.Table.from_batches(list(day_batches(DAY)))
    connection = duckdb.connect()
    connection.register("day", table)
    connection.execute(f"COPY day TO '{out}' (FORMAT parquet, COMPRESSION zstd)")
    seconds = time.perf_counter() - began
    rows = table.num_rows
    size = out.stat().st_size
    out.unlink()
    return {"rows": rows, "seconds": seconds, "bytes": size}


def _phase_archive() -> dict[str, float]:
    from fangkong.venues.services import checkin_archive as service

    removal = {"seconds": 0.0}
    remove = service._remove_archived_day

    def timed_remove(**kwargs: Any) -> bool:
        # the day's removal from the database (recount, DELETE, audit, commit with its
        # deferred foreign-key checks), timed on its own: the stand-in's range DELETE here,
        # a partition drop in parts' version
        began = time.perf_counter()
        try:
            return remove(**kwargs)
        finally:
            removal["seconds"] += time.perf_counter() - began

    service._remove_archived_day = timed_remove
    began = time.perf_counter()
    result = service.checkin_day_archive(day=DAY, by=None)
    seconds = time.perf_counter() - began
    return {
        "rows": result.rows,
        "seconds": seconds,
        "bytes": result.bytes,
        "removal_seconds": removal["seconds"],
    }


def reads(rows: int) -> None:
    """Archive reads over one synthetic day file of `rows` stays (no database): a quiet
    venue, the busiest venue, one person (median of 5 each)."""
    import tempfile

    import numpy as np
    import pyarrow as pa

    from fangkong.analytics import checkin_archive as archive

    rng = np.random.default_rng(1)
    base = int(dt.datetime(2026, 1, 14, 16, tzinfo=dt.UTC).timestamp() * 1e6)
    check_in = base + rng.integers(0, 86_400_000_000, rows)
    table = pa.table(
        {
            "id": np.arange(1, rows + 1),
            "person_id": rng.integers(1, 7_500_000, rows),
            "venue_id": (120_000 * rng.random(rows) ** 3).astype(np.int64) + 1,
            "check_in": check_in,
            "check_out": check_in + 1_800_000_000,
            "source": pa.array(["import"] * rows),
            "source_record_id": pa.array([None] * rows, pa.string()),
        }
    )
    with tempfile.TemporaryDirectory(dir=DATA_DIR) as folder:
        root = Path(folder)
        began = time.perf_counter()
        written = archive.day_write(root, DAY, [table])
        wrote = time.perf_counter() - began
        began = time.perf_counter()
        archive.day_verify(written.path, day=DAY, rows=rows)
        verified = time.perf_counter() - began
        archive.day_publish(root, DAY)
        print(f"{rows:,} rows: write {wrote:.1f} s, verify {verified:.1f} s, ", end="")
        print(f"{written.bytes / 2**20:.0f} MB")
        for label, where in [
            ("a quiet venue", {"venue_ids": [5000]}),
            ("the busiest venue", {"venue_ids": [1]}),
            ("one person", {"person_ids": [123456]}),
        ]:
            samples = []
            for _ in range(5):
                began = time.perf_counter()
                found = archive.days_read(root, [DAY], **where)  # type: ignore[arg-type]
                samples.append(time.perf_counter() - began)
            print(f"{label}: {found.num_rows} rows, median {sorted(samples)[2] * 1000:.0f} ms")


def _child(phase: str) -> dict[str, float]:
    output = subprocess.run(
        [sys.executable, "-m", "bench.archive_rate", "--phase", phase],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return dict(json.loads(output.strip().splitlines()[-1]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, nargs="*", default=[1_000_000, 3_000_000])
    parser.add_argument("--phase", choices=["baseline", "archive"], help=argparse.SUPPRESS)
    parser.add_argument("--reads", type=int, help="only time archive reads over N rows")
    args = parser.parse_args()
    if args.reads:
        DATA_DIR.mkdir(parents=True, exist_ok=True)
        reads(args.reads)
        return
    if args.phase:
        _setup_django()
        figures = _phase_baseline() if args.phase == "baseline" else _phase_archive()
        figures["rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(json.dumps(figures))
        return
    _create_database()
    print(
        "| rows | baseline s | baseline rows/s | baseline RSS MB | archive s | archive rows/s "
        "| of which removal s | without removal rows/s | archive RSS MB | file MB |"
    )
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for rows in args.rows:
        shutil.rmtree(ARCHIVE_DIR, ignore_errors=True)
        _fill(rows)
        base = _child("baseline")
        done = _child("archive")
        assert done["rows"] == rows == base["rows"], (done, base)
        moved = done["seconds"] - done["removal_seconds"]
        print(
            f"| {rows:,} | {base['seconds']:.1f} | {rows / base['seconds']:,.0f} "
            f"| {base['rss_mb']:,.0f} | {done['seconds']:.1f} | {rows / done['seconds']:,.0f} "
            f"| {done['removal_seconds']:.1f} | {rows / moved:,.0f} "
            f"| {done['rss_mb']:,.0f} | {done['bytes'] / 2**20:,.0f} |",
            flush=True,
        )
    shutil.rmtree(ARCHIVE_DIR, ignore_errors=True)


if __name__ == "__main__":
    main()
