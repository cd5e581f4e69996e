"""What a unit must report is in the API, and the daily report is checked against it."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from fangkong.command.models import ReportProfile, UnitReport

COMMUNITY_KEYS = ["home_monitoring", "visits_done", "tests_done", "new_arrivals"]
FIGURES = {"home_monitoring": 12, "visits_done": 30, "tests_done": 400, "new_arrivals": 3}


@pytest.fixture
def api():
    return APIClient()


def _fields(response) -> set[str]:
    body = response.json()
    assert body["status"] == 400 and body["code"] == "invalid", body
    return {error["field"] for error in body["errors"]}


def test_a_reporter_reads_the_figures_their_unit_must_report(api, reporter, committee):
    api.force_authenticate(reporter)
    response = api.get("/api/v1/command/reports/template/")
    assert response.status_code == 200, response.content
    template = response.json()
    assert template["unit"] == committee.pk and template["profile"] == ReportProfile.COMMUNITY
    assert [f["key"] for f in template["figures"]] == COMMUNITY_KEYS
    assert template["figures"][0]["label"] == "居家健康监测人数"
    assert template["filed"] is None and template["zero_report_allowed"] is True


def test_the_template_closes_the_zero_report_once_the_daily_report_is_filed(
    api, reporter, committee
):
    api.force_authenticate(reporter)
    assert (
        api.post("/api/v1/command/reports/", {"figures": FIGURES}, format="json").status_code == 201
    )
    template = api.get("/api/v1/command/reports/template/").json()
    assert template["filed"] == "daily"
    assert template["zero_report_allowed"] is False
    assert "零报告不能覆盖" in template["zero_report_refusal"]


def test_a_report_missing_a_figure_is_a_400_naming_its_json_key(api, reporter, committee):
    api.force_authenticate(reporter)
    partial = {k: v for k, v in FIGURES.items() if k != "visits_done"}
    response = api.post("/api/v1/command/reports/", {"figures": partial}, format="json")
    assert response.status_code == 400
    assert _fields(response) == {"figures.visits_done"}
    assert not UnitReport.objects.exists()


def test_an_unknown_figure_is_a_400_naming_its_json_key(api, reporter, committee):
    api.force_authenticate(reporter)
    response = api.post(
        "/api/v1/command/reports/", {"figures": {**FIGURES, "beds_free": 3}}, format="json"
    )
    assert response.status_code == 400
    assert _fields(response) == {"figures.beds_free"}
    assert "beds_free" in response.json()["errors"][0]["detail"]


def test_a_negative_figure_is_a_400_naming_its_json_key(api, reporter, committee):
    api.force_authenticate(reporter)
    response = api.post(
        "/api/v1/command/reports/", {"figures": {**FIGURES, "tests_done": -1}}, format="json"
    )
    assert response.status_code == 400 and _fields(response) == {"figures.tests_done"}


def test_the_hq_reads_a_units_template_and_a_district_outside_it_gets_404(
    api, hq_admin, binhu_officer, committee
):
    api.force_authenticate(hq_admin)
    url = f"/api/v1/command/reports/template/?unit={committee.pk}"
    assert api.get(url).json()["unit_name"] == committee.name
    assert _fields(api.get("/api/v1/command/reports/template/?unit=abc")) == {"unit"}
    api.force_authenticate(binhu_officer)
    assert api.get(url).status_code == 404


def test_the_hq_adds_a_figure_through_the_api_and_the_template_asks_for_it(
    api, hq_admin, reporter, committee
):
    api.force_authenticate(hq_admin)
    figure = {
        "profile": "community",
        "key": "elderly_visited",
        "label": "独居老人探访",
        "unit": "人",
        "order": 9,
    }
    added = api.post("/api/v1/command/report-figures/", figure, format="json")
    assert added.status_code == 201, added.content
    changed = api.post(
        "/api/v1/command/report-figures/", {**figure, "label": "独居老人走访"}, format="json"
    )
    assert changed.status_code == 200 and changed.json()["id"] == added.json()["id"]
    listed = api.get("/api/v1/command/report-figures/?profile=community&active=true").json()
    assert "elderly_visited" in {f["key"] for f in listed["results"]}
    assert _fields(api.get("/api/v1/command/report-figures/?profile=hotel")) == {"profile"}

    api.force_authenticate(reporter)
    template = api.get("/api/v1/command/reports/template/").json()
    assert template["figures"][-1]["label"] == "独居老人走访"
    refused = api.post("/api/v1/command/reports/", {"figures": FIGURES}, format="json")
    assert _fields(refused) == {"figures.elderly_visited"}
    assert api.post("/api/v1/command/report-figures/", figure, format="json").status_code == 403
