"""Tracing from a case's page: the configured engine over the platform's own check-ins."""

from __future__ import annotations

import csv
import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from fangkong.cases.models import (
    Contact,
    ContactCategory,
    ContactDegree,
    ContactSource,
    ContactStatus,
    TraceTrigger,
)
from fangkong.cases.services.contacts import contact_confirm, contact_dismiss
from fangkong.cases.services.tracing import trace_run_start
from fangkong.cases.tests.conftest import EXAMPLE, at
from fangkong.people.signals import contact_degree_changed
from fangkong.quarantine.models import ObservationCategory, Room
from fangkong.quarantine.services.placements import placement_end, placement_start

pytestmark = pytest.mark.django_db


def _listed(city, case):
    return [
        (
            city.name_of_person(c.person_id),
            c.degree,
            timezone.localtime(c.first_exposure).strftime("%Y-%m-%dT%H:%M:%S"),
            city.name_of_venue(c.venue_id),
            city.name_of_person(c.via_id),
        )
        for c in Contact.objects.filter(case=case).order_by(
            "degree", "first_exposure", "person__name"
        )
    ]


def test_tracing_the_spec_example_on_the_platform_proposes_exactly_the_spec_contacts(
    spec_city, make_case, investigator
):
    case = make_case(spec_city.persons["case1"], onset="2021-07-30")
    run = trace_run_start(case=case, by=investigator)
    with open(EXAMPLE / "example-contacts.csv", encoding="utf-8") as expected:
        rows = [
            (r["person_id"], int(r["degree"]), r["first_exposure"], r["venue_id"], r["via"])
            for r in csv.DictReader(expected)
        ]
    assert _listed(spec_city, case) == rows
    assert (run.engine, run.close_found, run.secondary_found, run.proposed) == ("sql", 1, 3, 4)
    assert run.window_start == at("2021-07-26T00:00")
    assert set(Contact.objects.filter(case=case).values_list("status", flat=True)) == {
        ContactStatus.PROPOSED
    }
    assert set(Contact.objects.filter(case=case).values_list("source", "category")) == {
        (ContactSource.CHECKIN, ContactCategory.VENUE_CODE)
    }


def test_each_proposal_carries_its_evidence_the_overlap_and_the_last_shared_moment(
    spec_city, make_case, investigator
):
    case = make_case(spec_city.persons["case1"])
    trace_run_start(case=case, by=investigator)
    by_name = {spec_city.name_of_person(c.person_id): c for c in Contact.objects.filter(case=case)}
    # p2 shares 21:40-22:00 with the case; p5 shares 10:10-10:30 with p2 at the shop.
    assert (by_name["p2"].overlap_minutes, by_name["p2"].last_exposure) == (
        20,
        at("2021-07-28T22:00"),
    )
    # A secondary contact is observed from the day they are placed: only the overlap counts.
    assert (by_name["p5"].overlap_minutes, by_name["p5"].last_exposure) == (20, None)
    # p3 stays 21:50-22:50 with p2 (there until 23:00): an hour.
    assert by_name["p3"].overlap_minutes == 60
    assert by_name["p2"].evidence_text == "同在 barA，共处 20 分钟"


def test_the_case_isolation_ends_its_window(spec_city, make_case, investigator):
    # Isolated at 21:50: only ten minutes with p2, which is not enough.
    case = make_case(spec_city.persons["case1"], isolated="2021-07-28T21:50")
    run = trace_run_start(case=case, by=investigator)
    assert (run.close_found, run.secondary_found) == (0, 0)
    assert run.window_end == at("2021-07-28T21:50")
    assert not Contact.objects.filter(case=case).exists()


def test_a_close_contact_known_to_be_placed_under_control_ends_their_secondary_window(
    spec_city, make_case, investigator, site
):
    # p2 entered quarantine at 10:00 on the 29th, before the shop visit at 10:10: p5 was
    # never exposed to p2, while p3 and p4 (the night before) still were.
    placement_start(
        person=spec_city.persons["p2"],
        room=Room.objects.get(site=site, number="301"),
        category=ObservationCategory.CLOSE_CONTACT,
        starts_at=at("2021-07-29T10:00"),
        by=None,
    )
    case = make_case(spec_city.persons["case1"])
    run = trace_run_start(case=case, by=investigator)
    assert run.control_times == 1
    assert [row[0] for row in _listed(spec_city, case)] == ["p2", "p3", "p4"]


def test_a_placement_that_ended_before_the_exposure_does_not_end_the_window(
    spec_city, make_case, investigator, site
):
    earlier = placement_start(
        person=spec_city.persons["p2"],
        room=Room.objects.get(site=site, number="301"),
        category=ObservationCategory.INBOUND_TRAVELLER,
        starts_at=at("2021-07-10T10:00"),
        by=None,
    )
    placement_end(placement=earlier, ended_at=at("2021-07-20T10:00"), reason="released", by=None)
    run = trace_run_start(case=make_case(spec_city.persons["case1"]), by=investigator)
    assert (run.control_times, run.secondary_found) == (0, 3)


