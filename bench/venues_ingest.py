"""Venue check-ins at a city's scale: ingest throughput and the over-limit query.

Builds a throwaway database (SQLite file under bench/data/, or a PostgreSQL database named
fangkong_bench_venues), fills it with venues, people and days of check-ins shaped like the
demo's (Zipf popularity, visits by hour, one stay in five without check-out), then times

* `checkin_ingest` of a batch of new records, and of the same batch sent again;
* `over_limit_in_scope` (live occupancy of every venue against its limit) at the evening
  peak: the synthetic days are laid so that the last one's 21:00 is the present, which is
  the live list the pages and the alert job ask for; the same a day earlier (a look back),
  and for one district.

    .venv/bin/python -m bench.venues_ingest                       # SQLite, defaults below
    .venv/bin/python -m bench.venues_ingest --postgres            # PostgreSQL at 127.0.0.1
    .venv/bin/python -m bench.venues_ingest --per-day 200000 --days 2   # a quick look
"""

from __future__ import annotations

import argparse
import datetime as dt
import itertools
import os
import random
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

DATA_DIR = Path(__file__).resolve().parent / "data"
POSTGRES_SERVER = "postgres://postgres@127.0.0.1:5432/"
POSTGRES_DB = "fangkong_bench_venues"
ZONE = dt.timezone(dt.timedelta(hours=8))
# Evening-heavy arrivals, as the demo city's categories add up to (share of a day per hour).
HOURLY = [1, 1, 0, 0, 0, 0, 2, 4, 6, 6, 7, 8, 9, 7, 6, 6, 6, 7, 8, 9, 8, 6, 4, 2]


def _database(postgres: bool, reuse: bool = False) -> str:
    if reuse:
        return (
            POSTGRES_SERVER + POSTGRES_DB
            if postgres
            else f"sqlite:///{DATA_DIR / 'venues-bench.sqlite3'}"
        )
    if not postgres:
        DATA_DIR.mkdir(parents=True, exist_ok=True)
        path = DATA_DIR / "venues-bench.sqlite3"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        return f"sqlite:///{path}"
    import psycopg

    with psycopg.connect(POSTGRES_SERVER + "postgres", autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {POSTGRES_DB}")
        admin.execute(f"CREATE DATABASE {POSTGRES_DB}")
    return POSTGRES_SERVER + POSTGRES_DB


def _median(run: Callable[[], object], repeat: int) -> float:
    run()  # warm caches and plans once
    samples = []
    for _ in range(repeat):
        began = time.perf_counter()
        run()
        samples.append(time.perf_counter() - began)
    return statistics.median(samples)


def _copy_rows(table: str, columns: list[str], rows: Iterator[tuple[Any, ...]]) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            return
        marks = ", ".join(["%s"] * len(columns))
        batch: list[tuple[Any, ...]] = []
        for row in rows:
            batch.append(row)
            if len(batch) >= 50_000:
                cursor.executemany(
                    f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})", batch
                )
                batch.clear()
        if batch:
            cursor.executemany(
                f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})", batch
            )


STAY_COLUMNS = ["person_id", "venue_id", "check_in", "check_out", "source", "created_at"]


def _load_days_postgres(rows: Iterator[tuple[Any, ...]], days: list[dt.date]) -> None:
    """The stays COPYed into an unindexed scratch table, then each day's into a table of its
    own attached as the day's partition: its indexes are built once, sorted, instead of being
    updated row by row, which at 15 M stays a day runs at a few thousand rows a second with
    the server's default buffers. Ids come from the table's own sequence."""
    from django.db import connection

    from fangkong.venues.checkin_days import checkin_day_bounds
    from fangkong.venues.checkin_partitions import partition_name

    columns = ", ".join(STAY_COLUMNS)
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE UNLOGGED TABLE bench_stays AS "
            f"SELECT {columns} FROM venues_checkin WITH NO DATA"
        )
    _copy_rows("bench_stays", STAY_COLUMNS, rows)
    with connection.cursor() as cursor:
        for day in days:
            start, end = checkin_day_bounds(day)
            name = partition_name(day)
            cursor.execute(f'ALTER TABLE venues_checkin DETACH PARTITION "{name}"')
            cursor.execute(f'DROP TABLE "{name}"')
            cursor.execute(
                f'CREATE TABLE "{name}" (LIKE venues_checkin INCLUDING DEFAULTS '
                "INCLUDING CONSTRAINTS)"
            )
            cursor.execute(
                f'INSERT INTO "{name}" (id, {columns}) '
                f"SELECT nextval(pg_get_serial_sequence('venues_checkin', 'id')), {columns} "
                "FROM bench_stays WHERE check_in >= %s AND check_in < %s ORDER BY check_in",
                [start, end],
            )
            cursor.execute(
                f'ALTER TABLE venues_checkin ATTACH PARTITION "{name}" '
                f"FOR VALUES FROM ('{start.isoformat()}') TO ('{end.isoformat()}')"
            )
        cursor.execute("DROP TABLE bench_stays")


