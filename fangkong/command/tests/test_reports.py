import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from fangkong.command.measures import REPORT_CUTOFF, report_cutoff
from fangkong.command.models import (
    MissingReport,
    Notification,
    NotificationKind,
    ReportKind,
    ReportProfile,
)
from fangkong.command.selectors.reports import report_day_status, reporting_units, unit_profile
from fangkong.command.services.reports import (
    report_submit,
    report_submit_zero,
    reports_detect_missing,
    reports_remind,
)
from fangkong.command.tests.conftest import DAY, at
from fangkong.core.errors import Conflict
from fangkong.hospitals.models import Hospital
from fangkong.jurisdictions.models import ResponsibilityKind
from fangkong.jurisdictions.services import unit_create
from fangkong.policy.services import measure_set
from fangkong.quarantine.models import Site
from fangkong.testing.cast import PASSWORD


def _missing(hq_admin):
    return [m.unit for m in report_day_status(viewer=hq_admin, day=DAY).missing]


@pytest.fixture
def today_only(settings):
    settings.FANGKONG_REPORT_LOOKBACK_DAYS = 0


def test_a_unit_silent_at_the_cut_off_is_missing_after_one_job_run_until_a_zero_report(
    today_only, hq_admin, reporter, committee
):
    assert reports_detect_missing(at(15, 59)) == 0  # the cut-off (16:00) has not come
    assert _missing(hq_admin) == []

    reports_detect_missing(at(16, 5))
    assert committee in _missing(hq_admin)
    assert (
        Notification.objects.filter(
            recipient=reporter, kind=NotificationKind.REPORT_MISSING
        ).count()
        == 1
    )

    report = report_submit_zero(unit=committee, day=DAY, by=reporter, at=at(16, 30))
    assert report.kind == ReportKind.ZERO and report.late
    assert committee not in _missing(hq_admin)
    reports_detect_missing(at(17))  # a later run does not put it back
    assert committee not in _missing(hq_admin)


def test_the_missing_list_is_built_once_however_often_the_job_runs(today_only, hq_admin, committee):
    first = reports_detect_missing(at(16, 5))
    assert first == reporting_units().count()
    assert reports_detect_missing(at(16, 10)) == 0
    assert MissingReport.objects.filter(day=DAY).count() == first


def test_a_day_the_job_did_not_run_after_its_cut_off_is_caught_up_the_next_day(
    settings, hq_admin, committee
):
    settings.FANGKONG_REPORT_LOOKBACK_DAYS = 1
    next_morning = at(9, day=DAY.replace(day=DAY.day + 1))
    assert reports_detect_missing(next_morning) == reporting_units().count()
    assert committee in _missing(hq_admin)  # yesterday (DAY), before today's cut-off


def test_a_report_before_the_cut_off_is_on_time_and_keeps_the_unit_off_the_missing_list(
    hq_admin, reporter, committee
):
    report = report_submit(
        unit=committee,
        day=DAY,
        figures={"home_monitoring": 12, "visits_done": 30, "tests_done": 400, "new_arrivals": 3},
        needs="需增派采样人员2名",
        by=reporter,
        at=at(15),
    )
    assert not report.late and report.profile == ReportProfile.COMMUNITY
    reports_detect_missing(at(16, 5))
    assert committee not in _missing(hq_admin)


def test_the_figures_of_the_units_profile_are_required_and_checked(reporter, committee):
    with pytest.raises(ValidationError) as refused:
        report_submit(
            unit=committee, day=DAY, figures={"home_monitoring": -1}, by=reporter, at=at(10)
        )
    errors = refused.value.message_dict
    assert "home_monitoring" in errors and "visits_done" in errors


def test_a_reporter_reports_only_for_their_own_unit(reporter, health_commission):
    with pytest.raises(Conflict):
        report_submit_zero(unit=health_commission, day=DAY, by=reporter, at=at(10))


