"""Person list and search at a million rows: `python -m bench.people_list [--rows N]`.

Loads N synthetic persons (valid resident IDs, phones, spread over a city's communities) into
a scratch database (SQLite under bench/data/, or PostgreSQL with --postgres) and times what the
person page does: the first page, a page deep in the list, name-prefix, ID and phone searches,
and a district officer's scoped list. Each query is timed after a warm-up, median of 7 runs.
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
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"


def _configure(postgres: bool) -> None:
    if postgres:
        os.environ["DATABASE_URL"] = "postgres://postgres@127.0.0.1:5432/fangkong_bench_people"
    else:
        DATA.mkdir(exist_ok=True)
        os.environ["DATABASE_URL"] = f"sqlite:///{DATA / 'people.sqlite3'}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fangkong.settings")


def _ensure_database(postgres: bool) -> None:
    if not postgres:
        return
    import psycopg

    with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as c:
        exists = c.execute(
            "SELECT 1 FROM pg_database WHERE datname = 'fangkong_bench_people'"
        ).fetchone()
        if not exists:
            c.execute("CREATE DATABASE fangkong_bench_people")


def _load(rows: int) -> None:
    from django.core.management import call_command
    from stdnum.cn import ric

    from fangkong.jurisdictions.models import Jurisdiction, Level
    from fangkong.jurisdictions.services import jurisdiction_create
    from fangkong.people.models import Person, Sex

    call_command("migrate", verbosity=0)
    if Person.objects.count() >= rows:
        return
    Person.objects.all().delete()
    Jurisdiction.objects.all().delete()
    city = jurisdiction_create(code="320200", name="无锡市", level=Level.CITY, parent=None, by=None)
    communities = []
    for d in range(7):
        district = jurisdiction_create(
            code=f"3202{d + 10}", name=f"区{d}", level=Level.DISTRICT, parent=city, by=None
        )
        for s in range(8):
            street = jurisdiction_create(
                code=f"{district.code}{s:03d}",
                name=f"街道{s}",
                level=Level.STREET,
                parent=district,
                by=None,
            )
            for c in range(5):
                communities.append(
                    jurisdiction_create(
                        code=f"{street.code}{c:03d}",
                        name=f"社区{c}",
                        level=Level.COMMUNITY,
                        parent=street,
                        by=None,
                    )
                )
    rng = random.Random(1)
    surnames = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
    given = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超霞平刚"
    batch: list[Person] = []
    started = time.perf_counter()
    for i in range(rows):
        # A distinct (birth date, sequence) per person keeps a million ID numbers unique.
        birth = dt.date(1940, 1, 1) + dt.timedelta(days=i // 1000 * 7)
        body = f"110105{birth:%Y%m%d}{i % 1000:03d}"
        number = body + ric.calc_check_digit(body + "0")
        batch.append(
            Person(
                name=rng.choice(surnames) + rng.choice(given) + rng.choice(given),
                id_number=number,
                phone=f"+86138{i:08d}",
                home_jurisdiction=rng.choice(communities),
                sex=Sex.MALE if i % 2 else Sex.FEMALE,
            )
        )
        if len(batch) == 20_000:
            Person.objects.bulk_create(batch, ignore_conflicts=True)
            batch.clear()
            print(f"\r  loaded {i + 1:,} persons", end="", file=sys.stderr)
    Person.objects.bulk_create(batch, ignore_conflicts=True)
    print(f"\r  loaded {rows:,} persons in {time.perf_counter() - started:.0f} s", file=sys.stderr)


def _median_ms(run: Callable[[], object], repeat: int = 7) -> float:
    run()
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        run()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--postgres", action="store_true")
    options = parser.parse_args(argv)
    _configure(options.postgres)
    _ensure_database(options.postgres)
    import django

    django.setup()
    from django.db import connection

    from fangkong.accounts.models import User
    from fangkong.accounts.roles import Role
    from fangkong.core.pagination import keyset_page
    from fangkong.jurisdictions.models import Jurisdiction, Level
    from fangkong.people.models import Person
    from fangkong.people.selectors import person_list

    _load(options.rows)
    # Planner statistics, as a maintained database has them (autovacuum on PostgreSQL).
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    total = Person.objects.count()
    hq = User(username="bench-hq", role=Role.HQ_ADMIN, is_active=True)
    district = Jurisdiction.objects.filter(level=Level.DISTRICT).first()
    officer = User(
        username="bench-district", role=Role.DISTRICT_OFFICER, is_active=True, jurisdiction=district
    )
    middle = Person.objects.order_by("pk").values_list("pk", flat=True)[total // 2]
    sample = Person.objects.get(pk=middle)

    def page(viewer: User, search: str = "", after: str | None = None) -> Callable[[], object]:
        return lambda: (
            keyset_page(
                person_list(viewer=viewer, search=search), after=after, before=None, size=50
            ).items
        )

    cases = {
        "first page (HQ, whole city)": page(hq),
        "page in the middle of the list": page(hq, after=str(middle)),
        "name prefix search (2 characters)": page(hq, search=sample.name[:2]),
        "whole ID number": page(hq, search=sample.id_number),
        "phone number": page(hq, search=sample.phone[3:]),
        "district officer, first page": page(officer),
        "district officer, name prefix": page(officer, search=sample.name[:2]),
    }
    print(f"\n{connection.vendor}, {total:,} persons (median of 7, after one warm-up)\n")
    print("| query | ms |\n| --- | ---: |")
    for label, run in cases.items():
        print(f"| {label} | {_median_ms(run):.1f} |")


if __name__ == "__main__":
    main()
