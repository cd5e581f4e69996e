"""A trace from a case's page on a city's worth of platform check-ins, end to end:
`python -m bench.cases_trace [--stays N] [--postgres] [--cases 5] [--repeat 3]`.

Loads the synthetic city of bench/city.py (persons, venues and check-ins, the platform's own
tables with the tracing index of migration venues/0007) into a scratch database (SQLite under
bench/data/, or PostgreSQL with --postgres) and times, per case, what pressing "trace" does:
the service `trace_run_start` (both engine passes, control times from placements, evidence,
proposals written, the run and its audit row), next to the engine's own degree-2 trace on
the same connection, so the platform's share of the time is visible. Each timing is the
median of `--repeat` runs, each in a transaction that is rolled back (every run is a first
run that writes all its proposals).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

DATA = Path(__file__).resolve().parent / "data"
ONSET_DAY = 9  # days after the city's first day, as bench/run.py picks its cases


@dataclass(frozen=True)
class CaseTiming:
    person_id: int
    close: int
    secondary: int
    engine_ms: float
    service_ms: float

    @property
    def overhead_ms(self) -> float:
        return self.service_ms - self.engine_ms


def _configure(postgres: bool) -> None:
    if postgres:
        os.environ["DATABASE_URL"] = "postgres://postgres@127.0.0.1:5432/fangkong_bench_cases"
    else:
        DATA.mkdir(exist_ok=True)
        os.environ["DATABASE_URL"] = f"sqlite:///{DATA / 'cases-trace.sqlite3'}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fangkong.settings")


def _ensure_database() -> None:
    import psycopg

    with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as c:
        if not c.execute(
            "SELECT 1 FROM pg_database WHERE datname = 'fangkong_bench_cases'"
        ).fetchone():
            c.execute("CREATE DATABASE fangkong_bench_cases")


def _rows(records: Any) -> Iterator[tuple[Any, ...]]:
    from django.db import connection

    from fangkong.analytics.checkin_files import iter_records
    from fangkong.analytics.timestamps import datetime_from_us

    def stamp(us: int) -> Any:
        # Exactly as the ORM stores it: Django's UTC text on SQLite (no fraction when there
        # is none, which the engine's text comparisons rely on), timestamptz on PostgreSQL.
        return connection.ops.adapt_datetimefield_value(datetime_from_us(us, dt.UTC))

    created = connection.ops.adapt_datetimefield_value(dt.datetime.now(dt.UTC))
    for person, venue, start, end in iter_records(records):
        yield (int(person), int(venue), stamp(start), None if end is None else stamp(end),
               "import", created)  # fmt: skip


def load_city(records: Any, out: Callable[[str], None]) -> None:
    """Persons, venues and check-ins of the synthetic city in the platform's tables (once)."""
    from django.db import connection, transaction

    from fangkong.jurisdictions.models import Level
    from fangkong.jurisdictions.services import jurisdiction_create
    from fangkong.people.models import Person
    from fangkong.venues.models import CheckIn, Venue, VenueCategory

    if CheckIn.objects.count() == len(records):
        return
    began = time.perf_counter()
    with transaction.atomic():
        CheckIn.objects.all().delete()
        Venue.objects.all().delete()
        Person.objects.all().delete()
        city = jurisdiction_create(
            code="320200", name="无锡市", level=Level.CITY, parent=None, by=None
        )
        people = sorted({int(p) for p in records.person_ids.to_pylist()})
        venues = sorted({int(v) for v in records.venue_ids.to_pylist()})
        Person.objects.bulk_create(
            (Person(pk=pk, name=f"人员{pk}", id_type="other", id_number=f"B{pk:08d}",
                    home_jurisdiction=city) for pk in people),
            batch_size=5000,
        )  # fmt: skip
        Venue.objects.bulk_create(
            (Venue(pk=pk, name=f"场所{pk}", category=VenueCategory.OTHER, jurisdiction=city,
                   approved_capacity=100, code=f"bench{pk}") for pk in venues),
            batch_size=5000,
        )  # fmt: skip
        with connection.cursor() as cursor:
            rows = list(_rows(records))
            cursor.executemany(
                "INSERT INTO venues_checkin (person_id, venue_id, check_in, check_out, source, "
                "created_at) VALUES (%s, %s, %s, %s, %s, %s)",
                rows,
            )
        if connection.vendor == "postgresql":
            for table in ("people_person", "venues_venue"):
                with connection.cursor() as cursor:
                    cursor.execute(
                        f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                        f"(SELECT max(id) FROM {table}))"
                    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    out(f"loaded {len(records):,} check-ins in {time.perf_counter() - began:.0f} s")


def pick_people(records: Any, first_day: dt.date, count: int, seed: int) -> list[int]:
    import numpy as np

    from fangkong.analytics.timestamps import DEFAULT_ZONE, instant_us, zone_named

    zone = zone_named(DEFAULT_ZONE)
    onset = first_day + dt.timedelta(days=ONSET_DAY)
    low = instant_us(dt.datetime.combine(onset - dt.timedelta(days=4), dt.time()), zone)
    high = instant_us(dt.datetime.combine(onset + dt.timedelta(days=1), dt.time()), zone)
    seen = (records.check_in_us >= low) & (records.check_in_us < high)
    people = np.unique(np.asarray(records.person_ids.filter(seen).to_pylist(), dtype=object))
    return sorted(int(p) for p in np.random.default_rng(seed).choice(people, count, replace=False))


class _Rollback(Exception):
    pass


def time_case(person_id: int, onset: dt.date, repeat: int) -> CaseTiming:
    """Median engine and service times for one case, each run rolled back afterwards."""
    from zoneinfo import ZoneInfo

    from django.conf import settings
    from django.db import transaction

    from fangkong.analytics.tracing import CaseQuery
    from fangkong.cases.engines import platform_engine, platform_params
    from fangkong.cases.services.cases import case_register
    from fangkong.cases.services.tracing import trace_run_start
    from fangkong.people.models import Person

    zone = ZoneInfo(settings.TIME_ZONE)
    isolated = dt.datetime.combine(onset + dt.timedelta(days=1), dt.time(), tzinfo=zone)
    engine_times: list[float] = []
    service_times: list[float] = []
    counts = (0, 0)
    for _ in range(repeat + 1):  # the first run warms caches and plans, and is not counted
        try:
            with transaction.atomic():
                case = case_register(
                    person=Person.objects.get(pk=person_id),
                    classification="confirmed",
                    detected_at=isolated,
                    onset_date=onset,
                    isolated_at=isolated,
                    by=None,
                )
                query = CaseQuery(str(person_id), onset, isolated)
                began = time.perf_counter()
                platform_engine().trace(query, platform_params(degree=2))
                engine_times.append(time.perf_counter() - began)
                began = time.perf_counter()
                run = trace_run_start(case=case, by=None)
                service_times.append(time.perf_counter() - began)
                counts = (run.close_found, run.secondary_found)
                raise _Rollback
        except _Rollback:
            pass
    return CaseTiming(
        person_id=person_id,
        close=counts[0],
        secondary=counts[1],
        engine_ms=statistics.median(engine_times[1:]) * 1000,
        service_ms=statistics.median(service_times[1:]) * 1000,
    )


def report(timings: list[CaseTiming], vendor: str) -> str:
    lines = [
        f"| case (person) | close | secondary | engine ({vendor}) | trace from the page "
        "| platform share |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for t in sorted(timings, key=lambda t: t.close + t.secondary):
        lines.append(
            f"| {t.person_id} | {t.close} | {t.secondary} | {t.engine_ms:.1f} ms | "
            f"{t.service_ms:.1f} ms | {t.overhead_ms:.1f} ms |"
        )
    return "\n".join(lines)


def run(stays: int, cases: int, repeat: int, out: Callable[[str], None], *, seed: int = 20210728,
        data_dir: Path = DATA) -> list[CaseTiming]:  # fmt: skip
    from bench.city import FIRST_DAY, CityShape, city_file
    from fangkong.analytics.checkin_files import load_checkins
    from fangkong.analytics.timestamps import DEFAULT_ZONE, zone_named

    shape = CityShape(stays=stays, people=max(1000, stays * 3 // 50), venues=max(100, stays // 80),
                      seed=seed)  # fmt: skip
    records = load_checkins(city_file(shape, data_dir), zone=zone_named(DEFAULT_ZONE))
    load_city(records, out)
    onset = FIRST_DAY.date() + dt.timedelta(days=ONSET_DAY)
    return [
        time_case(p, onset, repeat) for p in pick_people(records, FIRST_DAY.date(), cases, seed)
    ]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--stays", type=int, default=1_000_000)
    parser.add_argument("--cases", type=int, default=5)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--postgres", action="store_true")
    options = parser.parse_args(argv)
    _configure(options.postgres)
    if options.postgres:
        _ensure_database()
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    timings = run(options.stays, options.cases, options.repeat, lambda s: print(s, file=sys.stderr))
    print(report(timings, connection.vendor))


if __name__ == "__main__":
    main()
