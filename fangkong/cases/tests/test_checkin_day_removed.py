"""A day of check-ins removed from the database (retention, the archive) leaves tracing on
every platform engine and the itinerary entries taken from it keep venue and times.
Transactional: the memory engine reads through its own connection."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest

from fangkong.analytics.tracing import CaseQuery
from fangkong.cases.engines import forget_memory_engine, platform_engine, platform_params
from fangkong.cases.models import ItineraryEntry
from fangkong.cases.services.investigations import itinerary_from_checkins
from fangkong.cases.tests.conftest import at
from fangkong.venues.checkin_days import checkin_day_remove, checkin_partitions_ensure

pytestmark = pytest.mark.django_db(transaction=True)

BAR_DAY = dt.date(2021, 7, 28)


@pytest.fixture(params=["sql", "memory"])
def engine(request, settings) -> Iterator[str]:
    settings.FANGKONG_TRACE_ENGINE = request.param
    forget_memory_engine()
    yield request.param
    # Transactional tests empty the tables with TRUNCATE, which no trigger sees.
    forget_memory_engine()


def _contacts(spec_city) -> set[tuple[str, dt.date]]:
    case = spec_city.persons["case1"]
    result = platform_engine().trace(
        CaseQuery(str(case.pk), dt.date(2021, 7, 30)), platform_params(degree=1)
    )
    return {(spec_city.name_of_person(int(c.person_id)), c.first_exposure.date()) for c in result}


def test_a_removed_days_stays_no_longer_come_out_of_the_platform_engine(engine, spec_city):
    # Given the spec city traced once (the memory engine holds its copy), the 28th in its
    # own partition on PostgreSQL
    checkin_partitions_ensure(days=[BAR_DAY])
    before = _contacts(spec_city)
    assert any(day == BAR_DAY for _name, day in before)
    # When the 28th is removed from the database
    assert checkin_day_remove(day=BAR_DAY, reason="retention", by=None) > 0
    # Then no contact comes from its stays, and the other days' contacts remain
    after = _contacts(spec_city)
    assert all(day != BAR_DAY for _name, day in after)
    assert after == {(name, day) for name, day in before if day != BAR_DAY}


def test_removing_a_day_clears_the_itinerary_link_and_keeps_venue_and_times(
    spec_city, make_case, investigator
):
    case = make_case(spec_city.persons["case1"], isolated="2021-07-29T00:00")
    (entry,) = itinerary_from_checkins(investigation=case.investigation, by=investigator)
    assert entry.checkin_id is not None
    checkin_day_remove(day=BAR_DAY, reason="retention", by=None)
    entry = ItineraryEntry.objects.get(pk=entry.pk)
    assert entry.checkin_id is None
    assert (entry.venue_id, entry.starts_at) == (
        spec_city.venues["barA"].pk,
        at("2021-07-28T20:00"),
    )
