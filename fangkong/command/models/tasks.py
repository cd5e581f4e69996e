"""Supervised tasks (督办): work pushed down to a responsible party and followed to closure."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fangkong.jurisdictions.models import ResponsibilityKind


class TaskStatus(models.TextChoices):
    ISSUED = "issued", _("已下达")
    IN_PROGRESS = "in_progress", _("办理中")
    SUBMITTED = "submitted", _("已提交")
    DONE = "done", _("已办结")
    RETURNED = "returned", _("已退回")


OPEN_STATUSES = (
    TaskStatus.ISSUED,
    TaskStatus.IN_PROGRESS,
    TaskStatus.SUBMITTED,
    TaskStatus.RETURNED,
)


class TaskQuerySet(models.QuerySet["Task"]):
    def open(self) -> TaskQuerySet:
        return self.exclude(status=TaskStatus.DONE)

    def overdue(self, at: dt.datetime) -> TaskQuerySet:
        """Open tasks past their deadline or with a milestone past due."""
        late_milestone = Milestone.objects.filter(
            task=models.OuterRef("pk"), done_at__isnull=True, due_at__lt=at
        )
        return self.open().filter(Q(deadline__lt=at) | Q(models.Exists(late_milestone)))


class Task(models.Model):
    """A task with its owner: a unit for 属地/部门/单位, a user for 个人 (held by the database)."""

    title = models.CharField(_("任务名称"), max_length=200)
    goal = models.TextField(_("工作目标"), blank=True)
    responsibility = models.CharField(
        _("责任类型"), max_length=16, choices=ResponsibilityKind.choices
    )
    owner_unit = models.ForeignKey(
        "jurisdictions.ResponsibleUnit",
        verbose_name=_("责任单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="owned_tasks",
    )
    owner_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("责任人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="owned_tasks",
    )
    co_owner_units = models.ManyToManyField(
        "jurisdictions.ResponsibleUnit",
        verbose_name=_("协办单位"),
        blank=True,
        related_name="co_owned_tasks",
    )
    co_owner_users = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("协办人"), blank=True, related_name="+"
    )
    # Where the task lies, for the viewer's scope: the owner unit's or owner user's jurisdiction.
    jurisdiction = models.ForeignKey(
        "jurisdictions.Jurisdiction",
        verbose_name=_("所属辖区"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    deadline = models.DateTimeField(_("完成时限"))
    status = models.CharField(
        _("状态"), max_length=12, choices=TaskStatus.choices, default=TaskStatus.ISSUED
    )
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("交办人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="issued_tasks",
    )
    issued_at = models.DateTimeField(_("交办时间"), default=timezone.now)
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    closed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    return_reason = models.CharField(_("退回理由"), max_length=300, blank=True)
    # What the task came from (an inspection finding, an alert, a notice...).
    source_type = models.ForeignKey(
        ContentType, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    source_id = models.CharField(max_length=64, blank=True)
    source = GenericForeignKey("source_type", "source_id")

    objects = TaskQuerySet.as_manager()

    class Meta:
        verbose_name = _("督办任务")
        verbose_name_plural = _("督办任务")
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(responsibility=ResponsibilityKind.INDIVIDUAL)
                    & Q(owner_user__isnull=False)
                    & Q(owner_unit__isnull=True)
                )
                | (
                    ~Q(responsibility=ResponsibilityKind.INDIVIDUAL)
                    & Q(owner_unit__isnull=False)
                    & Q(owner_user__isnull=True)
                ),
                name="task_owner_matches_responsibility",
            ),
            models.CheckConstraint(
                condition=Q(status=TaskStatus.DONE, closed_at__isnull=False)
                | (~Q(status=TaskStatus.DONE) & Q(closed_at__isnull=True)),
                name="task_closed_when_done",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "deadline"], name="task_status_deadline"),
            models.Index(fields=["source_type", "source_id"], name="task_source"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("command:task_detail", args=[self.pk])

    @property
    def owner(self) -> object:
        return self.owner_user if self.owner_user_id else self.owner_unit

    @property
    def is_open(self) -> bool:
        return self.status != TaskStatus.DONE

    def is_owned_by(self, user: object) -> bool:
        """The owner, one of the owner unit's users, or a co-owner (person or unit)."""
        user_id = getattr(user, "pk", None)
        unit_id = getattr(user, "unit_id", None)
        if user_id is None:
            return False
        if self.owner_user_id == user_id or (unit_id and self.owner_unit_id == unit_id):
            return True
        if self.co_owner_users.filter(pk=user_id).exists():
            return True
        if unit_id is None:
            return False
        return self.co_owner_units.filter(pk=unit_id).exists()


class Milestone(models.Model):
    """A node (节点) of a task with its own due date; escalated once when it is overdue."""

    task = models.ForeignKey(
        Task, verbose_name=_("任务"), on_delete=models.CASCADE, related_name="milestones"
    )
    title = models.CharField(_("节点"), max_length=200)
    due_at = models.DateTimeField(_("节点时限"))
    done_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("任务节点")
        verbose_name_plural = _("任务节点")
        ordering = ["due_at", "pk"]
        indexes = [models.Index(fields=["done_at", "due_at"], name="milestone_open_due")]

    def __str__(self) -> str:
        return self.title

    def is_overdue(self, at: dt.datetime) -> bool:
        return self.done_at is None and self.due_at < at


class Escalation(models.Model):
    """An overdue milestone reported to the owner's superior: at most one per milestone,
    however often the job runs (the unique constraint is what guarantees it)."""

    milestone = models.OneToOneField(
        Milestone, verbose_name=_("任务节点"), on_delete=models.CASCADE, related_name="escalation"
    )
    to_unit = models.ForeignKey(
        "jurisdictions.ResponsibleUnit",
        verbose_name=_("上报单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    escalated_at = models.DateTimeField(_("上报时间"), default=timezone.now)

    class Meta:
        verbose_name = _("逾期上报")
        verbose_name_plural = _("逾期上报")

    def __str__(self) -> str:
        return f"{self.milestone} → {self.to_unit}"


class ProgressReport(models.Model):
    """Progress reported by the owner, with evidence; or the issuer's acceptance / return."""

    task = models.ForeignKey(
        Task, verbose_name=_("任务"), on_delete=models.CASCADE, related_name="progress"
    )
    milestone = models.ForeignKey(
        Milestone,
        verbose_name=_("节点"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    text = models.TextField(_("进展情况"))
    evidence = models.FileField(_("佐证材料"), upload_to="tasks/%Y/%m/", blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("填报人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    at = models.DateTimeField(_("时间"), default=timezone.now)

    class Meta:
        verbose_name = _("任务进展")
        verbose_name_plural = _("任务进展")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.task_id} {self.at:%m-%d %H:%M}"


class TaskAttachment(models.Model):
    task = models.ForeignKey(
        Task, verbose_name=_("任务"), on_delete=models.CASCADE, related_name="attachments"
    )
    file = models.FileField(_("附件"), upload_to="tasks/%Y/%m/")
    name = models.CharField(_("文件名"), max_length=200)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("上传时间"), default=timezone.now)

    class Meta:
        verbose_name = _("任务附件")
        verbose_name_plural = _("任务附件")

    def __str__(self) -> str:
        return self.name
