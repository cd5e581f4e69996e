import pytest
from django.conf import settings
from django.urls import reverse

from fangkong.command.services.tasks import task_issue
from fangkong.command.tests.conftest import at
from fangkong.jurisdictions.models import ResponsibilityKind
from fangkong.testing.cast import PASSWORD


@pytest.mark.parametrize("username", ["hq_admin", "leader"])
def test_the_hq_and_the_leader_land_on_the_dashboard(client, hq_admin, leader, username):
    client.login(username=username, password=PASSWORD)
    response = client.get("/", follow=True)
    assert response.redirect_chain[-1][0] == reverse("command:dashboard")
    assert 'data-testid="dashboard"' in response.content.decode()


def test_the_dashboard_shows_overdue_tasks_and_refreshes_as_a_fragment(client, hq_admin, committee):
    task_issue(
        title="逾期的排查任务",
        responsibility=ResponsibilityKind.TERRITORY,
        owner_unit=committee,
        deadline=at(10),
        by=hq_admin,
        at=at(8),
    )
    client.login(username="hq_admin", password=PASSWORD)
    page = client.get(reverse("command:dashboard")).content.decode()
    assert "逾期的排查任务" in page and "echarts.min.js" in page
    fragment = client.get(reverse("command:dashboard"), HTTP_HX_REQUEST="true").content.decode()
    assert fragment.startswith('<div id="dashboard-panel"') and "<html" not in fragment
    assert "dashboard-charts" in fragment


def test_pages_of_the_area_answer_their_users(client, hq_admin, reporter, committee):
    client.login(username="hq_admin", password=PASSWORD)
    for name in [
        "command:notice_list", "command:notice_create", "command:task_list", "command:task_create",
        "command:report_overview", "command:team_list", "command:briefing", "command:inbox",
    ]:  # fmt: skip
        assert client.get(reverse(name)).status_code == 200, name
    client.login(username="reporter", password=PASSWORD)
    assert client.get(reverse("command:report_mine")).status_code == 200
    assert client.get(reverse("command:dashboard")).status_code == 403
    assert client.get(reverse("command:notice_create")).status_code == 403


def test_the_reporter_files_a_daily_report_with_their_profiles_figures(client, reporter, committee):
    client.login(username="reporter", password=PASSWORD)
    page = client.get(reverse("command:report_mine")).content.decode()
    assert "居家健康监测人数" in page
    response = client.post(
        reverse("command:report_mine"),
        {
            "figure_home_monitoring": "12",
            "figure_visits_done": "30",
            "figure_tests_done": "400",
            "figure_new_arrivals": "3",
            "issues": "",
            "needs": "需增派采样人员",
        },
    )
    assert response.status_code == 302
    report = committee.daily_reports.get()
    assert report.figures["home_monitoring"] == 12 and report.needs == "需增派采样人员"


def test_the_dashboard_speaks_english_to_a_reader_who_chose_english(client, hq_admin):
    client.login(username="hq_admin", password=PASSWORD)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get(reverse("command:dashboard")).content.decode()
    assert "Daily reporting trend" in page and "Supervised tasks trend" in page


def test_the_dashboard_counts_every_open_alert_and_lists_only_the_latest(client, hq_admin, city):
    import re

    from fangkong.alerts.services import alert_raise
    from fangkong.command.selectors.dashboard import LIST_ROWS

    for n in range(LIST_ROWS + 4):
        alert_raise(
            kind="test.fever", title=f"发热预警{n}", jurisdiction=city, dedupe_key=f"f{n}", by=None
        )
    client.login(username="hq_admin", password=PASSWORD)
    page = client.get(reverse("command:dashboard")).content.decode()
    card = re.search(r'data-testid="dashboard-alerts-count".*?class="value">([^<]*)<', page, re.S)
    assert card is not None and card.group(1).strip() == str(LIST_ROWS + 4)
    listed = re.search(r'data-testid="dashboard-alerts">(.*?)</ul>', page, re.S)
    assert listed is not None and listed.group(1).count("<li") == LIST_ROWS