def _moment(value: dt.datetime) -> Any:
    from django.db import connection

    if connection.vendor == "sqlite":
        return str(value.astimezone(dt.UTC).replace(tzinfo=None))
    return value


def build_city(args: argparse.Namespace, rng: random.Random) -> tuple[Any, list[str], list[str]]:
    from django.db import transaction

    from fangkong.jurisdictions.models import Level
    from fangkong.jurisdictions.services import jurisdiction_create
    from fangkong.venues.demo import PROFILES

    with transaction.atomic():
        city = jurisdiction_create(
            code="320200", name="无锡市", level=Level.CITY, parent=None, by=None
        )
        communities = []
        for d in range(args.districts):
            district = jurisdiction_create(
                code=f"3202{d + 10:02d}",
                name=f"第{d + 1}区",
                level=Level.DISTRICT,
                parent=city,
                by=None,
            )
            street = jurisdiction_create(
                code=f"{district.code}001",
                name=f"第{d + 1}街道",
                level=Level.STREET,
                parent=district,
                by=None,
            )
            for c in range(10):
                communities.append(
                    jurisdiction_create(
                        code=f"{street.code}{c + 1:03d}",
                        name=f"社区{d}-{c}",
                        level=Level.COMMUNITY,
                        parent=street,
                        by=None,
                    )
                )
    categories = list(PROFILES)
    shares = [PROFILES[c].share for c in categories]
    venue_codes = [f"b{n:07d}" for n in range(args.venues)]
    now = _moment(dt.datetime.now(dt.UTC))
    _copy_rows(
        "venues_venue",
        [
            "name",
            "category",
            "address",
            "jurisdiction_id",
            "approved_capacity",
            "status",
            "code",
            "created_at",
        ],
        (
            (
                f"场所{n}",
                cat,
                "",
                rng.choice(communities).pk,
                rng.randint(*PROFILES[cat].capacity),
                "open",
                code,
                now,
            )
            for n, code in enumerate(venue_codes)
            for cat in [rng.choices(categories, shares)[0]]
        ),
    )
    id_numbers = [f"BENCH{n:013d}" for n in range(args.persons)]
    _copy_rows(
        "people_person",
        ["name", "id_type", "id_number", "phone", "address", "sex", "created_at", "updated_at"],
        (
            (f"居民{n}", "other", number, "", "", "unknown", now, now)
            for n, number in enumerate(id_numbers)
        ),
    )
    return city, venue_codes, id_numbers


def _stays(
    args: argparse.Namespace,
    rng: random.Random,
    venue_ids: list[int],
    person_ids: list[int],
    first_midnight: dt.datetime,
) -> Iterator[tuple[Any, ...]]:
    ranks = list(range(1, len(venue_ids) + 1))
    rng.shuffle(ranks)
    weights = [1.0 / r**1.1 for r in ranks]
    cumulative = list(itertools.accumulate(weights))
    for day in range(args.days):
        midnight = first_midnight + dt.timedelta(days=day)
        venues = rng.choices(venue_ids, cum_weights=cumulative, k=args.per_day)
        hours = rng.choices(range(24), weights=HOURLY, k=args.per_day)
        for venue_id, hour in zip(venues, hours, strict=True):
            arrival = midnight + dt.timedelta(hours=hour, minutes=rng.randint(0, 59))
            leaves = (
                None if rng.random() < 0.2 else arrival + dt.timedelta(minutes=rng.randint(20, 240))
            )
            yield (
                rng.choice(person_ids),
                venue_id,
                _moment(arrival),
                _moment(leaves) if leaves else None,
                "venue_code",
                _moment(arrival),
            )


