"""Arrival registration: a report matched to the risk list becomes one verification task for
the community with the measure of the area's level; any other report is kept, and nothing
differs for a person the registry knows."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from fangkong.assist.models import AreaLevel, ArrivalReport, TaskStatus, VerificationTask
from fangkong.assist.services.arrivals import arrival_report_submit
from fangkong.assist.services.risk_areas import risk_area_create
from fangkong.core.models import AuditEvent
from fangkong.people.models import Person
from fangkong.testing.identities import resident_id

NOW = timezone.make_aware(dt.datetime(2021, 8, 2, 9, 30))


@pytest.fixture
def lukou(hq_admin):
    return risk_area_create(
        province="江苏省",
        city="南京市",
        name="江宁区禄口街道",
        level=AreaLevel.HIGH,
        since=dt.date(2021, 7, 20),
        by=hq_admin,
    )


@pytest.fixture
def hanjiang(hq_admin):
    return risk_area_create(
        city="扬州市",
        name="邗江区",
        level=AreaLevel.MEDIUM,
        since=dt.date(2021, 7, 28),
        by=hq_admin,
    )


def _report(jiankang, **changes):
    fields = {
        "name": "王五",
        "id_number": resident_id(dt.date(1990, 5, 6), sequence=17),
        "phone": "13912340000",
        "from_area": None,
        "from_text": "",
        "left_at": dt.date(2021, 8, 1),
        "arrived_at": NOW - dt.timedelta(hours=2),
        "address": "梁溪区崇安寺街道健康社区 8 号",
        "jurisdiction": jiankang,
        "at": NOW,
    }
    return arrival_report_submit(**{**fields, **changes})


def test_an_arrival_from_a_high_risk_area_is_a_task_for_the_community_with_its_measure(
    jiankang, lukou
):
    report = _report(jiankang, from_area=lukou)

    task = VerificationTask.objects.get()
    assert report.task == task and report.measure == "centralized"
    assert task.jurisdiction == jiankang and task.person == report.person
    # Arrivals from risk areas are "others" in the national plan: 24 hours by default.
    assert task.due_at == NOW + dt.timedelta(hours=24)
    audit = AuditEvent.objects.get(action="arrival_report.submit")
    assert audit.actor is None and audit.object_id == str(report.pk)


def test_a_typed_place_is_matched_by_city_and_area_and_takes_the_policy_measure(
    jiankang, hanjiang, settings
):
    settings.FANGKONG_ASSIST_MEDIUM_RISK_MEASURE = "health_monitoring"
    report = _report(jiankang, from_text="江苏 扬州 邗江区 文汇路")
    assert report.from_area == hanjiang and report.measure == "health_monitoring"
    assert report.task is not None


def test_a_departure_outside_the_areas_period_or_another_place_matches_nothing(jiankang, lukou):
    before = _report(jiankang, from_area=lukou, left_at=dt.date(2021, 7, 19))
    elsewhere = _report(
        jiankang, id_number=resident_id(sequence=18), from_text="上海市浦东新区禄口街道"
    )

    for report in (before, elsewhere):
        assert report.pk and report.measure == "" and report.task is None
    assert not VerificationTask.objects.exists()


def test_a_second_report_by_the_same_person_joins_their_open_task(jiankang, lukou):
    first = _report(jiankang, from_area=lukou)
    second = _report(jiankang, from_text="南京市江宁区禄口街道", at=NOW + dt.timedelta(hours=1))

    assert second.task == first.task
    assert VerificationTask.objects.filter(status=TaskStatus.OPEN).count() == 1
    assert ArrivalReport.objects.count() == 2 and Person.objects.filter(name="王五").count() == 1


def test_a_known_number_under_another_name_is_kept_against_that_record(jiankang, lukou, zhang_san):
    report = _report(jiankang, name="张叁", id_number=zhang_san.id_number, from_area=lukou)

    assert report.person == zhang_san and report.name == "张叁"
    assert report.task is not None and report.task.person == zhang_san
    assert Person.objects.filter(id_number=zhang_san.id_number).count() == 1


def test_bad_input_is_named_by_field_and_nothing_is_written(jiankang, liangxi):
    with pytest.raises(ValidationError) as refused:
        _report(
            liangxi,
            id_number="123",
            phone="",
            left_at=dt.date(2021, 8, 3),
            arrived_at=NOW,
            address="",
        )
    assert set(refused.value.message_dict) >= {
        "id_number",
        "phone",
        "from_text",
        "left_at",
        "address",
        "jurisdiction",
    }
    assert not ArrivalReport.objects.exists() and not Person.objects.exists()
