"""An ingested record whose name disagrees with the person registered under its ID number
attaches no stay to that person: a row error naming the row and the name column, nothing
written (the registry's rule, as for every other import)."""

import datetime as dt

import pytest

from fangkong.core.models import DataImport
from fangkong.core.tabular import TableRejected
from fangkong.people.models import Person
from fangkong.people.services import NAME_MISMATCH
from fangkong.testing.identities import resident_id
from fangkong.venues.models import CheckIn, CheckInSource
from fangkong.venues.services.ingest import checkin_ingest

SOURCE = CheckInSource.HEALTH_CODE


@pytest.fixture
def start(now) -> dt.datetime:
    return now - dt.timedelta(days=3)


def _record(number, venue, id_number, start, **extra):
    return {
        "record_id": f"R{number:07d}",
        "venue_code": venue.code,
        "id_number": id_number,
        "check_in": (start + dt.timedelta(minutes=number)).isoformat(),
        **extra,
    }


def test_a_record_with_a_known_id_number_and_another_name_is_refused_whole(bar, zhang_san, start):
    records = [
        _record(1, bar, zhang_san.id_number, start, name=zhang_san.name),
        _record(2, bar, zhang_san.id_number, start, name="王某某"),
    ]
    with pytest.raises(TableRejected) as rejected:
        checkin_ingest(records=records, source=SOURCE, by=None)
    [error] = rejected.value.errors
    assert (error.row, error.column) == (2, "姓名")
    assert "R0000002" in error.message and str(NAME_MISMATCH) in error.message
    assert zhang_san.name not in error.message
    assert not CheckIn.objects.exists() and not DataImport.objects.exists()


def test_a_record_with_the_registered_name_or_no_name_is_matched(bar, zhang_san, start):
    records = [
        _record(1, bar, zhang_san.id_number, start, name=zhang_san.name),
        _record(2, bar, zhang_san.id_number, start),
    ]
    result = checkin_ingest(records=records, source=SOURCE, by=None)
    assert result.created == 2
    assert set(CheckIn.objects.values_list("person_id", flat=True)) == {zhang_san.pk}


def test_skipping_invalid_records_stores_no_stay_for_the_misnamed_one(bar, zhang_san, start):
    records = [
        _record(1, bar, zhang_san.id_number, start),
        _record(2, bar, zhang_san.id_number, start, name="王某某"),
    ]
    result = checkin_ingest(records=records, source=SOURCE, by=None, skip_invalid=True)
    assert (result.created, [s.row for s in result.skipped]) == (1, [2])
    assert CheckIn.objects.count() == 1


def test_one_new_id_number_under_two_names_in_a_batch_names_the_second(bar, start, hq_admin):
    number = resident_id(dt.date(2001, 2, 3))
    records = [
        _record(1, bar, number, start, name="新访客"),
        _record(2, bar, number, start, name="另一人"),
    ]
    with pytest.raises(TableRejected) as rejected:
        checkin_ingest(records=records, source=SOURCE, by=hq_admin)
    assert [(e.row, e.column) for e in rejected.value.errors] == [(2, "姓名")]
    assert not Person.objects.filter(id_number=number).exists()
