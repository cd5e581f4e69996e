import datetime as dt

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from fangkong.alerts.services import alert_raise
from fangkong.command.models import Escalation, Notification, NotificationKind, Task, TaskStatus
from fangkong.command.services.tasks import (
    milestones_escalate_overdue,
    milestones_remind_due,
    task_accept,
    task_issue,
    task_report_progress,
    task_return,
    task_submit,
)
from fangkong.command.tests.conftest import at
from fangkong.core.errors import Conflict
from fangkong.jurisdictions.models import ResponsibilityKind
from fangkong.testing.cast import PASSWORD


def _task(hq_admin, unit, **extra):
    return task_issue(
        title="健康社区重点人员排查",
        responsibility=ResponsibilityKind.TERRITORY,
        owner_unit=unit,
        deadline=at(18, day=dt.date(2021, 8, 5)),
        milestones=[("完成名单比对", at(12)), ("全员上门走访", at(18, day=dt.date(2021, 8, 4)))],
        by=hq_admin,
        at=at(8),
        **extra,
    )


def test_a_task_goes_from_issued_through_return_to_done(hq_admin, reporter, committee):
    task = _task(hq_admin, committee)
    assert task.status == TaskStatus.ISSUED
    assert Notification.objects.filter(
        recipient=reporter, kind=NotificationKind.TASK_ISSUED
    ).exists()
    first, second = task.milestones.all()

    task_report_progress(
        task=task, text="名单比对完成", milestone=first, milestone_done=True, by=reporter
    )
    task.refresh_from_db()
    assert task.status == TaskStatus.IN_PROGRESS
    with pytest.raises(Conflict):  # a milestone is still open
        task_submit(task=task, text="", by=reporter)

    task_report_progress(
        task=task, text="走访完成", milestone=second, milestone_done=True, by=reporter
    )
    assert task_submit(task=task, text="全部完成", by=reporter).status == TaskStatus.SUBMITTED
    returned = task_return(task=task, reason="走访记录不全", by=hq_admin)
    assert returned.status == TaskStatus.RETURNED
    task_report_progress(task=task, text="补充走访记录", by=reporter)
    task_submit(task=task, text="已补充", by=reporter)
    done = task_accept(task=task, by=hq_admin)
    assert done.status == TaskStatus.DONE and done.closed_at is not None


def test_only_owners_report_and_only_the_issuer_accepts(
    hq_admin, reporter, binhu_officer, committee
):
    task = _task(hq_admin, committee)
    with pytest.raises(Conflict):
        task_report_progress(task=task, text="不是我的任务", by=binhu_officer)
    for milestone in task.milestones.all():
        task_report_progress(
            task=task, text="完成", milestone=milestone, milestone_done=True, by=reporter
        )
    task_submit(task=task, text="", by=reporter)
    with pytest.raises(Conflict):
        task_accept(task=task, by=reporter)


def test_the_database_holds_the_owner_to_the_responsibility_kind(hq_admin, committee, reporter):
    task = _task(hq_admin, committee)
    with pytest.raises(IntegrityError), transaction.atomic():
        Task.objects.filter(pk=task.pk).update(responsibility=ResponsibilityKind.INDIVIDUAL)
    with pytest.raises(IntegrityError), transaction.atomic():
        Task.objects.filter(pk=task.pk).update(owner_user=reporter)


def test_running_the_jobs_twice_escalates_an_overdue_milestone_once(
    hq_admin, reporter, committee, chongan_office, liangxi
):
    from fangkong.accounts.roles import Role
    from fangkong.accounts.services import user_create

    street_user = user_create(
        username="chongan", password=PASSWORD, role=Role.DISTRICT_OFFICER, jurisdiction=liangxi,
        unit=chongan_office, check_password_strength=False, by=None,
    )  # fmt: skip
    task = _task(hq_admin, committee)
    late = at(13)  # the first milestone was due at 12:00

    assert milestones_escalate_overdue(late) == 1
    assert milestones_escalate_overdue(late) == 0
    escalation = Escalation.objects.get()
    assert escalation.milestone.title == "完成名单比对"
    assert escalation.to_unit == chongan_office  # the owner's superior
    told = Notification.objects.filter(kind=NotificationKind.MILESTONE_OVERDUE)
    assert set(told.values_list("recipient", flat=True)) == {
        street_user.pk,
        hq_admin.pk,
        reporter.pk,
    }
    assert told.count() == 3
    assert task.milestones.filter(escalation__isnull=False).count() == 1


