"""Numbered notices (通告) of the HQ and the measures they set."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class NoticeStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    PUBLISHED = "published", _("已发布")  # issued, measures waiting for the effective time
    IN_FORCE = "in_force", _("已生效")


class NoticeQuerySet(models.QuerySet["Notice"]):
    def published(self) -> NoticeQuerySet:
        return self.exclude(status=NoticeStatus.DRAFT)


class Notice(models.Model):
    """第N号通告: a public order of the HQ. Its measures are written to the policy table when it
    is published, each with the notice's effective time, so nothing changes before that instant.
    """

    number = models.PositiveIntegerField(_("通告编号"), unique=True)
    title = models.CharField(_("标题"), max_length=200)
    issuer = models.CharField(_("发布机关"), max_length=100)
    body = models.TextField(_("正文"))
    issued_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    effective_at = models.DateTimeField(_("生效时间"))
    status = models.CharField(
        _("状态"), max_length=12, choices=NoticeStatus.choices, default=NoticeStatus.DRAFT
    )
    activated_at = models.DateTimeField(_("生效处理时间"), null=True, blank=True)
    # Units that must confirm reading it; none chosen means every reporting unit.
    addressed_units = models.ManyToManyField(
        "jurisdictions.ResponsibleUnit", verbose_name=_("主送单位"), blank=True, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("起草人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("起草时间"), default=timezone.now)

    objects = NoticeQuerySet.as_manager()

    class Meta:
        verbose_name = _("通告")
        verbose_name_plural = _("通告")
        ordering = ["-number"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status=NoticeStatus.DRAFT) | Q(issued_at__isnull=False),
                name="notice_published_has_issue_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.label}：{self.title}"

    def get_absolute_url(self) -> str:
        return reverse("command:notice_detail", args=[self.pk])

    @property
    def label(self) -> str:
        return _("第%(number)s号通告") % {"number": self.number}

    @property
    def is_draft(self) -> bool:
        return self.status == NoticeStatus.DRAFT

    def get_public_url(self) -> str:
        return reverse("command:notice_public", args=[self.number])


class NoticeMeasure(models.Model):
    """One structured measure of a notice; `measure` is the policy row written on publishing."""

    notice = models.ForeignKey(
        Notice, verbose_name=_("通告"), on_delete=models.CASCADE, related_name="measures"
    )
    kind = models.CharField(_("措施类型"), max_length=64)
    subject = models.CharField(_("适用对象"), max_length=64, blank=True)
    value = models.CharField(_("取值"), max_length=64)
    measure = models.OneToOneField(
        "policy.Measure",
        verbose_name=_("措施记录"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="notice_measure",
    )

    class Meta:
        verbose_name = _("通告措施")
        verbose_name_plural = _("通告措施")
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["notice", "kind", "subject"], name="notice_measure_once_per_subject"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind}[{self.subject}]={self.value}"


class NoticeAttachment(models.Model):
    notice = models.ForeignKey(
        Notice, verbose_name=_("通告"), on_delete=models.CASCADE, related_name="attachments"
    )
    file = models.FileField(_("附件"), upload_to="notices/%Y/%m/")
    name = models.CharField(_("文件名"), max_length=200)
    uploaded_at = models.DateTimeField(_("上传时间"), default=timezone.now)

    class Meta:
        verbose_name = _("通告附件")
        verbose_name_plural = _("通告附件")

    def __str__(self) -> str:
        return self.name


class NoticeReceipt(models.Model):
    """A unit concerned by a notice, and whether (when, by whom) it confirmed reading it."""

    notice = models.ForeignKey(
        Notice, verbose_name=_("通告"), on_delete=models.CASCADE, related_name="receipts"
    )
    unit = models.ForeignKey(
        "jurisdictions.ResponsibleUnit",
        verbose_name=_("单位"),
        on_delete=models.PROTECT,
        related_name="notice_receipts",
    )
    read_at = models.DateTimeField(_("阅知时间"), null=True, blank=True)
    read_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("阅知人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    chased_at = models.DateTimeField(_("催阅时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("阅知回执")
        verbose_name_plural = _("阅知回执")
        constraints = [
            models.UniqueConstraint(fields=["notice", "unit"], name="notice_receipt_once"),
        ]
        indexes = [models.Index(fields=["unit", "read_at"], name="receipt_unit_read")]

    def __str__(self) -> str:
        return f"{self.notice_id}→{self.unit_id}"
