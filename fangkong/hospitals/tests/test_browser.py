"""The hospital's main flow in a real browser: admit, find the patient on the bed board, try
to discharge before the criteria hold, then a doctor's override."""

import pytest

from fangkong.testing.browser import log_in
from fangkong.testing.cast import PASSWORD
from fangkong.testing.identities import resident_id

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_nurse_admits_a_patient_the_bed_board_shows_and_only_a_doctor_discharges_early(
    page, live_server, hospital_staff, doctor, no5, no5_isolation, no5_icu
):
    log_in(page, live_server, hospital_staff.username, PASSWORD)
    assert page.url == f"{live_server.url}/hospitals/{no5.pk}/"

    page.get_by_role("link", name="收治入院").click()
    page.fill("#id_name", "赵六")
    page.fill("#id_id_number", resident_id())
    page.select_option("#id_ward_kind", "isolation")
    page.select_option("#id_classification", "moderate")
    page.get_by_test_id("admit-form").get_by_role("button", name="收治入院").click()
    page.wait_for_load_state("networkidle")
    assert page.get_by_test_id("patient-name").inner_text().startswith("赵六")
    assert page.get_by_test_id("current-bed").inner_text() == "隔离病区一 A01"

    page.goto(f"{live_server.url}/hospitals/wards/{no5_isolation.pk}/")
    assert "赵六" in page.locator("[data-bed=A01]").inner_text()
    assert "空闲" in page.locator("[data-bed=A02]").inner_text()

    page.locator("[data-bed=A01] a").click()
    page.get_by_role("link", name="办理出院").click()
    assert "未达到" in page.get_by_test_id("discharge-assessment").inner_text()
    assert page.locator("#id_override_reason").count() == 0  # a nurse may not override
    discharge_url = page.url

    page.context.clear_cookies()
    log_in(page, live_server, doctor.username, PASSWORD)
    page.goto(discharge_url)
    page.fill("#id_override_reason", "转康复医院继续治疗，经专家组会诊同意")
    page.get_by_role("button", name="确认出院").click()
    page.wait_for_load_state("networkidle")
    assert "转康复医院继续治疗" in page.get_by_test_id("override-reason").inner_text()
