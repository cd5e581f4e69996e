"""A day's new cases traced in one job (`fangkong trace-batch`), each recorded as its own run."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.management import call_command

from fangkong.__main__ import main as fangkong_main
from fangkong.cases.engines import platform_params
from fangkong.cases.models import Contact, TraceRun, TraceTrigger
from fangkong.cases.services.trace_batches import batch_cases, trace_batch_run
from fangkong.cases.services.tracing import _trace
from fangkong.cases.tests.conftest import at
from fangkong.quarantine.models import ObservationCategory, Room
from fangkong.quarantine.services.placements import placement_end, placement_start

pytestmark = pytest.mark.django_db


def _alone(case):
    """What tracing the case on its own finds."""
    return list(_trace(case, platform_params()).result.rows())


@pytest.fixture
def two_cases(spec_city, make_case):
    """case1 (onset 30 July) and p7, who sat with case1 at cafeC on the 25th (onset 27 July,
    so case1 falls inside p7's window while p7 is outside case1's): a case that is another
    case's close contact."""
    return (
        make_case(spec_city.persons["case1"], onset="2021-07-30"),
        make_case(spec_city.persons["p7"], onset="2021-07-27", detected="2021-07-30T09:00"),
    )


def test_a_day_s_new_cases_are_traced_together_and_each_finds_what_it_finds_alone(
    spec_city, two_cases, investigator
):
    case1, p7 = two_cases
    expected = {str(case1.person_id): _alone(case1), str(p7.person_id): _alone(p7)}

    outcome = trace_batch_run(day=at("2021-07-30T00:00").date(), by=investigator)

    assert [run.case_id for run in outcome.runs] == [case1.pk, p7.pk]
    assert {r.case_id: list(r.rows()) for r in outcome.results} == expected
    assert outcome.traced_alone == 0
    by_case = {run.case_id: run for run in outcome.runs}
    assert (by_case[case1.pk].close_found, by_case[case1.pk].secondary_found) == (1, 3)
    assert (by_case[p7.pk].close_found, by_case[p7.pk].secondary_found) == (1, 1)
    assert {run.trigger for run in outcome.runs} == {TraceTrigger.BATCH}
    assert Contact.objects.filter(case=p7, person=spec_city.persons["case1"]).exists()


def test_a_contact_under_control_between_two_cases_exposures_has_those_cases_traced_alone(
    spec_city, make_case, investigator, site
):
    # Given p2, close to case1 (barA, 28th 21:40) and to the case p5 (shopB, 29th 10:10),
    # in quarantine from 08:00 to 09:00 on the 29th: for case1 that placement ends p2's
    # secondary window, for p5 it came before the exposure and ends nothing.
    placement = placement_start(
        person=spec_city.persons["p2"],
        room=Room.objects.get(site=site, number="301"),
        category=ObservationCategory.CLOSE_CONTACT,
        starts_at=at("2021-07-29T08:00"),
        by=None,
    )
    placement_end(placement=placement, ended_at=at("2021-07-29T09:00"), reason="released", by=None)
    case1 = make_case(spec_city.persons["case1"])
    p5 = make_case(spec_city.persons["p5"], detected="2021-07-30T10:00")
    expected = {str(case1.person_id): _alone(case1), str(p5.person_id): _alone(p5)}

    # When the day is traced as one batch
    outcome = trace_batch_run(day=at("2021-07-30T00:00").date(), by=investigator)

    # Then both are traced on their own, and each finds exactly what it finds alone
    assert outcome.traced_alone == 2
    assert {r.case_id: list(r.rows()) for r in outcome.results} == expected
    names = {spec_city.name_of_person(int(p)) for p, *_ in expected[str(case1.person_id)]}
    assert "p5" not in names  # p2's window closed at 08:00, before the shop


def test_a_rerun_skips_the_cases_already_traced_unless_asked_again(two_cases, investigator):
    day = at("2021-07-30T00:00").date()
    trace_batch_run(day=day, by=investigator)

    rerun = trace_batch_run(day=day, by=investigator)
    assert (rerun.runs, len(rerun.already_traced)) == ([], 2)
    assert TraceRun.objects.count() == 2

    again = trace_batch_run(day=day, by=investigator, again=True)
    assert [run.proposed for run in again.runs] == [0, 0]  # nobody is proposed twice
    assert TraceRun.objects.count() == 4


def test_only_infections_new_that_day_are_in_the_batch(spec_city, make_case):
    make_case(spec_city.persons["case1"], onset="2021-07-29", detected="2021-07-29T23:59")
    reported = make_case(
        spec_city.persons["p3"],
        onset="2021-07-29",
        detected="2021-07-29T20:00",
        reported="2021-07-30T08:00",
    )
    found = make_case(spec_city.persons["p4"], detected="2021-07-30T00:00")
    make_case(spec_city.persons["p5"], detected="2021-07-30T10:00", classification="suspected")
    assert batch_cases(day=at("2021-07-30T00:00").date()) == sorted(
        [reported, found], key=lambda case: case.number
    )


def test_the_command_writes_one_table_with_each_row_s_case(spec_city, two_cases):
    out, err = io.StringIO(), io.StringIO()
    call_command("trace_batch", "--day", "2021-07-30", stdout=out, stderr=err)
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert list(rows[0]) == ["case_id", "person_id", "degree", "first_exposure", "venue_id", "via"]
    expected = sorted(
        (str(case.person_id), person, str(degree))
        for case in two_cases
        for person, degree, *_rest in _alone(case)
    )
    assert [(r["case_id"], r["person_id"], r["degree"]) for r in rows] == expected
    assert rows[0]["first_exposure"] == "2021-07-28T21:40:00+08:00"
    assert "2 cases traced" in err.getvalue()


def test_a_list_of_index_persons_is_traced_without_recording_anything(spec_city, tmp_path):
    listed = tmp_path / "index-persons.csv"
    listed.write_text(
        f"case_id,onset,isolated_at\n{spec_city.persons['case1'].pk},2021-07-30,\n",
        encoding="utf-8",
    )
    out = io.StringIO()
    call_command("trace_batch", "--cases", str(listed), "--degree", "1", stdout=out)
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert [(r["person_id"], r["degree"]) for r in rows] == [(str(spec_city.persons["p2"].pk), "1")]
    assert not TraceRun.objects.exists()


def test_commands_are_spelt_with_hyphens_on_the_command_line(monkeypatch):
    # Through Django's own entry point the command would close the test's connections.
    given: list[list[str]] = []
    monkeypatch.setattr(
        "django.core.management.execute_from_command_line", lambda argv: given.append(argv)
    )
    fangkong_main(["trace-batch", "--day", "2021-07-30"])
    fangkong_main(["--help"])
    assert given == [["fangkong", "trace_batch", "--day", "2021-07-30"], ["fangkong", "--help"]]
