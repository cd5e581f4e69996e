"""A positive in a quarantine site becomes the investigators' worklist until it is a case."""

from __future__ import annotations

import pytest
from django.urls import reverse

from fangkong.cases.models import CaseClassification
from fangkong.cases.selectors.site_positives import site_positives_awaiting_case
from fangkong.cases.services.cases import case_reclassify
from fangkong.cases.services.tracing import trace_run_start
from fangkong.cases.tests.conftest import at
from fangkong.quarantine.models import ObservationCategory, Room, SampleResult
from fangkong.quarantine.services.placements import placement_start
from fangkong.quarantine.services.sampling import sample_record

pytestmark = pytest.mark.django_db


@pytest.fixture
def tested_positive(site, make_person):
    """A close contact in room 301 since 28 July whose day-4 swab came back positive."""
    person = make_person("阳性者")
    placement = placement_start(
        person=person,
        room=Room.objects.get(site=site, number="301"),
        category=ObservationCategory.CLOSE_CONTACT,
        starts_at=at("2021-07-28T10:00"),
        by=None,
    )
    test = placement.tests.order_by("due_on")[1]
    sample_record(
        test=test,
        sampled_at=at("2021-07-31T08:00"),
        lab="市疾控中心",
        result=SampleResult.POSITIVE,
        result_at=at("2021-07-31T15:30"),
        by=None,
    )
    return placement


def test_a_positive_in_a_site_waits_for_a_case_until_one_is_registered(
    tested_positive, make_case, investigator
):
    waiting = site_positives_awaiting_case(viewer=investigator)
    assert [p.person for p in waiting] == [tested_positive.person]
    assert waiting[0].sampled_at == at("2021-07-31T08:00")

    make_case(tested_positive.person, onset="2021-07-31", detected="2021-07-31T16:00")

    assert site_positives_awaiting_case(viewer=investigator) == []


def test_a_suspected_case_takes_a_positive_off_the_list_and_an_excluded_one_puts_it_back(
    tested_positive, make_case, investigator
):
    suspected = make_case(
        tested_positive.person,
        onset="2021-07-31",
        detected="2021-07-31T16:00",
        classification=CaseClassification.SUSPECTED,
    )
    assert site_positives_awaiting_case(viewer=investigator) == []

    case_reclassify(
        case=suspected,
        classification=CaseClassification.EXCLUDED,
        changed_at=at("2021-08-01T09:00"),
        by=investigator,
    )

    assert len(site_positives_awaiting_case(viewer=investigator)) == 1


def test_a_district_sees_only_the_positives_in_or_from_its_own_area(
    tested_positive, liangxi_officer, binhu_officer
):
    assert len(site_positives_awaiting_case(viewer=liangxi_officer)) == 1
    assert site_positives_awaiting_case(viewer=binhu_officer) == []


def test_the_case_form_starts_from_what_the_site_already_knows(
    client, tested_positive, investigator
):
    # Given the positive on the case list
    client.force_login(investigator)
    listing = client.get(reverse("cases:list"))
    test = tested_positive.tests.get(outcome="positive")
    assert f"?test={test.pk}" in listing.content.decode()

    # When the investigator follows it to the case form
    form = client.get(reverse("cases:create"), {"test": test.pk}).context["form"]

    # Then who, when sampled, since when isolated and how found are filled in
    person = tested_positive.person
    assert form.initial["name"] == person.name
    assert form.initial["id_number"] == person.id_number
    assert form.initial["sampling_date"] == "2021-07-31"
    assert form.initial["isolated_at"] == "2021-07-28T10:00"
    assert "锡惠大酒店 301" in form.initial["detection_note"]


def test_a_test_out_of_reach_fills_in_nothing(client, tested_positive, binhu_officer):
    client.force_login(binhu_officer)
    test = tested_positive.tests.get(outcome="positive")
    form = client.get(reverse("cases:create"), {"test": test.pk}).context["form"]
    assert "name" not in form.initial


def test_a_positive_on_day_ten_of_quarantine_is_a_case_whose_tracing_window_is_empty(
    site, make_person, make_venue, stay, make_case, investigator
):
    # Given a person held in room 302 since 20 July, and a check-in recorded on their ID at a
    # bar on 28 July next to someone else (inside the lookback, after the isolation)
    person, neighbour = make_person("第十天阳性"), make_person("酒吧邻座")
    placement = placement_start(
        person=person,
        room=Room.objects.get(site=site, number="302"),
        category=ObservationCategory.CLOSE_CONTACT,
        starts_at=at("2021-07-20T10:00"),
        by=None,
    )
    bar = make_venue("某酒吧")
    stay(person, bar, "2021-07-28T20:00", "2021-07-28T22:00")
    stay(neighbour, bar, "2021-07-28T20:00", "2021-07-28T22:00")

    # When they test positive on day 11 and the case is registered and traced
    case = make_case(person, onset="2021-07-31", detected="2021-07-31T16:00")
    run = trace_run_start(case=case, by=investigator)

    # Then the case was isolated from the placement's start, before its window opened, and
    # nobody is a contact of it
    assert case.isolated_at == placement.starts_at
    assert (run.close_found, run.secondary_found) == (0, 0), "window not empty"