def test_the_profile_is_decided_from_what_the_unit_runs(
    committee, health_commission, chongan_office, jiankang
):
    assert unit_profile(committee) == ReportProfile.COMMUNITY
    assert unit_profile(health_commission) == ReportProfile.DEPARTMENT
    assert unit_profile(chongan_office) == ReportProfile.TERRITORY
    hotel = unit_create(
        name="锦江之星酒店", kind=ResponsibilityKind.ORGANISATION, jurisdiction=jiankang, by=None
    )
    assert unit_profile(hotel) == ReportProfile.ORGANISATION
    Site.objects.create(name="锦江之星隔离点", jurisdiction=jiankang, operating_unit=hotel)
    assert unit_profile(hotel) == ReportProfile.SITE
    clinic = unit_create(
        name="第五人民医院", kind=ResponsibilityKind.ORGANISATION, jurisdiction=jiankang, by=None
    )
    Hospital.objects.create(name="市第五人民医院", jurisdiction=jiankang, unit=clinic)
    assert unit_profile(clinic) == ReportProfile.HOSPITAL


def test_the_hq_itself_does_not_report(hq_unit, committee):
    assert hq_unit not in reporting_units()
    assert committee in reporting_units()


def test_a_notice_moves_the_cut_off_from_the_next_day(hq_admin, committee):
    assert report_cutoff(DAY) == at(16)
    measure_set(kind=REPORT_CUTOFF, value="12:00", effective_at=at(9), by=hq_admin)
    assert report_cutoff(DAY) == at(16)  # today's cut-off does not move under people
    next_day = DAY.replace(day=DAY.day + 1)
    assert report_cutoff(next_day) == at(12, day=next_day)


def test_units_are_reminded_once_in_the_hour_before_the_cut_off(settings, reporter, committee):
    settings.FANGKONG_REPORT_REMINDER_MINUTES = 60
    assert reports_remind(at(14, 30)) == 0
    assert reports_remind(at(15, 10)) == 1
    assert reports_remind(at(15, 20)) == 0
    assert reports_remind(at(16, 1)) == 0


def test_the_reporter_lands_on_their_units_report_page_and_files_a_zero_report(
    client, reporter, committee
):
    client.login(username="reporter", password=PASSWORD)
    home = client.get("/", follow=True)
    assert home.redirect_chain[-1][0] == reverse("command:report_mine")
    assert committee.name in home.content.decode()
    client.post(reverse("command:report_zero"))
    assert committee.daily_reports.get().kind == ReportKind.ZERO


def test_the_hq_overview_lists_the_missing_units(client, hq_admin, committee):
    reports_detect_missing(at(16, 5))
    client.login(username="hq_admin", password=PASSWORD)
    page = client.get(reverse("command:report_overview") + f"?day={DAY.isoformat()}")
    assert committee.name in page.content.decode()
    history = client.get(reverse("command:report_unit", args=[committee.pk])).content.decode()
    assert "report-history" in history


def test_the_hq_adds_a_figure_to_a_profile_and_communities_must_report_it(
    client, hq_admin, reporter, committee
):
    client.login(username="hq_admin", password=PASSWORD)
    response = client.post(
        reverse("command:report_figures"),
        {
            "profile": "community",
            "key": "elderly_visited",
            "label": "独居老人探访",
            "unit": "人",
            "order": "9",
            "active": "on",
        },
    )
    assert response.status_code == 302
    with pytest.raises(ValidationError) as refused:
        report_submit(
            unit=committee,
            day=DAY,
            figures={"home_monitoring": 1, "visits_done": 1, "tests_done": 1, "new_arrivals": 0},
            by=reporter,
            at=at(10),
        )
    assert "elderly_visited" in refused.value.message_dict


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_reports_of_a_unit_filed_at_once_leave_one_report_for_the_day(reporter, committee):
    from fangkong.command.models import UnitReport
    from fangkong.testing.concurrency import run_concurrently

    def file_zero():
        return report_submit_zero(unit=committee, day=DAY, by=reporter, at=at(10))

    outcomes = run_concurrently([file_zero, file_zero, file_zero])
    assert not outcomes.errors
    assert UnitReport.objects.filter(unit=committee, day=DAY).count() == 1
