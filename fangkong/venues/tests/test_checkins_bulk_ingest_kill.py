"""`fangkong checkins ingest` killed with SIGKILL while it writes (mid-COPY into staging or
mid-insert), then rerun: every record stored exactly once, nothing partial in between. The
command runs in a subprocess on the test database (committed data), as in
test_ingest_kill.py, whose helpers it shares."""

from __future__ import annotations

import csv
import datetime as dt
import os
import signal
import subprocess
import time
from pathlib import Path

import pytest
from django.utils import timezone

from fangkong.jurisdictions.models import Jurisdiction
from fangkong.people.models import Person
from fangkong.testing.identities import resident_id
from fangkong.venues.models import Venue, VenueCategory
from fangkong.venues.tests.factories import persons
from fangkong.venues.tests.test_ingest_kill import (
    FANGKONG,
    NEW_PERSONS,
    RECORDS,
    _database_url,
    _settled,
    _stored,
    _writing,
)


def _write_csv(path: Path, venues: list[Venue], people: list[Person]) -> None:
    start = timezone.now() - dt.timedelta(days=2)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["record_id", "venue_code", "check_in", "id_number", "name"])
        for n in range(RECORDS):
            if n < NEW_PERSONS:
                birth = dt.date(1960, 1, 1) + dt.timedelta(days=n // 500)
                person = (resident_id(birth, sequence=n % 500), f"新访客{n}")
            else:
                person = (people[n % len(people)].id_number, "")
            check_in = (start + dt.timedelta(seconds=n)).isoformat()
            writer.writerow([f"K{n:07d}", venues[n % len(venues)].code, check_in, *person])


def _ingest(path: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [str(FANGKONG), "checkins", "ingest", str(path), "--source", "health_code"],
        env={**os.environ, "DATABASE_URL": _database_url()},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_bulk_ingest_killed_while_writing_then_rerun_stores_each_record_once(
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
    path = tmp_path / "checkins.csv"
    _write_csv(path, venues, people)
    killed_while_writing = 0
    # The moments after the transaction began writing: right away (registering persons,
    # COPY into staging), then later (the insert), as far as 20,000 rows allow.
    for delay in (0.0, 0.05, 0.2, 0.5):
        process = _ingest(path)
        if _writing(process):
            time.sleep(delay)
            killed_while_writing += process.poll() is None
            process.send_signal(signal.SIGKILL)
        process.wait(timeout=120)
        _settled()
        assert _stored()[:3] in ((0, 0, 0), (RECORDS, RECORDS, NEW_PERSONS))
    assert killed_while_writing > 0
    final = _ingest(path)
    _out, err = final.communicate(timeout=300)
    assert final.returncode == 0, err.decode()
    assert _stored()[:3] == (RECORDS, RECORDS, NEW_PERSONS)
    again = _ingest(path)
    again.communicate(timeout=300)
    assert _stored()[:3] == (RECORDS, RECORDS, NEW_PERSONS)
