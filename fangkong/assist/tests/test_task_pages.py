"""The verification pages: the list of the viewer's part of the city, and the phone-sized
page where community staff record what they found."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
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
from fangkong.core.models import AuditEvent
from fangkong.people.masking import mask_id_number
from fangkong.quarantine.models import Room, RoomKind
from fangkong.quarantine.services.sites import rooms_create, site_create

HOURS = dt.timedelta(hours=1)


@pytest.fixture
def tasks(zhang_san, li_si, jiankang, hubin):
    """张三 (梁溪) overdue as a close contact; 李四 (滨湖) due tomorrow."""
    now = timezone.now()
    request = AssistRequest.objects.create(
        direction=Direction.INCOMING,
        number="宁协〔2021〕88号",
        counterpart="南京市",
        received_at=now - 13 * HOURS,
        status=RequestStatus.OPEN,
    )
    made = {}
    for number, (person, place, due) in enumerate(
        [(zhang_san, jiankang, now - HOURS), (li_si, hubin, now + 24 * HOURS)], start=1
    ):
        task = verification_task_assign(
            person=person, jurisdiction=place, due_at=due, at=now - 13 * HOURS, by=None
        )
        AssistRow.objects.create(
            request=request,
            row_number=number,
            name=person.name,
            id_number=person.id_number,
            phone=person.phone,
            category=RequestCategory.CLOSE_CONTACT,
            exposure_place="禄口国际机场T2航站楼",
            exposure_at=now - 40 * HOURS,
            person=person,
            match=RowMatch.ID_DOCUMENT,
            task=task,
            due_at=due,
        )
        made[person.name] = task
    return made


def test_a_district_sees_its_own_tasks_only(client, tasks, liangxi_officer):
    client.force_login(liangxi_officer)
    page = client.get(reverse("assist:task_list")).content.decode()
    assert "张三" in page and "李四" not in page
    foreign = client.get(reverse("assist:task", args=[tasks["李四"].pk]))
    assert foreign.status_code == 404
    listed = AuditEvent.objects.filter(action="person.list", kind="read").latest("at").after or {}
    assert listed["ids"] == [tasks["张三"].pk]
    assert listed["model"] == "assist.verificationtask"


def test_the_list_filters_overdue_and_one_district(client, tasks, hq_admin, binhu):
    client.force_login(hq_admin)
    overdue = client.get(reverse("assist:task_list"), {"flag": "overdue"}).content.decode()
    assert "张三" in overdue and "李四" not in overdue
    in_binhu = client.get(reverse("assist:task_list"), {"district": binhu.pk}).content.decode()
    assert "李四" in in_binhu and "张三" not in in_binhu
    done = client.get(reverse("assist:task_list"), {"flag": "done"}).content.decode()
    assert "张三" not in done and "李四" not in done


def test_the_task_page_shows_the_lists_and_masks_the_numbers(
    client, tasks, liangxi_officer, zhang_san
):
    client.force_login(liangxi_officer)
    page = client.get(reverse("assist:task", args=[tasks["张三"].pk])).content.decode()
    assert "南京市" in page and "禄口国际机场T2航站楼" in page and "密切接触者" in page
    assert zhang_san.id_number not in page and mask_id_number(zhang_san.id_number) in page
    assert "13812345678" not in page
    assert 'data-testid="verify-form"' in page
    assert AuditEvent.objects.filter(
        action="person.view", object_id=str(zhang_san.pk), kind="read"
    ).exists()


def test_community_staff_record_a_home_quarantine_from_the_page(client, tasks, liangxi_officer):
    task = tasks["张三"]
    client.force_login(liangxi_officer)
    answer = client.post(
        reverse("assist:task_record", args=[task.pk]),
        {"reached": "yes", "outcome": Outcome.HOME_QUARANTINE, "location": "健康社区 5 幢 301"},
    )
    assert answer.status_code == 302
    task.refresh_from_db()
    assert task.status == TaskStatus.DONE and task.verified_by == liangxi_officer
    page = client.get(reverse("assist:task", args=[task.pk])).content.decode()
    assert 'data-testid="task-result"' in page and 'data-testid="verify-form"' not in page
    # A second verifier's post (an older copy of the page) is told the task was done
    late = client.post(
        reverse("assist:task_record", args=[task.pk]),
        {"reached": "no", "outcome": Outcome.NOT_FOUND, "tried": "电话不通"},
        follow=True,
    )
    assert "该核查任务已于" in late.content.decode()


def test_a_centralized_outcome_without_a_room_comes_back_with_the_error_on_the_room(
    client, tasks, liangxi_officer, liangxi
):
    site = site_create(name="页面测试酒店", jurisdiction=liangxi, by=None)
    rooms_create(site=site, floors=[2], per_floor=2, kind=RoomKind.SINGLE, by=None)
    client.force_login(liangxi_officer)
    answer = client.post(
        reverse("assist:task_record", args=[tasks["张三"].pk]),
        {"reached": "yes", "outcome": Outcome.CENTRALIZED, "site": site.pk},
    )
    assert answer.status_code == 200
    assert "请选择隔离房间" in answer.content.decode()
    assert answer.context["form"].errors["room"]
    tasks["张三"].refresh_from_db()
    assert tasks["张三"].status == TaskStatus.OPEN
    # The room select offers the chosen site's free rooms
    options = client.get(reverse("assist:task_rooms"), {"site": site.pk}).content.decode()
    assert all(room.number in options for room in Room.objects.filter(site=site))


def test_the_leader_reads_but_cannot_record(client, tasks, leader):
    client.force_login(leader)
    page = client.get(reverse("assist:task", args=[tasks["张三"].pk])).content.decode()
    assert 'data-testid="verify-form"' not in page
    answer = client.post(
        reverse("assist:task_record", args=[tasks["张三"].pk]),
        {"reached": "yes", "outcome": Outcome.HEALTH_MONITORING, "location": "家中"},
    )
    assert answer.status_code == 403
