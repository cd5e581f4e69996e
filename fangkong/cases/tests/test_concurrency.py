"""What holds when investigators act at the same instant (PostgreSQL: real concurrency)."""

from __future__ import annotations

from functools import partial

import pytest

from fangkong.cases.models import Case, Contact, TraceRun
from fangkong.cases.services.cases import case_register
from fangkong.cases.services.contacts import contact_add
from fangkong.cases.services.tracing import trace_run_start
from fangkong.cases.tests.conftest import at
from fangkong.core.errors import Conflict
from fangkong.testing.concurrency import run_concurrently

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_two_registrations_of_one_person_make_one_case_and_one_clear_refusal(make_person):
    person = make_person("并发")
    outcomes = run_concurrently(
        [
            lambda: case_register(
                person=person,
                classification="confirmed",
                detected_at=at("2021-07-30T20:00"),
                by=None,
            )
            for _ in range(4)
        ]
    )
    assert Case.objects.filter(person=person).count() == 1
    assert len(outcomes.results) == 1
    assert len(outcomes.errors) == 3 and all(isinstance(e, Conflict) for e in outcomes.errors)


def test_two_different_cases_registered_at_once_get_different_numbers(make_person):
    people = [make_person() for _ in range(4)]
    outcomes = run_concurrently(
        [
            partial(
                case_register,
                person=p,
                classification="confirmed",
                detected_at=at("2021-07-30T20:00"),
                by=None,
            )
            for p in people
        ]
    )
    assert outcomes.errors == []
    assert sorted(Case.objects.values_list("number", flat=True)) == [
        "WX-2021-001",
        "WX-2021-002",
        "WX-2021-003",
        "WX-2021-004",
    ]


def test_traces_of_one_case_at_once_propose_each_person_once(spec_city, make_case):
    case = make_case(spec_city.persons["case1"])
    outcomes = run_concurrently([lambda: trace_run_start(case=case, by=None) for _ in range(3)])
    assert outcomes.errors == []
    assert TraceRun.objects.filter(case=case).count() == 3
    assert Contact.objects.filter(case=case).count() == 4
    assert sorted(TraceRun.objects.values_list("proposed", flat=True)) == [0, 0, 4]


def test_the_same_person_named_twice_at_once_is_listed_once(make_person, make_case):
    case = make_case(make_person())
    spouse = make_person("配偶")
    outcomes = run_concurrently(
        [
            lambda: contact_add(
                case=case,
                person=spouse,
                degree=1,
                category="household",
                evidence="同住",
                by=None,
            )
            for _ in range(3)
        ]
    )
    assert Contact.objects.filter(case=case, person=spouse).count() == 1
    assert len(outcomes.results) == 1
    assert all(isinstance(e, Conflict) for e in outcomes.errors)
