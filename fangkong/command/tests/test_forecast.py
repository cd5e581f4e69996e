"""The preparedness forecast made from the database: what it gathers, the HQ's alert when rooms or
beds run out soon (once), the API and the daily briefing's section.

The world: a flat outbreak of one case a day in liangxi (onset = the day found), ten contacts a
case by default (none traced yet), nobody leaving a room or a bed within the horizon. Ten more
rooms are needed each day, so 35 rooms run out on day 4 and 105 on day 11.
"""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.utils import timezone
from docx import Document
from rest_framework.test import APIClient

from fangkong.alerts.models import Alert
from fangkong.alerts.services import alert_resolve
from fangkong.cases.models import CaseClassification
from fangkong.cases.services.cases import case_register
from fangkong.command.briefing_export import briefing_docx
from fangkong.command.daily_briefing import briefing_build
from fangkong.command.forecast_alerts import FORECAST_RUN_OUT, forecast_alerts_run
from fangkong.command.forecasting import preparedness_forecast
from fangkong.hospitals.models import HospitalKind, WardKind
from fangkong.hospitals.services.facilities import hospital_create, ward_create
from fangkong.people.services import person_register
from fangkong.quarantine.models import SiteStatus
from fangkong.quarantine.services.sites import rooms_create, site_create
from fangkong.testing.identities import resident_id
from fangkong.testing.problems import field_errors

# Today, as the API and the pages know no other day: the forecast's days are DAY + 1...
DAY = timezone.localdate()
NOW = timezone.make_aware(dt.datetime.combine(DAY, dt.time(9)))
WINDOW_LAST = DAY - dt.timedelta(days=2)  # yesterday's onsets are incomplete (lag 1)


