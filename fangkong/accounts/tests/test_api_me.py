"""`GET /api/v1/me/`: who the caller is, what they may do, where, and whether on duty now."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from fangkong.accounts.capabilities import user_can


@pytest.fixture
def api():
    return APIClient()


def test_me_tells_a_reporter_their_role_capabilities_unit_and_jurisdiction(
    api, reporter, jiankang, jiankang_committee
):
    api.force_authenticate(reporter)
    response = api.get("/api/v1/me/")
    assert response.status_code == 200, response.content
    me = response.json()
    assert (me["id"], me["username"], me["role"]) == (reporter.pk, "reporter", "unit_reporter")
    assert me["role_label"] == "单位填报员"
    assert me["jurisdiction"]["id"] == jiankang.pk and me["jurisdiction"]["level"] == "community"
    assert me["unit"] == {
        "id": jiankang_committee.pk,
        "name": jiankang_committee.name,
        "kind": jiankang_committee.kind,
    }
    assert me["city_wide"] is False
    assert "report.submit" in me["capabilities"] and "audit.view" not in me["capabilities"]
    assert all(user_can(reporter, capability) for capability in me["capabilities"])
    assert me["on_duty"] is False and me["duties"] == []


def test_me_says_the_hq_sees_the_whole_city(api, hq_admin):
    api.force_authenticate(hq_admin)
    me = api.get("/api/v1/me/").json()
    assert me["city_wide"] is True and "audit.view" in me["capabilities"]


def test_me_without_credentials_is_a_401_problem(api, db):
    response = api.get("/api/v1/me/")
    assert response.status_code == 401
    assert response["Content-Type"].startswith("application/problem+json")
    assert response.json()["code"] == "not_authenticated"
