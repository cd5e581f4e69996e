"""Receiving a 2,000-row assist list (协查函, issue 20) against the person registry's own bulk
import of the same persons, same run.

The acceptance's list: 2,000 rows naming 1,950 persons (50 rows repeat someone already
listed, under another category), 30 rows without an ID number (20 of them with the phone of a
registered resident, 10 with nothing usable: the manual queue), and 10 persons already placed
in a quarantine site by our own tracing (answered at once). Half the persons with an ID are
residents already in the registry (with their community), half are newcomers the list
registers. The city is the demo's map (7 districts, 52 streets, about 230 communities) with
`--residents` registered residents.

Timed, each `--repeat` times inside a transaction that is rolled back (so every run finds
the same database), interleaved, median shown:

* baseline: `person_import` (the registry's own bulk import, what `fangkong persons import`
  runs) of the 1,920 persons with an ID, from a CSV of them;
* the list: `fangkong assist_import`'s path on the sender's GB18030 CSV: read, check every
  row, `assist_request_receive` (register, match, assign, answer, one audit row).

    .venv/bin/python -m bench.assist_import              # SQLite file under bench/data/
    .venv/bin/python -m bench.assist_import --postgres   # database fk_assist_bench
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import os
import random
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench.venues_ingest import DATA_DIR, POSTGRES_SERVER

POSTGRES_DB = "fk_assist_bench"
ROWS, DUPLICATES, WITHOUT_ID, PHONE_MATCHED, PLACED = 2000, 50, 30, 20, 10
TZ = dt.timezone(dt.timedelta(hours=8))
RECEIVED_AT = dt.datetime(2021, 8, 3, 9, 0, tzinfo=TZ)


class _RolledBack(Exception):
    pass


def _database(postgres: bool) -> str:
    if not postgres:
        DATA_DIR.mkdir(parents=True, exist_ok=True)
        path = DATA_DIR / "assist-import-bench.sqlite3"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        return f"sqlite:///{path}"
    import psycopg

    with psycopg.connect(POSTGRES_SERVER + "postgres", autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {POSTGRES_DB}")
        admin.execute(f"CREATE DATABASE {POSTGRES_DB}")
    return POSTGRES_SERVER + POSTGRES_DB


def _identity(n: int) -> str:
    from fangkong.testing.identities import resident_id

    birth = dt.date(1950, 1, 1) + dt.timedelta(days=n // 900)
    return resident_id(birth, sequence=n % 900)


def _city(rng: random.Random) -> list[Any]:
    """The demo's map; returns its communities."""
    from fangkong.demo import geography
    from fangkong.jurisdictions.models import Level
    from fangkong.jurisdictions.services import jurisdiction_create

    code, name = geography.CITY
    city = jurisdiction_create(code=code, name=name, level=Level.CITY, parent=None, by=None)
    communities = []
    for district_code, district_name, streets in geography.DISTRICTS:
        district = jurisdiction_create(
            code=district_code, name=district_name, level=Level.DISTRICT, parent=city, by=None
        )
        for s, street_name in enumerate(streets, start=1):
            street = jurisdiction_create(
                code=f"{district_code}{s:03d}",
                name=street_name,
                level=Level.STREET,
                parent=district,
                by=None,
            )
            for c in range(1, rng.randint(3, 6) + 1):
                communities.append(
                    jurisdiction_create(
                        code=f"{district_code}{s:03d}{c:03d}",
                        name=f"{street_name[:2]}{c}号社区",
                        level=Level.COMMUNITY,
                        parent=street,
                        by=None,
                    )
                )
    return communities


def _registry(residents: int, communities: list[Any], rng: random.Random) -> list[Any]:
    """Registered residents (bulk: the bench's set-up, not what it times)."""
    from fangkong.people.models import Person

    Person.objects.bulk_create(
        (
            Person(
                name=f"居民{n:06d}",
                id_number=_identity(n),
                phone=f"+86139{n:08d}",
                home_jurisdiction=rng.choice(communities),
            )
            for n in range(residents)
        ),
        batch_size=2000,
    )
    return list(Person.objects.order_by("pk"))


