"""Kill -9 of a 1 M-record check-in ingest on PostgreSQL: nothing partial, and the rerun stores
every record exactly once.

Builds a throwaway database (fangkong_bench_kill at 127.0.0.1), a city of venues and persons
(as bench/venues_ingest.py), and one JSON file of 1,000,000 health-code records. Then runs
`fangkong checkins import FILE` as a subprocess and kills it with SIGKILL: once while it is
still validating, then several times at a random moment after its transaction has begun
writing. After each kill the table must hold none of the records (or all of them, had the kill
come after the commit). Finally the import runs to completion, and once more: every record
exactly once, both times.

    .venv/bin/python -m bench.fault_ingest_kill                   # 1 M records, 3 kills
    .venv/bin/python -m bench.fault_ingest_kill --records 100000  # a quick look
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

POSTGRES_SERVER = "postgres://postgres@127.0.0.1:5432/"
POSTGRES_DB = "fangkong_bench_kill"
FANGKONG = Path(sys.executable).with_name("fangkong")
SOURCE = "health_code"


def _database() -> str:
    import psycopg

    with psycopg.connect(POSTGRES_SERVER + "postgres", autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {POSTGRES_DB} WITH (FORCE)")
        admin.execute(f"CREATE DATABASE {POSTGRES_DB}")
    return POSTGRES_SERVER + POSTGRES_DB


def _write_records(path: Path, count: int, venue_codes: list[str], id_numbers: list[str]) -> None:
    start = dt.datetime.now(dt.UTC) - dt.timedelta(days=3)
    rng = random.Random(7)
    with path.open("w", encoding="utf-8") as out:
        out.write('{"records": [')
        for n in range(count):
            arrival = start + dt.timedelta(seconds=n // 4)
            record = {
                "record_id": f"KILL{n:09d}",
                "venue_code": rng.choice(venue_codes),
                "id_number": rng.choice(id_numbers),
                "id_type": "other",
                "check_in": arrival.isoformat(),
                "check_out": (arrival + dt.timedelta(minutes=45)).isoformat(),
            }
            out.write(("," if n else "") + json.dumps(record))
        out.write("]}")


def _stored(cursor: Any) -> tuple[int, int]:
    cursor.execute(
        "SELECT count(*), count(DISTINCT source_record_id) FROM venues_checkin WHERE source = %s",
        [SOURCE],
    )
    total, distinct = cursor.fetchone()
    return int(total), int(distinct)


def _writing(cursor: Any, process: subprocess.Popen[bytes], timeout: float) -> float | None:
    """Seconds until the import's transaction holds a transaction id (it has written)."""
    began = time.monotonic()
    while time.monotonic() - began < timeout and process.poll() is None:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
            "AND pid <> pg_backend_pid() AND backend_xid IS NOT NULL"
        )
        if cursor.fetchone()[0]:
            return time.monotonic() - began
        time.sleep(0.05)
    return None


def _settled(cursor: Any, timeout: float = 600) -> None:
    """Wait until the killed import's server process is gone: the server finishes what it was
    doing when the client died (a COMMIT already sent completes; anything else rolls back)."""
    began = time.monotonic()
    while time.monotonic() - began < timeout:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
            "AND pid <> pg_backend_pid() AND backend_type = 'client backend'"
        )
        if not cursor.fetchone()[0]:
            return
        time.sleep(0.1)
    raise SystemExit("the killed import's server process did not end")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--kills", type=int, default=3, help="kills after writing began")
    parser.add_argument("--venues", type=int, default=5_000)
    parser.add_argument("--persons", type=int, default=200_000)
    parser.add_argument("--districts", type=int, default=7)
    parser.add_argument("--seed", type=int, default=20210728)
    args = parser.parse_args(argv)

    url = _database()
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fangkong.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from bench.venues_ingest import build_city

    rng = random.Random(args.seed)
    began = time.perf_counter()
    call_command("migrate", verbosity=0)
    _city, venue_codes, id_numbers = build_city(args, rng)
    print(f"city built in {time.perf_counter() - began:.0f} s", flush=True)
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "FANGKONG_CHECKIN_BATCH_MAX_RECORDS": str(args.records),
    }
    command = ["checkins", "import", "--source", SOURCE, "--no-progress"]

    with tempfile.TemporaryDirectory(prefix="fangkong-kill-") as tmp:
        path = Path(tmp) / "records.json"
        _write_records(path, args.records, venue_codes, id_numbers)
        print(f"{args.records:,} records, {path.stat().st_size / 1e6:.0f} MB", flush=True)

        def start() -> subprocess.Popen[bytes]:
            return subprocess.Popen(
                [str(FANGKONG), *command[:2], str(path), *command[2:]],
                env=env,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
            )

        with connection.cursor() as cursor:
            # 1. Killed while validating, before any write.
            process = start()
            time.sleep(rng.uniform(2, 8))
            process.send_signal(signal.SIGKILL)
            process.wait()
            _settled(cursor)
            print(f"kill during validation: stored {_stored(cursor)}", flush=True)
            assert _stored(cursor) == (0, 0)
            # 2. Killed at a random moment after its transaction began writing.
            writes_for: list[float] = []
            for kill in range(args.kills):
                process = start()
                waited = _writing(cursor, process, timeout=1800)
                if waited is None:
                    raise SystemExit(f"kill {kill + 1}: the import never started writing")
                delay = rng.uniform(0, 10)
                time.sleep(delay)
                alive = process.poll() is None
                process.send_signal(signal.SIGKILL)
                process.wait()
                _settled(cursor)
                stored = _stored(cursor)
                print(
                    f"kill {kill + 1}: began writing after {waited:.1f} s, killed {delay:.1f} s "
                    f"later ({'running' if alive else 'already finished'}): stored {stored}",
                    flush=True,
                )
                writes_for.append(waited)
                assert stored in ((0, 0), (args.records, args.records))
            # 3. Run to completion, then once more.
            for label in ("rerun to completion", "same file again"):
                t0 = time.perf_counter()
                process = start()
                out, err = process.communicate()
                seconds = time.perf_counter() - t0
                if process.returncode != 0:
                    raise SystemExit(f"{label} failed: {err.decode()[-2000:]}")
                stored = _stored(cursor)
                print(f"{label}: {seconds:.0f} s, stored {stored}: {out.decode().strip()}")
                assert stored == (args.records, args.records), "a record missing or doubled"
    print(f"every record exactly once; total {time.perf_counter() - began:.0f} s")


if __name__ == "__main__":
    main()
