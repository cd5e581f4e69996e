from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Severity(models.TextChoices):
    INFO = "info", _("提示")
    WARNING = "warning", pgettext_lazy("severity", "预警")
    CRITICAL = "critical", _("紧急")


class AlertQuerySet(models.QuerySet["Alert"]):
    def open(self) -> AlertQuerySet:
        return self.filter(resolved_at__isnull=True)


class Alert(models.Model):
    """Something that needs a person's attention: a fever at a site, a venue over its limit,
    a stock below safety level. Areas raise alerts; the HQ, the district and the unit concerned
    see them. One open alert per `dedupe_key`, however often the condition is detected.
    """

    kind = models.CharField(_("类别"), max_length=64)
    severity = models.CharField(
        _("级别"), max_length=10, choices=Severity.choices, default=Severity.WARNING
    )
    title = models.CharField(_("标题"), max_length=200)
    detail = models.TextField(_("详情"), blank=True)
    jurisdiction = models.ForeignKey(
        "jurisdictions.Jurisdiction",
        verbose_name=_("辖区"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    unit = models.ForeignKey(
        "jurisdictions.ResponsibleUnit",
        verbose_name=_("责任单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="alerts",
    )
    subject_type = models.ForeignKey(
        ContentType, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    subject_id = models.CharField(max_length=64, blank=True)
    subject = GenericForeignKey("subject_type", "subject_id")
    dedupe_key = models.CharField(_("去重键"), max_length=200)
    raised_at = models.DateTimeField(_("发出时间"), default=timezone.now)
    resolved_at = models.DateTimeField(_("处置时间"), null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("处置人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    resolution_note = models.CharField(_("处置说明"), max_length=300, blank=True)

    objects = AlertQuerySet.as_manager()

    class Meta:
        verbose_name = _("预警")
        verbose_name_plural = _("预警")
        constraints = [
            models.UniqueConstraint(
                fields=["dedupe_key"],
                condition=Q(resolved_at__isnull=True),
                name="alert_one_open_per_key",
            ),
        ]
        indexes = [
            models.Index(fields=["kind", "resolved_at"], name="alert_kind_open"),
            models.Index(fields=["subject_type", "subject_id"], name="alert_subject"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("alerts:detail", args=[self.pk])

    def subject_url(self) -> str:
        """The page of what the alert is about (a person, a venue, a task), if it has one:
        that page checks its own access."""
        subject = self.subject
        url = getattr(subject, "get_absolute_url", None)
        return str(url()) if callable(url) else ""

    @property
    def is_open(self) -> bool:
        return self.resolved_at is None
