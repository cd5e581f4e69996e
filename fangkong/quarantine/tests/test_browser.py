"""The staff's main flow in a real browser: land on the site, type a floor's readings from
the keyboard only, see the fever on the site page; and a phone reporting from the QR link."""

import datetime as dt

import pytest
from django.utils import timezone

from fangkong.quarantine.models import HealthObservation
from fangkong.testing.browser import log_in
from fangkong.testing.cast import PASSWORD


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_staff_type_a_floor_by_keyboard_and_see_the_fever(
    page, live_server, worker, site, place, new_person
):
    since = timezone.now() - dt.timedelta(days=1)
    place(new_person("键盘甲"), "301", starts_at=since)
    place(new_person("键盘乙"), "302", starts_at=since)
    log_in(page, live_server, worker.username, PASSWORD)
    assert page.url.endswith(f"/quarantine/sites/{site.pk}/")
    with page.expect_navigation():
        page.click("text=健康监测")
    with page.expect_navigation():
        page.click("a:has-text('3 层')")
    # the first empty temperature has the focus: type, Enter, type, save with Ctrl+Enter
    page.keyboard.type("368")
    page.keyboard.press("Enter")
    page.keyboard.type("37.9")
    with page.expect_navigation():
        page.keyboard.press("Control+Enter")
    assert "已保存 2 人的体温记录" in page.content()
    temperatures = sorted(str(o.temperature) for o in HealthObservation.objects.all())
    assert temperatures == ["36.8", "37.9"]
    page.click("text=概览")
    alerts = page.locator("[data-testid=site-alerts]").inner_text()
    assert "键盘乙 发热 37.9 ℃" in alerts


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_person_reports_from_a_phone_without_logging_in(browser, live_server, place, new_person):
    placement = place(new_person("手机"), "301", starts_at=timezone.now() - dt.timedelta(days=1))
    phone = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844})
    page = phone.new_page()
    page.goto(f"{live_server.url}/quarantine/r/{placement.report_token}/")
    page.fill("input[name=temperature]", "36.6")
    page.click("label:has-text('咳嗽')")
    page.click("button:has-text('提交')")
    page.wait_for_load_state("networkidle")
    assert page.locator("[data-testid=report-done]").is_visible()
    reading = HealthObservation.objects.get()
    assert reading.symptoms == ["cough"] and reading.source == "self"
    phone.close()
