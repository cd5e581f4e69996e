"""The wall screen's page, its boundaries and its panel endpoints: who may read them, the
district filter, what a bad parameter answers; the case list's district filter they link to."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.urls import reverse
from django.utils import timezone

from fangkong.cases.services.cases import case_register
from fangkong.command.selectors.screen import SCREEN_PANEL_NAMES
from fangkong.venues.tests.factories import persons

PANELS = [reverse(f"api:command-screen-{name}") for name in SCREEN_PANEL_NAMES]


@pytest.fixture
def two_cases(jiankang, hubin, hq_admin):
    """A confirmed case in each district, reported a minute ago."""
    found = timezone.now() - dt.timedelta(minutes=2)
    made = []
    for person, where in zip(persons(2), [jiankang, hubin], strict=True):
        made.append(
            case_register(
                person=person,
                classification="confirmed",
                detected_at=found,
                reported_at=found + dt.timedelta(minutes=1),
                jurisdiction=where,
                by=hq_admin,
            )
        )
    return made


def _get(client, user, url, **params):
    client.force_login(user)
    return client.get(url, params, HTTP_ACCEPT="application/json")


def test_every_panel_answers_the_hq_with_its_time_and_district(client, hq_admin, liangxi):
    for url in PANELS:
        whole = _get(client, hq_admin, url)
        assert whole.status_code == 200, url
        assert whole.json()["district"] is None and whole.json()["generated_at"]
        narrowed = _get(client, hq_admin, url, district=liangxi.pk, days=30)
        assert narrowed.status_code == 200, url
        assert narrowed.json()["district"] == {
            "id": liangxi.pk,
            "code": liangxi.code,
            "name": liangxi.name,
        }
        if "days" in narrowed.json():
            assert len(narrowed.json()["days"]) == 30


def test_a_district_narrows_the_figures(client, hq_admin, two_cases, liangxi, binhu):
    url = reverse("api:command-screen-cases")
    assert sum(_get(client, hq_admin, url, days=7).json()["confirmed"]) == 2
    assert sum(_get(client, hq_admin, url, days=7, district=binhu.pk).json()["confirmed"]) == 1
    map_data = _get(client, hq_admin, reverse("api:command-screen-map"), district=liangxi.pk)
    assert map_data.json()["totals"]["new_cases"] == 1


def test_a_district_officer_sees_their_district_only(
    client, liangxi_officer, two_cases, liangxi, binhu
):
    cases = _get(client, liangxi_officer, reverse("api:command-screen-cases"), days=7).json()
    assert sum(cases["confirmed"]) == 1
    districts = _get(client, liangxi_officer, reverse("api:command-screen-map")).json()
    assert [d["code"] for d in districts["districts"]] == [liangxi.code]
    refused = _get(client, liangxi_officer, reverse("api:command-screen-cases"), district=binhu.pk)
    assert refused.status_code == 400
    assert refused["Content-Type"] == "application/problem+json"
    assert refused.json()["errors"][0]["field"] == "district"


@pytest.mark.parametrize("params", [{"days": "10"}, {"district": "abc"}, {"district": "0"}])
def test_a_bad_parameter_is_a_400_naming_it(client, hq_admin, params):
    answer = _get(client, hq_admin, reverse("api:command-screen-beds"), **params)
    assert answer.status_code == 400
    assert answer.json()["errors"][0]["field"] == next(iter(params))


def test_roles_without_the_dashboard_are_refused(client, venue_manager, investigator):
    for user in (venue_manager, investigator):
        assert _get(client, user, reverse("api:command-screen-feed")).status_code == 403
        client.force_login(user)
        assert client.get(reverse("command:screen")).status_code == 403


def test_the_page_carries_its_panels_and_the_district_of_its_address(
    client, hq_admin, liangxi, binhu, settings
):
    settings.FANGKONG_SCREEN_REFRESH_SECONDS = 17
    client.force_login(hq_admin)
    page = client.get(reverse("command:screen"), {"district": binhu.code, "days": "30"})
    assert page.status_code == 200
    config = page.context["config"]
    assert config["district"]["id"] == binhu.pk and config["days"] == 30
    assert config["refresh_seconds"] == 17
    assert set(config["panels"]) == set(SCREEN_PANEL_NAMES)
    assert [d["code"] for d in config["districts"]] == sorted([liangxi.code, binhu.code])
    html = page.content.decode()
    assert 'id="screen-config"' in html and "<script>" not in html  # data, never inline code
    assert client.get(reverse("command:screen"), {"district": "999999"}).status_code == 404
    dashboard = client.get(reverse("command:dashboard")).content.decode()
    assert reverse("command:screen") in dashboard


def test_the_boundaries_are_the_citys_districts_matched_by_code(
    client, hq_admin, liangxi, binhu, settings, tmp_path
):
    feature = {"type": "Feature", "geometry": {"type": "Polygon", "coordinates": []}}
    source = {
        "type": "FeatureCollection",
        "features": [
            {**feature, "properties": {"adcode": 320213, "name": "梁溪", "centroid": [1, 2]}},
            {**feature, "properties": {"adcode": 320211, "name": "滨湖"}},
            {**feature, "properties": {"adcode": 320999, "name": "别处"}},
        ],
    }
    (tmp_path / "320200.json").write_text(json.dumps(source), encoding="utf-8")
    settings.FANGKONG_SCREEN_BOUNDARIES_DIR = tmp_path
    client.force_login(hq_admin)
    drawn = client.get(reverse("command:screen_boundaries")).json()["features"]
    assert [(f["properties"]["code"], f["properties"]["name"]) for f in drawn] == [
        (liangxi.code, "梁溪区"),
        (binhu.code, "滨湖区"),
    ]
    assert drawn[0]["properties"]["id"] == liangxi.pk
    settings.FANGKONG_SCREEN_BOUNDARIES_DIR = tmp_path / "missing"
    assert client.get(reverse("command:screen_boundaries")).json()["features"] == []


def test_the_case_list_narrows_to_the_district_the_screen_links_with(
    client, hq_admin, two_cases, binhu
):
    client.force_login(hq_admin)
    page = client.get(reverse("cases:list"), {"district": binhu.pk}).content.decode()
    assert two_cases[1].number in page and two_cases[0].number not in page
    everyone = client.get(reverse("cases:list")).content.decode()
    assert two_cases[0].number in everyone and two_cases[1].number in everyone