def _place(persons: list[Any]) -> None:
    from fangkong.quarantine.services.placements import placement_start
    from fangkong.quarantine.services.sites import rooms_create, site_create

    site = site_create(name="锡惠大酒店", jurisdiction=persons[0].home_jurisdiction, by=None)
    rooms = rooms_create(site=site, floors=[3], per_floor=len(persons), by=None)
    starts_at = RECEIVED_AT - dt.timedelta(days=1)
    for person, room in zip(persons, rooms, strict=True):
        placement_start(
            person=person,
            room=room,
            category="close_contact",
            starts_at=starts_at,
            last_exposure_at=starts_at - dt.timedelta(days=1),
            by=None,
        )


def _the_list(residents: list[Any], communities: list[Any], rng: random.Random) -> list[list[str]]:
    """The sender's rows (序号, 姓名, 身份证号, 手机号, 现住址, 人员类别, 暴露地点, 暴露时间)."""
    placed = residents[:PLACED]
    known = rng.sample(residents[PLACED:], (ROWS - DUPLICATES - WITHOUT_ID) // 2 - PLACED)
    people = [(p.name, p.id_number, "", "") for p in placed + known]
    first_new = len(residents) + 1000
    while len(people) < ROWS - DUPLICATES - WITHOUT_ID:
        n = first_new + len(people)
        street = rng.choice(communities).parent
        address = f"{street.parent.name}{street.name}人民路{n % 300}号"
        people.append((f"外来{n:06d}", _identity(n), f"137{n:08d}", address))
    categories = ["密切接触者", "次密接", "涉疫场所暴露人员", "风险地区来返人员"]
    rows = [
        [name, number, phone, address, rng.choice(categories)]
        for name, number, phone, address in people
    ]
    for name, number, phone, address in rng.sample(people[PLACED:], DUPLICATES):
        rows.append([name, number, phone, address, "其他"])
    listed = {p.pk for p in known}
    phone_holders = rng.sample([p for p in residents[PLACED:] if p.pk not in listed], PHONE_MATCHED)
    for p in phone_holders:
        rows.append([f"{p.name[0]}先生", "", p.phone.removeprefix("+86"), "", "密接"])
    for n in range(WITHOUT_ID - PHONE_MATCHED):
        rows.append([f"无名{n}", "", "", "南京市鼓楼区", "密接"])
    rng.shuffle(rows)
    return [
        [str(i), name, number, phone, address, category, "禄口机场T2", "2021-07-20 10:00"]
        for i, (name, number, phone, address, category) in enumerate(rows, start=1)
    ]


def _csv(header: list[str], rows: list[list[str]], encoding: str) -> bytes:
    lines = [",".join(header), *(",".join(r) for r in rows)]
    return ("\n".join(lines) + "\n").encode(encoding)


def _rolled_back(call: Callable[[], Any], check: Callable[[Any], Any]) -> tuple[float, int, Any]:
    """Seconds and queries of `call` inside a transaction, then what `check` finds of its
    outcome (not timed), then the transaction rolled back."""
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    found: list[Any] = []
    try:
        with transaction.atomic():
            with CaptureQueriesContext(connection) as queries:
                began = time.perf_counter()
                outcome = call()
                seconds = time.perf_counter() - began
            found.append(check(outcome))
            raise _RolledBack
    except _RolledBack:
        pass
    return seconds, len(queries), found[0]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--postgres", action="store_true")
    parser.add_argument("--residents", type=int, default=50_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=20210803)
    args = parser.parse_args(argv)

    os.environ["DATABASE_URL"] = _database(args.postgres)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fangkong.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from fangkong.assist.importing import ASSIST_COLUMNS, assist_rows_from_table
    from fangkong.assist.models import AssistRow, VerificationTask
    from fangkong.assist.services.intake import IntakeResult, assist_request_receive
    from fangkong.core.tabular import read_table
    from fangkong.people.importing import PERSON_COLUMNS, person_import

    rng = random.Random(args.seed)
    call_command("migrate", verbosity=0)
    communities = _city(rng)
    residents = _registry(args.residents, communities, rng)
    _place(residents[:PLACED])
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    rows = _the_list(residents, communities, rng)
    header = ["序号", "姓名", "身份证号", "手机号", "现住址", "人员类别", "暴露地点", "暴露时间"]
    list_file = _csv(header, rows, "gb18030")
    persons_file = _csv(
        ["姓名", "证件号码", "手机号", "住址"],
        list({r[2]: [r[1], r[2], r[3], r[4]] for r in rows if r[2]}.values()),
        "utf-8",
    )

    def baseline() -> int:
        table = read_table(io.BytesIO(persons_file), "persons.csv", PERSON_COLUMNS)
        return len(person_import(rows=table, filename="persons.csv", by=None).created)

    def receive() -> IntakeResult:
        table = read_table(io.BytesIO(list_file), "协查名单.csv", ASSIST_COLUMNS)
        return assist_request_receive(
            counterpart="南京市",
            counterpart_kind="city",
            number="宁协查〔2021〕12号",
            received_at=RECEIVED_AT,
            rows=assist_rows_from_table(table),
            by=None,
            at=RECEIVED_AT + dt.timedelta(minutes=5),
            filename="协查名单.csv",
        )

    def what_it_did(result: IntakeResult) -> dict[str, int]:
        tasks = VerificationTask.objects.filter(rows__request=result.request).distinct()
        wrong_place = sum(
            1
            for task in tasks.select_related("person", "jurisdiction")
            if task.person.home_jurisdiction_id not in (None, task.jurisdiction_id)
        )
        return {
            "rows": len(result.added),
            "persons registered": len(result.created_person_ids),
            "tasks": result.tasks,
            "task rows": AssistRow.objects.filter(
                request=result.request, task__isnull=False
            ).count(),
            "answered at once": result.answered,
            "manual queue": result.manual,
            "tasks outside the person's community": wrong_place,
        }

    timings: dict[str, list[tuple[float, int]]] = {"baseline": [], "list": []}
    summary: dict[str, int] = {}
    for _run in range(args.repeat):
        seconds, queries, _created = _rolled_back(baseline, lambda created: created)
        timings["baseline"].append((seconds, queries))
        seconds, queries, summary = _rolled_back(receive, what_it_did)
        timings["list"].append((seconds, queries))

    expected = {
        "rows": ROWS,
        "tasks": ROWS - DUPLICATES - WITHOUT_ID - PLACED + PHONE_MATCHED,
        "task rows": ROWS - (WITHOUT_ID - PHONE_MATCHED) - PLACED,
        "answered at once": PLACED,
        "manual queue": WITHOUT_ID - PHONE_MATCHED,
        "tasks outside the person's community": 0,
    }
    assert all(summary[k] == v for k, v in expected.items()), (summary, expected)
    assert AssistRow.objects.count() == 0  # every run was rolled back

    def line(label: str, runs: list[tuple[float, int]]) -> str:
        seconds = statistics.median(s for s, _q in runs)
        return f"| {label} | {seconds:.2f} s | {runs[0][1]:,} |"

    base = statistics.median(s for s, _q in timings["baseline"])
    mine = statistics.median(s for s, _q in timings["list"])
    print(
        f"\n{connection.vendor}, {args.residents:,} residents registered, median of {args.repeat}"
    )
    print("| what | time | queries |")
    print("| --- | ---: | ---: |")
    print(
        line(
            f"baseline: person_import of the list's {ROWS - DUPLICATES - WITHOUT_ID:,} persons",
            timings["baseline"],
        )
    )
    print(line(f"assist list of {ROWS:,} rows, file to tasks (`assist_import`)", timings["list"]))
    verdict = "met" if mine <= 10 else "NOT met"
    print(f"ratio list / baseline: {mine / base:.1f}×; target ≤ 10 s: {verdict}")
    print("what the list did: " + ", ".join(f"{k} {v:,}" for k, v in summary.items()))


if __name__ == "__main__":
    main()
