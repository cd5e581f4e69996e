"""Whoever may not see a site is not told that someone is isolated there: a refusal names the
site and room only to a caller who may see that site."""

import io

import pytest
from django.core.exceptions import ValidationError

from fangkong.core.tabular import TableRejected, read_table
from fangkong.quarantine.models import ObservationCategory, Site
from fangkong.quarantine.services.batch_import import BATCH_COLUMNS, batch_import
from fangkong.quarantine.services.batches import IntakeEntry, batch_intake
from fangkong.quarantine.services.placements import PersonAlreadyPlaced, placement_start
from fangkong.quarantine.services.sites import rooms_create, site_create
from fangkong.quarantine.tests.support import T0, at, room

HEADER = "姓名,证件号码,手机号,人员类别,末次暴露时间,抵达时间,同户编号,关联密接证件号码,来源"


@pytest.fixture
def binhu_site(hubin, binhu_officer) -> Site:
    site = site_create(name="湖滨饭店", jurisdiction=hubin, by=binhu_officer)
    rooms_create(site=site, floors=[2], per_floor=4, by=binhu_officer)
    return site


@pytest.fixture
def placed(place, new_person):
    """Someone isolated at the 梁溪 site, 锡惠大酒店 room 301."""
    return place(new_person("周某"), "301")


def _place(person, site, by):
    return placement_start(
        person=person,
        room=room(site, "201"),
        category=ObservationCategory.CLOSE_CONTACT,
        starts_at=T0,
        last_exposure_at=at(-1),
        arrival_at=None,
        by=by,
    )


def test_an_officer_of_another_district_is_not_told_where_the_person_is_isolated(
    placed, binhu_site, binhu_officer
):
    with pytest.raises(PersonAlreadyPlaced) as refused:
        _place(placed.person, binhu_site, binhu_officer)
    message = str(refused.value)
    assert "锡惠大酒店" not in message and "301" not in message
    assert "其他隔离点" in message


def test_the_hq_is_told_the_site_and_room(placed, binhu_site, hq_admin):
    with pytest.raises(PersonAlreadyPlaced, match="锡惠大酒店 301"):
        _place(placed.person, binhu_site, hq_admin)


def test_a_batch_of_another_district_does_not_name_the_site(placed, binhu_site, binhu_officer):
    entry = IntakeEntry(
        person=placed.person, category=ObservationCategory.CLOSE_CONTACT, last_exposure_at=at(-1)
    )
    with pytest.raises(ValidationError) as refused:
        batch_intake(site=binhu_site, entries=[entry], by=binhu_officer, arrived_at=T0)
    message = " ".join(refused.value.messages)
    assert "锡惠大酒店" not in message and "301" not in message
    assert "其他隔离点" in message


def test_a_batch_file_of_another_district_does_not_name_the_site(placed, binhu_site, binhu_officer):
    person = placed.person
    line = f"{person.name},{person.id_number},{person.phone},密接,2021-07-27 20:00,,,,"
    data = io.BytesIO(f"{HEADER}\n{line}\n".encode("utf-8-sig"))
    with pytest.raises(TableRejected) as rejected:
        batch_import(
            site=binhu_site,
            rows=read_table(data, "一批.csv", BATCH_COLUMNS),
            filename="一批.csv",
            arrived_at=T0,
            by=binhu_officer,
        )
    messages = [str(e) for e in rejected.value.errors]
    assert not any("锡惠大酒店" in m for m in messages)
    assert any("其他隔离点" in m for m in messages)


def test_a_batch_file_of_the_hq_names_the_site_and_room(placed, binhu_site, hq_admin):
    person = placed.person
    line = f"{person.name},{person.id_number},{person.phone},密接,2021-07-27 20:00,,,,"
    data = io.BytesIO(f"{HEADER}\n{line}\n".encode("utf-8-sig"))
    with pytest.raises(TableRejected) as rejected:
        batch_import(
            site=binhu_site,
            rows=read_table(data, "一批.csv", BATCH_COLUMNS),
            filename="一批.csv",
            arrived_at=T0,
            by=hq_admin,
        )
    assert any("锡惠大酒店 301" in str(e) for e in rejected.value.errors)
