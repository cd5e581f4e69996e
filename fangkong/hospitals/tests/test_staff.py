import datetime as dt

import pytest
from django.utils import timezone

from fangkong.alerts.models import Alert, Severity
from fangkong.hospitals.jobs import flag_overdue_staff_tests
from fangkong.hospitals.models import (
    ClosedLoopStatus,
    ExposureKind,
    IncidentStatus,
    NucleicAcidResult,
    ScreeningPost,
    StaffRole,
    TrainingTopic,
    WardKind,
)
from fangkong.hospitals.selectors.staff import next_test_due, overdue_q, roster, untrained_count
from fangkong.hospitals.services.facilities import ward_create
from fangkong.hospitals.services.staff import (
    StaffAlreadyOnRoster,
    exposure_follow_up_add,
    exposure_incident_close,
    exposure_incident_report,
    staff_add,
    staff_assign,
    staff_test_record,
    training_record_add,
)


@pytest.fixture
def nurse(no5, no5_isolation, zhang_san, days_ago):
    return staff_add(
        hospital=no5,
        person=zhang_san,
        role=StaffRole.NURSE,
        ward=no5_isolation,
        closed_loop=ClosedLoopStatus.IN_LOOP,
        on_duty_since=days_ago(20).date(),
        by=None,
    )


@pytest.fixture
def cook(no5, li_si, days_ago):
    return staff_add(
        hospital=no5,
        person=li_si,
        role=StaffRole.CATERING,
        on_duty_since=days_ago(20).date(),
        by=None,
    )


def _overdue(hospital):
    return set(roster(hospital=hospital, today=timezone.localdate(), overdue_only=True))


def test_isolation_ward_staff_are_tested_daily_and_the_others_every_two_days(
    no5, nurse, cook, days_ago
):
    assert nurse.screening_post == ScreeningPost.ISOLATION_WARD
    assert cook.screening_post == ScreeningPost.OTHER
    staff_test_record(
        staff=nurse, sampled_at=days_ago(1, 7), result=NucleicAcidResult.NEGATIVE, by=None
    )
    staff_test_record(
        staff=cook, sampled_at=days_ago(2, 7), result=NucleicAcidResult.NEGATIVE, by=None
    )
    assert _overdue(no5) == set()  # due today, not yet overdue
    nurse.refresh_from_db()
    assert next_test_due(nurse) == timezone.localdate()

    staff_test_record(
        staff=cook, sampled_at=days_ago(3, 7), result=NucleicAcidResult.NEGATIVE, by=None
    )
    cook.refresh_from_db()
    assert cook.last_tested_at == days_ago(2, 7)  # an older result never moves the date back


def test_a_missed_day_makes_an_isolation_ward_test_overdue(no5, nurse, cook, days_ago):
    staff_test_record(
        staff=nurse, sampled_at=days_ago(2, 7), result=NucleicAcidResult.NEGATIVE, by=None
    )
    staff_test_record(
        staff=cook, sampled_at=days_ago(2, 7), result=NucleicAcidResult.NEGATIVE, by=None
    )
    assert _overdue(no5) == {nurse}


def test_someone_never_tested_counts_from_the_day_they_came_on_duty(no5, nurse):
    assert _overdue(no5) == {nurse}


def test_moving_to_an_isolation_ward_puts_someone_on_the_daily_schedule(no5, cook, days_ago):
    icu = ward_create(hospital=no5, name="ICU", kind=WardKind.ICU, beds=2, by=None)
    staff_test_record(
        staff=cook, sampled_at=days_ago(2, 7), result=NucleicAcidResult.NEGATIVE, by=None
    )
    assert _overdue(no5) == set()
    staff_assign(staff=cook, ward=icu, role=StaffRole.CLEANER, by=None)
    cook.refresh_from_db()
    assert cook.screening_post == ScreeningPost.ISOLATION_WARD
    assert _overdue(no5) == {cook}


def test_the_intervals_are_settings(no5, cook, days_ago, settings):
    staff_test_record(
        staff=cook, sampled_at=days_ago(2, 7), result=NucleicAcidResult.NEGATIVE, by=None
    )
    settings.FANGKONG_HOSPITAL_STAFF_TEST_DAYS_OTHER = 1
    assert _overdue(no5) == {cook}


def test_the_overdue_job_raises_one_alert_per_hospital_and_clears_it(no5, nurse, cook, days_ago):
    now = timezone.now()
    assert flag_overdue_staff_tests(now) == 1
    assert flag_overdue_staff_tests(now) == 0
    alert = Alert.objects.open().get(kind="hospitals.staff_tests_overdue")
    assert alert.title == "无锡市第五人民医院 有 2 名工作人员核酸检测逾期"
    for member in (nurse, cook):
        staff_test_record(staff=member, sampled_at=now, result=NucleicAcidResult.NEGATIVE, by=None)
    assert flag_overdue_staff_tests(now) == 1
    assert not Alert.objects.open().exists()


def test_a_positive_staff_test_is_an_emergency_for_the_hq(nurse, hq_admin):
    staff_test_record(
        staff=nurse, sampled_at=timezone.now(), result=NucleicAcidResult.POSITIVE, by=None
    )
    alert = Alert.objects.open().get(kind="hospitals.staff_positive")
    assert alert.severity == Severity.CRITICAL
    assert "张三 核酸检测阳性" in alert.title


def test_a_person_is_on_one_hospitals_roster_at_a_time(nurse, peoples, zhang_san):
    with pytest.raises(StaffAlreadyOnRoster, match="已在 无锡市第五人民医院"):
        staff_add(
            hospital=peoples,
            person=zhang_san,
            role=StaffRole.DOCTOR,
            on_duty_since=timezone.localdate(),
            by=None,
        )


def test_an_exposure_incident_is_followed_up_and_closed(no5, nurse, hospital_staff, days_ago):
    incident = exposure_incident_report(
        hospital=no5,
        staff=nurse,
        kind=ExposureKind.PPE_BREACH,
        occurred_at=days_ago(1, 15),
        description="脱卸防护服时手套破损",
        immediate_action="立即手消毒，更换手套，单间隔离观察",
        by=hospital_staff,
    )
    assert incident.ward == nurse.ward
    assert Alert.objects.open().filter(kind="hospitals.exposure_incident").count() == 1
    exposure_follow_up_add(
        incident=incident, at=days_ago(0, 8), note="核酸阴性，体温正常", by=hospital_staff
    )
    incident.refresh_from_db()
    assert incident.status == IncidentStatus.FOLLOW_UP
    exposure_incident_close(
        incident=incident, conclusion="观察期满，未感染", at=timezone.now(), by=hospital_staff
    )
    incident.refresh_from_db()
    assert incident.status == IncidentStatus.CLOSED
    assert not Alert.objects.open().exists()


def test_training_records_tell_who_is_not_yet_trained(no5, nurse, cook):
    assert untrained_count(hospital=no5) == 2
    training_record_add(
        staff=nurse,
        topic=TrainingTopic.PPE,
        trained_on=timezone.localdate(),
        trainer="院感科",
        by=None,
    )
    training_record_add(
        staff=cook,
        topic=TrainingTopic.HAND_HYGIENE,
        trained_on=timezone.localdate() - dt.timedelta(days=1),
        passed=False,
        by=None,
    )
    assert untrained_count(hospital=no5) == 1


def test_the_overdue_filter_ignores_staff_who_left(no5, nurse):
    from fangkong.hospitals.services.staff import staff_leave

    staff_leave(staff=nurse, left_on=timezone.localdate(), by=None)
    assert not type(nurse).objects.filter(overdue_q(timezone.localdate())).exists()
