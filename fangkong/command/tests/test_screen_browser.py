"""The wall screen (指挥大屏) in a real browser at 1920×1080, on the miniature demo city of
today: it fills the screen without a scrollbar or a console error, every chart has data, the
map draws every district, a click on a district narrows every panel and the address, a panel
whose endpoint fails says so while the others work, and a case registered meanwhile shows at
the next refresh without a reload.

A screenshot of the screen is kept under <artifacts>/browser/screen/ (FANGKONG_TEST_ARTIFACTS);
with FANGKONG_SCREENSHOT_DOCS=1 it is also written to docs/screen.png for the README.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.urls import Resolver404, resolve
from django.utils import timezone

from fangkong.accounts.models import User
from fangkong.cases.services.cases import case_register
from fangkong.command.selectors.screen import SCREEN_PANEL_NAMES
from fangkong.jurisdictions.models import Jurisdiction
from fangkong.people.services import person_register
from fangkong.testing.browser import artifacts_dir, log_in
from fangkong.testing.identities import resident_id

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("demo_city_served")]

WALL = {"width": 1920, "height": 1080}
FORECAST = "/api/v1/command/forecast/"
SETTLED = "() => [...document.querySelectorAll('[data-panel]')].every((s) => s.dataset.state)"


@pytest.fixture
def city(demo_city_served: Any) -> Any:
    return demo_city_served


def forecast_served() -> bool:
    """The forecast panel reads another endpoint; until it exists the panel says so."""
    try:
        resolve(FORECAST)
    except Resolver404:
        return False
    return True


def open_screen(page: Any, city: Any, query: str = "") -> list[str]:
    """The HQ's screen, every panel drawn or refused; the console's errors as they come."""
    errors: list[str] = []
    page.on(
        "console",
        lambda m: (
            errors.append(f"{m.text} ({(m.location or {}).get('url', '')})")
            if m.type == "error"
            else None
        ),
    )
    page.on("pageerror", lambda error: errors.append(f"page error: {error}"))
    page.set_viewport_size(WALL)
    log_in(page, city, "hq", settings.FANGKONG_DEMO_PASSWORD)
    page.goto(f"{city.url}/command/screen/{query}")
    page.wait_for_function(SETTLED)
    return errors


def panel_states(page: Any) -> dict[str, str]:
    return page.evaluate(
        "() => Object.fromEntries([...document.querySelectorAll('[data-panel]')]"
        ".map((s) => [s.dataset.panel, s.dataset.state]))"
    )


def test_the_screen_fills_the_wall_with_data_in_every_chart_and_no_console_error(
    page, city, request
):
    errors = open_screen(page, city)
    page.wait_for_timeout(300)  # the last chart's first frame
    size = page.evaluate(
        "() => [document.documentElement.scrollHeight, innerHeight,"
        " document.documentElement.scrollWidth, innerWidth]"
    )
    assert size[0] <= size[1] and size[2] <= size[3], size
    states = panel_states(page)
    expected = dict.fromkeys(states, "ok")
    if not forecast_served():
        expected["forecast"] = "error"  # the designed answer while the forecast is missing
        errors = [e for e in errors if FORECAST not in e]
    assert states == expected
    series = page.evaluate(
        """() => Object.fromEntries([...document.querySelectorAll('.fk-chart')].map((el) => {
            const chart = echarts.getInstanceByDom(el);
            const option = chart ? chart.getOption() : {series: []};
            // The map's data are its districts' regions (shaded), then its venues (points).
            const regions = (option.geo || []).map((g) => (g.regions || []).length);
            const points = option.series.map((s) => (s.data || []).length);
            return [el.dataset.testid, [...regions, ...points].reduce((a, b) => a + b, 0)];
        }))"""
    )
    drawn = [name for name, points in series.items() if points == 0]
    if not forecast_served():
        drawn = [name for name in drawn if name != "chart-forecast"]
    assert drawn == [], series
    districts = Jurisdiction.objects.districts().count()
    assert districts == 7
    map_element = page.locator(".fk-map")
    assert map_element.get_attribute("data-drawn") == str(districts)
    assert map_element.get_attribute("data-districts") == str(districts)
    names = page.evaluate(
        "() => echarts.getMap('fk-city').geoJSON.features.map((f) => f.properties.name).sort()"
    )
    assert names == sorted(Jurisdiction.objects.districts().values_list("name", flat=True))
    assert page.inner_text("[data-testid=screen-data-time]") != "—"
    assert errors == []
    shot = artifacts_dir(request.config.rootpath) / "browser" / "screen" / "screen.png"
    shot.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(shot))
    if os.environ.get("FANGKONG_SCREENSHOT_DOCS") == "1":
        shutil.copy(shot, Path(request.config.rootpath) / "docs" / "screen.png")


def district_pixel(page: Any, code: str) -> tuple[float, float]:
    """Where a district's centroid lies on the page (the map's own projection)."""
    x, y = page.evaluate(
        """(code) => {
            const element = document.querySelector('.fk-map');
            const chart = echarts.getInstanceByDom(element);
            const feature = echarts.getMap('fk-city').geoJSON.features
                .find((f) => f.properties.code === code);
            const [x, y] = chart.convertToPixel({geoIndex: 0}, feature.properties.centroid);
            const box = element.getBoundingClientRect();
            return [box.left + x, box.top + y];
        }""",
        code,
    )
    return x, y


def test_a_click_on_a_district_narrows_every_panel_and_the_address_says_so(page, city):
    binhu = Jurisdiction.objects.get(code="320211")
    asked: list[str] = []
    page.on("request", lambda r: asked.append(r.url) if "/api/v1/command/" in r.url else None)
    open_screen(page, city)
    asked.clear()
    page.mouse.click(*district_pixel(page, binhu.code))
    page.wait_for_url(f"**/command/screen/?district={binhu.code}")
    page.wait_for_load_state("networkidle")
    narrowed = {
        url.split("/api/v1/command/")[1].split("?")[0]
        for url in asked
        if f"district={binhu.pk}" in url
    }
    assert narrowed == {f"screen/{name}/" for name in SCREEN_PANEL_NAMES} | {"forecast/"}
    chip = page.locator(f"[data-district='{binhu.code}']")
    assert chip.get_attribute("aria-pressed") == "true"
    # The address is a bookmark of the district's screen; "全市" returns to the whole city.
    page.reload()
    page.wait_for_function(SETTLED)
    assert page.locator(f"[data-district='{binhu.code}']").get_attribute("aria-pressed") == "true"
    asked.clear()
    page.get_by_test_id("screen-whole-city").click()
    page.wait_for_url("**/command/screen/")
    page.wait_for_load_state("networkidle")
    assert asked and not [url for url in asked if "district=" in url]


def test_a_panel_whose_endpoint_fails_says_so_and_the_others_work(page, city):
    page.route(
        "**/api/v1/command/screen/beds/**",
        lambda route: route.fulfill(status=500, content_type="application/json", body="{}"),
    )
    open_screen(page, city)
    states = panel_states(page)
    assert states.pop("beds") == "error"
    states.pop("forecast")
    assert set(states.values()) == {"ok"}, states
    notice = page.locator("[data-panel=beds] .fk-panel-error")
    assert notice.inner_text() == "本栏数据暂时无法读取，将在下次刷新时重试"
    assert page.inner_text("[data-kpi=active_cases] strong") != "—"


def test_a_case_registered_meanwhile_shows_at_the_next_refresh_without_a_reload(
    page, city, settings
):
    settings.FANGKONG_SCREEN_REFRESH_SECONDS = 3
    open_screen(page, city)
    before = int(page.inner_text("[data-kpi=new_cases] strong"))
    page.evaluate("() => { window.fkStillHere = true; }")
    # Written just after a refresh has read every panel: the live server answers through the
    # test's own connection to the in-memory database, which two threads must not use at once.
    stamp = page.get_attribute("[data-testid=screen]", "data-refreshed")
    page.wait_for_function(
        "(stamp) => document.querySelector('[data-testid=screen]').dataset.refreshed !== stamp",
        arg=stamp,
    )
    hq = User.objects.get(username="hq")
    home = Jurisdiction.objects.get(code="320213").children.first()
    person = person_register(
        name="屏测试",
        id_number=resident_id(dt.date(1990, 1, 2), sequence=777),
        home_jurisdiction=home,
        by=hq,
    ).person
    found = timezone.now() - dt.timedelta(minutes=1)
    case_register(
        person=person,
        classification="confirmed",
        detected_at=found,
        reported_at=found,
        jurisdiction=home,
        by=hq,
    )  # committed: the test runs outside a transaction, as the server reads
    page.wait_for_function(
        "(before) => Number(document.querySelector('[data-kpi=new_cases] strong').textContent)"
        " === before + 1",
        arg=before,
        timeout=20_000,
    )
    assert page.evaluate("() => window.fkStillHere") is True
