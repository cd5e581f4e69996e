"""`reports/` and `reports/missing/` answer one day (today unless `date` says otherwise), the
missing list can show resolved entries, and both page with a cursor."""

from __future__ import annotations

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from fangkong.command.services.reports import (
    report_submit_zero,
    reports_detect_missing,
)
from fangkong.command.tests.conftest import DAY, at


@pytest.fixture
def api():
    return APIClient()


def _fields(response) -> set[str]:
    assert response.status_code == 400, response.content
    return {error["field"] for error in response.json()["errors"]}


def test_the_report_list_answers_today_unless_a_date_is_asked_for(
    api, hq_admin, reporter, committee, chongan_office
):
    report_submit_zero(unit=committee, day=DAY, by=reporter, at=at(10))
    today = report_submit_zero(unit=committee, day=timezone.localdate(), by=reporter)
    api.force_authenticate(hq_admin)
    assert [r["id"] for r in api.get("/api/v1/command/reports/").json()["results"]] == [today.pk]
    on_day = api.get(f"/api/v1/command/reports/?date={DAY.isoformat()}").json()["results"]
    assert [r["day"] for r in on_day] == [DAY.isoformat()]
    # `day`, the parameter's older name, still works
    assert api.get(f"/api/v1/command/reports/?day={DAY.isoformat()}").json()["results"] == on_day


def test_an_invalid_date_is_a_400_naming_the_parameter(api, hq_admin, committee):
    api.force_authenticate(hq_admin)
    assert _fields(api.get("/api/v1/command/reports/?date=2021-02-30")) == {"date"}
    assert _fields(api.get("/api/v1/command/reports/missing/?date=yesterday")) == {"date"}
    assert _fields(api.get("/api/v1/command/briefing/?date=3.8.2021")) == {"date"}


def test_the_missing_list_shows_the_missing_by_default_and_the_resolved_on_request(
    api, settings, hq_admin, reporter, committee, chongan_office
):
    settings.FANGKONG_REPORT_LOOKBACK_DAYS = 0
    reports_detect_missing(at(16, 30))
    report_submit_zero(unit=committee, day=DAY, by=reporter, at=at(17))  # late: resolves it
    api.force_authenticate(hq_admin)
    url = f"/api/v1/command/reports/missing/?date={DAY.isoformat()}"

    def units(query: str = "") -> set[int]:
        response = api.get(url + query)
        assert response.status_code == 200, response.content
        return {row["unit"] for row in response.json()["results"]}

    assert units() == {chongan_office.pk}
    assert units("&status=missing") == {chongan_office.pk}
    assert units("&status=resolved") == {committee.pk}
    assert units("&status=all") == {committee.pk, chongan_office.pk}
    assert _fields(api.get(url + "&status=late")) == {"status"}
    # today, by default: nothing is missing yet
    assert api.get("/api/v1/command/reports/missing/").json()["results"] == []


def test_the_command_lists_page_with_a_cursor(api, settings, hq_admin, committee, chongan_office):
    settings.FANGKONG_REPORT_LOOKBACK_DAYS = 0
    reports_detect_missing(at(16, 30))
    api.force_authenticate(hq_admin)
    first = api.get(f"/api/v1/command/reports/missing/?date={DAY.isoformat()}&page_size=1").json()
    assert len(first["results"]) == 1 and "cursor=" in first["next"]
    second = api.get(first["next"]).json()
    assert len(second["results"]) == 1
    assert second["results"][0]["unit"] != first["results"][0]["unit"]
    assert set(api.get("/api/v1/command/on-duty/").json()) >= {"next", "previous", "results"}
