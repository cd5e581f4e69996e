"""A close contact turns positive: their secondary contacts become close contacts, and when
they become a case they are traced in turn (2021 plan)."""

from __future__ import annotations

import pytest

from fangkong.cases.models import (
    Contact,
    ContactDegree,
    ContactSource,
    ContactStatus,
    TraceRun,
    TraceTrigger,
)
from fangkong.cases.services.cases import case_reclassify
from fangkong.cases.services.contacts import contact_confirm
from fangkong.cases.services.tracing import trace_run_start
from fangkong.cases.services.upgrades import contacts_upgrade_via
from fangkong.cases.tests.conftest import at
from fangkong.people.signals import contact_degree_changed

pytestmark = pytest.mark.django_db


@pytest.fixture
def confirmed(spec_city, make_case, investigator):
    """The spec example traced, every contact confirmed: p2 close; p3, p4, p5 via p2."""
    case = make_case(spec_city.persons["case1"])
    trace_run_start(case=case, by=investigator)
    for contact in Contact.objects.filter(case=case):
        contact_confirm(contact=contact, by=investigator)
    return case


@pytest.fixture
def heard():
    announcements: list[tuple[str, int, str]] = []

    def listener(sender, *, person, degree, via, by, **kwargs):
        announcements.append((person.name, degree, via.name))

    contact_degree_changed.connect(listener)
    yield announcements
    contact_degree_changed.disconnect(listener)


def _rows(case):
    return sorted(
        (c.person.name, c.degree, c.via.name, c.status)
        for c in Contact.objects.filter(case=case).select_related("person", "via")
    )


def test_a_close_contact_who_becomes_a_case_takes_over_and_upgrades_their_secondaries(
    confirmed, spec_city, make_case, heard
):
    # Given p2, a confirmed close contact of case1, whose own contacts p3, p4, p5 are
    # confirmed secondary contacts of case1.
    # When p2 is found positive and registered as a case.
    p2_case = make_case(spec_city.persons["p2"], onset="2021-07-31", detected="2021-07-31T20:00")
    # Then in case1's list those three are now managed as close contacts (through p2),
    upgraded = Contact.objects.filter(case=confirmed, degree=ContactDegree.CLOSE).exclude(
        person=spec_city.persons["p2"]
    )
    assert sorted(c.person.name for c in upgraded) == ["p3", "p4", "p5"]
    assert {c.upgraded_at for c in upgraded} == {at("2021-07-31T20:00")}
    # each of them announced once, so the quarantine area re-plans their placement,
    assert sorted(heard) == [("p3", 1, "p2"), ("p4", 1, "p2"), ("p5", 1, "p2")]
    # they are close contacts of the new case, keeping how far their control has got,
    inherited = Contact.objects.filter(case=p2_case, source=ContactSource.UPGRADE)
    assert sorted((c.person.name, c.degree, c.status) for c in inherited) == [
        ("p3", 1, ContactStatus.IDENTIFIED),
        ("p4", 1, ContactStatus.IDENTIFIED),
        ("p5", 1, ContactStatus.IDENTIFIED),
    ]
    # and the new case has been traced in turn from its own onset.
    run = TraceRun.objects.get(case=p2_case)
    assert run.trigger == TraceTrigger.UPGRADE
    assert run.window_start == at("2021-07-27T00:00")
    # Its trace finds case1 (with p2 at the bar) again, but case1 is the case p2 was found
    # through, infected already: it is not proposed as p2's contact.
    assert run.close_found == 4  # case1, p3, p4 and p5
    assert "case1" not in {row[0] for row in _rows(p2_case)}


def test_upgrading_twice_announces_nothing_new(confirmed, spec_city, make_case, heard):
    make_case(spec_city.persons["p2"], onset="2021-07-31", detected="2021-07-31T20:00")
    heard.clear()
    again = contacts_upgrade_via(person=spec_city.persons["p2"], at=at("2021-08-01T08:00"), by=None)
    assert again == [] and heard == []


def test_a_proposed_secondary_is_upgraded_but_not_announced(
    spec_city, make_case, heard, investigator
):
    case = make_case(spec_city.persons["case1"])
    trace_run_start(case=case, by=investigator)
    contact_confirm(contact=Contact.objects.get(case=case, person=spec_city.persons["p2"]), by=None)
    make_case(spec_city.persons["p2"], onset="2021-07-31", detected="2021-07-31T20:00")
    assert heard == []
    assert Contact.objects.get(case=case, person=spec_city.persons["p3"]).degree == 1


def test_a_suspected_case_sets_nothing_off_until_it_is_confirmed(
    confirmed, spec_city, make_case, investigator, heard
):
    suspected = make_case(
        spec_city.persons["p2"],
        onset="2021-07-31",
        detected="2021-07-31T20:00",
        classification="suspected",
    )
    assert heard == [] and not TraceRun.objects.filter(case=suspected).exists()
    case_reclassify(
        case=suspected,
        classification="confirmed",
        changed_at=at("2021-08-01T09:00"),
        note="复核阳性",
        by=investigator,
    )
    assert len(heard) == 3
    assert TraceRun.objects.get(case=suspected).trigger == TraceTrigger.UPGRADE
    assert list(
        suspected.classifications.order_by("changed_at").values_list("previous", "classification")
    ) == [("", "suspected"), ("suspected", "confirmed")]


def test_a_case_that_was_nobodys_contact_is_not_traced_automatically(make_person, make_case):
    case = make_case(make_person())
    assert not TraceRun.objects.filter(case=case).exists()
