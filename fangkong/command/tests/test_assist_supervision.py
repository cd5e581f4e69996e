"""The 督办 an overdue assist verification raised closes itself when the verification is
recorded: the district is not left to submit work that is already done."""

from __future__ import annotations

import pytest
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from fangkong.assist.models import Outcome, VerificationTask
from fangkong.assist.services.escalation import verification_tasks_escalate
from fangkong.assist.services.verification import verification_task_record
from fangkong.assist.tests.test_escalation import close_contact_task, liangxi_hq  # noqa: F401
from fangkong.command.models import Task, TaskStatus
from fangkong.core.models import AuditEvent


def test_recording_the_overdue_verification_closes_its_supervised_task(
    close_contact_task,  # noqa: F811
    liangxi_hq,  # noqa: F811
    liangxi_officer,
):
    # Given the verification escalated into a 督办 for the district
    now = timezone.now()
    assert verification_tasks_escalate(now) == 1
    supervised = Task.objects.get(source_id=str(close_contact_task.pk))
    assert supervised.status == TaskStatus.ISSUED
    # When the community records what it found
    verification_task_record(
        task=close_contact_task,
        reached=True,
        location="家中",
        outcome=Outcome.HOME_QUARANTINE,
        by=liangxi_officer,
        at=now,
    )
    # Then the 督办 is done, with a progress line saying why, audited
    supervised.refresh_from_db()
    assert supervised.status == TaskStatus.DONE and supervised.closed_at == now
    assert "居家隔离" in supervised.progress.get().text
    assert AuditEvent.objects.filter(action="task.close_done").count() == 1


@pytest.mark.usefixtures("demo_miniature")
def test_the_demos_escalated_verifications_each_have_one_supervised_task():
    escalated = VerificationTask.objects.filter(escalated_at__isnull=False)
    assert escalated.exists()
    for task in escalated:
        supervised = Task.objects.filter(
            source_type=ContentType.objects.get_for_model(VerificationTask),
            source_id=str(task.pk),
        )
        assert supervised.count() == 1, task.pk
        assert (supervised.get().status == TaskStatus.DONE) == (task.verified_at is not None)
