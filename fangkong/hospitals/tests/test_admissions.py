import datetime as dt
from collections.abc import Callable
from functools import partial

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from fangkong.cases.models import Case, CaseClassification
from fangkong.core.models import AuditEvent
from fangkong.hospitals.models import (
    Admission,
    AdmissionOutcome,
    AdmissionSource,
    Bed,
    BedStay,
    BedStayEnd,
    ClinicalClassification,
    MonitoringPlace,
    WardKind,
)
from fangkong.hospitals.selectors.patients import (
    cases_awaiting_admission,
    transfers_awaiting_admission,
)
from fangkong.hospitals.services.admissions import (
    BedOccupied,
    HospitalNotReceiving,
    NoFreeBed,
    PersonAlreadyAdmitted,
    admission_create,
    admission_from_case,
    admission_from_transfer,
    admission_move_bed,
    admission_transfer_hospital,
)
from fangkong.hospitals.services.discharge import admission_discharge
from fangkong.people.services import person_register
from fangkong.quarantine.models import (
    ObservationCategory,
    PlacementEnd,
    Room,
    RoomKind,
    Site,
)
from fangkong.quarantine.services.placements import placement_start
from fangkong.quarantine.services.transfers import transfer_decide
from fangkong.testing.concurrency import run_concurrently
from fangkong.testing.identities import resident_id


def _admit(person, hospital, kind=WardKind.ISOLATION, by=None, **extra):
    return admission_create(
        person=person,
        hospital=hospital,
        ward_kind=kind,
        classification=extra.pop("classification", ClinicalClassification.MILD),
        admitted_at=extra.pop("admitted_at", timezone.now()),
        by=by,
        **extra,
    )


def test_an_admission_takes_a_free_bed_of_the_kind_asked_and_is_audited(
    zhang_san, no5, no5_isolation, no5_icu, hospital_staff
):
    admission = _admit(zhang_san, no5, WardKind.ICU, by=hospital_staff)
    stay = admission.bed_stays.get()
    assert stay.bed.ward == no5_icu
    assert stay.ended_at is None
    assert admission.classification_changes.get().classification == ClinicalClassification.MILD
    event = AuditEvent.objects.for_object(admission).get(action="admission.create")
    assert event.actor == hospital_staff
    assert event.after is not None and event.after["bed"] == stay.bed_id


def test_admission_without_a_free_bed_of_that_kind_names_hospitals_with_room(
    zhang_san, li_si, no5, no5_icu, no5_isolation, peoples, fangcang
):
    _admit(zhang_san, no5, WardKind.ICU)  # the one ICU bed of No. 5 is taken
    with pytest.raises(NoFreeBed) as refused:
        _admit(li_si, no5, WardKind.ICU)
    message = str(refused.value)
    assert "无锡市第五人民医院 没有空闲的重症监护病区床位" in message
    assert "无锡市人民医院（空闲 2 张）" in message
    assert "太湖方舱医院" not in message  # on standby, it takes nobody yet
    assert [a.hospital for a in refused.value.alternatives] == [peoples]
    assert not Admission.objects.filter(person=li_si).exists()


def test_when_no_hospital_has_room_the_refusal_says_so(zhang_san, li_si, no5, no5_icu):
    _admit(zhang_san, no5, WardKind.ICU)
    with pytest.raises(NoFreeBed, match="全市其他收治中的医院也没有空闲的重症监护病区床位"):
        _admit(li_si, no5, WardKind.ICU)


def test_a_hospital_on_standby_refuses_and_points_to_one_that_receives(
    zhang_san, fangcang, peoples
):
    with pytest.raises(HospitalNotReceiving) as refused:
        _admit(zhang_san, fangcang, WardKind.ISOLATION)
    assert "不接收患者" in str(refused.value)
    assert "无锡市人民医院（空闲 2 张）" in str(refused.value)


def test_a_person_in_hospital_cannot_be_admitted_a_second_time(
    zhang_san, no5, no5_isolation, peoples
):
    _admit(zhang_san, no5)
    with pytest.raises(PersonAlreadyAdmitted, match="正在 无锡市第五人民医院 住院"):
        _admit(zhang_san, peoples)
    assert Admission.objects.filter(person=zhang_san).count() == 1


