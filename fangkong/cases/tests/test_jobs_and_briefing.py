"""The area's periodic alerts and its part of the daily briefing."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from fangkong.alerts.models import Alert
from fangkong.cases.briefing import briefing_section
from fangkong.cases.jobs import JOBS, case_targets_run, control_overdue_run
from fangkong.cases.models import Case, Contact
from fangkong.cases.services.cases import case_report
from fangkong.cases.services.contacts import contact_add, contact_control_record
from fangkong.cases.tests.conftest import at

pytestmark = pytest.mark.django_db


def test_a_district_with_contacts_past_the_deadline_gets_one_alert_until_they_are_held(
    make_person, make_case, investigator, hubin, binhu
):
    case = make_case(make_person())
    late = [
        contact_add(
            case=case,
            person=make_person(home=hubin),
            degree=1,
            category="other",
            evidence="同车",
            at=at("2021-07-30T21:00"),
            by=investigator,
        )
        for _ in range(2)
    ]
    now = timezone.now()
    assert control_overdue_run(now) == 1
    assert control_overdue_run(now) == 0  # a rerun raises nothing twice
    alert = Alert.objects.open().get(kind="cases.control_overdue")
    assert alert.jurisdiction == binhu and "2 名密接" in alert.title
    for contact in late:
        contact_control_record(contact=contact, note="居家隔离", by=investigator)
    assert control_overdue_run(now) == 1
    assert not Alert.objects.open().filter(kind="cases.control_overdue").exists()


def test_cases_past_their_targets_are_alerted_and_cleared_when_met(make_person, make_case):
    case = make_case(make_person(), detected="2021-07-30T20:00")
    now = timezone.now()
    assert case_targets_run(now) == 2  # not reported; investigation not finished
    assert case_targets_run(now) == 0
    case_report(case=case, reported_at=at("2021-07-30T23:00"), by=None)
    case_targets_run(now)
    kinds = set(Alert.objects.open().values_list("kind", flat=True))
    assert kinds == {"cases.investigation_overdue"}
    assert [name for name, _run in JOBS] == [
        "cases.trace_queue",
        "cases.control_overdue",
        "cases.case_targets",
    ]


def test_the_briefing_counts_the_days_new_cases_contacts_and_clusters(
    make_person, make_case, investigator
):
    day = dt.date(2021, 7, 30)
    first = make_case(
        make_person("甲"),
        onset="2021-07-28",
        detected="2021-07-29T08:00",
        reported="2021-07-29T09:00",
    )
    spouse = make_person("乙")
    contact_add(
        case=first,
        person=spouse,
        degree=1,
        category="household",
        evidence="同住",
        at=at("2021-07-29T12:00"),
        by=investigator,
    )
    make_case(
        spouse,
        onset="2021-07-30",
        detected="2021-07-30T08:00",
        reported="2021-07-30T09:00",
        classification="asymptomatic",
    )
    make_case(make_person("丙"), detected="2021-07-30T10:00", reported="2021-07-30T11:00")
    section = briefing_section(day=day)
    values = {f.key: f.value for f in section.figures}
    assert (values["cases.new_confirmed"], values["cases.new_asymptomatic"]) == (1, 1)
    assert values["cases.infected_total"] == 3 and values["cases.clusters"] == 1
    assert values["cases.close_contacts"] == 1
    assert section.key == "cases" and section.order == 40
    assert "新增确诊病例 1 例、无症状感染者 1 例" in section.paragraphs[0]
    assert any(t.title == "聚集性疫情" for t in section.tables)


def test_the_briefings_charts_count_new_cases_and_contacts_controlled_in_time_by_day(
    settings, make_person, make_case, investigator
):
    settings.FANGKONG_BRIEFING_TREND_DAYS = 3
    settings.FANGKONG_CONTACT_CONTROL_HOURS = 12
    day = dt.date(2021, 7, 30)
    first = make_case(
        make_person(), onset="2021-07-27", detected="2021-07-27T20:00", reported="2021-07-28T09:00"
    )
    # Found on the 29th, not reported: counted on the day it was found.
    make_case(
        make_person(),
        onset="2021-07-29",
        detected="2021-07-29T22:00",
        classification="asymptomatic",
    )
    make_case(
        make_person(), onset="2021-07-29", detected="2021-07-29T08:00", reported="2021-07-30T10:00"
    )
    # Reported, or found, after the briefing's day: not in it.
    make_case(make_person(), detected="2021-07-30T23:00", reported="2021-07-31T01:00")
    make_case(make_person(), detected="2021-07-31T10:00")
    history = [  # identified, controlled
        ("2021-07-28T10:00", "2021-07-28T20:00"),  # in time
        ("2021-07-28T12:00", "2021-07-29T08:00"),  # late
        ("2021-07-29T09:00", None),  # late, never controlled
        ("2021-07-30T18:00", "2021-07-31T02:00"),  # in time, but not yet by the day's end
        ("2021-07-30T20:00", "2021-07-30T22:00"),  # in time
        ("2021-07-31T09:00", None),  # after the day
    ]
    for identified, controlled in history:
        contact = contact_add(
            case=first,
            person=make_person(),
            degree=1,
            category="household",
            evidence="同住",
            at=at(identified),
            by=investigator,
        )
        if controlled:
            contact_control_record(contact=contact, note="居家", at=at(controlled), by=investigator)

    new, found = briefing_section(day=day).charts

    days = [dt.date(2021, 7, d) for d in (28, 29, 30)]
    assert new.labels == found.labels == ("7/28", "7/29", "7/30")
    end = at("2021-07-31T00:00")
    limit = dt.timedelta(hours=12)

    def new_on(d, classification):
        return sum(
            1
            for c in Case.objects.all()
            if c.classification == classification
            and timezone.localdate(c.reported_at or c.detected_at) == d
        )

    def in_time_by_end(c: Contact) -> bool:
        controlled, identified = c.controlled_at, c.identified_at
        if controlled is None or identified is None:
            return False
        return controlled < end and controlled <= identified + limit

    def found_on(d, in_time=False):
        return sum(
            1
            for c in Contact.objects.all()
            if timezone.localdate(c.identified_at) == d and (not in_time or in_time_by_end(c))
        )

    confirmed, asymptomatic = (s.values for s in new.series)
    assert confirmed == tuple(new_on(d, "confirmed") for d in days) == (1, 0, 1)
    assert asymptomatic == tuple(new_on(d, "asymptomatic") for d in days) == (0, 1, 0)
    contacts, in_time = found.series
    assert contacts.values == tuple(found_on(d) for d in days) == (2, 1, 2)
    assert in_time.values == tuple(found_on(d, in_time=True) for d in days) == (1, 0, 1)
    assert in_time.name == "12小时内管控"
