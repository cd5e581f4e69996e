"""Batches: a file or a list of persons placed in one transaction, households on one floor."""

import io

import pytest
from django.core.exceptions import ValidationError
from openpyxl import Workbook

from fangkong.core.models import AuditEvent, DataImport
from fangkong.core.tabular import TableRejected, read_table
from fangkong.people.models import Person
from fangkong.quarantine.models import Batch, ObservationCategory, Placement
from fangkong.quarantine.services.batch_import import BATCH_COLUMNS, batch_import
from fangkong.quarantine.services.batches import IntakeEntry, NotEnoughRooms, batch_intake
from fangkong.quarantine.tests.support import T0, at
from fangkong.testing.identities import resident_id, with_wrong_check_digit

HEADER = "姓名,证件号码,手机号,人员类别,末次暴露时间,抵达时间,同户编号,关联密接证件号码,来源"


def _csv(lines):
    return io.BytesIO(("\n".join([HEADER, *lines]) + "\n").encode("utf-8-sig"))


def _import(site, data, by, filename="第一批.csv"):
    return batch_import(
        site=site,
        rows=read_table(data, filename, BATCH_COLUMNS),
        filename=filename,
        arrived_at=T0,
        source="梁溪区流调组",
        by=by,
    )


def test_a_file_is_placed_whole_with_a_household_on_one_floor(site, worker):
    # Given three single people and a household of four (floors have four rooms each)
    lines = [f"单{i},{resident_id()},1380000000{i},密接,2021-07-27 20:00,,,," for i in range(3)]
    lines += [
        f"家{i},{resident_id()},1390000000{i},密接,2021/7/27 20:00,,张家,,外省协查"
        for i in range(4)
    ]
    # When the file is imported
    result = _import(site, _csv(lines), worker)
    # Then everyone is placed, the household on a floor of its own
    assert result.batch.number == 1 and len(result.placements) == 7
    family_floors = {p.room.floor for p in result.placements if p.household == "张家"}
    assert len(family_floors) == 1
    assert len({p.room_id for p in result.placements}) == 7
    assert Person.objects.count() == 7
    assert DataImport.objects.get().kind == "quarantine.batch"
    assert AuditEvent.objects.filter(action="batch.intake").count() == 1


def test_a_file_with_bad_rows_names_each_one_and_places_nobody(site, worker):
    lines = [
        f"王一,{resident_id()},13800000001,密接,2021-07-27 20:00,,,,",
        f"王二,{with_wrong_check_digit(resident_id())},13800000002,密接,2021-07-27 20:00,,,,",
        f"王三,{resident_id()},13800000003,旅客,2021-07-27 20:00,,,,",
        f"王四,{resident_id()},13800000004,密接,,,,,",
        f"王五,{resident_id()},13800000005,入境人员,,2021-07-40,,,",
        f"王六,{resident_id()},13800000006,密接,2021-07-29 20:00,,,,",
    ]
    with pytest.raises(TableRejected) as rejected:
        _import(site, _csv(lines), worker)
    assert [(e.row, e.column) for e in rejected.value.errors] == [
        (3, "证件号码"),
        (4, "人员类别"),
        (5, "末次暴露时间"),
        (6, "抵达时间"),
        (7, "末次暴露时间"),  # after the batch arrived
    ]
    assert Placement.objects.count() == 0 and Person.objects.count() == 0


def test_a_person_already_under_observation_is_an_error_naming_the_row(
    site, worker, place, new_person
):
    person = new_person("刘一")
    place(person, "301")
    lines = [
        f"新人,{resident_id()},13800000001,密接,2021-07-27 20:00,,,,",
        f"刘一,{person.id_number},,密接,2021-07-27 20:00,,,,",
    ]
    with pytest.raises(TableRejected) as rejected:
        _import(site, _csv(lines), worker)
    assert [(e.row, e.column) for e in rejected.value.errors] == [(3, "证件号码")]
    assert "锡惠大酒店 301" in rejected.value.errors[0].message


def test_a_secondary_contact_is_linked_to_a_close_contact_in_the_same_file(site, worker):
    close = resident_id()
    lines = [
        f"密接甲,{close},,密接,2021-07-26 20:00,,,,",
        f"次密接乙,{resident_id()},,次密接,2021-07-27 09:00,,,{close},",
    ]
    result = _import(site, _csv(lines), worker)
    secondary = next(p for p in result.placements if p.category == "secondary_contact")
    assert secondary.exposed_via.id_number == close


def test_an_xlsx_file_with_dates_as_cells_is_read(site, worker):
    workbook = Workbook()
    sheet = workbook.worksheets[0]
    sheet.append(["姓名", "证件号码", "人员类别", "抵达时间"])
    sheet.append(["Smith", resident_id(), "入境人员", T0.replace(tzinfo=None, hour=6)])
    data = io.BytesIO()
    workbook.save(data)
    data.seek(0)
    result = _import(site, data, worker, filename="入境.xlsx")
    assert result.placements[0].arrival_at.hour == 6


def test_more_people_than_free_rooms_places_nobody(site, worker, new_person):
    entries = [
        IntakeEntry(person=new_person(), category=ObservationCategory.CLOSE_CONTACT)
        for _ in range(13)
    ]
    with pytest.raises(NotEnoughRooms, match="13 人"):
        batch_intake(site=site, entries=entries, arrived_at=T0, by=worker)
    assert Batch.objects.count() == 0 and Placement.objects.count() == 0


def test_a_household_larger_than_any_floor_is_refused_by_name(site, worker, new_person):
    entries = [
        IntakeEntry(
            person=new_person(), category=ObservationCategory.CLOSE_CONTACT, household="李家"
        )
        for _ in range(5)
    ]
    with pytest.raises(NotEnoughRooms, match="李家"):
        batch_intake(site=site, entries=entries, arrived_at=T0, by=worker)


def test_tracing_sends_its_contacts_with_one_call_and_batches_are_numbered(
    site, investigator, new_person
):
    first = batch_intake(
        site=site,
        entries=[
            IntakeEntry(
                person=new_person(),
                category=ObservationCategory.CLOSE_CONTACT,
                last_exposure_at=at(-2, 21),
            )
        ],
        arrived_at=T0,
        source="病例 1 密接",
        by=investigator,
    )
    second = batch_intake(
        site=site,
        entries=[IntakeEntry(person=new_person(), category=ObservationCategory.CLOSE_CONTACT)],
        arrived_at=at(1),
        by=investigator,
    )
    assert (first.batch.number, second.batch.number) == (1, 2)
    assert first.placements[0].last_exposure_at == at(-2, 21)


def test_the_same_person_twice_in_one_intake_is_refused(site, worker, new_person):
    person = new_person()
    entry = IntakeEntry(person=person, category=ObservationCategory.CLOSE_CONTACT)
    with pytest.raises(ValidationError, match="同一人"):
        batch_intake(site=site, entries=[entry, entry], arrived_at=T0, by=worker)
