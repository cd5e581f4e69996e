"""Recording a verification (落地核查): the measure is applied through the area that owns it,
every list naming the person is answered, and a list whose rows are all answered closes."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from fangkong.assist.models import (
    AssistRequest,
    AssistRow,
    Direction,
    Outcome,
    RequestCategory,
    RequestStatus,
    RowMatch,
    TaskStatus,
)
from fangkong.assist.services.tasks import verification_task_assign
from fangkong.assist.services.verification import VerificationDone, verification_task_record
from fangkong.cases.models import Contact, ContactCategory, ContactSource, ContactStatus
from fangkong.cases.services.cases import case_register
from fangkong.core.models import AuditEvent
from fangkong.people.services import person_register
from fangkong.quarantine.models import Placement, Room, RoomKind
from fangkong.quarantine.services.placements import placement_start
from fangkong.quarantine.services.sites import rooms_create, site_create
from fangkong.testing.concurrency import run_concurrently
from fangkong.testing.identities import resident_id

HOURS = dt.timedelta(hours=1)


@pytest.fixture
def received_at():
    return timezone.now() - 3 * HOURS


@pytest.fixture
def hotel(liangxi):
    site = site_create(name="核查测试酒店", jurisdiction=liangxi, by=None)
    rooms_create(site=site, floors=[3], per_floor=3, kind=RoomKind.SINGLE, by=None)
    return site


@pytest.fixture
def free_room(hotel):
    return Room.objects.filter(site=hotel).order_by("number").first()


def incoming(number, received_at, counterpart="南京市"):
    return AssistRequest.objects.create(
        direction=Direction.INCOMING,
        number=number,
        counterpart=counterpart,
        received_at=received_at,
        status=RequestStatus.OPEN,
    )


def row(request, number, person, task, *, category=RequestCategory.CLOSE_CONTACT):
    return AssistRow.objects.create(
        request=request,
        row_number=number,
        name=person.name if person else "无名",
        id_number=person.id_number if person else "",
        phone=person.phone if person else "",
        category=category,
        exposure_place="禄口国际机场T2航站楼",
        exposure_at=request.received_at - 24 * HOURS,
        person=person,
        match=RowMatch.ID_DOCUMENT if person else RowMatch.NONE,
        task=task,
        due_at=task.due_at if task else None,
    )


@pytest.fixture
def task_of(jiankang, received_at):
    def make(person, *rows_of):
        task = verification_task_assign(
            person=person,
            jurisdiction=jiankang,
            due_at=received_at + 12 * HOURS,
            at=received_at,
            by=None,
        )
        for request, number in rows_of:
            row(request, number, person, task)
        return task

    return make


def record(task, by, **fields):
    defaults = {"reached": True, "location": "", "outcome": Outcome.HOME_QUARANTINE}
    return verification_task_record(task=task, by=by, at=timezone.now(), **{**defaults, **fields})


def test_a_person_placed_through_a_verification_is_under_control_in_the_cases_area_once(
    zhang_san, investigator, liangxi_officer, free_room, task_of, received_at
):
    # Given a close contact of our own case, also named on another city's list
    someone = person_register(
        name="王五", id_number=resident_id(dt.date(1970, 1, 1)), by=None
    ).person
    case = case_register(
        person=someone,
        classification="confirmed",
        detected_at=received_at - 5 * HOURS,
        by=investigator,
    )
    contact = Contact.objects.create(
        case=case,
        person=zhang_san,
        degree=1,
        via=someone,
        category=ContactCategory.OTHER,
        source=ContactSource.INTERVIEW,
        status=ContactStatus.IDENTIFIED,
        identified_at=received_at - 4 * HOURS,
    )
    task = task_of(zhang_san, (incoming("NJ-1", received_at), 1))
    # When the verifier places them in a free room
    task = record(task, liangxi_officer, outcome=Outcome.CENTRALIZED, room=free_room, location="")
    # Then the quarantine area holds them, the task links the placement
    placement = Placement.objects.get(person=zhang_san, ended_at__isnull=True)
    assert task.placement == placement and placement.room == free_room
    assert placement.category == "close_contact"
    # and the cases area's record is under control in that placement, written once
    contact.refresh_from_db()
    assert contact.status == ContactStatus.UNDER_CONTROL
    assert contact.placement == placement
    controls = AuditEvent.objects.filter(
        action="contact.control", object_type="cases.contact", object_id=str(contact.pk)
    )
    assert controls.count() == 1


def test_recording_answers_every_row_of_the_person_and_closes_the_lists_fully_answered(
    zhang_san, li_si, liangxi_officer, task_of, received_at
):
    # Given two lists naming 张三; the second also names 李四
    first, second = incoming("NJ-1", received_at), incoming("SZ-9", received_at, "苏州市")
    task = task_of(zhang_san, (first, 1), (second, 1))
    task_of(li_si, (second, 2))
    # When 张三 is verified as under home quarantine
    task = record(task, liangxi_officer, location="健康社区 5 幢 301")
    # Then both rows carry the answer, and only the list with nothing left open closes
    answers = AssistRow.objects.filter(task=task)
    assert {(r.outcome, r.answered_at) for r in answers} == {
        (Outcome.HOME_QUARANTINE, task.verified_at)
    }
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == RequestStatus.CLOSED and first.closed_at == task.verified_at
    assert second.status == RequestStatus.OPEN
    assert AuditEvent.objects.filter(action="assist_request.close").count() == 1
    assert AuditEvent.objects.filter(action="verification_task.record").count() == 1


def test_a_list_with_a_row_nobody_could_identify_stays_open(
    zhang_san, liangxi_officer, task_of, received_at
):
    request = incoming("NJ-2", received_at)
    task = task_of(zhang_san, (request, 1))
    row(request, 2, None, None)  # the manual queue
    record(task, liangxi_officer, location="健康社区")
    request.refresh_from_db()
    assert request.status == RequestStatus.OPEN


def test_home_quarantine_puts_the_awaiting_contact_record_under_control_where_they_are(
    zhang_san, investigator, liangxi_officer, task_of, received_at
):
    someone = person_register(
        name="赵六", id_number=resident_id(dt.date(1971, 2, 2)), by=None
    ).person
    case = case_register(
        person=someone,
        classification="confirmed",
        detected_at=received_at - 5 * HOURS,
        by=investigator,
    )
    contact = Contact.objects.create(
        case=case,
        person=zhang_san,
        degree=2,
        via=someone,
        category=ContactCategory.OTHER,
        source=ContactSource.INTERVIEW,
        status=ContactStatus.NOTIFIED,
        identified_at=received_at - 4 * HOURS,
        notified_at=received_at - 4 * HOURS,
    )
    task = task_of(zhang_san, (incoming("NJ-3", received_at), 1))
    record(task, liangxi_officer, location="健康社区 5 幢 301")
    contact.refresh_from_db()
    assert contact.status == ContactStatus.UNDER_CONTROL
    assert "健康社区 5 幢 301" in contact.control_note


@pytest.mark.parametrize(
    ("outcome", "field"),
    [
        (Outcome.CENTRALIZED, "room"),
        (Outcome.NOT_FOUND, "tried"),
        (Outcome.LEFT_CITY, "destination_city"),
        (Outcome.HEALTH_MONITORING, "location"),
    ],
)
def test_what_an_outcome_needs_is_asked_for_on_its_field(
    zhang_san, liangxi_officer, task_of, received_at, outcome, field
):
    task = task_of(zhang_san, (incoming("NJ-4", received_at), 1))
    reached = outcome != Outcome.NOT_FOUND
    with pytest.raises(ValidationError) as refused:
        record(task, liangxi_officer, outcome=outcome, reached=reached)
    assert field in refused.value.message_dict
    task.refresh_from_db()
    assert task.status == TaskStatus.OPEN


def test_a_task_already_verified_is_a_conflict(zhang_san, liangxi_officer, task_of, received_at):
    task = task_of(zhang_san, (incoming("NJ-5", received_at), 1))
    record(task, liangxi_officer, location="健康社区")
    with pytest.raises(VerificationDone):
        record(task, liangxi_officer, outcome=Outcome.NOT_FOUND, reached=False, tried="电话不通")


def test_a_person_who_left_is_forwarded_on_the_destinations_outgoing_list(
    zhang_san, liangxi_officer, task_of, received_at
):
    task = task_of(zhang_san, (incoming("NJ-6", received_at), 1))
    task = record(
        task,
        liangxi_officer,
        outcome=Outcome.LEFT_CITY,
        reached=True,
        destination_city="常州市",
    )
    forwarded = task.forwarded_to
    assert forwarded.direction == Direction.OUTGOING and forwarded.status == RequestStatus.DRAFT
    assert forwarded.counterpart == "常州市"
    assert forwarded.rows.get().person == zhang_san
    assert "常州市" in AssistRow.objects.get(task=task).outcome_note


def test_already_controlled_is_accepted_only_while_custody_holds_the_person(
    zhang_san, liangxi_officer, free_room, task_of, received_at
):
    task = task_of(zhang_san, (incoming("NJ-7", received_at), 1))
    with pytest.raises(ValidationError) as refused:
        record(task, liangxi_officer, outcome=Outcome.ALREADY_CONTROLLED)
    assert "outcome" in refused.value.message_dict
    placement_start(
        person=zhang_san,
        room=free_room,
        category="close_contact",
        starts_at=timezone.now() - HOURS,
        by=None,
    )
    task = record(task, liangxi_officer, outcome=Outcome.ALREADY_CONTROLLED)
    assert task.outcome == Outcome.ALREADY_CONTROLLED
    assert free_room.number in task.location


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_verifiers_recording_one_task_at_once_leave_one_result(
    zhang_san, liangxi_officer, investigator, task_of, received_at
):
    task = task_of(zhang_san, (incoming("NJ-8", received_at), 1))
    calls = [
        lambda: record(task, liangxi_officer, location="健康社区 5 幢 301"),
        lambda: record(
            task, investigator, outcome=Outcome.NOT_FOUND, reached=False, tried="上门无人"
        ),
    ]
    outcomes = run_concurrently(calls)
    assert len(outcomes.results) == 1
    assert len(outcomes.errors) == 1 and isinstance(outcomes.errors[0], VerificationDone)
    task.refresh_from_db()
    assert task.outcome == outcomes.results[0].outcome
    assert AuditEvent.objects.filter(action="verification_task.record").count() == 1
    assert AssistRow.objects.get(task=task).outcome == task.outcome
