"""Single occupancy, companions and moves: the invariants of placements."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from fangkong.core.models import AuditEvent
from fangkong.quarantine.models import Placement, PlacementEnd, Room
from fangkong.quarantine.services.placements import (
    PersonAlreadyPlaced,
    RoomOccupied,
    companion_start,
    placement_end,
    placement_move,
)
from fangkong.quarantine.signals import placement_started
from fangkong.quarantine.tests.support import T0, at, room


def test_a_second_person_in_an_occupied_room_is_refused_with_room_occupied(place, new_person):
    place(new_person("甲"), "301")
    with pytest.raises(RoomOccupied, match="301 已有人入住"):
        place(new_person("乙"), "301")
    assert Placement.objects.filter(room__number="301").count() == 1


def test_a_person_already_placed_cannot_be_placed_twice(place, new_person):
    person = new_person("甲")
    place(person, "301")
    with pytest.raises(PersonAlreadyPlaced, match="锡惠大酒店 301"):
        place(person, "302")


def test_the_database_itself_refuses_two_active_placements_in_one_room(place, new_person):
    first = place(new_person(), "301")
    with pytest.raises(IntegrityError), transaction.atomic():
        Placement.objects.create(
            person=new_person(),
            room=first.room,
            category=first.category,
            starts_at=first.starts_at,
        )


def test_a_staff_room_never_takes_a_person(place, new_person):
    with pytest.raises(ValidationError, match="不能用于隔离"):
        place(new_person(), "201")


def test_an_exposure_after_the_placement_start_is_refused(place, new_person):
    with pytest.raises(ValidationError) as refused:
        place(new_person(), "301", exposed_at=T0 + dt.timedelta(hours=1))
    assert "last_exposure_at" in refused.value.message_dict


def test_a_placement_records_its_plan_audits_and_signals(place, new_person, worker):
    heard = []

    def record(sender, placement, by, **kwargs):
        heard.append((placement.pk, by))

    placement_started.connect(record, dispatch_uid="test-record")
    try:
        placement = place(new_person(), "301")
    finally:
        placement_started.disconnect(dispatch_uid="test-record")
    assert heard == [(placement.pk, worker)]
    assert placement.observation_ends_on == dt.date(2021, 8, 10)  # exposure 27 July + 14 days
    assert [t.due_on.isoformat() for t in placement.tests.order_by("due_on")] == [
        "2021-07-28",
        "2021-07-31",
        "2021-08-03",
        "2021-08-10",
    ]
    audit = AuditEvent.objects.get(action="placement.start", object_id=str(placement.pk))
    assert audit.after is not None and "report_token" not in audit.after
    assert len(placement.report_token) >= 40


def test_ending_a_placement_frees_the_room(place, new_person, worker):
    first = place(new_person(), "301")
    placement_end(placement=first, ended_at=at(1), reason=PlacementEnd.OTHER, by=worker)
    assert Room.objects.free().filter(number="301").exists()
    place(new_person(), "301", starts_at=at(1, 12))


def test_a_child_may_have_one_approved_companion_who_shares_the_room(place, new_person, worker):
    child = place(new_person("小明", birth=dt.date(2012, 3, 1)), "301")
    mother = companion_start(
        placement=child,
        person=new_person("小明妈妈"),
        starts_at=at(0, 11),
        reason="9 岁儿童，需监护人陪护",
        approved_by=worker,
        by=worker,
    )
    assert mother.room == child.room and mother.companion_of == child
    assert mother.observation_ends_on == child.observation_ends_on
    with pytest.raises(Exception, match="已有陪护"):
        companion_start(
            placement=child,
            person=new_person("小明爸爸"),
            starts_at=at(0, 11),
            reason="第二位陪护",
            approved_by=worker,
            by=worker,
        )
    assert not Room.objects.free().filter(number="301").exists()


def test_an_adult_gets_a_companion_only_as_a_dependant(place, new_person, worker):
    adult = place(new_person("老王", birth=dt.date(1940, 1, 1)), "301")
    with pytest.raises(ValidationError, match="14 岁及以下"):
        companion_start(
            placement=adult,
            person=new_person(),
            starts_at=at(0, 11),
            reason="想有人陪",
            approved_by=worker,
            by=worker,
        )
    carer = companion_start(
        placement=adult,
        person=new_person("护工"),
        starts_at=at(0, 11),
        reason="偏瘫，生活不能自理",
        approved_by=worker,
        dependant=True,
        by=worker,
    )
    assert carer.companion_reason == "偏瘫，生活不能自理"


def test_a_companion_needs_an_approver_who_may_approve(place, new_person, worker, investigator):
    child = place(new_person(birth=dt.date(2015, 1, 1)), "301")
    with pytest.raises(ValidationError) as refused:
        companion_start(
            placement=child,
            person=new_person(),
            starts_at=at(0, 11),
            reason="儿童",
            approved_by=investigator,
            by=worker,
        )
    assert "approved_by" in refused.value.message_dict


def test_a_companion_left_alone_holds_the_room(place, new_person, worker):
    child = place(new_person(birth=dt.date(2012, 3, 1)), "301")
    mother = companion_start(
        placement=child,
        person=new_person(),
        starts_at=at(0, 11),
        reason="儿童",
        approved_by=worker,
        by=worker,
    )
    placement_end(placement=child, ended_at=at(2), reason=PlacementEnd.OTHER, by=worker)
    mother.refresh_from_db()
    assert mother.companion_of is None and mother.is_active
    assert not Room.objects.free().filter(number="301").exists()


def test_a_move_keeps_the_history_the_tests_and_the_self_report_link(
    place, new_person, worker, site
):
    first = place(new_person(), "301")
    token = first.report_token
    test_ids = set(first.tests.values_list("pk", flat=True))
    moved = placement_move(placement=first, room=room(site, "502"), moved_at=at(2), by=worker)
    first.refresh_from_db()
    assert first.end_reason == PlacementEnd.MOVED and first.report_token is None
    assert moved.moved_from == first and moved.report_token == token
    assert set(moved.tests.values_list("pk", flat=True)) == test_ids
    assert moved.observation_ends_on == first.observation_ends_on
    assert Room.objects.free().filter(number="301").exists()


def test_a_move_into_an_occupied_room_is_refused(place, new_person, worker, site):
    first = place(new_person(), "301")
    place(new_person(), "302")
    with pytest.raises(RoomOccupied):
        placement_move(placement=first, room=room(site, "302"), moved_at=at(1), by=worker)
    first.refresh_from_db()
    assert first.is_active
