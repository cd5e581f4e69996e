"""The verification tasks' API: scoped and paged lists, and recording a verification."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

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
from fangkong.core.models import AuditEvent
from fangkong.quarantine.models import Placement, Room, RoomKind
from fangkong.quarantine.services.sites import rooms_create, site_create

HOURS = dt.timedelta(hours=1)
TASKS = "/api/v1/assist/tasks/"


@pytest.fixture
def tasks(zhang_san, li_si, jiankang, hubin):
    now = timezone.now()
    request = AssistRequest.objects.create(
        direction=Direction.INCOMING,
        number="苏协〔2021〕12号",
        counterpart="江苏省",
        received_at=now - 2 * HOURS,
        status=RequestStatus.OPEN,
    )
    made = {}
    for number, (person, place) in enumerate([(zhang_san, jiankang), (li_si, hubin)], start=1):
        task = verification_task_assign(
            person=person, jurisdiction=place, due_at=now + 10 * HOURS, at=now - 2 * HOURS, by=None
        )
        AssistRow.objects.create(
            request=request,
            row_number=number,
            name=person.name,
            id_number=person.id_number,
            category=RequestCategory.SECONDARY_CONTACT,
            person=person,
            match=RowMatch.ID_DOCUMENT,
            task=task,
            due_at=task.due_at,
        )
        made[person.name] = task
    return made


def api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_the_list_is_the_callers_part_of_the_city_paged_and_audited(tasks, liangxi_officer):
    answer = api(liangxi_officer).get(TASKS, {"flag": "open"})
    assert answer.status_code == 200
    body = answer.json()
    assert [t["id"] for t in body["results"]] == [tasks["张三"].pk]
    assert "next" in body
    assert body["results"][0]["rows"][0]["counterpart"] == "江苏省"
    listed = AuditEvent.objects.filter(action="person.list", kind="read").latest("at").after or {}
    assert listed["ids"] == [tasks["张三"].pk]
    assert api(liangxi_officer).get(f"{TASKS}{tasks['李四'].pk}/").status_code == 404


def test_the_hq_narrows_the_list_to_one_district(tasks, hq_admin, binhu):
    answer = api(hq_admin).get(TASKS, {"district": binhu.pk})
    assert [t["id"] for t in answer.json()["results"]] == [tasks["李四"].pk]
    assert api(hq_admin).get(TASKS, {"flag": "done"}).json()["results"] == []


def test_a_verification_posted_to_a_task_outside_reach_answers_404_whatever_it_sends(
    tasks, liangxi_officer
):
    answer = api(liangxi_officer).post(f"{TASKS}{tasks['李四'].pk}/record/", {}, format="json")
    assert answer.status_code == 404


def test_recording_places_the_person_in_the_room_given(tasks, liangxi_officer, liangxi, zhang_san):
    site = site_create(name="接口测试酒店", jurisdiction=liangxi, by=None)
    rooms_create(site=site, floors=[5], per_floor=1, kind=RoomKind.SINGLE, by=None)
    room = Room.objects.get(site=site)
    answer = api(liangxi_officer).post(
        f"{TASKS}{tasks['张三'].pk}/record/",
        {"reached": True, "outcome": Outcome.CENTRALIZED, "room": room.pk},
        format="json",
    )
    assert answer.status_code == 200, answer.content
    body = answer.json()
    placement = Placement.objects.get(person=zhang_san, ended_at__isnull=True)
    assert body["status"] == TaskStatus.DONE and body["placement"] == placement.pk
    # Every row of the task only named secondary contacts: the secondary scheme applies
    assert placement.category == "secondary_contact"
    assert body["rows"][0]["outcome"] == Outcome.CENTRALIZED
    # Recorded once: a second post is a conflict
    again = api(liangxi_officer).post(
        f"{TASKS}{tasks['张三'].pk}/record/",
        {"reached": False, "outcome": Outcome.NOT_FOUND, "tried": "电话不通"},
        format="json",
    )
    assert again.status_code == 409


def test_a_missing_field_is_named_in_the_400(tasks, liangxi_officer):
    answer = api(liangxi_officer).post(
        f"{TASKS}{tasks['张三'].pk}/record/",
        {"reached": False, "outcome": Outcome.NOT_FOUND},
        format="json",
    )
    assert answer.status_code == 400
    assert "tried" in str(answer.json())


def test_the_leader_may_list_but_not_record(tasks, leader):
    assert api(leader).get(TASKS).status_code == 200
    answer = api(leader).post(
        f"{TASKS}{tasks['张三'].pk}/record/",
        {"reached": True, "outcome": Outcome.HEALTH_MONITORING, "location": "家中"},
        format="json",
    )
    assert answer.status_code == 403
