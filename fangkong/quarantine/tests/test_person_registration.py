"""Who is placed by ID document: found or registered with the placement, or not at all, and no
refusal turns an ID number into a name (李四 lives in 滨湖区, outside the 梁溪 site's scope)."""

import io

import pytest
from rest_framework.test import APIClient

from fangkong.core.models import AuditEvent
from fangkong.people.models import Person
from fangkong.quarantine.models import Placement, StaffMember
from fangkong.quarantine.tests.support import T0, at, room
from fangkong.testing.identities import resident_id
from fangkong.testing.problems import field_errors

API = "/api/v1/quarantine"


@pytest.fixture
def api(worker):
    client = APIClient()
    client.force_authenticate(worker)
    return client


def _placement(room_pk: int, name: str, id_number: str) -> dict[str, object]:
    return {
        "room": room_pk,
        "name": name,
        "id_number": id_number,
        "category": "close_contact",
        "starts_at": T0.isoformat(),
        "last_exposure_at": at(-1).isoformat(),
    }


def _page_placement(name: str, id_number: str) -> dict[str, str]:
    return {
        "name": name,
        "id_type": "resident_id",
        "id_number": id_number,
        "category": "close_contact",
        "last_exposure_at": "2021-07-27T08:00",
        "starts_at": "2021-07-28T10:00",
    }


def _registered(number: str) -> bool:
    return Person.objects.filter(id_number=number).exists()


def test_a_placement_refused_for_an_occupied_room_leaves_no_new_person_and_no_audit_row(
    api, site, place, new_person
):
    place(new_person(), "301")
    creations = AuditEvent.objects.filter(action="person.create").count()
    number = resident_id()
    response = api.post(f"{API}/placements/", _placement(room(site, "301").pk, "甲", number))
    assert response.status_code == 409
    assert response.json()["code"] == "room_occupied"
    assert not _registered(number)
    assert AuditEvent.objects.filter(action="person.create").count() == creations


def test_the_placement_page_refused_for_an_occupied_room_registers_nobody(
    client, worker, site, place, new_person
):
    place(new_person(), "301")
    creations = AuditEvent.objects.filter(action="person.create").count()
    client.force_login(worker)
    number = resident_id()
    response = client.post(
        f"/quarantine/rooms/{room(site, '301').pk}/place/", _page_placement("甲", number)
    )
    assert response.status_code == 409
    assert "已有人入住" in response.content.decode()
    assert not _registered(number)
    assert AuditEvent.objects.filter(action="person.create").count() == creations


def test_a_placement_in_a_room_that_does_not_exist_names_nobody_and_registers_nobody(api, li_si):
    missing = 987654
    known = api.post(f"{API}/placements/", _placement(missing, "别人", li_si.id_number))
    assert known.status_code == 404
    assert "李四" not in known.content.decode()
    number = resident_id()
    new = api.post(f"{API}/placements/", _placement(missing, "新人", number))
    assert new.status_code == 404
    assert not _registered(number)


def test_a_placement_under_another_name_is_refused_without_naming_the_registered_person(
    api, client, worker, site, li_si
):
    response = api.post(
        f"{API}/placements/", _placement(room(site, "302").pk, "别人", li_si.id_number)
    )
    assert response.status_code == 400
    assert "姓名与登记信息不符" in field_errors(response)["name"][0]
    assert "李四" not in response.content.decode()
    client.force_login(worker)
    page = client.post(
        f"/quarantine/rooms/{room(site, '302').pk}/place/", _page_placement("别人", li_si.id_number)
    )
    assert "姓名与登记信息不符" in page.content.decode()
    assert "李四" not in page.content.decode()
    assert not Placement.objects.exists()


def test_the_batch_import_api_names_the_row_but_never_the_registered_person(api, site, li_si):
    data = io.BytesIO(
        (
            f"姓名,证件号码,人员类别,末次暴露时间\n别人,{li_si.id_number},密接,2021-07-27 08:00\n"
        ).encode("utf-8-sig")
    )
    data.name = "第一批.csv"
    response = api.post(
        f"{API}/batches/import/", {"site": site.pk, "file": data}, format="multipart"
    )
    assert response.status_code == 400
    assert [(e["row"], e["field"]) for e in response.json()["errors"]] == [(2, "name")]
    assert "李四" not in response.content.decode()
    assert not Placement.objects.exists()


def test_the_staff_page_holds_the_name_check_too(client, worker, site, li_si):
    client.force_login(worker)
    response = client.post(
        f"/quarantine/sites/{site.pk}/staff/",
        {
            "name": "别人",
            "id_type": "resident_id",
            "id_number": li_si.id_number,
            "role": "security",
            "shift": "day",
            "entered_at": "2021-07-28T08:00",
        },
    )
    assert response.status_code == 400
    assert "姓名与登记信息不符" in response.content.decode()
    assert "李四" not in response.content.decode()
    assert not StaffMember.objects.exists()


def test_a_wrong_name_does_not_learn_where_the_id_number_is_isolated(api, site, place, li_si):
    place(li_si, "301")
    data = io.BytesIO(
        (
            f"姓名,证件号码,人员类别,末次暴露时间\n别人,{li_si.id_number},密接,2021-07-27 08:00\n"
        ).encode("utf-8-sig")
    )
    data.name = "第二批.csv"
    response = api.post(
        f"{API}/batches/import/", {"site": site.pk, "file": data}, format="multipart"
    )
    assert response.status_code == 400
    assert [(e["row"], e["field"]) for e in response.json()["errors"]] == [(2, "name")]
    assert "301" not in response.content.decode()
    assert site.name not in response.content.decode()
