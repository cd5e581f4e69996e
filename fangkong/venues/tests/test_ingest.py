import csv
import datetime as dt
import io
import time

import pytest
from django.core.management import call_command
from django.utils import timezone

from fangkong.core.models import AuditEvent, DataImport
from fangkong.core.tabular import TableRejected, read_table
from fangkong.people.models import Person
from fangkong.testing.concurrency import run_concurrently
from fangkong.testing.identities import resident_id, with_wrong_check_digit
from fangkong.venues.models import CheckIn, CheckInSource, Venue, VenueCategory
from fangkong.venues.services.ingest import INGEST_COLUMNS, checkin_ingest
from fangkong.venues.tests.factories import persons

SOURCE = CheckInSource.HEALTH_CODE


def record(number: int, venue: Venue, person: Person, start: dt.datetime, **extra) -> dict:
    return {
        "record_id": f"R{number:07d}",
        "venue_code": venue.code,
        "id_number": person.id_number,
        "check_in": (start + dt.timedelta(seconds=number)).isoformat(),
        **extra,
    }


@pytest.fixture
def start(now) -> dt.datetime:
    return now - dt.timedelta(days=3)


def batch_of(
    count: int, venues: list[Venue], people: list[Person], start: dt.datetime
) -> list[dict]:
    return [
        record(n, venues[n % len(venues)], people[n % len(people)], start) for n in range(count)
    ]


def test_ingesting_the_same_100000_records_twice_leaves_100000_rows(jiankang, start):
    # Given 100,000 records over 50 venues and 2,000 people
    venues = Venue.objects.bulk_create(
        Venue(
            name=f"场所{i}",
            category=VenueCategory.RESTAURANT,
            jurisdiction=jiankang,
            approved_capacity=80,
        )
        for i in range(50)
    )
    people = persons(2000)
    records = batch_of(100_000, venues, people, start)
    # When the batch is ingested, then sent again
    began = time.perf_counter()
    first = checkin_ingest(records=records, source=SOURCE, by=None)
    second = checkin_ingest(records=records, source=SOURCE, by=None)
    elapsed = time.perf_counter() - began
    # Then there are 100,000 rows, all from the first import; the second changed nothing
    assert CheckIn.objects.count() == 100_000
    assert (first.created, first.existing) == (100_000, 0)
    assert (second.created, second.existing, second.completed) == (0, 100_000, 0)
    assert CheckIn.objects.filter(data_import=first.record).count() == 100_000
    print(f"\n2 × 100,000 records ingested in {elapsed:.1f} s")


def test_a_batch_with_a_bad_record_names_it_and_writes_nothing(bar, zhang_san, start):
    records = [record(n, bar, zhang_san, start) for n in range(5)]
    records[3]["venue_code"] = "no-such-code"
    with pytest.raises(TableRejected) as rejected:
        checkin_ingest(records=records, source=SOURCE, by=None)
    [error] = rejected.value.errors
    assert (error.row, error.column) == (4, "场所码")
    assert "R0000003" in error.message and "no-such-code" in error.message
    assert CheckIn.objects.count() == 0
    assert not DataImport.objects.exists()


def test_every_kind_of_bad_record_is_named_in_one_pass(bar, zhang_san, start, now):
    good = record(0, bar, zhang_san, start)
    records = [
        good,
        {**good, "record_id": ""},
        {**good, "record_id": "R1", "check_in": "yesterday"},
        {**good, "record_id": "R2", "check_out": (start - dt.timedelta(hours=1)).isoformat()},
        {**good, "record_id": "R3", "check_in": (now + dt.timedelta(hours=1)).isoformat()},
        {**good, "record_id": "R4", "id_number": with_wrong_check_digit(resident_id())},
        {**good, "record_id": "R5", "id_number": "", "phone": "13700000000"},
        {**good, "record_id": "R6", "id_number": resident_id()},
        {**good, "record_id": "R7", "id_number": "", "phone": ""},
        {**good, "check_in": (start + dt.timedelta(minutes=5)).isoformat()},
    ]
    with pytest.raises(TableRejected) as rejected:
        checkin_ingest(records=records, source=SOURCE, by=None)
    named = [(e.row, e.column) for e in rejected.value.errors]
    assert named == [
        (2, "记录号"),
        (3, "进场时间"),
        (4, "离场时间"),
        (5, "进场时间"),
        (6, "证件号码"),
        (7, "手机号"),
        (8, "证件号码"),
        (9, "证件号码"),
        (10, "记录号"),
    ]
    messages = {e.row: e.message for e in rejected.value.errors}
    assert "校验位" in messages[6]
    assert "137****0000" in messages[7] and "未登记" in messages[7]
    assert "姓名" in messages[8]
    assert "第 1 条" in messages[10]


def test_skip_invalid_stores_the_valid_records_and_reports_the_rest(bar, zhang_san, start):
    records = [record(n, bar, zhang_san, start) for n in range(4)]
    records[1]["venue_code"] = "nope"
    result = checkin_ingest(records=records, source=SOURCE, by=None, skip_invalid=True)
    assert (result.created, len(result.skipped)) == (3, 1)
    assert result.skipped[0].row == 2
    assert CheckIn.objects.count() == 3
    assert result.record.skipped == 1


def test_a_person_is_matched_by_phone_when_no_id_number_is_sent(bar, zhang_san, start):
    checkin_ingest(
        records=[record(1, bar, zhang_san, start, id_number="", phone="138 1234 5678")],
        source=SOURCE,
        by=None,
    )
    assert CheckIn.objects.get().person == zhang_san


