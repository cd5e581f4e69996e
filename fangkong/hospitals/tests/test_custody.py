"""The hospitals area answers "where is this person held" (fangkong.people.custody)."""

from django.utils import timezone

from fangkong.hospitals.models import ClinicalClassification, MonitoringPlace, WardKind
from fangkong.hospitals.services.admissions import admission_create
from fangkong.hospitals.services.discharge import admission_discharge
from fangkong.people.custody import control_times, current_place


def _admit(person, hospital, at):
    return admission_create(
        person=person,
        hospital=hospital,
        ward_kind=WardKind.ISOLATION,
        classification=ClinicalClassification.MILD,
        admitted_at=at,
        by=None,
    )


def test_an_admitted_person_is_placed_in_their_hospital_ward_and_bed(
    wang_wu, no5, no5_isolation, days_ago
):
    admission = _admit(wang_wu, no5, days_ago(2))
    bed = admission.bed_stays.get().bed

    place = current_place(wang_wu)

    assert place is not None
    assert (place.kind, place.place, place.since) == ("hospital", no5.name, days_ago(2))
    assert place.unit == f"{no5_isolation.name} {bed.number}"
    assert str(place.kind_label) == "定点医院"
    assert place.record == admission


def test_a_person_never_admitted_has_no_hospital_place(wang_wu, no5, no5_isolation):
    assert current_place(wang_wu) is None


def test_the_admission_time_ends_a_close_contacts_meeting_people(
    wang_wu, no5, no5_isolation, days_ago
):
    _admit(wang_wu, no5, days_ago(2))

    exposed_before = control_times([(wang_wu.pk, days_ago(3))])
    exposed_after = control_times([(wang_wu.pk, days_ago(1))])

    assert exposed_before == {wang_wu.pk: days_ago(2)}
    assert exposed_after == {}


def test_a_discharged_person_is_no_longer_in_hospital(
    wang_wu, no5, no5_isolation, doctor, days_ago
):
    admission = _admit(wang_wu, no5, days_ago(20))
    admission_discharge(
        admission=admission,
        discharged_at=timezone.now(),
        monitoring_place=MonitoringPlace.HOME,
        override_reason="经专家组会诊同意出院",
        by=doctor,
    )

    assert current_place(wang_wu) is None
