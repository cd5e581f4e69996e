"""The memory engine as the platform's engine: committed check-ins only, caught up on every
trace. Transactional tests: the engine reads through its own connection, which cannot see
a test transaction that is never committed."""

from __future__ import annotations

import csv
from collections.abc import Iterator

import pytest

from fangkong.cases.engines import forget_memory_engine
from fangkong.cases.models import Contact
from fangkong.cases.services.tracing import trace_run_start
from fangkong.cases.tests.conftest import EXAMPLE
from fangkong.venues.models import CheckIn

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def memory_engine(settings: object) -> Iterator[None]:
    settings.FANGKONG_TRACE_ENGINE = "memory"  # type: ignore[attr-defined]
    forget_memory_engine()
    yield
    # Transactional tests empty the tables with TRUNCATE, which no trigger sees.
    forget_memory_engine()


def _names(city, case) -> list[tuple[str, int, str]]:
    return [
        (city.name_of_person(c.person_id), c.degree, city.name_of_person(c.via_id))
        for c in Contact.objects.filter(case=case).order_by(
            "degree", "first_exposure", "person__name"
        )
    ]


def test_the_memory_engine_proposes_the_spec_contacts_and_then_a_stay_committed_later(
    memory_engine, spec_city, make_case, make_person, investigator
):
    # Given the spec's example city, copied into memory by a first trace
    case = make_case(spec_city.persons["case1"], onset="2021-07-30")
    run = trace_run_start(case=case, by=investigator)
    with open(EXAMPLE / "example-contacts.csv", encoding="utf-8") as expected:
        rows = [(r["person_id"], int(r["degree"]), r["via"]) for r in csv.DictReader(expected)]
    assert (run.engine, _names(spec_city, case)) == ("memory", rows)
    # When a newcomer's stay beside case1 is committed after the copy was made
    newcomer = make_person("newcomer")
    spec_city.persons["newcomer"] = newcomer
    first = next(iter(spec_city.venues.values()))
    case_stay = case.person.checkins.get(venue=first)
    CheckIn.objects.create(
        person=newcomer, venue=first, check_in=case_stay.check_in, check_out=case_stay.end()
    )
    # Then the next trace proposes the newcomer as a close contact of case1
    trace_run_start(case=case, by=investigator)
    assert ("newcomer", 1, "case1") in _names(spec_city, case)


def test_a_web_server_starts_building_the_copy_before_the_first_trace(memory_engine, spec_city):
    from fangkong.cases import engines

    thread = engines.warm_up_platform_engine()
    assert thread is not None
    thread.join(timeout=60)
    assert engines._memory_engine is not None and len(engines._memory_engine) == len(
        CheckIn.objects.all()
    )


def test_other_engines_need_no_warm_up(settings):
    from fangkong.cases.engines import warm_up_platform_engine

    settings.FANGKONG_TRACE_ENGINE = "sql"
    assert warm_up_platform_engine() is None
