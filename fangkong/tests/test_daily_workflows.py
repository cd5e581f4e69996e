"""Each demo role's day in a real browser, on the miniature demo city of today.

One test per role of the demo's logins: sign in as that user and do the role's daily work
through the pages, clicking as the user would. Every step leaves a screenshot under
test-artifacts/browser/<role>/ (FANGKONG_TEST_ARTIFACTS moves it), and no step may show an
error in the browser's console or an uncaught exception. The tests share one city
(`demo_city_served`); each works on rows the others leave alone, so any order holds. They
drive the pages, not the database: it is read only to pick what a user would pick.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.conf import settings
from django.utils import timezone

from fangkong.cases.models import Case, ContactStatus
from fangkong.command.models import Task, TaskStatus
from fangkong.hospitals.models import Admission
from fangkong.people.models import Person
from fangkong.quarantine.models import Placement
from fangkong.testing.browser import log_in, navigate_by, open_collapsed
from fangkong.venues.models import Venue

pytestmark = [
    pytest.mark.browser,
    pytest.mark.sqlite_pass,
    pytest.mark.usefixtures("demo_city_served"),
]


@pytest.fixture
def city(demo_city_served: Any) -> Any:
    return demo_city_served


def sign_in(page: Any, city: Any, username: str) -> None:
    log_in(page, city, username, settings.FANGKONG_DEMO_PASSWORD)


def open_menu(page: Any, label: str) -> None:
    """Click an entry of the sidebar; afterwards it is the one entry highlighted."""
    # by its text: the accessible name also holds the icon font's glyph
    click_through(page, page.locator(".fk-sidebar a.nav-link", has_text=re.compile(f"^{label}$")))
    active = page.locator(".fk-sidebar a.nav-link.active")
    assert active.all_inner_texts() == [label]


def click_through(page: Any, locator: Any) -> None:
    navigate_by(page, locator.click)


def assert_charts_keep_their_labels(page: Any) -> None:
    """Every ECharts grid on the page makes room for its axis labels (containLabel) rather
    than cut them at a fixed margin."""
    grids = page.evaluate(
        """() => [...document.querySelectorAll("[_echarts_instance_]")].flatMap((element) =>
            (echarts.getInstanceByDom(element).getOption().grid || []).map((grid) =>
                Boolean(grid.containLabel)))"""
    )
    assert grids and all(grids), grids


def test_hq_reads_the_dashboard_a_notice_and_accepts_a_submitted_task(page, city, walkthrough):
    walk = walkthrough("hq")
    sign_in(page, city, "hq")
    page.wait_for_selector("[data-testid=dashboard] .fk-chart canvas")
    assert page.locator(".fk-sidebar a.nav-link.active").all_inner_texts() == ["指挥大屏"]
    assert_charts_keep_their_labels(page)
    walk.step("dashboard")

    open_menu(page, "通告")
    walk.step("notices")
    click_through(page, page.get_by_test_id("notice-table").locator("tbody a").first)
    assert page.get_by_test_id("receipts").is_visible()
    walk.step("notice")

    open_menu(page, "督办")
    click_through(page, page.get_by_role("link", name=re.compile(r"^已提交")))
    walk.step("tasks-submitted")
    click_through(page, page.get_by_test_id("task-table").locator("tbody a").first)
    task_pk = int(re.findall(r"/tasks/(\d+)/", page.url)[0])
    page.fill("[name=note]", "材料齐全，同意办结。")
    click_through(page, page.get_by_role("button", name="验收办结"))
    assert "已办结" in page.get_by_test_id("task-status").inner_text()
    assert Task.objects.get(pk=task_pk).status == TaskStatus.DONE
    walk.step("task-accepted")


def test_district_officer_reviews_the_district_and_handles_an_alert(page, city, walkthrough):
    walk = walkthrough("district")
    sign_in(page, city, "district")
    walk.step("workbench")
    open_menu(page, "指挥大屏")
    page.wait_for_selector("[data-testid=dashboard] .fk-chart canvas")
    walk.step("dashboard")
    open_menu(page, "流调溯源")
    assert page.get_by_test_id("figures").is_visible()
    walk.step("cases-and-contacts")
    click_through(page, page.get_by_role("link", name="超时清单"))
    walk.step("overdue")
    open_menu(page, "预警")
    rows = page.get_by_test_id("alert-table").locator("tbody tr")
    before = rows.count()
    assert before >= 1
    rows.first.get_by_role("button", name="已处置").click()
    page.wait_for_function(
        f"() => document.querySelectorAll('[data-testid=alert-table] tbody tr').length < {before}"
    )
    walk.step("alert-handled")
    open_menu(page, "日报")
    assert page.get_by_test_id("report-table").is_visible()
    walk.step("reports")


def test_site_staff_see_the_rooms_and_today_s_health_checks(page, city, walkthrough):
    walk = walkthrough("site")
    sign_in(page, city, "site")
    assert re.search(r"/quarantine/sites/\d+/$", page.url)
    assert page.get_by_test_id("floor-plan").is_visible()
    walk.step("site")
    click_through(page, page.get_by_role("link", name="健康监测", exact=True))
    walk.step("health-checks")
    site_pk = int(re.findall(r"/sites/(\d+)/", page.url)[0])
    placement = (
        Placement.objects.filter(room__site_id=site_pk, ended_at__isnull=True)
        .select_related("room", "person")
        .order_by("room__floor", "room__number")
        .first()
    )
    assert placement is not None
    click_through(page, page.get_by_role("link", name=f"{placement.room.floor} 层", exact=True))
    assert placement.person.name in page.locator("main table").inner_text()
    walk.step("floor")
    click_through(page, page.get_by_role("link", name="核酸检测", exact=True))
    walk.step("tests")


def test_hospital_staff_see_the_beds_and_admit_an_awaited_transfer(page, city, walkthrough):
    walk = walkthrough("hospital")
    sign_in(page, city, "hospital")
    assert re.search(r"/hospitals/\d+/$", page.url)
    walk.step("hospital")
    click_through(page, page.get_by_role("link", name="床位", exact=True))
    walk.step("beds")
    page.go_back()
    awaiting = page.get_by_test_id("awaiting")
    name = awaiting.locator(".list-group-item").first.inner_text().split()[0]
    click_through(page, awaiting.get_by_role("link", name="收治").first)
    walk.step("admit-form")
    click_through(page, page.get_by_test_id("admit-form").get_by_role("button", name="收治入院"))
    assert page.get_by_test_id("patient-name").inner_text().startswith(name)
    assert page.get_by_test_id("current-bed").inner_text() != "—"
    walk.step("admitted")


def test_doctor_opens_a_patient_and_records_the_day_s_note_and_a_test(page, city, walkthrough):
    walk = walkthrough("doctor")
    sign_in(page, city, "doctor")
    walk.step("hospital")
    click_through(page, page.get_by_role("link", name="患者", exact=True))
    walk.step("patients")
    # one of the demo's own patients (the hospital's test admits another, just now)
    admission = Admission.objects.filter(ended_at__isnull=True).order_by("pk").first()
    assert admission is not None
    click_through(page, page.locator(f"a[href='/hospitals/admissions/{admission.pk}/']").first)
    walk.step("patient")
    note = open_collapsed(page, page.get_by_role("button", name="记录每日病程"), "#form-note")
    # the form opens on today's date (it opened empty and saving answered 400)
    assert note.locator("[name=day]").input_value() == timezone.localdate().isoformat()
    note.locator("[name=max_temperature]").fill("36.8")
    note.locator("[name=note]").fill("一般情况可，继续观察。")
    click_through(page, note.get_by_role("button", name="保存"))
    assert "一般情况可，继续观察。" in page.get_by_test_id("daily-notes").inner_text()
    walk.step("note-recorded")
    test = open_collapsed(
        page, page.get_by_role("button", name="记录核酸 / 影像结果"), "#form-test"
    )
    test.locator("[name=kind]").select_option("nucleic_acid")
    assert (
        test.locator("[name=sampled_at]").input_value().startswith(timezone.localdate().isoformat())
    )
    test.locator("[name=result]").select_option("negative")
    click_through(page, test.get_by_role("button", name="记录"))
    assert "阴性" in page.get_by_test_id("clinical-tests").locator("tbody tr").first.inner_text()
    walk.step("test-recorded")


def test_investigator_opens_a_case_and_confirms_a_proposed_contact(page, city, walkthrough):
    walk = walkthrough("investigator")
    sign_in(page, city, "investigator")
    walk.step("cases")
    case = Case.objects.filter(contacts__status=ContactStatus.PROPOSED).order_by("-pk").first()
    assert case is not None
    click_through(page, page.get_by_role("link", name=case.number, exact=True))
    page.wait_for_function("() => document.getElementById('chain').dataset.ready === 'true'")
    walk.step("case")
    row = page.get_by_test_id("contact-table").locator("tbody tr[data-status=proposed]").first
    row_id = row.get_attribute("id")
    row.get_by_role("button", name="判定").click()
    # judged: identified, or under control at once where the person already is
    page.wait_for_selector(f"#{row_id}:not([data-status=proposed])")
    walk.step("contact-confirmed")
    click_through(page, page.locator(f"#{row_id}").get_by_test_id("contact-name"))
    history = page.get_by_test_id("contact-history").inner_text()
    assert "contact." not in history
    assert "判定" in history
    walk.step("contact")


def test_inspector_inspects_a_venue_of_the_day(page, city, walkthrough):
    walk = walkthrough("inspector")
    sign_in(page, city, "inspector")
    walk.step("my-inspections")
    click_through(page, page.get_by_test_id("my-targets").locator("a").first)
    walk.step("inspection-form")
    page.fill("#id_headcount", "12")
    for box in (
        "code_posted",
        "everyone_scans",
        "temperature_checked",
        "masks_worn",
        "ventilated_disinfected",
    ):
        page.check(f"#id_{box}")
    page.check("input[name=verdict][value=passed]")
    click_through(page, page.locator("[data-testid=inspection-form] button[type=submit]"))
    assert page.get_by_test_id("checklist").is_visible()
    walk.step("inspected")


def test_unit_reporter_files_the_zero_report_on_a_phone(browser, city, walkthrough):
    phone = browser.new_context(
        locale="zh-CN", viewport={"width": 390, "height": 844}, is_mobile=True
    )
    page = phone.new_page()
    page.set_default_timeout(15_000)
    walk = walkthrough("reporter", on=page)
    sign_in(page, city, "reporter")
    assert page.url.endswith("/command/reports/mine/")
    walk.step("report-form")
    click_through(page, page.get_by_test_id("zero-report"))
    assert "今日已报零报告" in page.get_by_test_id("reported").inner_text()
    walk.step("reported")
    phone.close()


def test_venue_manager_sees_the_venue_its_code_and_a_visitor_checking_in(
    browser, page, city, walkthrough
):
    walk = walkthrough("venue")
    sign_in(page, city, "venue")
    walk.step("venues")
    click_through(page, page.get_by_test_id("venue-table").locator("tbody a").first)
    page.wait_for_selector("#curve canvas")  # the day's occupancy
    assert_charts_keep_their_labels(page)
    walk.step("venue")
    venue = Venue.objects.get(pk=int(page.url.rstrip("/").rsplit("/", 1)[-1]))
    with page.context.expect_page() as opened:  # the poster opens in a tab of its own
        page.get_by_role("link", name="场所码张贴").click()
    poster = opened.value
    poster.wait_for_load_state()
    walk.follow(poster)
    assert poster.locator("svg, img").count() >= 1
    walk.step("poster")

    # A visitor scans the code on a phone ...
    present = int(page.get_by_test_id("occupancy").inner_text())
    phone = browser.new_context(
        locale="zh-CN", viewport={"width": 390, "height": 844}, is_mobile=True
    )
    visitor = phone.new_page()
    walk.follow(visitor)
    resident = Person.objects.order_by("pk").last()
    assert resident is not None
    visitor.goto(f"{city.url}{venue.checkin_path()}")
    visitor.fill("input[name=name]", resident.name)
    visitor.fill("input[name=id_number]", resident.id_number)
    visitor.click("button[type=submit]")
    visitor.wait_for_selector("[data-testid=done]")
    walk.step("visitor-checked-in")
    phone.close()
    # ... and the manager's page counts them present.
    walk.follow(page)
    page.reload()
    assert int(page.get_by_test_id("occupancy").inner_text()) == present + 1
    walk.step("present")


def test_leader_reads_the_dashboard_and_the_briefing(page, city, walkthrough):
    walk = walkthrough("leader")
    sign_in(page, city, "leader")
    page.wait_for_selector("[data-testid=dashboard] .fk-chart canvas")
    assert_charts_keep_their_labels(page)
    walk.step("dashboard")
    click_through(page, page.get_by_role("link", name="今日疫情防控日报"))
    walk.step("briefing")
