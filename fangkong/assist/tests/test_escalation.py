"""Overdue verifications escalate once through the 督办 mechanism, however often the jobs run."""

from __future__ import annotations

import datetime as dt

import pytest
from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from fangkong.alerts.models import Alert
from fangkong.assist.measures import verify_hours
from fangkong.assist.models import (
    AssistRequest,
    AssistRow,
    Direction,
    Outcome,
    RequestCategory,
    RequestStatus,
    RowMatch,
    VerificationTask,
)
from fangkong.assist.services.escalation import ALERT_KIND
from fangkong.assist.services.tasks import verification_task_assign
from fangkong.assist.services.verification import verification_task_record
from fangkong.assist.signals import verification_overdue
from fangkong.core.models import AuditEvent
from fangkong.jurisdictions.models import ResponsibilityKind
from fangkong.jurisdictions.services import unit_create
from fangkong.operations.job_runner import registered_jobs, run_job
from fangkong.testing.concurrency import run_concurrently

HOURS = dt.timedelta(hours=1)


@pytest.fixture
def liangxi_hq(liangxi, hq_unit):
    return unit_create(
        name="梁溪区疫情防控指挥部",
        kind=ResponsibilityKind.TERRITORY,
        jurisdiction=liangxi,
        parent=hq_unit,
        by=None,
    )


@pytest.fixture
def close_contact_task(zhang_san, jiankang):
    """张三 on a neighbouring city's list as a close contact, received 13 hours ago: the
    policy's 12 hours to verify him have passed."""
    received = timezone.now() - 13 * HOURS
    request = AssistRequest.objects.create(
        direction=Direction.INCOMING,
        number="宁协〔2021〕88号",
        counterpart="南京市",
        received_at=received,
        status=RequestStatus.OPEN,
    )
    due = received + verify_hours(RequestCategory.CLOSE_CONTACT, at=received) * HOURS
    task = verification_task_assign(
        person=zhang_san, jurisdiction=jiankang, due_at=due, at=received, by=None
    )
    AssistRow.objects.create(
        request=request,
        row_number=1,
        name=zhang_san.name,
        id_number=zhang_san.id_number,
        category=RequestCategory.CLOSE_CONTACT,
        person=zhang_san,
        match=RowMatch.ID_DOCUMENT,
        task=task,
        due_at=due,
    )
    return task


def _escalation_job():
    return next(j for j in registered_jobs() if j.name == "assist.verification.escalate_overdue")


def _supervised_tasks(task):
    # The 督办 lives in the command area, above this one: looked up by name, not imported.
    supervised = apps.get_model("command", "Task")
    return supervised.objects.filter(
        source_type=ContentType.objects.get_for_model(VerificationTask), source_id=str(task.pk)
    )


def test_a_close_contact_not_verified_12_hours_after_receipt_escalates_once(
    close_contact_task, liangxi_hq
):
    sent = []

    def heard(sender, **kwargs):
        sent.append(kwargs["task"].pk)

    verification_overdue.connect(heard, dispatch_uid="test.heard")
    try:
        # When the jobs run, and run again
        first = run_job(_escalation_job(), timezone.now())
        again = run_job(_escalation_job(), timezone.now())
    finally:
        verification_overdue.disconnect(dispatch_uid="test.heard")
    # Then the task was escalated by the first run only
    assert (first.done, first.error, again.done) == (1, "", 0)
    assert sent == [close_contact_task.pk]
    close_contact_task.refresh_from_db()
    assert close_contact_task.escalated_at is not None
    assert AuditEvent.objects.filter(action="verification_task.escalate").count() == 1
    # and the district's territory unit carries one 督办, linked to the task
    supervised = _supervised_tasks(close_contact_task).get()
    assert supervised.owner_unit == liangxi_hq
    assert supervised.deadline > close_contact_task.escalated_at
    assert "张*" in supervised.title and "张三" not in supervised.title


def test_a_task_within_its_time_or_verified_never_escalates(
    close_contact_task, liangxi_hq, liangxi_officer
):
    # An hour before its time passes: nothing
    assert run_job(_escalation_job(), close_contact_task.due_at - HOURS).done == 0
    # Verified (late, but before the job came round): nothing, then or ever
    verification_task_record(
        task=close_contact_task,
        reached=True,
        location="健康社区 5 幢 301",
        outcome=Outcome.HOME_QUARANTINE,
        by=liangxi_officer,
        at=timezone.now(),
    )
    assert run_job(_escalation_job(), timezone.now()).done == 0
    assert not _supervised_tasks(close_contact_task).exists()


def test_without_a_district_unit_the_hq_carries_the_supervised_task(close_contact_task, hq_unit):
    assert run_job(_escalation_job(), timezone.now()).done == 1
    assert _supervised_tasks(close_contact_task).get().owner_unit == hq_unit


def test_the_district_sees_one_alert_while_escalated_tasks_stay_open(
    close_contact_task, liangxi_hq, liangxi_officer, liangxi
):
    alerts_job = next(
        j for j in registered_jobs() if j.name == "assist.verification.overdue_alerts"
    )
    run_job(_escalation_job(), timezone.now())
    run_job(alerts_job, timezone.now())
    run_job(alerts_job, timezone.now())
    alert = Alert.objects.get(kind=ALERT_KIND)
    assert alert.jurisdiction == liangxi and alert.resolved_at is None
    verification_task_record(
        task=close_contact_task,
        reached=False,
        location="",
        outcome=Outcome.NOT_FOUND,
        tried="电话停机，上门无人，物业称已搬走",
        by=liangxi_officer,
        at=timezone.now(),
    )
    run_job(alerts_job, timezone.now())
    alert.refresh_from_db()
    assert alert.resolved_at is not None


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_workers_running_the_job_at_once_escalate_once(close_contact_task, liangxi_hq):
    now = timezone.now()
    outcomes = run_concurrently([lambda: run_job(_escalation_job(), now) for _ in range(2)])
    assert outcomes.errors == []
    assert sorted(o.done for o in outcomes.results) == [0, 1]
    assert AuditEvent.objects.filter(action="verification_task.escalate").count() == 1
    assert _supervised_tasks(close_contact_task).count() == 1
