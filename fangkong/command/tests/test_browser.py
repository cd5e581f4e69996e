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
