"""`fangkong checkins ingest` and `checkin_bulk_ingest`, the fast path: bad rows named and the
file refused with nothing written, --skip-invalid, resends, Parquet and CSV, completions."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from django.core.management import CommandError, call_command

from fangkong.core.models import AuditEvent, DataImport
from fangkong.core.tabular import TableRejected
from fangkong.people.models import Person
from fangkong.testing.identities import resident_id
from fangkong.venues.models import CheckIn, CheckInSource, Venue, VenueCategory
from fangkong.venues.services.checkin_bulk import checkin_bulk_ingest
from fangkong.venues.services.ingest import IngestResult
from fangkong.venues.tests.factories import persons

SOURCE = CheckInSource.HEALTH_CODE
FIELDS = ["record_id", "venue_code", "check_in", "check_out", "id_number", "name"]
ROWS = 3000


@pytest.fixture
def venues(jiankang) -> list[Venue]:
    return Venue.objects.bulk_create(
        Venue(
            name=f"场所{i}",
            category=VenueCategory.RESTAURANT,
            jurisdiction=jiankang,
            approved_capacity=80,
        )
        for i in range(20)
    )


@pytest.fixture
def people(db) -> list[Person]:
    return persons(500)


def records(venues: list[Venue], people: list[Person], start: dt.datetime) -> list[dict]:
    return [
        {
            "record_id": f"B{n:06d}",
            "venue_code": venues[n % len(venues)].code,
            "check_in": (start + dt.timedelta(seconds=n)).isoformat(),
            "check_out": "",
            "id_number": people[n % len(people)].id_number,
            "name": "",
        }
        for n in range(ROWS)
    ]


def write_csv(path: Path, rows: list[dict]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, FIELDS)
        writer.writeheader()
        writer.writerows(rows)
    return path


def ingest(path: Path, *, skip_invalid: bool = False) -> IngestResult:
    return checkin_bulk_ingest(chunks=path, source=SOURCE, by=None, skip_invalid=skip_invalid)


@pytest.fixture
def start(now) -> dt.datetime:
    return now - dt.timedelta(days=2)


def test_a_csv_file_is_stored_once_and_a_resent_file_adds_nothing(venues, people, start, tmp_path):
    path = write_csv(tmp_path / "day.csv", records(venues, people, start))
    first = ingest(path)
    again = ingest(path)
    assert (first.received, first.created, first.existing) == (ROWS, ROWS, 0)
    assert (again.created, again.existing) == (0, ROWS)
    assert CheckIn.objects.filter(source=SOURCE).count() == ROWS
    stored = CheckIn.objects.get(source_record_id="B000007")
    assert stored.venue == venues[7] and stored.person == people[7]
    assert stored.check_in == start + dt.timedelta(seconds=7)
    assert DataImport.objects.filter(kind="venues.checkin").count() == 2
    assert AuditEvent.objects.filter(action="checkin.ingest").count() == 2


def test_a_parquet_file_with_timestamps_is_stored_like_its_csv(venues, people, start, tmp_path):
    rows = records(venues, people, start)
    table = pa.table(
        {
            "record_id": [r["record_id"] for r in rows],
            "venue_code": [r["venue_code"] for r in rows],
            "check_in": pa.array(
                [start + dt.timedelta(seconds=n) for n in range(ROWS)], pa.timestamp("us", "UTC")
            ),
            "id_number": [r["id_number"] for r in rows],
        }
    )
    pq.write_table(table, tmp_path / "day.parquet")
    result = ingest(tmp_path / "day.parquet")
    assert result.created == ROWS
    stored = CheckIn.objects.get(source_record_id="B000011")
    assert stored.check_in == start + dt.timedelta(seconds=11)
    # the same records as CSV are already there
    assert ingest(write_csv(tmp_path / "day.csv", rows)).created == 0


def bad_file(venues, people, start, now, tmp_path) -> Path:
    rows = records(venues, people, start)
    rows[9]["venue_code"] = "NO-SUCH-CODE"
    rows[19]["check_out"] = (start - dt.timedelta(hours=1)).isoformat()
    rows[29]["check_in"] = (now + dt.timedelta(days=1)).isoformat()
    rows[39]["check_in"] = "yesterday evening"
    rows[49]["id_number"] = ""
    path = write_csv(tmp_path / "bad.csv", rows)
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[60] = "B-broken,only-two-fields"  # the file's row 61: a malformed row
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_a_file_with_bad_rows_is_refused_naming_each_row_and_nothing_is_written(
    venues, people, start, now, tmp_path
):
    path = bad_file(venues, people, start, now, tmp_path)
    with pytest.raises(TableRejected) as refused:
        ingest(path)
    named = {(e.row, e.column) for e in refused.value.errors}
    # spreadsheet rows: the header is row 1, so record n is on row n + 2
    assert named == {
        (11, "场所码"),
        (21, "离场时间"),
        (31, "进场时间"),
        (41, "进场时间"),
        (51, "证件号码"),
        (61, ""),
    }
    messages = " ".join(str(e) for e in refused.value.errors)
    assert "未知场所码「NO-SUCH-CODE」" in messages
    assert "离场时间早于进场时间" in messages
    assert "进场时间晚于当前时间" in messages
    assert CheckIn.objects.count() == 0
    assert DataImport.objects.count() == 0


def test_skip_invalid_writes_the_good_rows_and_reports_the_bad(
    venues, people, start, now, tmp_path
):
    result = ingest(bad_file(venues, people, start, now, tmp_path), skip_invalid=True)
    assert result.created == ROWS - 6
    assert sorted(e.row for e in result.skipped) == [11, 21, 31, 41, 51, 61]
    # the row after the malformed one keeps its number, and its record is stored
    assert CheckIn.objects.filter(source_record_id="B000060").exists()
    assert not CheckIn.objects.filter(source_record_id="B000009").exists()


def test_a_resent_record_with_a_check_out_completes_the_stay_and_another_stay_is_an_error(
    venues, people, start, tmp_path
):
    rows = records(venues, people, start)
    ingest(write_csv(tmp_path / "first.csv", rows))
    rows[3]["check_out"] = (start + dt.timedelta(hours=1)).isoformat()
    rows[5]["venue_code"] = venues[0].code if rows[5]["venue_code"] != venues[0].code else ""
    with pytest.raises(TableRejected) as refused:
        ingest(write_csv(tmp_path / "second.csv", rows))
    assert [(e.row, e.column) for e in refused.value.errors] == [(7, "记录号")]
    rows[5] = records(venues, people, start)[5]
    result = ingest(write_csv(tmp_path / "third.csv", rows))
    assert (result.created, result.completed, result.existing) == (0, 1, ROWS - 1)
    completed = CheckIn.objects.get(source_record_id="B000003")
    assert completed.check_out == start + dt.timedelta(hours=1)


def test_unknown_people_with_a_name_are_registered_through_the_registry(
    venues, people, start, tmp_path
):
    rows = records(venues, people, start)[:10]
    for n, row in enumerate(rows):
        row["id_number"] = resident_id(dt.date(1990, 1, 1), sequence=n)
        row["name"] = f"新访客{n}"
    rows.append(dict(rows[0], record_id="B-again"))  # the same newcomer twice
    result = ingest(write_csv(tmp_path / "new.csv", rows))
    assert (result.created, result.persons_created) == (11, 10)
    assert Person.objects.filter(name__startswith="新访客").count() == 10


def test_the_command_takes_a_directory_in_name_order(venues, people, start, now, tmp_path):
    rows = records(venues, people, start)
    write_csv(tmp_path / "a.csv", rows[:1000])
    write_csv(tmp_path / "b.csv", rows[1000:])
    call_command("checkins", "ingest", str(tmp_path), "--source", SOURCE, "--no-progress")
    assert CheckIn.objects.count() == ROWS
    assert [d.filename for d in DataImport.objects.order_by("pk")] == ["a.csv", "b.csv"]
    (tmp_path / "bad").mkdir()
    bad = bad_file(venues, people, start, now, tmp_path / "bad")
    with pytest.raises(CommandError, match="未写入任何记录"):
        call_command("checkins", "ingest", str(bad.parent), "--no-progress")
