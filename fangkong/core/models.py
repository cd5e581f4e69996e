from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fangkong.core.audit_actions import audit_action_label


class AuditKind(models.TextChoices):
    WRITE = "write", _("写入")
    READ = "read", _("查看")


class AuditEventQuerySet(models.QuerySet["AuditEvent"]):
    def for_object(self, obj: models.Model) -> AuditEventQuerySet:
        return self.filter(object_type=obj._meta.label_lower, object_id=str(obj.pk))


class AuditEvent(models.Model):
    """One row per write (and per read of a person's record), written in the same transaction."""

    at = models.DateTimeField(_("时间"), default=timezone.now)
    kind = models.CharField(_("类型"), max_length=8, choices=AuditKind.choices)
    action = models.CharField(_("操作"), max_length=64)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # Kept beside the foreign key so the trail still reads after a user is removed, and so
    # unauthenticated writers (a public check-in, a job) are named too.
    actor_label = models.CharField(_("操作人标识"), max_length=150)
    object_type = models.CharField(_("对象类型"), max_length=100)
    object_id = models.CharField(_("对象编号"), max_length=64)
    object_repr = models.CharField(_("对象"), max_length=200)
    before = models.JSONField(_("修改前"), null=True, blank=True)
    after = models.JSONField(_("修改后"), null=True, blank=True)
    channel = models.CharField(_("来源"), max_length=16)
    origin_label = models.CharField(_("来源详情"), max_length=200, blank=True)
    ip = models.GenericIPAddressField(_("IP 地址"), null=True, blank=True)
    user_agent = models.CharField(_("客户端"), max_length=300, blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("审计记录")
        verbose_name_plural = _("审计记录")
        indexes = [
            models.Index(fields=["object_type", "object_id", "at"], name="audit_object_at"),
            models.Index(fields=["actor", "at"], name="audit_actor_at"),
            models.Index(fields=["at"], name="audit_at"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.actor_label} {self.action} {self.object_repr}"

    @property
    def action_label(self) -> str:
        """The action in words (a history shows this, not the code)."""
        return audit_action_label(self.action)


class DataImport(models.Model):
    """One accepted import of a file (persons, venues, check-ins, a batch intake...).

    Rejected files write nothing, so only accepted imports appear here; the audit row of the
    import points at this record.
    """

    kind = models.CharField(_("导入类型"), max_length=40)
    filename = models.CharField(_("文件名"), max_length=200)
    rows = models.PositiveIntegerField(_("行数"))
    created = models.PositiveIntegerField(_("新增"))
    existing = models.PositiveIntegerField(_("已存在"))
    skipped = models.PositiveIntegerField(_("跳过"), default=0)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("导入人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    at = models.DateTimeField(_("导入时间"), default=timezone.now)

    class Meta:
        verbose_name = _("数据导入")
        verbose_name_plural = _("数据导入")
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.kind} {self.filename}"


class IdempotencyRecord(models.Model):
    """One `Idempotency-Key` of one caller on one operation (fangkong/core/idempotency.py).

    Claimed (status empty) in its own transaction before the view runs, so the unique
    constraint decides which of two concurrent requests with the key runs; completed with the
    view's answer, which a retry is given back instead of running the view again.
    """

    # "user:<pk>" or "token:<pk>": two integrations of one account (two tokens) keep apart.
    owner = models.CharField(_("调用方"), max_length=40)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("用户"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    key = models.CharField(_("幂等键"), max_length=255)
    method = models.CharField(_("方法"), max_length=10)
    path = models.CharField(_("路径"), max_length=500)
    # sha256 of what was sent; the same key with other content is refused, never replayed.
    fingerprint = models.CharField(_("请求摘要"), max_length=64)
    status = models.PositiveSmallIntegerField(_("响应状态"), null=True, blank=True)
    content_type = models.CharField(_("响应类型"), max_length=100, blank=True)
    headers = models.JSONField(_("响应头"), default=dict, blank=True)
    body = models.BinaryField(_("响应内容"), default=b"", blank=True)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)
    completed_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("幂等记录")
        verbose_name_plural = _("幂等记录")
        constraints = [
            models.UniqueConstraint(
                fields=["owner", "key", "method", "path"], name="idempotency_one_per_key"
            ),
        ]
        indexes = [models.Index(fields=["created_at"], name="idempotency_created_at")]

    def __str__(self) -> str:
        return f"{self.owner} {self.method} {self.path} {self.key}"

    @property
    def in_progress(self) -> bool:
        return self.status is None


class IdempotencyPerson(models.Model):
    """A person a kept answer names (`fangkong.core.idempotency.named_persons`): a copy of
    personal data, so the person's retention removes the record and their export lists it
    (people/stored_answers.py). By id, as the audit trail names objects: core sits below the
    person registry."""

    record = models.ForeignKey(
        IdempotencyRecord,
        verbose_name=_("幂等记录"),
        on_delete=models.CASCADE,
        related_name="persons",
    )
    person_id = models.BigIntegerField(_("人员编号"))

    class Meta:
        verbose_name = _("幂等记录所涉人员")
        verbose_name_plural = _("幂等记录所涉人员")
        constraints = [
            models.UniqueConstraint(fields=["record", "person_id"], name="idempotency_person_once")
        ]
        indexes = [models.Index(fields=["person_id"], name="idempotency_person")]

    def __str__(self) -> str:
        return f"{self.record_id} → {self.person_id}"