def test_a_named_bed_that_is_taken_is_refused(zhang_san, li_si, no5, no5_isolation):
    bed = no5_isolation.beds.get(number="A01")
    _admit(zhang_san, no5, bed=bed)
    with pytest.raises(BedOccupied, match="A01 已有患者"):
        _admit(li_si, no5, bed=bed)


def test_an_unknown_ward_kind_or_classification_is_named(zhang_san, no5, no5_isolation):
    with pytest.raises(ValidationError) as refused:
        _admit(zhang_san, no5, "roof", classification="grave")
    assert set(refused.value.message_dict) == {"ward_kind", "classification"}


@pytest.fixture
def transfer_of_li_si(li_si, no5, helie):
    site = Site.objects.create(name="湖滨饭店隔离点", jurisdiction=helie)
    room = Room.objects.create(site=site, floor=3, number="301", kind=RoomKind.SINGLE)
    placement = placement_start(
        person=li_si,
        room=room,
        category=ObservationCategory.CLOSE_CONTACT,
        starts_at=timezone.now() - dt.timedelta(days=3),
        by=None,
    )
    # The quarantine area's own write, so the two areas are tested together.
    return transfer_decide(
        placement=placement,
        hospital=no5,
        decided_at=timezone.now() - dt.timedelta(hours=2),
        reason="第 3 天核酸阳性",
        by=None,
    )


def test_a_transfer_from_a_quarantine_site_is_admitted_and_its_placement_ends(
    transfer_of_li_si, no5, no5_isolation, hospital_staff
):
    assert list(transfers_awaiting_admission(hospital=no5)) == [transfer_of_li_si]
    admission = admission_from_transfer(
        transfer=transfer_of_li_si,
        ward_kind=WardKind.ISOLATION,
        classification=ClinicalClassification.ASYMPTOMATIC,
        admitted_at=timezone.now(),
        by=hospital_staff,
    )
    assert admission.source == AdmissionSource.TRANSFER
    assert admission.transfer == transfer_of_li_si
    assert admission.diagnosis_note == "第 3 天核酸阳性"
    placement = transfer_of_li_si.placement
    placement.refresh_from_db()
    assert placement.end_reason == PlacementEnd.TRANSFERRED
    assert list(transfers_awaiting_admission(hospital=no5)) == []


def test_a_new_case_is_admitted_with_its_case_linked(li_si, no5, no5_isolation, hq_admin):
    case = Case.objects.create(
        person=li_si,
        number="WX-2021-001",
        classification=CaseClassification.CONFIRMED,
        reported_at=timezone.now(),
    )
    assert list(cases_awaiting_admission(viewer=hq_admin)) == [case]
    admission = admission_from_case(
        case=case,
        hospital=no5,
        ward_kind=WardKind.ISOLATION,
        classification=ClinicalClassification.MODERATE,
        admitted_at=timezone.now(),
        by=hq_admin,
    )
    assert admission.case == case and admission.source == AdmissionSource.CASE
    assert list(cases_awaiting_admission(viewer=hq_admin)) == []


def test_a_direct_admission_of_someone_with_a_case_links_the_case(li_si, no5, no5_isolation):
    case = Case.objects.create(
        person=li_si,
        number="WX-2021-002",
        classification=CaseClassification.ASYMPTOMATIC,
        reported_at=timezone.now(),
    )
    assert _admit(li_si, no5).case == case


def test_moving_a_patient_to_the_icu_keeps_the_bed_history(
    zhang_san, no5, no5_isolation, no5_icu, doctor, days_ago
):
    admission = _admit(zhang_san, no5, admitted_at=days_ago(3))
    first_bed = admission.bed_stays.get().bed
    admission_move_bed(
        admission=admission, ward_kind=WardKind.ICU, at=days_ago(1), reason="病情加重", by=doctor
    )
    stays = list(admission.bed_stays.order_by("started_at"))
    assert [s.bed.ward for s in stays] == [no5_isolation, no5_icu]
    assert stays[0].ended_at == days_ago(1) and stays[0].end_reason == BedStayEnd.MOVED
    assert stays[1].ended_at is None
    assert not BedStay.objects.active().filter(bed=first_bed).exists()


def test_moving_within_a_ward_kind_never_picks_the_bed_being_left(zhang_san, no5, no5_isolation):
    admission = _admit(zhang_san, no5)
    left = admission.bed_stays.get().bed
    stay = admission_move_bed(
        admission=admission, ward_kind=WardKind.ISOLATION, at=timezone.now(), by=None
    )
    assert stay.bed != left


