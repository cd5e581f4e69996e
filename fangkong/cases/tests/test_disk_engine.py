"""The disk engine as the platform's engine: the spec's contacts whether a day's check-ins
are still in the table or already in the archive. Transactional tests: the live copy reads
through its own connection, which cannot see a test transaction that is never committed."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from fangkong.cases import engines
from fangkong.cases.models import Contact
from fangkong.cases.services.tracing import trace_run_start
from fangkong.cases.tests.conftest import EXAMPLE, SHANGHAI
from fangkong.venues.models import CheckIn
from fangkong.venues.services.checkin_archive import checkin_day_archive

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def disk_engine(settings: object, tmp_path: Path, monkeypatch) -> Iterator[Path]:
    settings.FANGKONG_TRACE_ENGINE = "disk"  # type: ignore[attr-defined]
    settings.FANGKONG_ARCHIVE_DIR = tmp_path  # type: ignore[attr-defined]
    engines.forget_disk_engine()
    yield tmp_path
    engines.forget_disk_engine()


def _names(city, case) -> list[tuple[str, int, str]]:
    return [
        (city.name_of_person(c.person_id), c.degree, city.name_of_person(c.via_id))
        for c in Contact.objects.filter(case=case).order_by(
            "degree", "first_exposure", "person__name"
        )
    ]


def _archive_day(root: Path, day: date) -> None:
    """The archive service moves the day; its signal has the day's index built at once."""
    assert checkin_day_archive(day=day, by=None).wrote_file
    assert (engines.disk_index_root() / day.isoformat() / "meta.json").exists()


def test_the_disk_engine_proposes_the_spec_contacts_from_the_table_and_the_archive(
    disk_engine, spec_city, make_case, investigator
):
    with open(EXAMPLE / "example-contacts.csv", encoding="utf-8") as expected:
        rows = [(r["person_id"], int(r["degree"]), r["via"]) for r in csv.DictReader(expected)]
    case = make_case(spec_city.persons["case1"], onset="2021-07-30")
    # Given every check-in still in the table
    run = trace_run_start(case=case, by=investigator)
    assert (run.engine, _names(spec_city, case)) == ("disk", rows)
    # When the first two days move to the archive (the engine running meanwhile)
    days = sorted({c.check_in.astimezone(SHANGHAI).date() for c in CheckIn.objects.all()})
    for day in days[:2]:
        _archive_day(disk_engine, day)
    assert CheckIn.objects.count() > 0
    # Then the same contacts, from the day files and the table together
    trace_run_start(case=case, by=investigator)
    assert _names(spec_city, case) == rows
    engine = engines.platform_engine()
    assert engine.days() == days[:2]  # type: ignore[attr-defined]