def test_a_degree_one_run_finds_only_close_contacts(spec_city, make_case, investigator):
    case = make_case(spec_city.persons["case1"])
    run = trace_run_start(case=case, degree=1, by=investigator)
    assert (run.degree, run.close_found, run.secondary_found) == (1, 1, 0)
    assert [row[0] for row in _listed(spec_city, case)] == ["p2"]


def test_tracing_again_keeps_what_investigators_decided(spec_city, make_case, investigator):
    case = make_case(spec_city.persons["case1"])
    trace_run_start(case=case, by=investigator)
    p2 = Contact.objects.get(case=case, person=spec_city.persons["p2"])
    p4 = Contact.objects.get(case=case, person=spec_city.persons["p4"])
    contact_confirm(contact=p2, by=investigator)
    contact_dismiss(contact=p4, reason="监控核实未同场", by=investigator)
    again = trace_run_start(case=case, by=investigator)
    assert (again.proposed, again.updated) == (0, 0)
    assert Contact.objects.filter(case=case).count() == 4
    p2.refresh_from_db()
    p4.refresh_from_db()
    assert (p2.status, p4.status) == (ContactStatus.IDENTIFIED, ContactStatus.DISMISSED)


def test_a_later_run_that_finds_a_secondary_contact_closer_upgrades_and_announces_it(
    spec_city, make_case, investigator, stay
):
    case = make_case(spec_city.persons["case1"])
    trace_run_start(case=case, by=investigator)
    p3 = Contact.objects.get(case=case, person=spec_city.persons["p3"])
    contact_confirm(contact=p3, by=investigator)
    # The interview finds the case also went shopping, with p3, the next day.
    stay(
        spec_city.persons["case1"],
        spec_city.venues["shopB"],
        "2021-07-29T12:00",
        "2021-07-29T13:00",
    )
    stay(spec_city.persons["p3"], spec_city.venues["shopB"], "2021-07-29T12:00", "2021-07-29T12:30")
    heard = []

    def listener(sender, **kwargs):
        heard.append((kwargs["person"].pk, kwargs["degree"], kwargs["via"].pk))

    contact_degree_changed.connect(listener)
    try:
        run = trace_run_start(case=case, by=investigator)
    finally:
        contact_degree_changed.disconnect(listener)
    p3.refresh_from_db()
    assert (p3.degree, p3.via_id, p3.venue_id) == (
        ContactDegree.CLOSE,
        spec_city.persons["case1"].pk,
        spec_city.venues["shopB"].pk,
    )
    assert p3.status == ContactStatus.IDENTIFIED
    assert heard == [(spec_city.persons["p3"].pk, 1, spec_city.persons["case1"].pk)]
    assert run.updated >= 1


def test_a_case_without_onset_or_sampling_date_cannot_be_traced(make_person, investigator):
    from fangkong.cases.services.cases import case_register

    case = case_register(
        person=make_person(),
        classification="suspected",
        detected_at=at("2021-07-30T20:00"),
        by=investigator,
    )
    with pytest.raises(ValidationError) as error:
        trace_run_start(case=case, by=investigator)
    assert "onset_date" in error.value.message_dict


def test_an_asymptomatic_case_is_traced_from_its_sampling_date(spec_city, investigator):
    from fangkong.cases.services.cases import case_register

    case = case_register(
        person=spec_city.persons["case1"],
        classification="asymptomatic",
        sampling_date=dt.date(2021, 7, 30),
        detected_at=at("2021-07-30T20:00"),
        by=investigator,
    )
    run = trace_run_start(case=case, by=investigator)
    assert (run.onset, run.close_found) == (dt.date(2021, 7, 30), 1)
    assert run.trigger == TraceTrigger.MANUAL


def test_an_unknown_engine_name_is_refused_clearly(spec_city, make_case, investigator, settings):
    from django.core.exceptions import ImproperlyConfigured

    case = make_case(spec_city.persons["case1"])
    settings.FANGKONG_TRACE_ENGINE = "hadoop"
    with pytest.raises(ImproperlyConfigured, match="known: disk, memory, spark, sql"):
        trace_run_start(case=case, by=investigator)


def test_a_stay_begun_days_before_the_exposure_still_has_its_evidence(
    spec_city, make_case, investigator, make_person, stay
):
    # A hotel guest at the shop's building since the 27th (a forgotten check-out) shares
    # p2's hour there on the 29th.
    guest = make_person("长住客")
    stay(guest, spec_city.venues["shopB"], "2021-07-27T08:00", "2021-07-29T12:00")
    case = make_case(spec_city.persons["case1"])
    trace_run_start(case=case, by=investigator)
    contact = Contact.objects.get(case=case, person=guest)
    assert (contact.degree, contact.first_exposure, contact.overlap_minutes) == (
        2,
        at("2021-07-29T10:10"),
        60,
    )


def test_the_system_check_names_a_misspelt_engine(settings):
    from fangkong.cases.engines import check_engine_setting

    assert check_engine_setting() == []
    settings.FANGKONG_TRACE_ENGINE = "sq1"
    [error] = check_engine_setting()
    assert error.id == "fangkong.cases.E001" and "sq1" in error.msg and "sql" in str(error.hint)