def test_a_phone_shared_by_two_people_cannot_identify_anyone(bar, zhang_san, start):
    from fangkong.people.services import person_register

    person_register(name="张小三", id_number=resident_id(), phone="13812345678", by=None)
    with pytest.raises(TableRejected, match="对应多人"):
        checkin_ingest(
            records=[record(1, bar, zhang_san, start, id_number="", phone="13812345678")],
            source=SOURCE,
            by=None,
        )


def test_an_unknown_id_number_with_a_name_registers_the_person(bar, start, hq_admin):
    number = resident_id(dt.date(2001, 2, 3))
    visitor = Person(name="新访客", id_number=number)
    records = [
        record(1, bar, visitor, start, name="新访客", phone="13500001111"),
        record(2, bar, visitor, start, name="新访客"),
    ]
    result = checkin_ingest(records=records, source=SOURCE, by=hq_admin)
    person = Person.objects.get(id_number=number)
    assert (result.persons_created, result.created) == (1, 2)
    assert person.phone == "+8613500001111"
    assert set(CheckIn.objects.values_list("person_id", flat=True)) == {person.pk}
    assert AuditEvent.objects.filter(action="person.import").exists()


def test_a_resent_record_with_its_check_out_completes_the_stay(bar, zhang_san, start):
    first = record(1, bar, zhang_san, start)
    checkin_ingest(records=[first], source=SOURCE, by=None)
    leaving = (start + dt.timedelta(hours=2)).isoformat()
    result = checkin_ingest(records=[{**first, "check_out": leaving}], source=SOURCE, by=None)
    assert (result.created, result.completed) == (0, 1)
    assert CheckIn.objects.get().check_out == dt.datetime.fromisoformat(leaving)


def test_a_resent_record_id_with_another_stay_is_an_error_not_an_overwrite(
    bar, zhang_san, li_si, start
):
    checkin_ingest(records=[record(1, bar, zhang_san, start)], source=SOURCE, by=None)
    with pytest.raises(TableRejected, match="人员、场所或进场时间不同"):
        checkin_ingest(records=[record(1, bar, li_si, start)], source=SOURCE, by=None)
    assert CheckIn.objects.get().person == zhang_san


def test_the_same_record_id_from_another_source_is_another_record(bar, zhang_san, start):
    checkin_ingest(records=[record(1, bar, zhang_san, start)], source=SOURCE, by=None)
    checkin_ingest(records=[record(1, bar, zhang_san, start)], source=CheckInSource.IMPORT, by=None)
    assert CheckIn.objects.count() == 2


def test_timestamps_without_an_offset_are_local_time(bar, zhang_san):
    checkin_ingest(
        records=[
            record(
                1, bar, zhang_san, dt.datetime(2021, 7, 28, 19, 5), check_in="2021-07-28T19:05:00"
            )
        ],
        source=SOURCE,
        by=None,
    )
    stored = timezone.localtime(CheckIn.objects.get().check_in)
    assert (stored.hour, stored.minute, stored.utcoffset()) == (19, 5, dt.timedelta(hours=8))


def test_one_audit_row_records_the_batch(bar, zhang_san, start, hq_admin):
    result = checkin_ingest(
        records=[record(n, bar, zhang_san, start) for n in range(3)],
        source=SOURCE,
        by=hq_admin,
        filename="batch-1.json",
    )
    event = AuditEvent.objects.get(action="checkin.ingest")
    assert event.actor == hq_admin and event.object_id == str(result.record.pk)
    assert event.after is not None
    assert event.after["created"] == 3 and event.after["filename"] == "batch-1.json"


def test_a_csv_file_is_read_with_chinese_headers(bar, zhang_san, start):
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["记录号", "场所码", "证件号码", "进场时间", "离场时间"])
    writer.writerow(
        ["A1", bar.code, zhang_san.id_number, "2021-07-28 19:05:00", "2021-07-28 21:00:00"]
    )
    rows = read_table(io.BytesIO(buffer.getvalue().encode("gb18030")), "scans.csv", INGEST_COLUMNS)
    checkin_ingest(records=rows, source=SOURCE, by=None)
    assert CheckIn.objects.get().source_record_id == "A1"


def test_the_cli_imports_a_file_and_refuses_a_bad_one(bar, zhang_san, tmp_path, capsys):
    good = tmp_path / "good.csv"
    good.write_text(
        f"record_id,venue_code,id_number,check_in\nC1,{bar.code},{zhang_san.id_number},2021-07-28T20:00:00\n",
        encoding="utf-8",
    )
    call_command("checkins", "import", str(good), "--source", "import")
    assert CheckIn.objects.get().source == CheckInSource.IMPORT
    bad = tmp_path / "bad.csv"
    bad.write_text(
        f"record_id,venue_code,id_number,check_in\nC2,{bar.code},{zhang_san.id_number},never\n",
        encoding="utf-8",
    )
    from django.core.management import CommandError

    with pytest.raises(CommandError, match="第 2 行"):
        call_command("checkins", "import", str(bad))
    assert CheckIn.objects.count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_same_batch_sent_twice_at_once_is_stored_once(jiankang, start):
    venues = Venue.objects.bulk_create(
        Venue(
            name=f"场所{i}", category=VenueCategory.BAR, jurisdiction=jiankang, approved_capacity=50
        )
        for i in range(5)
    )
    records = batch_of(3000, venues, persons(300), start)
    outcomes = run_concurrently(
        [lambda: checkin_ingest(records=records, source=SOURCE, by=None)] * 3
    )
    assert outcomes.errors == []
    assert CheckIn.objects.count() == 3000
    assert sum(r.created for r in outcomes.results) == 3000
