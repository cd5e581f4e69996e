"""Notifications: an in-app inbox, and an outbox that records every delivery and its status."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class NotificationKind(models.TextChoices):
    TASK_ISSUED = "task_issued", _("任务交办")
    TASK_RETURNED = "task_returned", _("任务退回")
    TASK_SUBMITTED = "task_submitted", _("任务提交")
    MILESTONE_DUE = "milestone_due", _("节点即将到期")
    MILESTONE_OVERDUE = "milestone_overdue", _("节点逾期")
    REPORT_REMINDER = "report_reminder", _("日报提醒")
    REPORT_MISSING = "report_missing", _("日报缺报")
    NOTICE_ISSUED = "notice_issued", _("通告发布")
    NOTICE_IN_FORCE = "notice_in_force", _("通告生效")
    NOTICE_UNREAD = "notice_unread", _("通告催阅")
    ALERT = "alert", _("预警")


class Notification(models.Model):
    """One message to one user. `dedupe_key` makes a job's notice idempotent per recipient."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("接收人"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    kind = models.CharField(_("类型"), max_length=24, choices=NotificationKind.choices)
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("内容"), blank=True)
    url = models.CharField(_("链接"), max_length=300, blank=True)
    dedupe_key = models.CharField(_("去重键"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("时间"), default=timezone.now)
    read_at = models.DateTimeField(_("已读时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("消息")
        verbose_name_plural = _("消息")
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "dedupe_key"],
                condition=~Q(dedupe_key=""),
                name="notification_once_per_key",
            ),
        ]
        indexes = [
            models.Index(fields=["recipient", "read_at"], name="notification_inbox"),
        ]

    def __str__(self) -> str:
        return self.title


class Channel(models.TextChoices):
    IN_APP = "in_app", _("站内消息")
    EMAIL = "email", _("电子邮件")


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("待发送")
    SENT = "sent", _("已发送")
    FAILED = "failed", _("发送失败")


class OutboxMessage(models.Model):
    """A delivery of a notification on one channel. E-mail is sent by a job, never inside the
    write that caused it, so a mail server that is down cannot break or slow a write."""

    notification = models.ForeignKey(
        Notification, verbose_name=_("消息"), on_delete=models.CASCADE, related_name="deliveries"
    )
    channel = models.CharField(_("渠道"), max_length=8, choices=Channel.choices)
    address = models.CharField(_("地址"), max_length=254, blank=True)
    status = models.CharField(
        _("状态"), max_length=8, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("尝试次数"), default=0)
    last_error = models.CharField(_("最近错误"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)
    sent_at = models.DateTimeField(_("发送时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("发件箱")
        verbose_name_plural = _("发件箱")
        indexes = [models.Index(fields=["status", "channel"], name="outbox_pending")]

    def __str__(self) -> str:
        return f"{self.channel}:{self.address} {self.status}"


class FigureSnapshot(models.Model):
    """A briefing figure's value for a day, kept by a job so the dashboard can draw every
    area's trends without recomputing past days."""

    day = models.DateField(_("日期"))
    key = models.CharField(_("指标"), max_length=80)
    section = models.CharField(_("板块"), max_length=80)
    label = models.CharField(_("指标名称"), max_length=120)
    unit = models.CharField(_("单位"), max_length=20, blank=True)
    value = models.FloatField(_("数值"))
    taken_at = models.DateTimeField(_("采集时间"))

    class Meta:
        verbose_name = _("指标快照")
        verbose_name_plural = _("指标快照")
        constraints = [
            models.UniqueConstraint(fields=["day", "key"], name="figure_snapshot_once_a_day"),
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.key}={self.value}"