def at(hour: int, *, day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def later(days: int) -> str:
    return (DAY + dt.timedelta(days=days)).isoformat()


@pytest.fixture
def flat_outbreak(settings, liangxi):
    """One case a day over the window, found the day of its onset."""
    settings.FANGKONG_FORECAST_MIN_CASES = 5
    settings.FANGKONG_FORECAST_CONTACTS_PER_CASE = 10
    settings.FANGKONG_FORECAST_ROOM_SHARE_PERCENT = 100
    settings.FANGKONG_FORECAST_QUARANTINE_STAY_DAYS = 30
    settings.FANGKONG_FORECAST_ADMISSION_DAYS = dict.fromkeys(
        ["asymptomatic", "mild", "moderate", "severe", "critical"], 30
    )
    for n in range(14):
        onset = WINDOW_LAST - dt.timedelta(days=n)
        person = person_register(
            name=f"病例{n}",
            id_number=resident_id(dt.date(1970 + n, 1, 1)),
            home_jurisdiction=liangxi,
            by=None,
        ).person
        case_register(
            person=person,
            classification=CaseClassification.CONFIRMED,
            detected_at=at(10, day=onset),
            onset_date=onset,
            jurisdiction=liangxi,
            by=None,
        )


def _site(name, jurisdiction, rooms, status=SiteStatus.IN_USE):
    site = site_create(name=name, jurisdiction=jurisdiction, status=status, by=None)
    rooms_create(site=site, floors=[1], per_floor=rooms, by=None)
    return site


def _hospital(jurisdiction, beds=100):
    hospital = hospital_create(
        name="市第五人民医院", kind=HospitalKind.DESIGNATED, jurisdiction=jurisdiction, by=None
    )
    ward_create(hospital=hospital, name="隔离病区一", kind=WardKind.ISOLATION, beds=beds, by=None)
    return hospital


@pytest.fixture
def rooms_for_four_days(flat_outbreak, liangxi):
    _site("翠苑酒店", liangxi, 35)
    _hospital(liangxi)


@pytest.fixture
def rooms_for_ten_days(flat_outbreak, liangxi):
    _site("翠苑酒店", liangxi, 35)
    _site("太湖饭店", liangxi, 70, status=SiteStatus.STANDBY)  # ready on day 2
    _hospital(liangxi)


def test_the_forecast_reads_the_onsets_and_says_when_rooms_run_out(rooms_for_four_days):
    found = preparedness_forecast(at=NOW)
    assert found.onset_days[-1] == WINDOW_LAST and found.onsets == (1,) * 14
    assert found.growth.rate == pytest.approx(0, abs=1e-9) and found.doubling_days is None
    assert "contacts_per_case" in found.defaults and found.observed.contacts_per_case == 10
    assert [row.forecast.rooms_needed for row in found.days[:4]] == [10, 20, 30, 40]
    assert found.rooms.free == 35 and found.rooms.standby == 0
    assert found.rooms_run_out == DAY + dt.timedelta(days=4)
    # The 13 cases found in the last 14 days wait for a bed; one more a day.
    assert found.awaiting_admission == 13
    assert found.beds.free == {"isolation": 100, "icu": 0} and found.beds_run_out is None


def test_a_standby_site_counts_from_its_lead_time(rooms_for_ten_days, settings):
    settings.FANGKONG_FORECAST_STANDBY_SITE_LEAD_DAYS = 2
    found = preparedness_forecast(at=NOW)
    assert found.rooms.standby == 70
    assert [row.forecast.rooms_available for row in found.days[:3]] == [35, 105, 105]
    assert found.rooms_run_out == DAY + dt.timedelta(days=11)


def test_a_district_forecast_counts_only_its_own_cases_and_rooms(rooms_for_four_days, binhu):
    _site("湖滨饭店", binhu, 20)
    found = preparedness_forecast(district=binhu, at=NOW)
    assert found.onsets == (0,) * 14 and found.rooms.free == 20
    assert found.rooms_run_out is None and found.beds_run_out is None


def test_rooms_running_out_in_four_days_raise_one_alert_however_often_the_job_runs(
    rooms_for_four_days,
):
    assert forecast_alerts_run(NOW) == 1
    assert forecast_alerts_run(NOW + dt.timedelta(hours=1)) == 0
    assert forecast_alerts_run(NOW + dt.timedelta(hours=2)) == 0
    alert = Alert.objects.get(kind=FORECAST_RUN_OUT)
    assert alert.is_open and alert.jurisdiction is None
    assert alert.dedupe_key.endswith(f":rooms:city:{DAY + dt.timedelta(days=4)}")
    assert later(4)[5:] in alert.title


def test_an_alert_the_hq_resolved_is_not_raised_again_for_the_same_day(rooms_for_four_days):
    forecast_alerts_run(NOW)
    alert_resolve(alert=Alert.objects.get(kind=FORECAST_RUN_OUT), note="已启用储备", by=None)
    assert forecast_alerts_run(NOW + dt.timedelta(hours=1)) == 0
    assert Alert.objects.filter(kind=FORECAST_RUN_OUT).count() == 1


def test_rooms_lasting_ten_days_raise_no_alert(rooms_for_ten_days):
    assert forecast_alerts_run(NOW) == 0
    assert not Alert.objects.filter(kind=FORECAST_RUN_OUT).exists()


def test_the_alert_closes_once_the_rooms_last_again(rooms_for_four_days, liangxi):
    forecast_alerts_run(NOW)
    _site("太湖饭店", liangxi, 100)
    assert forecast_alerts_run(NOW + dt.timedelta(hours=1)) == 1
    assert not Alert.objects.open().filter(kind=FORECAST_RUN_OUT).exists()


@pytest.fixture
def api():
    return APIClient()


def test_the_api_answers_the_forecast_in_its_documented_shape(api, hq_admin, rooms_for_four_days):
    api.force_authenticate(hq_admin)
    body = api.get("/api/v1/command/forecast/").json()
    assert body["district"] is None and body["horizon_days"] == 14 and body["alert_days"] == 5
    assert len(body["days"]) == 14 and body["days"][0]["date"] == later(1)
    assert body["days"][3]["rooms_needed"] == 40 and body["days"][3]["rooms_available"] == 35
    assert body["runs_out"] == {
        "rooms": later(4),
        "rooms_pessimistic": body["runs_out"]["rooms_pessimistic"],
        "beds": None,
        "beds_pessimistic": body["runs_out"]["beds_pessimistic"],
    }
    inputs = body["inputs"]
    assert inputs["onsets"][-1] == {"date": later(-2), "count": 1}
    assert inputs["doubling_days"] is None and inputs["rooms_free"] == 35
    assert inputs["contacts_per_case"] == 10 and inputs["admission_days"]["mild"] == 30
    assert body["generated_at"].endswith("+08:00")


def test_a_district_officer_gets_their_district_and_no_other(
    api, liangxi_officer, liangxi, binhu, rooms_for_four_days
):
    api.force_authenticate(liangxi_officer)
    assert api.get("/api/v1/command/forecast/").json()["district"] == liangxi.pk
    refused = api.get(f"/api/v1/command/forecast/?district={binhu.pk}")
    assert refused.status_code == 400 and list(field_errors(refused)) == ["district"]
    assert list(field_errors(api.get("/api/v1/command/forecast/?district=abc"))) == ["district"]


def test_the_api_refuses_a_role_without_the_dashboard(api, investigator):
    api.force_authenticate(investigator)
    assert api.get("/api/v1/command/forecast/").status_code == 403


def test_the_daily_briefing_has_the_forecast_in_text_and_table(rooms_for_four_days):
    briefing = briefing_build(day=DAY)
    [section] = [s for s in briefing.sections if s.key == "command.forecast"]
    assert "按持平估计" not in section.paragraphs[0] and "未在增长" in section.paragraphs[0]
    assert "集中隔离房间" in section.paragraphs[1] and "预警期内" in section.paragraphs[1]
    [table] = section.tables
    runs_out = DAY + dt.timedelta(days=4)
    assert table.rows[0][0] == "集中隔离房间"
    assert table.rows[0][4] == f"{runs_out.month}月{runs_out.day}日"
    assert table.rows[1][4] == "14天内够用"
    document = Document(io.BytesIO(briefing_docx(briefing)))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "、应急准备预测" in text and f"{runs_out.month}月{runs_out.day}日用尽" in text
    cells = [cell.text for t in document.tables for row in t.rows for cell in row.cells]
    assert "悲观情形用尽" in cells
