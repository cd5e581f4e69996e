import datetime as dt

import pytest

from fangkong.command.models import ReportKind
from fangkong.command.services.tasks import task_issue
from fangkong.jurisdictions.models import ResponsibilityKind
from fangkong.testing.browser import log_in
from fangkong.testing.cast import PASSWORD


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_unit_files_its_zero_report_on_a_phone_and_the_hq_sees_it_on_the_dashboard(
    page, live_server, hq_admin, reporter, committee
):
    from django.utils import timezone

    task_issue(
        title="排查任务",
        responsibility=ResponsibilityKind.TERRITORY,
        owner_unit=committee,
        deadline=timezone.now() + dt.timedelta(hours=1),
        milestones=[("名单比对", timezone.now() + dt.timedelta(minutes=30))],
        by=hq_admin,
    )
    page.set_viewport_size({"width": 390, "height": 844})
    log_in(page, live_server, "reporter", PASSWORD)
    assert committee.name in page.content()
    page.click("[data-testid=zero-report]")
    page.wait_for_selector("[data-testid=reported]")
    assert committee.daily_reports.get().kind == ReportKind.ZERO

    page.context.clear_cookies()
    page.set_viewport_size({"width": 1366, "height": 900})
    log_in(page, live_server, "hq_admin", PASSWORD)
    page.wait_for_selector("[data-testid=dashboard]")
    page.wait_for_selector(".fk-chart canvas")  # ECharts drew the trends
    zero_reports = page.inner_text("[data-figure='command.reports_zero'] .value")
    assert zero_reports.split()[0] == "1"
    assert page.inner_text("[data-figure='command.tasks_open'] .value").split()[0] == "1"


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_hq_chooses_a_measure_kind_and_the_subjects_narrow_to_it_with_values_in_chinese(
    page, live_server, hq_admin, liangxi, chongan
):
    from playwright.sync_api import expect

    from fangkong.command.models import Notice

    log_in(page, live_server, "hq_admin", PASSWORD)
    page.goto(f"{live_server.url}/command/notices/new/")
    page.fill("[name=title]", "关于调整风险等级的通告")
    page.fill("[name=body]", "……")
    page.fill("[name=effective_at]", "2021-08-03T20:00")
    page.select_option("[name=measures-0-kind]", "command.risk_level")
    subject = page.locator("[name=measures-0-subject] option")
    subject.filter(has_text="梁溪区").wait_for(state="attached")
    assert subject.all_inner_texts() == ["梁溪区", "崇安寺街道"]
    values = page.locator("[name=measures-0-value] option").all_inner_texts()
    assert values == ["请选择", "高风险", "中风险", "低风险"]
    page.fill("[name=measures-0-subject_search]", "崇安")
    expect(subject).to_have_count(1)
    assert subject.all_inner_texts() == ["崇安寺街道"]
    page.select_option("[name=measures-0-value]", label="中风险")
    page.click("button[type=submit]:has-text('保存草稿')")
    page.wait_for_url("**/command/notices/*/")
    line = Notice.objects.get().measures.get()
    assert (line.kind, line.subject, line.value) == ("command.risk_level", chongan.code, "medium")
