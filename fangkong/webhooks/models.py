from __future__ import annotations

import datetime as dt
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class EventKind(models.TextChoices):
    CASE_REGISTERED = "case.registered", _("病例登记")
    CONTACT_CONFIRMED = "contact.confirmed", _("密接判定")
    ALERT_RAISED = "alert.raised", _("预警发出")
    NOTICE_PUBLISHED = "notice.published", _("通告发布")
    REPORT_MISSING = "report.missing", _("日报缺报")


class Subscription(models.Model):
    """Another system that wants to be told of some kinds of event, at a URL. The secret signs
    every delivery; the API shows it once (on creation and on rotation). It is kept as it is,
    not hashed: signing needs it. A rotated secret still signs, beside the new one, until
    `previous_secret_until`, so the receiver can switch without losing a delivery."""

    name = models.CharField(_("名称"), max_length=100)
    url = models.URLField(_("接收地址"), max_length=500)
    kinds = models.JSONField(_("事件类型"), default=list)
    jurisdiction = models.ForeignKey(
        "jurisdictions.Jurisdiction",
        verbose_name=_("辖区"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("只推送该辖区内的事件；不填为全市"),
    )
    secret = models.CharField(_("签名密钥"), max_length=100, editable=False)
    previous_secret = models.CharField(max_length=100, blank=True, editable=False)
    previous_secret_until = models.DateTimeField(null=True, blank=True, editable=False)
    is_active = models.BooleanField(_("启用"), default=True)
    consecutive_failures = models.PositiveIntegerField(_("连续失败次数"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登记人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("登记时间"), default=timezone.now)
    deactivated_at = models.DateTimeField(_("停用时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("事件订阅")
        verbose_name_plural = _("事件订阅")
        constraints = [
            # A retried registration finds the first one (409) instead of doubling every push.
            models.UniqueConstraint(
                fields=["url"], condition=Q(is_active=True), name="webhook_one_active_per_url"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def signing_secrets(self, at: dt.datetime) -> list[str]:
        """The secrets a delivery at `at` is signed with: the current one, and the previous
        one while its grace period lasts."""
        secrets = [self.secret]
        if self.previous_secret and self.previous_secret_until and at < self.previous_secret_until:
            secrets.append(self.previous_secret)
        return secrets

    def wants(self, kind: str, jurisdiction_path: str | None) -> bool:
        """Whether an event of `kind` in the jurisdiction at that path (None: city-wide, such
        as a notice) is for this subscription."""
        if not self.is_active or kind not in self.kinds:
            return False
        if self.jurisdiction is None or jurisdiction_path is None:
            return True
        return jurisdiction_path.startswith(self.jurisdiction.path)


class Event(models.Model):
    """Something that happened, as the receivers are told it (the payload is the body sent).
    Written in the transaction of the write it reports, so a rolled-back write tells no one."""

    event_id = models.UUIDField(_("事件编号"), default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(_("事件类型"), max_length=32, choices=EventKind.choices)
    subject_type = models.CharField(max_length=64)
    subject_id = models.CharField(max_length=64)
    jurisdiction = models.ForeignKey(
        "jurisdictions.Jurisdiction",
        verbose_name=_("辖区"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    payload = models.JSONField(_("内容"))
    occurred_at = models.DateTimeField(_("发生时间"), default=timezone.now)

    class Meta:
        verbose_name = _("推送事件")
        verbose_name_plural = _("推送事件")

    def __str__(self) -> str:
        return f"{self.kind} {self.event_id}"


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("待推送")
    DELIVERED = "delivered", _("已送达")
    DEAD = "dead", _("已放弃")
    CANCELLED = "cancelled", _("已取消")


class DeliveryQuerySet(models.QuerySet["Delivery"]):
    def due(self, now: dt.datetime) -> DeliveryQuerySet:
        return self.filter(
            status=DeliveryStatus.PENDING, next_attempt_at__lte=now, subscription__is_active=True
        )


class Delivery(models.Model):
    """One event for one subscription: the outbox row the delivery job works through."""

    event = models.ForeignKey(
        Event, verbose_name=_("事件"), on_delete=models.CASCADE, related_name="deliveries"
    )
    subscription = models.ForeignKey(
        Subscription,
        verbose_name=_("订阅"),
        on_delete=models.CASCADE,
        related_name="deliveries",
    )
    status = models.CharField(
        _("状态"), max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("尝试次数"), default=0)
    next_attempt_at = models.DateTimeField(_("下次推送时间"), default=timezone.now)
    last_attempt_at = models.DateTimeField(_("最近推送时间"), null=True, blank=True)
    last_status_code = models.PositiveSmallIntegerField(_("最近响应码"), null=True, blank=True)
    last_error = models.CharField(_("最近错误"), max_length=300, blank=True)
    delivered_at = models.DateTimeField(_("送达时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)

    objects = DeliveryQuerySet.as_manager()

    class Meta:
        verbose_name = _("推送记录")
        verbose_name_plural = _("推送记录")
        constraints = [
            models.UniqueConstraint(fields=["event", "subscription"], name="webhook_delivery_once"),
        ]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="webhook_delivery_due"),
        ]

    def __str__(self) -> str:
        return f"{self.event_id} → {self.subscription_id} {self.status}"


class DeliveryAttempt(models.Model):
    """The delivery log: one row per POST, whatever came of it."""

    delivery = models.ForeignKey(
        Delivery, verbose_name=_("推送记录"), on_delete=models.CASCADE, related_name="log"
    )
    number = models.PositiveSmallIntegerField(_("第几次"))
    attempted_at = models.DateTimeField(_("推送时间"))
    status_code = models.PositiveSmallIntegerField(_("响应码"), null=True, blank=True)
    error = models.CharField(_("错误"), max_length=300, blank=True)
    duration_ms = models.PositiveIntegerField(_("耗时（毫秒）"))

    class Meta:
        verbose_name = _("推送日志")
        verbose_name_plural = _("推送日志")
        ordering = ["delivery", "pk"]

    def __str__(self) -> str:
        return f"{self.delivery_id} #{self.number} {self.status_code or self.error}"

    @property
    def succeeded(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300
