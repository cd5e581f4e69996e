"""`fangkong checkins ingest` (the fast bulk path, issue 16) against a plain COPY, same run.

Builds a throwaway database (PostgreSQL `fk_ingest_bench` at 127.0.0.1, or a SQLite file
under bench/data/), with venues, registered persons and `--preload` stored check-ins (so
the indexes have work to do), writes files of `--records` check-ins, then times

* the plain baseline: the same rows, already resolved to ids, COPYed (SQLite: executemany)
  into an unindexed table: what the database alone costs;
* `checkin_bulk_ingest` of a CSV file of registered persons' records, the same file again
  (all existing), a Parquet file of other registered persons' records, and a CSV file in
  which `--new-share` of the records name persons not registered yet (registered on the way).

    .venv/bin/python -m bench.checkins_ingest --postgres                 # 1,000,000 records
    .venv/bin/python -m bench.checkins_ingest                            # SQLite
    .venv/bin/python -m bench.checkins_ingest --postgres --records 100000 --preload 0
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.csv as pcsv
import pyarrow.parquet as pq

from bench.venues_ingest import DATA_DIR, POSTGRES_SERVER, _copy_rows, _moment, build_city

POSTGRES_DB = "fk_ingest_bench"


def _database(postgres: bool) -> str:
    if not postgres:
        DATA_DIR.mkdir(parents=True, exist_ok=True)
        path = DATA_DIR / "checkins-ingest-bench.sqlite3"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        return f"sqlite:///{path}"
    import psycopg

    with psycopg.connect(POSTGRES_SERVER + "postgres", autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {POSTGRES_DB}")
        admin.execute(f"CREATE DATABASE {POSTGRES_DB}")
    return POSTGRES_SERVER + POSTGRES_DB


def _records(
    prefix: str,
    count: int,
    rng: np.random.Generator,
    venue_codes: list[str],
    id_numbers: list[str],
    start: dt.datetime,
) -> pa.Table:
    seconds = rng.integers(0, 36 * 3600, count)
    check_in = np.datetime64(start.replace(tzinfo=None), "us") + seconds.astype("timedelta64[s]")
    stay = rng.integers(20 * 60, 240 * 60, count).astype("timedelta64[s]")
    no_out = rng.random(count) < 0.2
    return pa.table(
        {
            "record_id": [f"{prefix}{n:09d}" for n in range(count)],
            "venue_code": pa.array(venue_codes).take(rng.integers(0, len(venue_codes), count)),
            "id_type": pa.array(["other"] * count),
            "id_number": pa.array(id_numbers).take(rng.integers(0, len(id_numbers), count)),
            "check_in": pa.array(check_in, pa.timestamp("us")).cast(pa.timestamp("us", "UTC")),
            "check_out": pa.array(check_in + stay, pa.timestamp("us"), mask=no_out).cast(
                pa.timestamp("us", "UTC")
            ),
        }
    )


def _with_newcomers(table: pa.Table, share: float, rng: random.Random) -> tuple[pa.Table, int]:
    """`share` of the records name one of as many new persons (resident ID + name)."""
    from fangkong.testing.identities import resident_id

    count = table.num_rows
    fresh = int(count * share)
    base = dt.date(1950, 1, 1)
    ids = table.column("id_number").to_pylist()
    types = table.column("id_type").to_pylist()
    names = [""] * count
    for n in rng.sample(range(count), fresh):
        ids[n] = resident_id(base + dt.timedelta(days=n // 1000), sequence=n % 1000)
        types[n] = ""
        names[n] = f"新居民{n}"
    table = table.set_column(table.schema.get_field_index("id_number"), "id_number", [ids])
    table = table.set_column(table.schema.get_field_index("id_type"), "id_type", [types])
    return table.append_column("name", [names]), fresh


def _plain_copy(table: pa.Table, venue_ids: dict[str, int], person_ids: dict[str, int]) -> float:
    """The baseline: the rows with ids already known, into an unindexed table."""
    from django.db import connection, transaction

    rows = zip(
        [person_ids[i] for i in table.column("id_number").to_pylist()],
        [venue_ids[c] for c in table.column("venue_code").to_pylist()],
        [_moment(t) for t in table.column("check_in").to_pylist()],
        [t and _moment(t) for t in table.column("check_out").to_pylist()],
        ["health_code"] * table.num_rows,
        table.column("record_id").to_pylist(),
        strict=True,
    )
    stamp = "timestamptz" if connection.vendor == "postgresql" else "text"
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TABLE bench_plain (person bigint, venue bigint, check_in {stamp}, "
            f"check_out {stamp}, source text, record_id text)"
        )
    began = time.perf_counter()
    with transaction.atomic():
        _copy_rows(
            "bench_plain",
            ["person", "venue", "check_in", "check_out", "source", "record_id"],
            rows,
        )
    return time.perf_counter() - began


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--postgres", action="store_true")
    parser.add_argument("--venues", type=int, default=20_000)
    parser.add_argument("--persons", type=int, default=300_000)
    parser.add_argument("--districts", type=int, default=7)
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--preload", type=int, default=1_000_000, help="check-ins stored first")
    parser.add_argument("--new-share", type=float, default=0.1)
    parser.add_argument("--seed", type=int, default=20261203)
    parser.add_argument(
        "--runs",
        default="csv,again,parquet,new",
        # also: uncounted (PostgreSQL, last)
        help="which ingests to time (comma-separated); the plain COPY always runs",
    )
    args = parser.parse_args(argv)

    os.environ["DATABASE_URL"] = _database(args.postgres)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fangkong.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from fangkong.people.models import Person
    from fangkong.venues.checkin_days import checkin_partitions_ensure
    from fangkong.venues.models import Venue
    from fangkong.venues.services.checkin_bulk import checkin_bulk_ingest

    rng = random.Random(args.seed)
    numbers = np.random.default_rng(args.seed)
    call_command("migrate", verbosity=0)
    _city, venue_codes, id_numbers = build_city(args, rng)
    venue_ids = dict(Venue.objects.values_list("code", "pk"))
    person_ids = dict(Person.objects.values_list("id_number", "pk"))
    start = dt.datetime.now(dt.UTC) - dt.timedelta(days=3)
    folder = DATA_DIR / f"checkins-ingest-{connection.vendor}"
    folder.mkdir(parents=True, exist_ok=True)
    # The days' partitions exist before anything is stored, as the job venues.
    # checkin_partitions_ahead keeps them in service: rows COPYed into the DEFAULT partition
    # would be moved out again by the first ingest and charged to it.
    checkin_partitions_ensure(
        days={timezone.localdate(start + dt.timedelta(days=d)) for d in range(-1, 5)}
    )
    if args.preload:
        preload = _records("P", args.preload, numbers, venue_codes, id_numbers, start)
        _copy_rows(
            "venues_checkin",
            ["person_id", "venue_id", "check_in", "check_out", "source", "created_at"],
            zip(
                [person_ids[i] for i in preload.column("id_number").to_pylist()],
                [venue_ids[c] for c in preload.column("venue_code").to_pylist()],
                [_moment(t) for t in preload.column("check_in").to_pylist()],
                [t and _moment(t) for t in preload.column("check_out").to_pylist()],
                ["venue_code"] * args.preload,
                [_moment(start)] * args.preload,
                strict=True,
            ),
        )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    registered = _records("R", args.records, numbers, venue_codes, id_numbers, start)
    pcsv.write_csv(registered, folder / "registered.csv")
    pq.write_table(
        _records("Q", args.records, numbers, venue_codes, id_numbers, start),
        folder / "registered.parquet",
    )
    if "uncounted" in args.runs:
        pq.write_table(
            _records("U", args.records, numbers, venue_codes, id_numbers, start),
            folder / "uncounted.parquet",
        )
    mixed, newcomers = _with_newcomers(
        _records("N", args.records, numbers, venue_codes, id_numbers, start), args.new_share, rng
    )
    pcsv.write_csv(mixed, folder / "newcomers.csv")
    print(f"{connection.vendor}: files written in {folder}", file=sys.stderr)

    plain = _plain_copy(registered, venue_ids, person_ids)
    results: list[tuple[str, float, Any]] = [("plain COPY into an unindexed table", plain, None)]
    runs = {
        "csv": ("ingest CSV, registered persons", "registered.csv"),
        "again": ("the same CSV again (all existing)", "registered.csv"),
        "parquet": ("ingest Parquet, registered persons", "registered.parquet"),
        "new": (f"ingest CSV, {newcomers:,} new persons among the records", "newcomers.csv"),
        # What the running occupancy count's triggers cost the ingest (PostgreSQL): the
        # same kind of file, with them dropped. Run it last: it leaves them dropped.
        "uncounted": (
            "ingest Parquet, registered persons, without the occupancy count's triggers",
            "uncounted.parquet",
        ),
    }
    for run in args.runs.split(","):
        label, name = runs[run]
        if run == "uncounted" and connection.vendor == "postgresql":
            from fangkong.venues.occupancy_rollup import rollup_drop_statements

            with connection.cursor() as cursor:
                for statement in rollup_drop_statements():
                    cursor.execute(statement)
        began = time.perf_counter()
        result = checkin_bulk_ingest(chunks=folder / name, source="health_code", by=None)
        seconds = time.perf_counter() - began
        results.append((label, seconds, result))
        print(f"{label}: {seconds:.1f} s, {result.created:,} created", file=sys.stderr)
        if run == "new":
            assert result.persons_created == newcomers
        if run == "again":
            assert result.created == 0

    title = f"{connection.vendor}, {args.records:,} records, {args.preload:,} stored first"
    print(f"\n| {title} | time | records/s |")
    print("| --- | --- | --- |")
    for label, seconds, _result in results:
        print(f"| {label} | {seconds:.1f} s | {args.records / seconds:,.0f} |")


if __name__ == "__main__":
    main()
