"""Registering cases, their dated classification, time targets and the investigation."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from fangkong.cases.models import Case, ItineraryEntry
from fangkong.cases.selectors.cases import case_place
from fangkong.cases.services.cases import CaseExists, case_reclassify, case_register, case_report
from fangkong.cases.services.investigations import (
    investigation_complete,
    investigation_update,
    itinerary_add,
    itinerary_from_checkins,
)
from fangkong.cases.tests.conftest import at
from fangkong.core.errors import Conflict
from fangkong.core.models import AuditEvent
from fangkong.facilities.models import Hospital
from fangkong.people import custody
from fangkong.people.custody import CurrentPlace, current_place, register_place_provider
from fangkong.quarantine.models import ObservationCategory, Room
from fangkong.quarantine.services.placements import placement_start

pytestmark = pytest.mark.django_db


def test_a_registered_case_gets_a_number_its_first_classification_and_an_investigation(
    make_person, investigator, jiankang
):
    case = case_register(
        person=make_person("王五"),
        classification="confirmed",
        detected_at=at("2021-07-30T20:00"),
        onset_date=dt.date(2021, 7, 29),
        by=investigator,
    )
    second = case_register(
        person=make_person(),
        classification="asymptomatic",
        detected_at=at("2021-07-31T08:00"),
        sampling_date=dt.date(2021, 7, 30),
        by=investigator,
    )
    assert (case.number, second.number) == ("WX-2021-001", "WX-2021-002")
    assert case.jurisdiction == jiankang
    assert list(case.classifications.values_list("classification", "changed_at")) == [
        ("confirmed", at("2021-07-30T20:00"))
    ]
    assert case.investigation.started_at is None
    assert AuditEvent.objects.for_object(case).get().action == "case.register"


def test_a_person_can_be_a_case_only_once(make_person, make_case):
    person = make_person("赵六")
    make_case(person)
    with pytest.raises(CaseExists, match="赵六 已登记为病例 WX-2021-001"):
        make_case(person)
    assert Case.objects.count() == 1


def test_dates_that_contradict_each_other_are_refused_by_field(make_person, investigator):
    with pytest.raises(ValidationError) as error:
        case_register(
            person=make_person(),
            classification="confirmed",
            detected_at=at("2021-07-30T20:00"),
            onset_date=dt.date(2021, 8, 2),
            reported_at=at("2021-07-30T19:00"),
            by=investigator,
        )
    assert set(error.value.message_dict) == {"onset_date", "reported_at"}
    assert not Case.objects.exists()


def test_a_person_in_quarantine_is_taken_as_isolated_from_the_start_of_the_placement(
    make_person, investigator, site
):
    person = make_person()
    placement = placement_start(
        person=person,
        room=Room.objects.get(site=site, number="301"),
        category=ObservationCategory.CLOSE_CONTACT,
        starts_at=at("2021-07-29T10:00"),
        by=None,
    )
    case = case_register(
        person=person,
        classification="asymptomatic",
        detected_at=at("2021-07-31T20:00"),
        sampling_date=dt.date(2021, 7, 31),
        by=investigator,
    )
    assert case.isolated_at == placement.starts_at


def test_the_report_target_counts_from_the_finding(make_person, make_case, settings):
    hours = settings.FANGKONG_CASE_REPORT_HOURS
    case = make_case(make_person(), detected="2021-07-30T20:00")
    assert case.report_due_at() == at("2021-07-30T20:00") + dt.timedelta(hours=hours)
    inside = at("2021-07-30T20:00") + dt.timedelta(hours=hours, minutes=-1)
    outside = at("2021-07-30T20:00") + dt.timedelta(hours=hours, minutes=1)
    assert not Case.objects.report_overdue(inside).exists()
    assert list(Case.objects.report_overdue(outside)) == [case]
    case_report(case=case, reported_at=outside, by=None)
    assert not Case.objects.report_overdue(outside + dt.timedelta(days=1)).exists()
    assert list(Case.objects.reported_late()) == [case]
    with pytest.raises(Conflict, match="已于"):
        case_report(case=case, reported_at=outside, by=None)


def test_the_investigation_target_counts_from_the_report_and_stops_when_complete(
    make_person, make_case, investigator, settings
):
    hours = settings.FANGKONG_CASE_INVESTIGATION_HOURS
    case = make_case(make_person(), detected="2021-07-30T20:00", reported="2021-07-30T21:00")
    due = at("2021-07-30T21:00") + dt.timedelta(hours=hours)
    assert case.investigation_due_at() == due
    assert list(Case.objects.investigation_overdue(due + dt.timedelta(minutes=1))) == [case]
    investigation = case.investigation
    with pytest.raises(ValidationError) as error:
        investigation_complete(investigation=investigation, by=investigator)
    assert set(error.value.message_dict) == {"summary", "itinerary"}
    itinerary_add(
        investigation=investigation,
        starts_at=at("2021-07-28T18:00"),
        ends_at=at("2021-07-28T19:30"),
        place="家中",
        activity="与家人晚餐",
        companions="配偶、女儿",
        by=investigator,
    )
    investigation_update(
        investigation=investigation,
        investigator=investigator,
        likely_source="7月28日在酒吧与外地来锡人员接触",
        summary="已完成活动轨迹和密接排查",
        by=investigator,
    )
    done = investigation_complete(investigation=investigation, by=investigator)
    assert done.completed_at is not None
    assert not Case.objects.investigation_overdue(due + dt.timedelta(days=3)).exists()


def test_an_itinerary_entry_needs_a_venue_or_a_place(make_person, make_case, investigator):
    case = make_case(make_person())
    with pytest.raises(ValidationError) as error:
        itinerary_add(
            investigation=case.investigation,
            starts_at=at("2021-07-28T18:00"),
            ends_at=at("2021-07-28T17:00"),
            by=investigator,
        )
    assert set(error.value.message_dict) == {"place", "ends_at"}


def test_venue_code_scans_in_the_window_become_itinerary_entries_once(
    spec_city, make_case, investigator
):
    case = make_case(spec_city.persons["case1"], isolated="2021-07-29T00:00")
    entries = itinerary_from_checkins(investigation=case.investigation, by=investigator)
    # The bar on the 28th is inside [07-26, isolation); the café on the 25th is not.
    assert [(e.where, e.starts_at) for e in entries] == [("barA", at("2021-07-28T20:00"))]
    assert itinerary_from_checkins(investigation=case.investigation, by=investigator) == []
    assert ItineraryEntry.objects.count() == 1
    case.investigation.refresh_from_db()
    assert case.investigation.investigator == investigator


def test_classification_changes_are_dated_and_kept_in_order(make_person, make_case, investigator):
    case = make_case(make_person(), classification="asymptomatic")
    case_reclassify(
        case=case,
        classification="confirmed",
        changed_at=at("2021-08-01T10:00"),
        note="出现发热",
        by=investigator,
    )
    with pytest.raises(ValidationError) as error:
        case_reclassify(
            case=case,
            classification="asymptomatic",
            changed_at=at("2021-07-31T10:00"),
            by=investigator,
        )
    assert "changed_at" in error.value.message_dict
    case.refresh_from_db()
    assert case.classification == "confirmed"
    assert [c.classification for c in case.classifications.all()] == ["asymptomatic", "confirmed"]


def test_the_current_place_is_the_active_quarantine_room(make_person, make_case, site):
    person = make_person()
    case = make_case(person)
    assert case_place(case) is None
    room = Room.objects.get(site=site, number="301")
    placement_start(
        person=person,
        room=room,
        category=ObservationCategory.CLOSE_CONTACT,
        starts_at=timezone.now(),
        by=None,
    )
    place = case_place(case)
    assert place is not None
    assert (place.kind, place.place, place.unit) == ("quarantine", "锡惠大酒店", room.number)


def test_another_area_can_say_the_case_is_in_hospital_before_the_site_is_asked(
    make_person, make_case, site, city, monkeypatch
):
    hospital = Hospital.objects.create(name="市第五人民医院", jurisdiction=city)
    person = make_person()
    case = make_case(person)
    placement_start(
        person=person,
        room=Room.objects.get(site=site, number="301"),
        category=ObservationCategory.CLOSE_CONTACT,
        starts_at=timezone.now(),
        by=None,
    )
    monkeypatch.setattr(custody, "_place_providers", list(custody._place_providers))

    def admitted(p):
        if p.pk != person.pk:
            return None
        return CurrentPlace(
            kind="hospital",
            kind_label="定点医院",
            place=hospital.name,
            unit="隔离病区 3 床",
            since=None,
            record=hospital,
        )

    register_place_provider(admitted, priority=10)
    place = current_place(person)
    assert place is not None and (place.kind, place.record, place.unit) == (
        "hospital",
        hospital,
        "隔离病区 3 床",
    )
    assert str(place.kind_label) == "定点医院"
    assert case_place(case) == place
