"""The night of notice No. 33 in a real browser: a visitor checks in on a phone, an inspector
finds the bar over its limit and closes it, and the visitor's next tap is refused."""

import datetime as dt

import pytest
from django.utils import timezone

from fangkong.policy.services import measure_set
from fangkong.testing.browser import log_in
from fangkong.testing.cast import PASSWORD
from fangkong.venues.tests.factories import crowd, persons


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_check_in_on_a_phone_then_an_inspection_closes_the_bar(
    browser, live_server, bar, zhang_san, inspector, hq_admin
):
    now = timezone.now()
    # a little earlier: the inspection form records its time to the minute
    notice_at = now - dt.timedelta(minutes=5)
    measure_set(
        kind="venues.capacity_tier",
        subject="bar",
        value="tightened",
        effective_at=notice_at,
        by=hq_admin,
    )
    crowd(bar, persons(55), at=now)

    phone = browser.new_context(
        locale="zh-CN", viewport={"width": 390, "height": 800}, is_mobile=True
    )
    visitor = phone.new_page()
    visitor.goto(f"{live_server.url}{bar.checkin_path()}")
    visitor.fill("input[name=name]", zhang_san.name)
    visitor.fill("input[name=id_number]", zhang_san.id_number)
    visitor.click("button[type=submit]")
    visitor.wait_for_selector("[data-testid=done]")
    assert "进场登记成功" in visitor.inner_text("[data-testid=done]")

    desk = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    page = desk.new_page()
    page.set_default_timeout(15_000)
    log_in(page, live_server, inspector.username, PASSWORD)
    page.goto(f"{live_server.url}/venues/over-limit/")
    assert bar.name in page.inner_text("[data-testid=over-limit]")
    assert "56 / 50" in page.inner_text("[data-testid=over-limit]")

    page.goto(f"{live_server.url}/venues/{bar.pk}/inspect/")
    page.fill("#id_headcount", "56")
    for box in (
        "code_posted",
        "everyone_scans",
        "temperature_checked",
        "masks_worn",
        "ventilated_disinfected",
    ):
        page.check(f"#id_{box}")
    page.check("input[name=verdict][value=failed]")
    page.click("[data-testid=inspection-form] button[type=submit]")
    page.wait_for_selector("[data-testid=checklist]")
    assert "未落实" in page.inner_text("[data-testid=checklist]")

    page.select_option("#id_kind", "closure")
    page.fill("#id_reason", "超过限流人数经营")
    page.click("[data-testid=action-form] button[type=submit]")
    page.wait_for_selector("[data-testid=action]")
    assert "生效中" in page.inner_text("[data-testid=action-state]")

    visitor.goto(f"{live_server.url}{bar.checkin_path()}")
    assert "超过限流人数经营" in visitor.inner_text("[data-testid=refusal]")
    assert visitor.locator("[data-testid=enter]").count() == 0
    visitor.click("[data-testid=leave]")
    visitor.wait_for_selector("[data-testid=done]")
    assert "离场登记成功" in visitor.inner_text("[data-testid=done]")
    phone.close()
    desk.close()
