"""How fast the wall screen's data endpoints answer (issue 19), next to a floor measured in
the same run.

    FANGKONG_VAR_DIR=/tmp/fk-bench .venv/bin/python -m bench.command_screen
    .venv/bin/python -m bench.command_screen --postgres [--persons 1000000]
        [--checkins 50000000] [--days 14] [--venues 20000] [--rebuild]

Without --postgres: the configured database, with the full demo city built into it if it is
empty (as bench/command_dashboard.py). With --postgres: the database fangkong_bench_screen at
127.0.0.1 holds the demo city (--demo-scale) plus, loaded once and reused by later runs
(--rebuild loads them again), synthetic persons living in its communities, synthetic venues,
and check-ins over the last --days days ending today (the venues benchmark's generator: Zipf
popularity, evening-heavy arrivals, one stay in five without check-out), each day's partition
built and indexed in one pass (`bench.venues_ingest`); the demo's own check-ins of those days
are replaced by them.

Each panel's endpoint (`/api/v1/command/screen/<panel>/`) is asked over HTTP through Django's
test client, as the HQ (whole city, and one district) and as a district officer; the figure is
the median of --repeat runs after one warm-up, with the number of queries. The floor, in the
same run: `/api/v1/me/` (an authenticated API answer that reads nothing of the city) and the
dashboard page the screen stands beside (`/command/`, its briefing cached).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import statistics
import sys
import time
from collections.abc import Callable
from typing import Any

POSTGRES_SERVER = "postgres://postgres@127.0.0.1:5432/"
POSTGRES_DB = "fangkong_bench_screen"
TARGET_DEMO_MS = 300
TARGET_CITY_MS = 1000


def _configure(args: argparse.Namespace) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fangkong.settings")
    if not args.postgres:
        return
    import psycopg

    with psycopg.connect(POSTGRES_SERVER + "postgres", autocommit=True) as admin:
        if args.rebuild:
            admin.execute(f"DROP DATABASE IF EXISTS {POSTGRES_DB}")
        exists = admin.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [POSTGRES_DB]
        ).fetchone()
        if not exists:
            admin.execute(f"CREATE DATABASE {POSTGRES_DB}")
    os.environ["DATABASE_URL"] = POSTGRES_SERVER + POSTGRES_DB


def _ensure_demo(scale: float) -> None:
    from django.core.management import call_command

    from fangkong.command.models import UnitReport

    call_command("migrate", verbosity=0)
    if not UnitReport.objects.exists():
        began = time.perf_counter()
        call_command("demo", "--if-empty", "--no-progress", scale=scale, verbosity=0)
        print(
            f"demo city (scale {scale}) built in {time.perf_counter() - began:.0f} s",
            file=sys.stderr,
        )


def _loaded() -> tuple[int, int, int] | None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass('bench_screen_load') IS NOT NULL")
        (exists,) = cursor.fetchone()
        if not exists:
            return None
        cursor.execute("SELECT persons, venues, checkins FROM bench_screen_load")
        row = cursor.fetchone()
    return (int(row[0]), int(row[1]), int(row[2])) if row else None


def _load_city_scale(args: argparse.Namespace) -> None:
    """Persons, venues and check-ins at a city's scale on top of the demo city (PostgreSQL)."""
    from django.db import connection

    from bench.venues_ingest import _copy_rows, _load_days_postgres, _moment, _stays
    from fangkong.jurisdictions.models import Jurisdiction, Level
    from fangkong.people.models import Person
    from fangkong.venues.checkin_days import checkin_partitions_ensure
    from fangkong.venues.demo import PROFILES
    from fangkong.venues.models import Venue

    wanted = (args.persons, args.venues, args.checkins)
    if _loaded() == wanted:
        return
    began = time.perf_counter()
    rng = random.Random(args.seed)
    communities = list(
        Jurisdiction.objects.filter(level=Level.COMMUNITY).values_list("pk", flat=True)
    )
    now = _moment(dt.datetime.now(dt.UTC))
    have = Person.objects.filter(id_number__startswith="SCREEN").count()
    _copy_rows(
        "people_person",
        [
            "name", "id_type", "id_number", "phone", "address", "sex", "home_jurisdiction_id",
            "created_at", "updated_at",
        ],
        (
            (f"居民{n}", "other", f"SCREEN{n:012d}", "", "", "unknown",
             rng.choice(communities), now, now)
            for n in range(have, args.persons)
        ),
    )  # fmt: skip
    have = Venue.objects.filter(code__startswith="scr").count()
    categories = list(PROFILES)
    shares = [PROFILES[c].share for c in categories]
    _copy_rows(
        "venues_venue",
        [
            "name", "category", "address", "jurisdiction_id", "approved_capacity", "status",
            "code", "created_at",
        ],
        (
            (f"场所{n}", cat, "", rng.choice(communities), rng.randint(*PROFILES[cat].capacity),
             "open", f"scr{n:07d}", now)
            for n in range(have, args.venues)
            for cat in [rng.choices(categories, shares)[0]]
        ),
    )  # fmt: skip
    venue_ids = list(Venue.objects.order_by("pk").values_list("pk", flat=True))
    person_ids = list(Person.objects.order_by("pk").values_list("pk", flat=True))
    zone = dt.timezone(dt.timedelta(hours=8))
    today = dt.datetime.now(zone).date()
    days = [today - dt.timedelta(days=n) for n in range(args.days - 1, -1, -1)]
    first_midnight = dt.datetime.combine(days[0], dt.time.min, tzinfo=zone)
    checkin_partitions_ensure(
        days=[days[0] - dt.timedelta(days=1), *days, today + dt.timedelta(days=1)]
    )
    shape = argparse.Namespace(days=args.days, per_day=args.checkins // args.days)
    _load_days_postgres(_stays(shape, rng, venue_ids, person_ids, first_midnight), days)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
        cursor.execute("DROP TABLE IF EXISTS bench_screen_load")
        cursor.execute(
            "CREATE TABLE bench_screen_load (persons bigint, venues bigint, checkins bigint)"
        )
        cursor.execute("INSERT INTO bench_screen_load VALUES (%s, %s, %s)", list(wanted))
    print(f"city scale loaded in {time.perf_counter() - began:.0f} s", file=sys.stderr)


def _median_ms(call: Callable[[], Any], repeat: int) -> tuple[float, int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    call()  # warm-up: the first answer pays for imports and cold caches
    timings = []
    queries = 0
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as captured:
            start = time.perf_counter()
            response = call()
            timings.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (response.status_code, response.content[:300])
        queries = len(captured)
    return statistics.median(timings), queries


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--postgres", action="store_true")
    parser.add_argument("--demo-scale", type=float, default=1.0)
    parser.add_argument("--persons", type=int, default=1_000_000)
    parser.add_argument("--venues", type=int, default=20_000)
    parser.add_argument("--checkins", type=int, default=50_000_000)
    parser.add_argument("--days", type=int, default=14)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--seed", type=int, default=20210728)
    parser.add_argument("--rebuild", action="store_true", help="load the city scale again")
    args = parser.parse_args(argv if argv is not None else [])
    _configure(args)
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.urls import reverse

    from fangkong.accounts.models import User
    from fangkong.accounts.roles import Role
    from fangkong.command.selectors.screen import SCREEN_PANEL_NAMES
    from fangkong.jurisdictions.models import Jurisdiction
    from fangkong.people.models import Person
    from fangkong.venues.models import CheckIn, Venue

    _ensure_demo(args.demo_scale)
    if args.postgres:
        _load_city_scale(args)
    hq = User.objects.filter(role=Role.HQ_ADMIN).order_by("pk").first()
    officer = User.objects.filter(role=Role.DISTRICT_OFFICER).order_by("pk").first()
    assert hq is not None and officer is not None and officer.jurisdiction_id is not None
    district = Jurisdiction.objects.get(pk=officer.jurisdiction_id)
    print(
        f"{connection.vendor}: {Person.objects.count():,} persons, {Venue.objects.count():,} "
        f"venues, {CheckIn.objects.count():,} check-ins; {time.strftime('%Y-%m-%d %H:%M')}, "
        f"load {os.getloadavg()[0]:.1f}"
    )
    target = TARGET_CITY_MS if args.postgres else TARGET_DEMO_MS
    clients = {}
    for user in (hq, officer):
        client = Client()
        client.force_login(user)
        clients[user.pk] = client
    accept = {"HTTP_ACCEPT": "application/json"}

    def row(label: str, client: Any, url: str, params: dict[str, Any] | None = None) -> float:
        ms, queries = _median_ms(lambda: client.get(url, params or {}, **accept), args.repeat)
        print(f"{label:<44} {ms:8.1f} ms {queries:4d} queries")
        return ms

    print(f"{'floor':<44}")
    row("  GET /api/v1/me/", clients[hq.pk], reverse("api:me"))
    row("  dashboard page /command/ (cached)", clients[hq.pk], reverse("command:dashboard"))
    worst = 0.0
    for who, client, params in [
        ("HQ, whole city, 14 days", clients[hq.pk], {"days": 14}),
        ("HQ, whole city, 30 days", clients[hq.pk], {"days": 30}),
        (f"HQ, {district.name}, 14 days", clients[hq.pk], {"days": 14, "district": district.pk}),
        (f"district officer ({district.name}), 14 days", clients[officer.pk], {"days": 14}),
    ]:
        print(who)
        for name in SCREEN_PANEL_NAMES:
            ms = row(f"  {name}", client, reverse(f"api:command-screen-{name}"), params)
            worst = max(worst, ms)
    verdict = "met" if worst <= target else "MISSED"
    print(f"slowest panel {worst:.1f} ms (target {target} ms): {verdict}")


if __name__ == "__main__":
    main(sys.argv[1:])
