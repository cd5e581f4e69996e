"""Discharge by policy: refused until the criteria of the rule in force hold; a doctor may
override with a reason, audited; health monitoring follows."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from fangkong.alerts.models import Alert
from fangkong.core.models import AuditEvent
from fangkong.hospitals.discharge import discharge_assess
from fangkong.hospitals.jobs import close_expired_monitoring
from fangkong.hospitals.measures import DISCHARGE_RULE, RULE_2021, RULE_2022
from fangkong.hospitals.models import (
    AdmissionOutcome,
    BedStay,
    ClinicalClassification,
    ClinicalTestKind,
    ImagingFinding,
    MonitoringPlace,
    MonitoringStatus,
    NucleicAcidResult,
    RespiratoryStatus,
    WardKind,
)
from fangkong.hospitals.services.admissions import admission_create, admission_transfer_hospital
from fangkong.hospitals.services.clinical import clinical_test_record, daily_note_record
from fangkong.hospitals.services.discharge import (
    DischargeCriteriaUnmet,
    admission_discharge,
    monitoring_check_record,
)
from fangkong.policy.services import measure_set


@pytest.fixture
def patient(zhang_san, no5, no5_isolation, days_ago):
    return admission_create(
        person=zhang_san,
        hospital=no5,
        ward_kind=WardKind.ISOLATION,
        classification=ClinicalClassification.MODERATE,
        admitted_at=days_ago(8),
        by=None,
    )


def _note(admission, days, temperature, respiratory=RespiratoryStatus.IMPROVED):
    daily_note_record(
        admission=admission,
        day=timezone.localdate() - dt.timedelta(days=days),
        max_temperature=Decimal(temperature),
        respiratory=respiratory,
        by=None,
    )


def _nucleic(admission, at, result=NucleicAcidResult.NEGATIVE, n=None, orf=None):
    clinical_test_record(
        admission=admission,
        kind=ClinicalTestKind.NUCLEIC_ACID,
        sampled_at=at,
        result=result,
        ct_n=None if n is None else Decimal(n),
        ct_orf1ab=None if orf is None else Decimal(orf),
        by=None,
    )


def _imaging(admission, at, finding=ImagingFinding.IMPROVED):
    clinical_test_record(
        admission=admission,
        kind=ClinicalTestKind.IMAGING,
        sampled_at=at,
        imaging_finding=finding,
        by=None,
    )


def _recovered_by_2021(admission, days_ago):
    for days, temperature in [(5, "38.2"), (4, "37.6"), (3, "36.8"), (2, "36.6"), (1, "36.5")]:
        _note(admission, days, temperature)
    _imaging(admission, days_ago(2, 10))
    _nucleic(admission, days_ago(2, 8))
    _nucleic(admission, days_ago(1, 9))


def _discharge(admission, by=None, reason="", place=MonitoringPlace.HOME):
    return admission_discharge(
        admission=admission,
        discharged_at=timezone.now(),
        monitoring_place=place,
        override_reason=reason,
        by=by,
    )


def test_a_patient_meeting_the_2021_criteria_is_discharged_into_14_days_of_monitoring(
    patient, doctor, days_ago
):
    _recovered_by_2021(patient, days_ago)
    assessment = discharge_assess(admission=patient)
    assert assessment.rule == RULE_2021 and assessment.met
    _discharge(patient, by=doctor)
    patient.refresh_from_db()
    assert patient.outcome == AdmissionOutcome.DISCHARGED
    assert patient.discharge_rule == RULE_2021 and patient.discharge_override_reason == ""
    assert not BedStay.objects.active().filter(admission=patient).exists()
    monitoring = patient.monitoring
    assert monitoring.place == MonitoringPlace.HOME
    assert monitoring.starts_on == timezone.localdate() + dt.timedelta(days=1)
    assert (monitoring.ends_on - monitoring.starts_on).days + 1 == 14
    assert AuditEvent.objects.for_object(patient).filter(action="admission.discharge").exists()


def test_discharge_is_refused_while_temperature_has_been_normal_for_under_three_days(
    patient, doctor, days_ago
):
    _recovered_by_2021(patient, days_ago)
    _note(patient, 0, "37.5")  # a fever today breaks the run
    with pytest.raises(DischargeCriteriaUnmet) as refused:
        _discharge(patient, by=doctor)
    assert "体温恢复正常 3 天以上" in str(refused.value)
    assert [c.key for c in refused.value.assessment.unmet] == ["temperature"]
    patient.refresh_from_db()
    assert patient.ended_at is None


def test_a_day_without_a_temperature_breaks_the_run_of_normal_days(patient, days_ago):
    for days in (5, 4, 2, 1):  # nothing recorded three days ago
        _note(patient, days, "36.6")
    temperature = discharge_assess(admission=patient).criteria[0]
    assert not temperature.met and "连续 2 天体温正常" in temperature.detail


def test_two_negative_tests_less_than_24_hours_apart_do_not_count(patient, days_ago):
    _recovered_by_2021(patient, days_ago)
    _nucleic(patient, days_ago(1, 20))  # eleven hours after the previous one
    tests = {c.key: c for c in discharge_assess(admission=patient).criteria}["negative_tests"]
    assert not tests.met and "不足 24 小时" in tests.detail


def test_a_positive_last_test_keeps_the_patient_in(patient, days_ago):
    _recovered_by_2021(patient, days_ago)
    _nucleic(patient, days_ago(1, 23), NucleicAcidResult.POSITIVE, n="36.5", orf="37.0")
    tests = {c.key: c for c in discharge_assess(admission=patient).criteria}["negative_tests"]
    assert not tests.met


def test_imaging_and_symptoms_must_have_improved_under_the_2021_rule(patient, days_ago):
    _recovered_by_2021(patient, days_ago)
    _imaging(patient, days_ago(1, 15), ImagingFinding.WORSENED)
    _note(patient, 0, "36.4", RespiratoryStatus.PRESENT)
    unmet = {c.key for c in discharge_assess(admission=patient).unmet}
    assert unmet == {"imaging", "respiratory"}


def test_under_the_2022_rule_two_ct_values_of_35_a_day_apart_suffice(patient, doctor, days_ago):
    measure_set(
        kind=DISCHARGE_RULE,
        value="2022",
        effective_at=days_ago(30),
        source="第九版诊疗方案",
        by=None,
    )
    _nucleic(patient, days_ago(2, 8), NucleicAcidResult.POSITIVE, n="35.0", orf="36.2")
    _nucleic(patient, days_ago(1, 8), NucleicAcidResult.NEGATIVE)
    assessment = discharge_assess(admission=patient)
    assert assessment.rule == RULE_2022 and assessment.met
    _discharge(patient, by=doctor)
    patient.refresh_from_db()
    assert patient.discharge_rule == RULE_2022
    assert (patient.monitoring.ends_on - patient.monitoring.starts_on).days + 1 == 7


def test_under_the_2022_rule_one_gene_below_35_is_not_enough(patient, days_ago, settings):
    settings.FANGKONG_POLICY_EDITION = "2022"  # the deployment's default edition
    _nucleic(patient, days_ago(2, 8), NucleicAcidResult.POSITIVE, n="36.0", orf="34.9")
    _nucleic(patient, days_ago(1, 8), NucleicAcidResult.POSITIVE, n="37.0", orf="38.0")
    assessment = discharge_assess(admission=patient)
    assert assessment.rule == RULE_2022 and not assessment.met
    assert "Ct 值未达标" in assessment.criteria[0].detail


def test_a_rule_switched_by_notice_applies_from_its_effective_time(patient, days_ago):
    measure_set(kind=DISCHARGE_RULE, value="2022", effective_at=days_ago(-1), by=None)
    assert discharge_assess(admission=patient).rule == RULE_2021
    assert discharge_assess(admission=patient, at=days_ago(-2)).rule == RULE_2022


def test_only_a_doctor_may_override_and_only_with_a_reason(patient, hospital_staff, doctor):
    with pytest.raises(PermissionDenied):
        _discharge(patient, by=hospital_staff, reason="家属要求")
    with pytest.raises(DischargeCriteriaUnmet):
        _discharge(patient, by=doctor)
    patient.refresh_from_db()
    assert patient.ended_at is None
    assert not AuditEvent.objects.filter(action__startswith="admission.discharge").exists()


def test_a_doctors_override_discharges_with_the_reason_and_the_unmet_criteria_audited(
    patient, doctor
):
    _discharge(patient, by=doctor, reason="转康复医院继续治疗，经专家组会诊同意")
    patient.refresh_from_db()
    assert patient.outcome == AdmissionOutcome.DISCHARGED
    assert patient.discharge_override_reason == "转康复医院继续治疗，经专家组会诊同意"
    event = AuditEvent.objects.for_object(patient).get(action="admission.discharge.override")
    assert event.actor == doctor
    assert event.after is not None
    assert event.after["override_reason"] == "转康复医院继续治疗，经专家组会诊同意"
    assert event.after["assessment"]["met"] is False


def test_records_from_the_hospital_a_patient_came_from_count(patient, peoples, doctor, days_ago):
    _recovered_by_2021(patient, days_ago)
    moved = admission_transfer_hospital(
        admission=patient,
        hospital=peoples,
        ward_kind=WardKind.ISOLATION,
        at=days_ago(0, 8),
        reason="分流",
        by=None,
    )
    assert discharge_assess(admission=moved).met


def test_a_fever_during_monitoring_alerts_the_home_jurisdiction(
    patient, doctor, days_ago, jiankang
):
    _recovered_by_2021(patient, days_ago)
    _discharge(patient, by=doctor)
    monitoring = patient.monitoring
    monitoring.starts_on = timezone.localdate()  # as if discharged yesterday
    monitoring.save()
    monitoring_check_record(
        monitoring=monitoring, day=timezone.localdate(), temperature=Decimal("37.8"), by=None
    )
    alert = Alert.objects.open().get(kind="hospitals.monitoring_fever")
    assert alert.jurisdiction == jiankang


def test_monitoring_ends_by_itself_when_its_days_are_over(patient, doctor, days_ago):
    _recovered_by_2021(patient, days_ago)
    _discharge(patient, by=doctor)
    monitoring = patient.monitoring
    assert close_expired_monitoring(timezone.now()) == 0
    later = timezone.now() + dt.timedelta(days=15)
    assert close_expired_monitoring(later) == 1
    assert close_expired_monitoring(later) == 0  # idempotent
    monitoring.refresh_from_db()
    assert monitoring.status == MonitoringStatus.COMPLETED


def test_a_relapse_during_monitoring_ends_the_monitoring_with_the_readmission(
    patient, doctor, days_ago, no5
):
    _recovered_by_2021(patient, days_ago)
    _discharge(patient, by=doctor)
    admission_create(
        person=patient.person,
        hospital=no5,
        ward_kind=WardKind.ISOLATION,
        classification=ClinicalClassification.ASYMPTOMATIC,
        admitted_at=timezone.now(),
        by=doctor,
    )
    patient.monitoring.refresh_from_db()
    assert patient.monitoring.status == MonitoringStatus.READMITTED
