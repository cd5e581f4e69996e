"""A viewer sees only the persons of their jurisdiction's subtree, on every path in."""

import pytest
from rest_framework.test import APIClient

from fangkong.people.selectors import person_list


def test_a_district_officer_lists_only_their_districts_persons(zhang_san, li_si, liangxi_officer):
    assert list(person_list(viewer=liangxi_officer)) == [zhang_san]


def test_the_hq_and_the_leader_see_the_whole_city(zhang_san, li_si, hq_admin, leader):
    assert set(person_list(viewer=hq_admin)) == {zhang_san, li_si}
    assert set(person_list(viewer=leader)) == {zhang_san, li_si}


def test_a_role_without_person_access_sees_nobody(zhang_san, venue_manager):
    assert list(person_list(viewer=venue_manager)) == []


def test_a_district_officer_cannot_see_another_districts_person_by_page(
    client, zhang_san, li_si, liangxi_officer
):
    client.force_login(liangxi_officer)
    listing = client.get("/persons/")
    assert "张三" in listing.content.decode()
    assert "李四" not in listing.content.decode()
    assert client.get(f"/persons/{li_si.pk}/").status_code == 404
    assert client.get(f"/persons/{zhang_san.pk}/").status_code == 200


def test_a_district_officer_cannot_see_another_districts_person_by_api(
    zhang_san, li_si, liangxi_officer
):
    api = APIClient()
    api.force_authenticate(liangxi_officer)
    listed = api.get("/api/v1/persons/").json()["results"]
    assert [p["id"] for p in listed] == [zhang_san.pk]
    assert api.get(f"/api/v1/persons/{li_si.pk}/").status_code == 404
    assert api.get(f"/api/v1/persons/{zhang_san.pk}/").status_code == 200


def test_a_leader_sees_masked_identifiers_and_an_investigator_sees_them_in_full(
    zhang_san, leader, investigator
):
    api = APIClient()
    api.force_authenticate(leader)
    masked = api.get(f"/api/v1/persons/{zhang_san.pk}/").json()
    assert masked["id_number"] == zhang_san.masked_id_number
    assert masked["phone"] == "138****5678"
    api.force_authenticate(investigator)
    full = api.get(f"/api/v1/persons/{zhang_san.pk}/").json()
    assert full["id_number"] == zhang_san.id_number


@pytest.mark.parametrize("term", ["张", "张三", "13812345678"])
def test_the_person_search_finds_by_name_prefix_and_phone(zhang_san, li_si, hq_admin, term):
    assert list(person_list(viewer=hq_admin, search=term)) == [zhang_san]


def test_the_person_search_finds_by_whole_and_leading_id_number(zhang_san, li_si, hq_admin):
    assert list(person_list(viewer=hq_admin, search=zhang_san.id_number)) == [zhang_san]
    assert list(person_list(viewer=hq_admin, search=zhang_san.id_number[:10])) == [zhang_san]
