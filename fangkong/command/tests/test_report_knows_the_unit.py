"""A unit's daily report knows what the platform knows of the unit: a quarantine site's
people, arrivals, fever alerts and positives; a hospital's patients and beds."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from fangkong.accounts.roles import Role
from fangkong.alerts.models import Alert
from fangkong.command.models import UnitReport
from fangkong.command.selectors.reports import unit_day_facts
from fangkong.command.services.reports import report_submit, report_submit_zero
from fangkong.command.tests.conftest import DAY, at
from fangkong.core.errors import Conflict
from fangkong.facilities.models import HospitalKind
from fangkong.hospitals.models import WardKind
from fangkong.hospitals.services.facilities import hospital_create, ward_create
from fangkong.jurisdictions.models import ResponsibilityKind
from fangkong.jurisdictions.services import unit_create
from fangkong.people.services import person_register
from fangkong.quarantine.models import ObservationCategory, Room, Slot
from fangkong.quarantine.services.observations import observation_record
from fangkong.quarantine.services.placements import placement_start
from fangkong.quarantine.services.sampling import sample_record
from fangkong.quarantine.services.sites import rooms_create, site_create
from fangkong.specimens.models import SampleResult
from fangkong.testing.cast import PASSWORD, _user
from fangkong.testing.identities import mobile, resident_id


@pytest.fixture
def site_unit(jiankang, hq_unit):
    return unit_create(
        name="锡惠大酒店隔离点工作专班",
        kind=ResponsibilityKind.ORGANISATION,
        jurisdiction=jiankang,
        parent=hq_unit,
        by=None,
    )


@pytest.fixture
def site(jiankang, site_unit, hq_admin):
    site = site_create(
        name="锡惠大酒店", jurisdiction=jiankang, operating_unit=site_unit, by=hq_admin
    )
    rooms_create(site=site, floors=[3], per_floor=4, by=hq_admin)
    return site


def _place(site, jiankang, number: str, n: int, *, starts_at: dt.datetime):
    person = person_register(
        name=f"观察{n}号",
        id_number=resident_id(dt.date(1988, 5, 1), place="110101", sequence=n),
        phone=mobile(),
        home_jurisdiction=jiankang,
        by=None,
    ).person
    return placement_start(
        person=person,
        room=Room.objects.get(site=site, number=number),
        category=ObservationCategory.CLOSE_CONTACT,
        starts_at=starts_at,
        last_exposure_at=starts_at - dt.timedelta(days=1),
        by=None,
    )


@pytest.fixture
def busy_site(site, jiankang):
    """On DAY: one person held since the day before, two arriving at 08:00; one of them has a
    fever at 09:00 and another a positive result at 11:00, not yet transferred."""
    _place(site, jiankang, "301", 1, starts_at=at(8, day=DAY - dt.timedelta(days=1)))
    feverish = _place(site, jiankang, "302", 2, starts_at=at(8))
    positive = _place(site, jiankang, "303", 3, starts_at=at(8))
    observation_record(
        placement=feverish, day=DAY, slot=Slot.MORNING, temperature="38.4", at=at(9), by=None
    )
    sample_record(
        test=positive.tests.order_by("due_on")[0],
        sampled_at=at(9),
        lab="市疾控中心",
        result=SampleResult.POSITIVE,
        result_at=at(11),
        by=None,
    )
    # Alerts take the clock's time when raised; this story happened on DAY.
    Alert.objects.update(raised_at=at(11))
    return site


def test_a_site_with_people_a_fever_and_a_positive_may_not_file_a_zero_report(busy_site, site_unit):
    with pytest.raises(Conflict) as refused:
        report_submit_zero(unit=site_unit, day=DAY, by=None, at=at(15))
    assert refused.value.code == "zero_report_refused"
    message = refused.value.message
    assert message == (
        "本单位今日有3 名在观察人员、2 名新入住人员、1 条发热或症状预警、1 名阳性待转运，"
        "不能零报告，请填报日报告"
    )
    # A day's report filed later names the day, not "today".
    with pytest.raises(Conflict, match="本单位08-03有3 名在观察人员"):
        report_submit_zero(unit=site_unit, day=DAY, by=None, at=at(9, day=DAY + dt.timedelta(1)))
    assert not UnitReport.objects.filter(unit=site_unit).exists()


def test_the_site_units_report_is_prefilled_with_the_platforms_figures(busy_site, site_unit):
    facts = unit_day_facts(unit=site_unit, day=DAY, at=at(15))
    assert facts.figures == {
        "people_held": 3,
        "new_admitted": 2,
        "released": 0,
        "new_abnormal": 1,
        "staff_on_duty": 0,
    }


def test_a_unit_the_platform_knows_nothing_of_still_files_its_zero_report(committee, reporter):
    report = report_submit_zero(unit=committee, day=DAY, by=reporter, at=at(10))
    assert report.kind == "zero"


def test_a_hospitals_unit_is_refused_a_zero_report_while_it_has_beds_and_figures_prefilled(
    city, hq_unit
):
    unit = unit_create(
        name="市第五人民医院", kind=ResponsibilityKind.ORGANISATION, jurisdiction=city,
        parent=hq_unit, by=None,
    )  # fmt: skip
    hospital = hospital_create(
        name="无锡市第五人民医院", kind=HospitalKind.DESIGNATED, jurisdiction=city, unit=unit,
        by=None,
    )  # fmt: skip
    ward_create(hospital=hospital, name="隔离一病区", kind=WardKind.ISOLATION, beds=8, by=None)
    facts = unit_day_facts(unit=unit, day=DAY, at=at(15))
    assert facts.figures["beds_free"] == 8 and facts.figures["patients_in_care"] == 0
    # No patient, no admission, no discharge: nothing the platform holds forbids a zero report.
    assert facts.events == []


def test_the_report_page_prefills_the_figures_and_offers_no_zero_report_where_refused(
    client, site, site_unit, jiankang
):
    now = timezone.now()
    # Five minutes ago, but never yesterday: in the first minutes after local midnight the
    # person would be no new arrival of today.
    midnight = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
    _place(site, jiankang, "301", 7, starts_at=max(now - dt.timedelta(minutes=5), midnight))
    _user("site_reporter", Role.UNIT_REPORTER, jiankang, site_unit)
    client.login(username="site_reporter", password=PASSWORD)
    page = client.get(reverse("command:report_mine")).content.decode()
    assert 'data-testid="zero-report"' not in page
    assert "本单位今日有1 名在观察人员、1 名新入住人员，不能零报告" in page
    assert 'name="figure_people_held"' in page and 'value="1"' in page
    assert "平台数据：1人" in page
    refused = client.post(reverse("command:report_zero"), follow=True).content.decode()
    assert "不能零报告" in refused
    assert not UnitReport.objects.filter(unit=site_unit).exists()


def test_the_api_refuses_the_zero_report_in_words(client, site, site_unit, jiankang):
    _place(site, jiankang, "301", 8, starts_at=timezone.now() - dt.timedelta(minutes=5))
    _user("site_reporter", Role.UNIT_REPORTER, jiankang, site_unit)
    client.login(username="site_reporter", password=PASSWORD)
    response = client.post("/api/v1/command/reports/zero/")
    assert response.status_code == 409
    assert "不能零报告" in response.content.decode()


def test_a_daily_report_from_the_prefilled_figures_is_accepted(busy_site, site_unit):
    facts = unit_day_facts(unit=site_unit, day=DAY, at=at(15))
    report = report_submit(unit=site_unit, day=DAY, figures=facts.figures, by=None, at=at(15))
    assert report.figures["people_held"] == 3
