"""The shell in a real browser: Chinese login, each role's landing page, live person search."""

import pytest
from django.urls import reverse

from fangkong.accounts.roles import Role
from fangkong.core.navigation import role_home_url_name
from fangkong.testing.browser import log_in
from fangkong.testing.cast import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_login_page_is_chinese_and_each_role_lands_on_its_home(
    page, live_server, hq_admin, liangxi_officer, investigator, leader, reporter
):
    page.goto(f"{live_server.url}/login/")
    assert page.title().startswith("登录")
    assert page.locator("h1").inner_text() == "市疫情防控应急指挥平台"
    for user in (hq_admin, liangxi_officer, investigator, leader, reporter):
        page.context.clear_cookies()
        log_in(page, live_server, user.username, PASSWORD)
        home = role_home_url_name(Role(user.role)) or "accounts:workbench"
        assert page.url == f"{live_server.url}{reverse(home)}"
        assert user.get_role_display() in page.get_by_test_id("current-user").inner_text()


def test_the_person_search_updates_the_list_as_one_types(
    page, live_server, zhang_san, li_si, hq_admin
):
    log_in(page, live_server, hq_admin.username, PASSWORD)
    page.goto(f"{live_server.url}/persons/")
    table = page.get_by_test_id("person-table")
    assert "李四" in table.inner_text()
    page.get_by_role("searchbox").fill("张")
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=person-table]').innerText.includes('李四')"
    )
    assert "张三" in page.get_by_test_id("person-table").inner_text()