def _plain_over_capacity(connection: Any, at: dt.datetime) -> list[tuple[int, int]]:
    """The query a developer would write first, run in the same database: stays inside at `at`
    (12 h window of check-ins; no check-out counts for one hour) grouped by venue, against the
    approved capacity. No limits in force, no scope: a floor for what the list must cost."""
    sql = """
        SELECT c.venue_id, count(*)
        FROM venues_checkin c JOIN venues_venue v ON v.id = c.venue_id
        WHERE c.check_in <= %s AND c.check_in > %s
          AND (c.check_out > %s OR (c.check_out IS NULL AND c.check_in > %s))
        GROUP BY c.venue_id, v.approved_capacity
        HAVING count(*) > v.approved_capacity
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, [at, at - dt.timedelta(hours=12), at, at - dt.timedelta(hours=1)])
        return list(cursor.fetchall())


def _build_all(
    args: argparse.Namespace, rng: random.Random
) -> tuple[Any, list[str], list[str], dt.datetime, int]:
    """Build the city from an empty database; returns it, its codes, its present, its stays."""
    from django.core.management import call_command
    from django.db import connection

    from fangkong.venues.checkin_days import checkin_partitions_ensure
    from fangkong.venues.models import CheckIn, Venue

    began = time.perf_counter()
    call_command("migrate", verbosity=0)
    city, venue_codes, id_numbers = build_city(args, rng)
    venue_ids = list(Venue.objects.order_by("pk").values_list("pk", flat=True))
    from fangkong.people.models import Person

    person_ids = list(Person.objects.order_by("pk").values_list("pk", flat=True))
    # The last synthetic day's 21:00, the evening peak, is the present.
    peak = dt.datetime.now(ZONE).replace(second=0, microsecond=0)
    first_midnight = peak - dt.timedelta(hours=21, days=args.days - 1)
    # The days' partitions first, as the partitions job keeps them (rows of a day without one
    # would land in the DEFAULT partition, which production never fills).
    first_day = first_midnight.astimezone(ZONE).date()
    days = [first_day + dt.timedelta(days=n) for n in range(-1, args.days + 2)]
    checkin_partitions_ensure(days=days)
    stays = _stays(args, rng, venue_ids, person_ids, first_midnight)
    if connection.vendor == "postgresql":
        _load_days_postgres(stays, days)
    else:
        _copy_rows("venues_checkin", STAY_COLUMNS, stays)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    total = CheckIn.objects.count()
    built = time.perf_counter() - began
    print(
        f"{connection.vendor}: {len(venue_ids):,} venues, {len(person_ids):,} people, "
        f"{total:,} check-ins over {args.days} days, built in {built:.0f} s",
        file=sys.stderr,
    )

    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE bench_present (peak timestamptz)"
            if connection.vendor == "postgresql"
            else "CREATE TABLE bench_present (peak text)"
        )
        cursor.execute("INSERT INTO bench_present VALUES (%s)", [peak.isoformat()])
    return city, venue_codes, id_numbers, peak, total


def _city_again() -> tuple[Any, list[str], list[str], dt.datetime]:
    """The city of the last run, as `_build_all` left it."""
    from django.db import connection

    from fangkong.jurisdictions.models import Jurisdiction
    from fangkong.people.models import Person
    from fangkong.venues.models import Venue

    with connection.cursor() as cursor:
        cursor.execute("SELECT peak FROM bench_present")
        (value,) = cursor.fetchone()
    peak = value if isinstance(value, dt.datetime) else dt.datetime.fromisoformat(value)
    city = Jurisdiction.objects.get(code="320200")
    codes = list(Venue.objects.order_by("pk").values_list("code", flat=True))
    ids = list(Person.objects.order_by("pk").values_list("id_number", flat=True))
    return city, codes, ids, peak.astimezone(ZONE)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--postgres", action="store_true")
    parser.add_argument("--venues", type=int, default=20_000)
    parser.add_argument("--persons", type=int, default=300_000)
    parser.add_argument("--districts", type=int, default=7)
    parser.add_argument("--days", type=int, default=2)
    parser.add_argument("--per-day", type=int, default=1_000_000, help="check-ins per day")
    parser.add_argument("--batch", type=int, default=100_000, help="records per ingest batch")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--seed", type=int, default=20210728)
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="time again on the city the last run built (its present is the last run's)",
    )
    args = parser.parse_args(argv)

    os.environ["DATABASE_URL"] = _database(args.postgres, args.reuse)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fangkong.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection, transaction

    from fangkong.accounts.scope import CITY, Scope
    from fangkong.venues.models import CheckIn
    from fangkong.venues.selectors.occupancy import over_limit_in_scope
    from fangkong.venues.services.ingest import checkin_ingest

    rng = random.Random(args.seed)
    if args.reuse:
        city, venue_codes, id_numbers, peak = _city_again()
        total = CheckIn.objects.count()
    else:
        city, venue_codes, id_numbers, peak, total = _build_all(args, rng)

    # The stays were loaded past the triggers (tables attached as partitions): count them as
    # the migration would, folded as the job leaves it.
    from fangkong.venues.occupancy_rollup import occupancy_rollup_fold, occupancy_rollup_rebuild
    from fangkong.venues.selectors.occupancy_sql import occupancy_counts

    lag = dt.timedelta(minutes=settings.FANGKONG_VENUE_OCCUPANCY_FOLD_LAG_MINUTES)
    rebuilt = fold = None
    if connection.vendor == "postgresql":
        began = time.perf_counter()
        occupancy_rollup_rebuild(fold_to=peak - lag - dt.timedelta(minutes=1))
        rebuilt = time.perf_counter() - began
        began = time.perf_counter()
        occupancy_rollup_fold(to=peak - lag)
        fold = time.perf_counter() - began
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE venues_checkin_occupancy_minute")
            cursor.execute("VACUUM ANALYZE venues_checkin_occupancy_base")
    counted = _median(lambda: occupancy_counts(at=peak, kept=False), args.repeat)
    # The kept count must say what counting the stays says, venue by venue.
    assert occupancy_counts(at=peak) == occupancy_counts(at=peak, kept=False)
    assert occupancy_counts(at=peak + dt.timedelta(seconds=37)) == occupancy_counts(
        at=peak + dt.timedelta(seconds=37), kept=False
    )

    in_window = CheckIn.objects.filter(
        check_in__gt=peak - dt.timedelta(hours=12), check_in__lte=peak
    ).count()
    city_wide = _median(lambda: over_limit_in_scope(CITY, at=peak), args.repeat)
    day_before = peak - dt.timedelta(days=1)
    looking_back = _median(lambda: over_limit_in_scope(CITY, at=day_before), args.repeat)
    plain = _median(lambda: _plain_over_capacity(connection, peak), args.repeat)
    plain_over = len(_plain_over_capacity(connection, peak))
    district = Scope(root_path=city.children.order_by("code").first().path)
    one_district = _median(lambda: over_limit_in_scope(district, at=peak), args.repeat)
    over = len(over_limit_in_scope(CITY, at=peak))

    batch_start = peak - dt.timedelta(hours=2)
    tag = f"{time.time_ns():x}"  # a rerun on the same city sends records never seen
    records = [
        {
            "record_id": f"HC{tag}{n:09d}",
            "venue_code": rng.choice(venue_codes),
            "id_type": "other",
            "id_number": rng.choice(id_numbers),
            "check_in": (batch_start + dt.timedelta(seconds=n % 3600)).isoformat(),
        }
        for n in range(args.batch)
    ]
    with transaction.atomic():
        began = time.perf_counter()
        first = checkin_ingest(records=records, source="health_code", by=None)
        first_seconds = time.perf_counter() - began
    with transaction.atomic():
        began = time.perf_counter()
        again = checkin_ingest(records=records, source="health_code", by=None)
        again_seconds = time.perf_counter() - began
    assert (first.created, again.created, again.existing) == (args.batch, 0, args.batch)

    rows = [
        ("check-ins in the table", f"{total:,}"),
        ("stays in the 12 h window at the peak", f"{in_window:,}"),
        (
            f"over-limit list, whole city, now (median of {args.repeat})",
            f"{city_wide * 1000:.0f} ms ({over} venues over)",
        ),
        (
            "plain baseline: one GROUP BY of the stays inside now against approved capacity",
            f"{plain * 1000:.0f} ms ({plain_over} venues over capacity)",
        ),
        (
            "occupancy of every venue, now, counting the stays (the read before the kept count)",
            f"{counted * 1000:.0f} ms",
        ),
        ("over-limit list, one district, now", f"{one_district * 1000:.0f} ms"),
        ("over-limit list, whole city, 21:00 the day before", f"{looking_back * 1000:.0f} ms"),
        *(
            [
                ("kept count rebuilt from the stays (once, after loading)", f"{rebuilt:.1f} s"),
                ("one fold of the kept count (the job)", f"{fold * 1000:.0f} ms"),
            ]
            if rebuilt is not None and fold is not None
            else []
        ),
        (
            f"ingest {args.batch:,} new records",
            f"{first_seconds:.1f} s ({args.batch / first_seconds:,.0f} records/s)",
        ),
        (
            "the same batch again (all existing)",
            f"{again_seconds:.1f} s ({args.batch / again_seconds:,.0f} records/s)",
        ),
    ]
    print(f"\n| {connection.vendor} | value |\n| --- | --- |")
    for label, value in rows:
        print(f"| {label} | {value} |")


if __name__ == "__main__":
    main()