def test_a_transfer_to_another_hospital_ends_one_admission_and_opens_the_next(
    zhang_san, no5, no5_isolation, peoples, doctor, days_ago
):
    first = _admit(
        zhang_san, no5, admitted_at=days_ago(5), classification=ClinicalClassification.SEVERE
    )
    second = admission_transfer_hospital(
        admission=first,
        hospital=peoples,
        ward_kind=WardKind.ICU,
        at=days_ago(2),
        reason="需 ECMO 支持",
        by=doctor,
    )
    first.refresh_from_db()
    assert first.outcome == AdmissionOutcome.TRANSFERRED and first.ended_at == days_ago(2)
    assert second.previous == first and second.hospital == peoples
    assert second.source == AdmissionSource.HOSPITAL_TRANSFER
    assert second.classification == ClinicalClassification.SEVERE
    assert second.episode() == [first, second]
    assert first.bed_stays.get().end_reason == BedStayEnd.TRANSFERRED


def _calls(patients, admit) -> list[Callable[[], Admission]]:
    return [partial(admit, p) for p in patients]


def _residents(count):
    return [
        person_register(name=f"患者{n}", id_number=resident_id(), by=None).person
        for n in range(count)
    ]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_admissions_to_the_last_free_bed_admit_exactly_one(no5, no5_icu, peoples):
    patients = _residents(8)
    moment = timezone.now()
    outcomes = run_concurrently(
        _calls(patients, lambda p: _admit(p, no5, WardKind.ICU, admitted_at=moment))
    )
    assert len(outcomes.results) == 1
    assert len(outcomes.errors) == 7
    assert all(isinstance(e, NoFreeBed) for e in outcomes.errors)
    assert all("无锡市人民医院" in str(e) for e in outcomes.errors)
    assert BedStay.objects.active().filter(bed__ward=no5_icu).count() == 1
    assert Admission.objects.filter(hospital=no5).count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_admissions_fill_every_free_bed_and_no_more(no5, no5_isolation):
    patients = _residents(6)
    moment = timezone.now()
    outcomes = run_concurrently(_calls(patients, lambda p: _admit(p, no5, admitted_at=moment)))
    assert len(outcomes.results) == 3  # the ward's three beds
    assert len(outcomes.errors) == 3 and all(isinstance(e, NoFreeBed) for e in outcomes.errors)
    occupied = BedStay.objects.active().values_list("bed_id", flat=True)
    assert sorted(occupied) == sorted(
        Bed.objects.filter(ward=no5_isolation).values_list("pk", flat=True)
    )


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_admissions_of_one_person_admit_them_once(no5, no5_isolation, peoples):
    (patient,) = _residents(1)
    hospitals = [no5, peoples] * 3
    outcomes = run_concurrently(_calls(hospitals, lambda h: _admit(patient, h)))
    assert len(outcomes.results) == 1
    assert all(isinstance(e, PersonAlreadyAdmitted) for e in outcomes.errors)
    assert Admission.objects.active().filter(person=patient).count() == 1


def test_an_admission_entered_late_takes_no_bed_a_discharged_patient_held_then(
    zhang_san, li_si, no5, no5_icu, doctor, days_ago
):
    # Given the one ICU bed held from ten days ago until three days ago
    first = _admit(zhang_san, no5, WardKind.ICU, admitted_at=days_ago(10))
    admission_discharge(
        admission=first,
        discharged_at=days_ago(3),
        monitoring_place=MonitoringPlace.HOME,
        override_reason="转普通病房后出院",
        by=doctor,
    )
    bed = first.bed_stays.get().bed
    # When a second patient is entered as admitted five days ago, to any bed or to that one
    # Then the bed, free now, was not free then: nothing is written
    with pytest.raises(NoFreeBed):
        _admit(li_si, no5, WardKind.ICU, admitted_at=days_ago(5))
    with pytest.raises(BedOccupied):
        _admit(li_si, no5, WardKind.ICU, admitted_at=days_ago(5), bed=bed)
    assert not Admission.objects.filter(person=li_si).exists()
    # And one admitted after the discharge takes it
    later = _admit(li_si, no5, WardKind.ICU, admitted_at=days_ago(2))
    assert later.bed_stays.get().bed == bed