def test_the_database_allows_one_escalation_per_milestone(hq_admin, committee):
    milestone = _task(hq_admin, committee).milestones.first()
    Escalation.objects.create(milestone=milestone)
    with pytest.raises(IntegrityError), transaction.atomic():
        Escalation.objects.create(milestone=milestone)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_job_runs_at_once_escalate_an_overdue_milestone_once(hq_admin, committee):
    from fangkong.testing.concurrency import run_concurrently

    _task(hq_admin, committee)

    def run() -> int:
        with transaction.atomic():
            return milestones_escalate_overdue(at(13))

    outcomes = run_concurrently([run, run, run])
    assert not outcomes.errors
    assert sorted(outcomes.results) == [0, 0, 1]
    assert Escalation.objects.count() == 1


def test_owners_are_reminded_once_before_a_milestone_falls_due(
    hq_admin, reporter, committee, settings
):
    settings.FANGKONG_MILESTONE_DUE_SOON_HOURS = 24
    _task(hq_admin, committee)
    assert milestones_remind_due(at(9)) == 1  # 12:00 today falls due within a day
    assert milestones_remind_due(at(10)) == 0
    assert milestones_remind_due(at(19)) == 1  # and now 18:00 tomorrow does too


def test_an_individual_task_escalates_to_the_parent_of_the_owners_unit(
    hq_admin, reporter, committee, chongan_office
):
    task = task_issue(
        title="核对本人负责的密接名单",
        responsibility=ResponsibilityKind.INDIVIDUAL,
        owner_user=reporter,
        deadline=at(20),
        milestones=[("提交名单", at(10))],
        by=hq_admin,
        at=at(8),
    )
    assert task.jurisdiction == reporter.jurisdiction
    milestones_escalate_overdue(at(11))
    assert Escalation.objects.get().to_unit == chongan_office


def test_a_task_created_from_an_alert_links_back_to_it(client, hq_admin, committee, jiankang):
    alert = alert_raise(
        kind="test.fever", title="隔离点发热", jurisdiction=jiankang, unit=committee, by=None
    ).alert
    client.login(username="hq_admin", password=PASSWORD)
    form = client.get(reverse("command:task_create") + f"?source=alerts.alert:{alert.pk}")
    assert "隔离点发热" in form.content.decode()
    response = client.post(
        reverse("command:task_create") + f"?source=alerts.alert:{alert.pk}",
        {
            "title": "处置隔离点发热",
            "responsibility": "territory",
            "owner_unit": committee.pk,
            "deadline": "2030-08-05T18:00",
            "milestones-TOTAL_FORMS": "1",
            "milestones-INITIAL_FORMS": "0",
            "milestones-0-title": "转运并采样",
            "milestones-0-due_at": "2030-08-05T12:00",
        },
    )
    assert response.status_code == 302, response.content.decode()
    task = Task.objects.get()
    assert task.source == alert
    assert "隔离点发热" in client.get(task.get_absolute_url()).content.decode()


def test_the_owner_reports_progress_on_the_task_page(client, hq_admin, reporter, committee):
    task = _task(hq_admin, committee)
    client.login(username="reporter", password=PASSWORD)
    page = client.get(task.get_absolute_url())
    assert page.status_code == 200
    client.post(reverse("command:task_progress", args=[task.pk]), {"text": "已开始排查"})
    task.refresh_from_db()
    assert task.status == TaskStatus.IN_PROGRESS


def test_a_task_outside_the_viewers_scope_is_not_found(client, hq_admin, binhu_officer, committee):
    task = _task(hq_admin, committee)
    client.login(username="binhu_officer", password=PASSWORD)
    assert client.get(task.get_absolute_url()).status_code == 404


def test_a_task_cannot_be_sourced_from_a_persons_record(client, hq_admin, zhang_san):
    client.login(username="hq_admin", password=PASSWORD)
    response = client.get(reverse("command:task_create") + f"?source=people.person:{zhang_san.pk}")
    assert response.status_code == 404
