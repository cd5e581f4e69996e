"""Supervised tasks (督办): issue, report progress, submit, accept or return; the jobs that
remind owners of due milestones and escalate overdue ones to the owner's superior."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, models, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from fangkong.accounts.capabilities import user_can
from fangkong.accounts.scope import scope_of
from fangkong.command.conf import command_settings
from fangkong.command.models import (
    Escalation,
    Milestone,
    NotificationKind,
    ProgressReport,
    Task,
    TaskAttachment,
    TaskStatus,
)
from fangkong.command.recipients import active_users, hq_users, superior_unit_of, unit_users
from fangkong.command.services.notifications import notification_send
from fangkong.core.audit import audit_write, snapshot
from fangkong.core.errors import Conflict
from fangkong.jurisdictions.models import ResponsibilityKind, ResponsibleUnit

if TYPE_CHECKING:
    from fangkong.accounts.models import User

_STATE = ["status", "submitted_at", "closed_at", "return_reason"]


def task_owner_users(task: Task) -> QuerySet[User]:
    """Everyone who carries the task: the owner (or the owner unit's users) and co-owners."""
    users = active_users()
    who = models.Q(pk__in=task.co_owner_users.values("pk")) | models.Q(
        unit__in=task.co_owner_units.values("pk")
    )
    if task.owner_user_id:
        who |= models.Q(pk=task.owner_user_id)
    if task.owner_unit_id:
        who |= models.Q(unit_id=task.owner_unit_id)
    return users.filter(who).distinct()


def _check_addressable(
    *,
    by: User | None,
    owner_unit: ResponsibleUnit | None,
    owner_user: User | None,
    co_owner_units: Sequence[ResponsibleUnit],
    co_owner_users: Sequence[User],
) -> None:
    """A district pushes work down inside its own part of the city; only the HQ (city-wide)
    addresses any unit. A job or the demo (no user) speaks for the HQ."""
    if by is None:
        return
    scope = scope_of(by)
    errors: dict[str, str] = {}
    if owner_unit is not None and not scope.covers(owner_unit.jurisdiction):
        errors["owner_unit"] = _("责任单位「%s」不在您的辖区内，不能向其交办") % owner_unit.name
    if owner_user is not None and not scope.covers(owner_user.jurisdiction):
        errors["owner_user"] = _("责任人不在您的辖区内，不能向其交办")
    outside = [u.name for u in co_owner_units if not scope.covers(u.jurisdiction)]
    if outside:
        errors["co_owner_units"] = _("协办单位不在您的辖区内：%s") % "、".join(outside)
    if any(not scope.covers(u.jurisdiction) for u in co_owner_users):
        errors["co_owner_users"] = _("协办人不在您的辖区内")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def task_issue(
    *,
    title: str,
    responsibility: str,
    deadline: dt.datetime,
    owner_unit: ResponsibleUnit | None = None,
    owner_user: User | None = None,
    goal: str = "",
    milestones: Sequence[tuple[str, dt.datetime]] = (),
    co_owner_units: Iterable[ResponsibleUnit] = (),
    co_owner_users: Iterable[User] = (),
    source: models.Model | None = None,
    attachments: Iterable[UploadedFile] = (),
    by: User | None,
    at: dt.datetime | None = None,
) -> Task:
    """Push a task down to one responsible party (属地/部门/单位 to a unit, 个人 to a person)."""
    now = at or timezone.now()
    errors: dict[str, str] = {}
    if not title.strip():
        errors["title"] = _("请填写任务名称")
    if responsibility not in ResponsibilityKind.values:
        errors["responsibility"] = _("未知责任类型：%s") % responsibility
    elif responsibility == ResponsibilityKind.INDIVIDUAL:
        if owner_user is None or owner_unit is not None:
            errors["owner_user"] = _("个人责任须指定一名责任人（不指定单位）")
    elif owner_unit is None or owner_user is not None:
        errors["owner_unit"] = _("属地、部门、单位责任须指定一个责任单位（不指定个人）")
    if deadline <= now:
        errors["deadline"] = _("完成时限须晚于交办时间")
    for index, (name, due) in enumerate(milestones, start=1):
        if not name.strip():
            errors["milestones"] = _("第%s个节点缺少名称") % index
        elif due > deadline:
            errors["milestones"] = _("节点「%s」的时限晚于任务完成时限") % name
    if errors:
        raise ValidationError(errors)
    co_owner_units, co_owner_users = list(co_owner_units), list(co_owner_users)
    _check_addressable(
        by=by,
        owner_unit=owner_unit,
        owner_user=owner_user,
        co_owner_units=co_owner_units,
        co_owner_users=co_owner_users,
    )
    jurisdiction = owner_unit.jurisdiction if owner_unit else owner_user.jurisdiction  # type: ignore[union-attr]
    if jurisdiction is None:
        raise ValidationError({"owner_user": _("责任人没有所属辖区")})
    task = Task.objects.create(
        title=title.strip(),
        goal=goal,
        responsibility=responsibility,
        owner_unit=owner_unit,
        owner_user=owner_user,
        jurisdiction=jurisdiction,
        deadline=deadline,
        issued_by=by,
        issued_at=now,
        source_type=ContentType.objects.get_for_model(source) if source is not None else None,
        source_id=str(source.pk) if source is not None else "",
    )
    task.co_owner_units.set(co_owner_units)
    task.co_owner_users.set(co_owner_users)
    Milestone.objects.bulk_create(
        Milestone(task=task, title=name.strip(), due_at=due) for name, due in milestones
    )
    for upload in attachments:
        TaskAttachment.objects.create(
            task=task, file=upload, name=upload.name or "", uploaded_by=by
        )
    after = snapshot(task)
    after["milestones"] = [(name, due) for name, due in milestones]
    audit_write(by=by, action="task.issue", obj=task, after=after)
    notification_send(
        recipients=task_owner_users(task),
        kind=NotificationKind.TASK_ISSUED,
        title=_("督办任务：%s") % task.title,
        body=_("完成时限：%s") % timezone.localtime(deadline).strftime("%Y-%m-%d %H:%M"),
        url=task.get_absolute_url(),
        dedupe_key=f"task-issued:{task.pk}",
        by=by,
    )
    return task


def _locked(task: Task) -> Task:
    return Task.objects.select_for_update().get(pk=task.pk)


def _require_owner(task: Task, by: User) -> None:
    if not task.is_owned_by(by):
        raise Conflict(_("只有责任人或协办人可以报送进展"), code="not_owner")


def _require_issuer(task: Task, by: User) -> None:
    if task.issued_by_id != by.pk and not user_can(by, "task.supervise"):
        raise Conflict(_("只有交办人或指挥部可以验收或退回"), code="not_issuer")


@transaction.atomic
def task_report_progress(
    *,
    task: Task,
    text: str,
    evidence: UploadedFile | None = None,
    milestone: Milestone | None = None,
    milestone_done: bool = False,
    by: User,
    at: dt.datetime | None = None,
) -> ProgressReport:
    """The owner reports progress (with evidence), optionally completing a milestone."""
    task = _locked(task)
    _require_owner(task, by)
    if task.status in (TaskStatus.SUBMITTED, TaskStatus.DONE):
        raise Conflict(_("任务已提交或已办结，不能再报送进展"), code="task_closed")
    if not text.strip():
        raise ValidationError({"text": _("请填写进展情况")})
    if milestone is not None and milestone.task_id != task.pk:
        raise ValidationError({"milestone": _("该节点不属于此任务")})
    now = at or timezone.now()
    report = ProgressReport.objects.create(
        task=task, milestone=milestone, text=text.strip(), evidence=evidence or "", by=by, at=now
    )
    before = snapshot(task, _STATE)
    if task.status in (TaskStatus.ISSUED, TaskStatus.RETURNED):
        task.status = TaskStatus.IN_PROGRESS
        task.save(update_fields=["status"])
    if milestone is not None and milestone_done and milestone.done_at is None:
        milestone.done_at = now
        milestone.save(update_fields=["done_at"])
    after = snapshot(task, _STATE)
    after["progress"] = report.pk
    after["milestone_done"] = milestone.pk if milestone is not None and milestone_done else None
    audit_write(by=by, action="task.progress", obj=task, before=before, after=after)
    return report


@transaction.atomic
def task_submit(
    *,
    task: Task,
    text: str,
    evidence: UploadedFile | None = None,
    by: User,
    at: dt.datetime | None = None,
) -> Task:
    """The owner submits the work for acceptance; every milestone must be done."""
    task = _locked(task)
    _require_owner(task, by)
    if task.status not in (TaskStatus.ISSUED, TaskStatus.IN_PROGRESS, TaskStatus.RETURNED):
        raise Conflict(_("任务当前状态不能提交"), code="task_state")
    open_milestones = list(
        task.milestones.filter(done_at__isnull=True).values_list("title", flat=True)
    )
    if open_milestones:
        raise Conflict(
            _("以下节点尚未完成：%s") % "、".join(open_milestones), code="milestones_open"
        )
    now = at or timezone.now()
    ProgressReport.objects.create(
        task=task, text=text.strip() or _("提交验收"), evidence=evidence or "", by=by, at=now
    )
    before = snapshot(task, _STATE)
    task.status = TaskStatus.SUBMITTED
    task.submitted_at = now
    task.save(update_fields=["status", "submitted_at"])
    audit_write(by=by, action="task.submit", obj=task, before=before, after=snapshot(task, _STATE))
    if task.issued_by is not None:
        notification_send(
            recipients=[task.issued_by],
            kind=NotificationKind.TASK_SUBMITTED,
            title=_("任务已提交验收：%s") % task.title,
            url=task.get_absolute_url(),
            by=by,
        )
    return task


@transaction.atomic
def task_accept(*, task: Task, note: str = "", by: User, at: dt.datetime | None = None) -> Task:
    """The issuer accepts the submitted work: the task is done (办结)."""
    task = _locked(task)
    _require_issuer(task, by)
    if task.status != TaskStatus.SUBMITTED:
        raise Conflict(_("只有已提交的任务可以验收"), code="task_state")
    before = snapshot(task, _STATE)
    task.status = TaskStatus.DONE
    task.closed_at = at or timezone.now()
    task.save(update_fields=["status", "closed_at"])
    ProgressReport.objects.create(
        task=task, text=note.strip() or _("验收通过，办结"), by=by, at=task.closed_at
    )
    audit_write(by=by, action="task.accept", obj=task, before=before, after=snapshot(task, _STATE))
    return task


@transaction.atomic
def task_return(*, task: Task, reason: str, by: User, at: dt.datetime | None = None) -> Task:
    """The issuer returns the submitted work with a reason; the owner works on."""
    task = _locked(task)
    _require_issuer(task, by)
    if task.status != TaskStatus.SUBMITTED:
        raise Conflict(_("只有已提交的任务可以退回"), code="task_state")
    if not reason.strip():
        raise ValidationError({"reason": _("请填写退回理由")})
    before = snapshot(task, _STATE)
    task.status = TaskStatus.RETURNED
    task.return_reason = reason.strip()[:300]
    task.submitted_at = None
    task.save(update_fields=["status", "return_reason", "submitted_at"])
    ProgressReport.objects.create(
        task=task, text=_("退回：%s") % reason.strip(), by=by, at=at or timezone.now()
    )
    audit_write(by=by, action="task.return", obj=task, before=before, after=snapshot(task, _STATE))
    notification_send(
        recipients=task_owner_users(task),
        kind=NotificationKind.TASK_RETURNED,
        title=_("任务被退回：%s") % task.title,
        body=reason.strip(),
        url=task.get_absolute_url(),
        by=by,
    )
    return task


@transaction.atomic
def task_attach(*, task: Task, upload: UploadedFile, by: User) -> TaskAttachment:
    if not (task.is_owned_by(by) or task.issued_by_id == by.pk or user_can(by, "task.supervise")):
        raise Conflict(_("只有任务相关人员可以上传附件"), code="not_involved")
    attachment = TaskAttachment.objects.create(
        task=task, file=upload, name=upload.name or "", uploaded_by=by
    )
    audit_write(by=by, action="task.attach", obj=task, after={"attachment": attachment.name})
    return attachment


def milestones_remind_due(now: dt.datetime) -> int:
    """Job: owners are told once when a milestone falls due within the reminder window."""
    soon = now + dt.timedelta(hours=command_settings().milestone_due_soon_hours)
    due = (
        Milestone.objects.filter(done_at__isnull=True, due_at__gt=now, due_at__lte=soon)
        .exclude(task__status=TaskStatus.DONE)
        .select_related("task")
    )
    told = 0
    for milestone in due:
        told += len(
            notification_send(
                recipients=task_owner_users(milestone.task),
                kind=NotificationKind.MILESTONE_DUE,
                title=_("节点即将到期：%(task)s · %(milestone)s")
                % {"task": milestone.task.title, "milestone": milestone.title},
                body=_("节点时限：%s")
                % timezone.localtime(milestone.due_at).strftime("%Y-%m-%d %H:%M"),
                url=milestone.task.get_absolute_url(),
                dedupe_key=f"milestone-due:{milestone.pk}",
                by=None,
            )
        )
    return told


def milestones_escalate_overdue(now: dt.datetime) -> int:
    """Job: an overdue milestone is escalated to the owner's superior and the HQ, once; the
    unique escalation per milestone holds even when two runs overlap."""
    overdue = (
        Milestone.objects.filter(done_at__isnull=True, due_at__lt=now, escalation__isnull=True)
        .exclude(task__status=TaskStatus.DONE)
        .select_related("task", "task__owner_unit", "task__owner_user__unit")
    )
    count = 0
    for milestone in overdue:
        task = milestone.task
        superior = superior_unit_of(task.owner_unit, task.owner_user)
        try:
            with transaction.atomic():
                escalation = Escalation.objects.create(
                    milestone=milestone, to_unit=superior, escalated_at=now
                )
        except IntegrityError:
            continue
        audit_write(by=None, action="task.escalate", obj=escalation, after=snapshot(escalation))
        owner = task.owner_user or task.owner_unit
        notification_send(
            recipients=[*unit_users(superior), *hq_users()],
            kind=NotificationKind.MILESTONE_OVERDUE,
            title=_("督办节点逾期：%(owner)s · %(task)s · %(milestone)s")
            % {"owner": owner, "task": task.title, "milestone": milestone.title},
            body=_("节点时限：%s")
            % timezone.localtime(milestone.due_at).strftime("%Y-%m-%d %H:%M"),
            url=task.get_absolute_url(),
            dedupe_key=f"milestone-overdue:{milestone.pk}",
            by=None,
        )
        notification_send(
            recipients=task_owner_users(task),
            kind=NotificationKind.MILESTONE_OVERDUE,
            title=_("节点已逾期并上报：%(task)s · %(milestone)s")
            % {"task": task.title, "milestone": milestone.title},
            url=task.get_absolute_url(),
            dedupe_key=f"milestone-overdue:{milestone.pk}",
            by=None,
        )
        count += 1
    return count


@transaction.atomic
def tasks_close_for_source(
    *, source: models.Model, note: str, at: dt.datetime, by: User | None
) -> list[Task]:
    """Close (办结) the open tasks issued about `source` when what they asked for is done in
    the area that owns it (an overdue verification recorded at last): nobody is left to
    submit and accept work that has already happened. Returns the tasks closed."""
    closed: list[Task] = []
    source_type = ContentType.objects.get_for_model(source)
    open_tasks = Task.objects.open().filter(source_type=source_type, source_id=str(source.pk))
    for task in open_tasks.select_for_update().order_by("pk"):
        before = snapshot(task, _STATE)
        task.status = TaskStatus.DONE
        task.closed_at = at
        task.save(update_fields=["status", "closed_at"])
        task.milestones.filter(done_at__isnull=True).update(done_at=at)
        ProgressReport.objects.create(task=task, text=note, by=by, at=at)
        audit_write(
            by=by, action="task.close_done", obj=task, before=before, after=snapshot(task, _STATE)
        )
        closed.append(task)
    return closed
