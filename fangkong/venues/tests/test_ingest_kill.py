"""A check-in ingest killed with SIGKILL at any moment leaves nothing partial, and a rerun stores
every record exactly once. The ingest runs as `fangkong checkins import` in a subprocess on the
test database (committed data, so the subprocess sees the venues and persons); it is killed
several times at a random moment after it has begun writing, then run to completion.

The 1 M-record version is `bench/fault_ingest_kill.py` (figures in bench/README.md)."""

from __future__ import annotations

import datetime as dt
import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection
from django.utils import timezone

from fangkong.core.models import DataImport
from fangkong.jurisdictions.models import Jurisdiction
from fangkong.people.models import Person
from fangkong.testing.identities import resident_id
from fangkong.venues.models import CheckIn, CheckInSource, Venue, VenueCategory
from fangkong.venues.tests.factories import persons

RECORDS = 20_000
NEW_PERSONS = 1_000  # records naming someone not yet registered: the ingest registers them
KILLS = 3
FANGKONG = Path(sys.executable).with_name("fangkong")


def _database_url() -> str:
    db = connection.settings_dict
    return f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


def _write_records(path: Path, venues: list[Venue], people: list[Person]) -> None:
    start = timezone.now() - dt.timedelta(days=2)
    records = []
    for n in range(RECORDS):
        record = {
            "record_id": f"K{n:07d}",
            "venue_code": venues[n % len(venues)].code,
            "check_in": (start + dt.timedelta(seconds=n)).isoformat(),
        }
        if n < NEW_PERSONS:
            birth = dt.date(1960, 1, 1) + dt.timedelta(days=n // 500)
            record |= {"id_number": resident_id(birth, sequence=n % 500), "name": f"新访客{n}"}
        else:
            record["id_number"] = people[n % len(people)].id_number
        records.append(record)
    path.write_text(json.dumps({"records": records}), encoding="utf-8")


def _ingest(path: Path) -> subprocess.Popen[bytes]:
    env = {**os.environ, "DATABASE_URL": _database_url()}
    return subprocess.Popen(
        [
            str(FANGKONG),
            "checkins",
            "import",
            str(path),
            "--source",
            "health_code",
            "--no-progress",
        ],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


def _writing(process: subprocess.Popen[bytes], timeout: float = 120) -> bool:
    """Wait until the subprocess's transaction has written (it holds a transaction id)."""
    deadline = time.monotonic() + timeout
    with connection.cursor() as cursor:
        while time.monotonic() < deadline and process.poll() is None:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                "AND pid <> pg_backend_pid() AND backend_xid IS NOT NULL"
            )
            if cursor.fetchone()[0]:
                return True
            time.sleep(0.02)
    return False


def _settled(timeout: float = 120) -> None:
    """Wait until the killed import's server process is gone: the server finishes what it was
    doing when the client died (a COMMIT already sent completes; anything else rolls back)."""
    deadline = time.monotonic() + timeout
    with connection.cursor() as cursor:
        while time.monotonic() < deadline:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                "AND pid <> pg_backend_pid() AND backend_type = 'client backend'"
            )
            if not cursor.fetchone()[0]:
                return
            time.sleep(0.05)
    raise AssertionError("the killed import's server process did not end")


def _stored() -> tuple[int, int, int, int]:
    rows = CheckIn.objects.filter(source=CheckInSource.HEALTH_CODE)
    return (
        rows.count(),
        rows.values("source_record_id").distinct().count(),
        Person.objects.filter(name__startswith="新访客").count(),
        DataImport.objects.count(),
    )


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_an_ingest_killed_at_random_moments_leaves_nothing_and_the_rerun_stores_each_record_once(
    jiankang: Jurisdiction, tmp_path: Path
) -> None:
    venues = Venue.objects.bulk_create(
        Venue(
            name=f"场所{i}",
            category=VenueCategory.RESTAURANT,
            jurisdiction=jiankang,
            approved_capacity=80,
        )
        for i in range(40)
    )
    people = persons(3000)
    path = tmp_path / "checkins.json"
    _write_records(path, venues, people)
    rng = random.Random(13)
    killed_while_writing = 0

    for _ in range(KILLS):
        process = _ingest(path)
        if _writing(process):
            time.sleep(rng.uniform(0, 0.5))
            killed_while_writing += process.poll() is None
            process.send_signal(signal.SIGKILL)
        process.wait(timeout=120)
        _settled()
        # All or nothing: a kill before the commit leaves no row, no person, no import record.
        assert _stored()[:3] in ((0, 0, 0), (RECORDS, RECORDS, NEW_PERSONS))

    assert killed_while_writing > 0
    final = _ingest(path)
    _out, err = final.communicate(timeout=300)
    assert final.returncode == 0, err.decode()

    assert _stored()[:3] == (RECORDS, RECORDS, NEW_PERSONS)
    again = _ingest(path)
    again.communicate(timeout=300)
    assert _stored()[:3] == (RECORDS, RECORDS, NEW_PERSONS)
