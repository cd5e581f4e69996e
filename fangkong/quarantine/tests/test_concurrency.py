"""Single occupancy under fire: 100 concurrent placement requests at 10 free rooms, through
the service and through the API, on PostgreSQL (SQLite serialises writers, so only a real
server shows the race)."""

import threading
from collections import Counter

import pytest
from django.db import connection, connections
from django.db.models import Count
from rest_framework.test import APIClient

from fangkong.core.errors import Conflict
from fangkong.quarantine.models import Placement, Room, RoomKind
from fangkong.quarantine.services.placements import RoomOccupied, placement_start
from fangkong.quarantine.services.sites import rooms_create, site_create
from fangkong.quarantine.tests.support import T0
from fangkong.testing.concurrency import run_concurrently

REQUESTS = 100
ROOMS = 10


def _connection_budget() -> int:
    """How many threads may hold a connection at once: the server's limit (100 by default,
    shared with other test runs) minus those in use, with a margin."""
    with connection.cursor() as cursor:
        cursor.execute("SHOW max_connections")
        limit = int(cursor.fetchone()[0])
        cursor.execute("SELECT count(*) FROM pg_stat_activity")
        used = int(cursor.fetchone()[0])
    return max(8, min(REQUESTS, (limit - used) // 2))


def _bounded(calls):
    """All calls start together (the barrier in run_concurrently); at most the budget of
    them hold a database connection at a time."""
    gate = threading.BoundedSemaphore(_connection_budget())

    def wrap(call):
        def run():
            with gate:
                try:
                    return call()
                finally:
                    connections.close_all()

        return run

    return [wrap(call) for call in calls]


@pytest.fixture
def ten_rooms(jiankang, hq_admin):
    site = site_create(name="并发测试酒店", jurisdiction=jiankang, by=hq_admin)
    rooms = rooms_create(site=site, floors=[8], per_floor=ROOMS, kind=RoomKind.SINGLE, by=hq_admin)
    return site, rooms


@pytest.fixture
def hundred_people(new_person):
    return [new_person(f"并发{i}") for i in range(REQUESTS)]


def _no_room_holds_two(site) -> None:
    doubled = (
        Placement.objects.active()
        .filter(room__site=site, companion_of__isnull=True)
        .values("room")
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
    )
    assert list(doubled) == []


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_100_concurrent_placements_through_the_service_fill_10_rooms_exactly(
    ten_rooms, hundred_people, hq_admin
):
    site, rooms = ten_rooms
    calls = [
        (lambda person=person, room=rooms[i % ROOMS]: placement_start(
            person=person, room=room, category="close_contact", starts_at=T0, by=hq_admin
        ))
        for i, person in enumerate(hundred_people)
    ]  # fmt: skip
    outcomes = run_concurrently(_bounded(calls))
    assert len(outcomes.results) == ROOMS
    assert len(outcomes.errors) == REQUESTS - ROOMS
    assert all(isinstance(e, RoomOccupied) for e in outcomes.errors), outcomes.errors[:3]
    assert all("已有人入住" in str(e) for e in outcomes.errors)
    _no_room_holds_two(site)
    assert Placement.objects.active().filter(room__site=site).count() == ROOMS
    assert not Room.objects.filter(site=site).free().exists()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_100_concurrent_placements_through_the_api_fill_10_rooms_exactly(
    ten_rooms, hundred_people, hq_admin
):
    site, rooms = ten_rooms

    def post(person, room):
        client = APIClient()
        client.force_authenticate(hq_admin)
        response = client.post(
            "/api/v1/quarantine/placements/",
            {
                "person": person.pk,
                "room": room.pk,
                "category": "close_contact",
                "starts_at": T0.isoformat(),
            },
            format="json",
        )
        return response.status_code, response.json()

    calls = [
        (lambda person=person, room=rooms[i % ROOMS]: post(person, room))
        for i, person in enumerate(hundred_people)
    ]
    outcomes = run_concurrently(_bounded(calls))
    assert outcomes.errors == []
    statuses = Counter(status for status, _body in outcomes.results)
    assert statuses == {201: ROOMS, 409: REQUESTS - ROOMS}
    refusals = {body["code"] for status, body in outcomes.results if status == 409}
    assert refusals == {"room_occupied"}
    _no_room_holds_two(site)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_one_person_sent_to_ten_rooms_at_once_is_placed_once(ten_rooms, new_person, hq_admin):
    _site, rooms = ten_rooms
    person = new_person("抢占")
    calls = [
        (lambda room=room: placement_start(
            person=person, room=room, category="close_contact", starts_at=T0, by=hq_admin
        ))
        for room in rooms
    ]  # fmt: skip
    outcomes = run_concurrently(_bounded(calls))
    assert len(outcomes.results) == 1
    assert all(isinstance(e, Conflict) for e in outcomes.errors)
    assert Placement.objects.filter(person=person).count() == 1
