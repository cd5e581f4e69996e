"""The preparedness page (应急准备): the forecast of rooms and beds beside its inputs."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.urls import reverse

# The world of the forecast's tests: its fixtures, used here by name.
from fangkong.command.tests.test_forecast import flat_outbreak, later, rooms_for_four_days  # noqa: F401
from fangkong.testing.browser import artifacts_dir, log_in
from fangkong.testing.cast import PASSWORD

PAGE = reverse("command:preparedness")


def test_the_page_shows_the_run_out_day_highlighted_beside_the_inputs(
    client,
    hq_admin,
    rooms_for_four_days,  # noqa: F811
):
    client.login(username="hq_admin", password=PASSWORD)
    page = client.get(PAGE).content.decode()
    runs_out = later(4)[5:]  # MM-DD
    card = re.search(r'data-run-out="rooms".*?class="value[^"]*">([^<]*)<', page, re.S)
    assert card is not None and card.group(1).strip() == runs_out
    assert 'alert-figure border-danger" data-run-out="rooms"' in page  # within the alert days
    row = re.search(r"<tr class=\"table-danger\" data-run-out-day>\s*<td>([^<]*)", page)
    assert row is not None and row.group(1).strip() == runs_out
    inputs = re.search(r'data-testid="forecast-inputs">(.*?)</dl>', page, re.S)
    assert (
        inputs is not None and "每例病例的密接数" in inputs.group(1) and "默认值" in inputs.group(1)
    )
    assert page.count('data-forecast-chart="') == 3 and 'id="forecast-data"' in page
    assert "echarts.min.js" in page and "command/preparedness.js" in page
    assert "<script>" not in page.replace('<script id="forecast-data" type="application/json">', "")


def test_the_page_is_linked_from_the_dashboard_and_the_navigation(client, hq_admin):
    client.login(username="hq_admin", password=PASSWORD)
    dashboard = client.get(reverse("command:dashboard")).content.decode()
    assert f'href="{PAGE}" data-testid="preparedness-link"' in dashboard
    assert dashboard.count(f'href="{PAGE}"') >= 2  # the button and the menu


def test_a_district_is_chosen_with_the_selector(client, hq_admin, liangxi, binhu):
    client.login(username="hq_admin", password=PASSWORD)
    page = client.get(PAGE, {"district": binhu.pk}).content.decode()
    assert f'<option value="{binhu.pk}" selected>滨湖区</option>' in page
    assert '<option value="">全市</option>' in page
    assert client.get(PAGE, {"district": "x"}).status_code == 404
    assert client.get(PAGE, {"district": 999999}).status_code == 404


def test_a_district_officer_sees_their_district_and_not_another(
    client, liangxi_officer, liangxi, binhu
):
    client.login(username="liangxi_officer", password=PASSWORD)
    page = client.get(PAGE).content.decode()
    assert "梁溪区" in page and '<option value="">' not in page
    assert client.get(PAGE, {"district": binhu.pk}).status_code == 404


def test_a_user_without_the_dashboard_is_refused(client, investigator, reporter):
    for username in ("investigator", "reporter"):
        client.login(username=username, password=PASSWORD)
        assert client.get(PAGE).status_code == 403


def test_the_page_speaks_english_to_a_reader_who_chose_english(client, hq_admin):
    client.login(username="hq_admin", password=PASSWORD)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get(PAGE).content.decode()
    assert "Preparedness" in page and "Growth rate" in page


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_page_draws_its_three_charts_without_a_console_error(
    request,
    page,
    live_server,
    hq_admin,
    rooms_for_four_days,  # noqa: F811
):
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    log_in(page, live_server, "hq_admin", PASSWORD)
    page.goto(f"{live_server.url}{PAGE}")
    for chart in ("cases", "rooms", "beds"):
        page.wait_for_selector(f"[data-forecast-chart={chart}] canvas")
    shot = artifacts_dir(request.config.rootpath) / "browser" / "preparedness.png"
    shot.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(shot), full_page=True)
    assert errors == []
