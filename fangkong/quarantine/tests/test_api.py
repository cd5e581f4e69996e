"""The quarantine API under /api/v1/quarantine/."""

import io

import pytest
from rest_framework.test import APIClient

from fangkong.quarantine.models import Placement, Room
from fangkong.quarantine.tests.support import T0, at, room
from fangkong.testing.identities import resident_id

API = "/api/v1/quarantine"


@pytest.fixture
def api(worker):
    client = APIClient()
    client.force_authenticate(worker)
    return client


def test_a_placement_is_created_and_a_second_one_in_the_room_is_a_clear_409(api, site, new_person):
    body = {
        "room": room(site, "301").pk,
        "category": "close_contact",
        "starts_at": T0.isoformat(),
        "last_exposure_at": at(-1).isoformat(),
    }
    first = api.post(f"{API}/placements/", {**body, "name": "甲", "id_number": resident_id()})
    assert first.status_code == 201, first.json()
    assert first.json()["scheme_edition"] == "2021"
    second = api.post(f"{API}/placements/", {**body, "name": "乙", "id_number": resident_id()})
    assert second.status_code == 409
    assert second.json()["code"] == "room_occupied"
    assert second.json()["detail"] == "房间 301 已有人入住"


def test_a_release_refused_says_why(api, place, new_person):
    placement = place(new_person(), "301")
    response = api.post(f"{API}/placements/{placement.pk}/release/", {}, format="json")
    assert response.status_code == 409
    assert response.json()["code"] == "release_blocked"
    assert "核酸未采样" in response.json()["detail"]


def test_a_reading_through_the_api_raises_the_fever_alert(api, place, new_person, worker):
    placement = place(new_person("发热者"), "301")
    response = api.post(
        f"{API}/placements/{placement.pk}/observations/",
        {"day": "2021-07-28", "slot": "evening", "temperature": "38.1"},
        format="json",
    )
    # the API records "now": the reading of a past day is fine, of a future day refused
    assert response.status_code == 201, response.json()
    alerts = APIClient()
    alerts.force_authenticate(worker)
    assert [a["kind"] for a in alerts.get("/api/v1/alerts/").json()["results"]] == [
        "quarantine.fever"
    ]


def test_the_tracing_area_can_send_a_batch_of_known_persons(investigator, site, zhang_san, li_si):
    client = APIClient()
    client.force_authenticate(investigator)
    response = client.post(
        f"{API}/batches/",
        {
            "site": site.pk,
            "arrived_at": T0.isoformat(),
            "source": "病例 12 密接",
            "entries": [
                {"person": zhang_san.pk, "category": "close_contact",
                 "last_exposure_at": at(-2).isoformat(), "household": "A"},
                {"person": li_si.pk, "category": "close_contact",
                 "last_exposure_at": at(-2).isoformat(), "household": "A"},
            ],
        },
        format="json",
    )  # fmt: skip
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["number"] == 1 and body["stats"]["total"] == 2
    floors = {Room.objects.get(pk=p["room"]).floor for p in body["placements"]}
    assert len(floors) == 1


def test_a_bad_batch_file_through_the_api_names_the_row(api, site):
    data = io.BytesIO("姓名,证件号码,人员类别,末次暴露时间\n王一,123,密接,2021-07-27\n".encode())
    data.name = "批次.csv"
    response = api.post(
        f"{API}/batches/import/", {"site": site.pk, "file": data}, format="multipart"
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["row"] == 2
    assert not Placement.objects.exists()


def test_site_figures_through_the_api(api, site, place, new_person):
    place(new_person(), "301")
    figures = {f["key"]: f["value"] for f in api.get(f"{API}/sites/{site.pk}/figures/").json()}
    assert figures["quarantine.people_now"] == 1
    assert figures["quarantine.people_served"] == 1
    assert figures["quarantine.free_rooms"] == 11
    totals = {f["key"]: f["value"] for f in api.get(f"{API}/sites/figures/").json()}
    assert totals["quarantine.people_now"] == 1


def test_another_district_sees_no_site_and_no_placement(binhu_officer, site, place, new_person):
    placement = place(new_person(), "301")
    client = APIClient()
    client.force_authenticate(binhu_officer)
    assert client.get(f"{API}/sites/").json()["results"] == []
    assert client.get(f"{API}/placements/{placement.pk}/").status_code == 404
    assert client.get(f"{API}/sites/{site.pk}/figures/").status_code == 404


def test_a_leader_reads_but_cannot_place(leader, site):
    client = APIClient()
    client.force_authenticate(leader)
    assert client.get(f"{API}/sites/").status_code == 200
    response = client.post(f"{API}/placements/", {"room": room(site, "301").pk})
    assert response.status_code == 403


def test_the_schema_documents_the_quarantine_api(client, hq_admin):
    client.force_login(hq_admin)
    schema = client.get("/api/schema/").content.decode()
    for path in ["/api/v1/quarantine/placements/", "/api/v1/quarantine/batches/import/"]:
        assert path in schema


def test_the_hq_registers_a_site_and_lays_out_its_rooms(hq_admin, jiankang):
    client = APIClient()
    client.force_authenticate(hq_admin)
    created = client.post(
        f"{API}/sites/", {"name": "蠡湖宾馆", "jurisdiction": jiankang.pk}, format="json"
    )
    assert created.status_code == 201, created.json()
    rooms = client.post(
        f"{API}/sites/{created.json()['id']}/rooms/",
        {"floors": [2, 3], "per_floor": 5, "skip_digits": "4"},
        format="json",
    )
    assert rooms.status_code == 201
    assert [r["number"] for r in rooms.json()][:5] == ["201", "202", "203", "205", "206"]


def test_site_staff_cannot_register_sites(api, jiankang):
    response = api.post(f"{API}/sites/", {"name": "x", "jurisdiction": jiankang.pk}, format="json")
    assert response.status_code == 403


def test_a_companion_and_a_floor_restart_through_the_api(api, place, new_person, worker):
    child = place(new_person("小孩", birth=at(0).date().replace(year=2013)), "601")
    companion = api.post(
        f"{API}/placements/{child.pk}/companion/",
        {"name": "家长", "id_number": resident_id(), "starts_at": at(0, 11).isoformat(),
         "reason": "8 岁儿童"},
        format="json",
    )  # fmt: skip
    assert companion.status_code == 201, companion.json()
    positive = place(new_person("阳性者"), "602")
    test = positive.tests.order_by("due_on")[0]
    sample = api.post(
        f"{API}/tests/{test.pk}/samples/",
        {"sampled_at": at(0, 8).isoformat(), "lab": "市疾控", "result": "positive",
         "result_at": at(0, 12).isoformat()},
        format="json",
    )  # fmt: skip
    assert sample.status_code == 201
    flags = api.get(f"{API}/review-flags/").json()["results"]
    assert len(flags) == 2  # the child and the companion, on the same floor
    restarted = api.post(
        f"{API}/review-flags/restart/",
        {"site": child.room.site_id, "source_person": positive.person_id},
        format="json",
    )
    assert restarted.json() == {"restarted": 2}
