"""`FANGKONG_TRACE_ENGINE=spark`: the case page's trace and the day's batch on Spark, over the
archive's days and the table's, finding what the `sql` engine finds.

Spark runs in the SQLite pass only (one JVM per test process); the table reads it makes are
tested on both databases in analytics/tests/test_sql_window_reads.py.
"""

from __future__ import annotations

import datetime as dt

import pytest

from fangkong.analytics.tests.conftest import spark  # noqa: F401  (the session's fixture)
from fangkong.cases.engines import platform_params
from fangkong.cases.models import Contact
from fangkong.cases.services.trace_batches import trace_batch_run
from fangkong.cases.services.tracing import _trace, trace_run_start
from fangkong.cases.tests.conftest import at
from fangkong.venues.models import CheckIn
from fangkong.venues.services.checkin_archive import checkin_day_archive
from fangkong.venues.tests.archive_setup import archive_in_tmp

pytestmark = [pytest.mark.django_db, pytest.mark.spark, pytest.mark.sqlite_pass]


@pytest.fixture(autouse=True)
def _on_spark(settings, spark, tmp_path, monkeypatch):  # noqa: F811
    archive_in_tmp(settings, tmp_path, monkeypatch)
    settings.FANGKONG_TRACE_ENGINE = "spark"


def _found_by(settings, engine: str, case) -> list[tuple[str, int, int, str, str]]:
    previous = settings.FANGKONG_TRACE_ENGINE
    settings.FANGKONG_TRACE_ENGINE = engine
    try:
        return list(_trace(case, platform_params()).result.rows())
    finally:
        settings.FANGKONG_TRACE_ENGINE = previous


def _names(city, case) -> list[tuple[str, int, str]]:
    return sorted(
        (city.name_of_person(c.person_id), c.degree, city.name_of_venue(c.venue_id))
        for c in Contact.objects.filter(case=case)
    )


SPEC_CONTACTS = [("p2", 1, "barA"), ("p3", 2, "barA"), ("p4", 2, "barA"), ("p5", 2, "shopB")]


def test_a_trace_on_spark_proposes_the_spec_contacts_from_the_table(
    spec_city, make_case, investigator
):
    case = make_case(spec_city.persons["case1"])
    run = trace_run_start(case=case, by=investigator)
    assert run.engine == "spark"
    assert _names(spec_city, case) == SPEC_CONTACTS


def test_days_in_the_archive_and_days_in_the_table_are_traced_as_one(
    spec_city, make_case, investigator
):
    # Given the bar's night (28 July) and the days before it in the archive, and the
    # shop's morning (29 July, p2's second-degree exposure of p5) still in the table
    for day in (dt.date(2021, 7, 20), dt.date(2021, 7, 25), dt.date(2021, 7, 28)):
        checkin_day_archive(day=day, by=None)
    assert CheckIn.objects.count() == 2
    case = make_case(spec_city.persons["case1"])

    # Then Spark finds the spec's contacts, each at its first exposure
    trace_run_start(case=case, by=investigator)
    assert _names(spec_city, case) == SPEC_CONTACTS
    first = {
        spec_city.name_of_person(c.person_id): c.first_exposure
        for c in Contact.objects.filter(case=case)
    }
    assert (first["p2"], first["p5"]) == (at("2021-07-28T21:40"), at("2021-07-29T10:10"))


def test_a_day_s_batch_on_spark_finds_what_each_case_finds_on_its_own(
    spec_city, make_case, investigator, settings
):
    case1 = make_case(spec_city.persons["case1"])
    p7 = make_case(spec_city.persons["p7"], onset="2021-07-27", detected="2021-07-30T09:00")
    expected = {str(c.person_id): _found_by(settings, "sql", c) for c in (case1, p7)}
    outcome = trace_batch_run(day=at("2021-07-30T00:00").date(), by=investigator)
    assert {r.case_id: list(r.rows()) for r in outcome.results} == expected
    assert {run.engine for run in outcome.runs} == {"spark"}
