"""Health monitoring after discharge (出院后健康监测), at home or at a site, to its last day."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _


class MonitoringPlace(models.TextChoices):
    HOME = "home", _("居家健康监测")
    SITE = "site", _("集中健康监测（康复驿站）")


class MonitoringStatus(models.TextChoices):
    ACTIVE = "active", _("监测中")
    COMPLETED = "completed", _("监测期满")
    READMITTED = "readmitted", _("再次入院")


class MonitoringQuerySet(models.QuerySet["PostDischargeMonitoring"]):
    def active(self) -> MonitoringQuerySet:
        return self.filter(status=MonitoringStatus.ACTIVE)


class PostDischargeMonitoring(models.Model):
    admission = models.OneToOneField(
        "hospitals.Admission",
        verbose_name=_("住院记录"),
        on_delete=models.PROTECT,
        related_name="monitoring",
    )
    person = models.ForeignKey(
        "people.Person",
        verbose_name=_("人员"),
        on_delete=models.PROTECT,
        related_name="post_discharge_monitorings",
    )
    place = models.CharField(_("监测方式"), max_length=8, choices=MonitoringPlace.choices)
    site = models.ForeignKey(
        "quarantine.Site",
        verbose_name=_("监测场所"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="post_discharge_monitorings",
    )
    address = models.CharField(_("监测地址"), max_length=200, blank=True)
    # The jurisdiction responsible for the monitoring: the site's, or the person's home.
    jurisdiction = models.ForeignKey(
        "jurisdictions.Jurisdiction",
        verbose_name=_("责任辖区"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    starts_on = models.DateField(_("开始日期"))
    ends_on = models.DateField(_("结束日期"))
    status = models.CharField(
        _("状态"), max_length=12, choices=MonitoringStatus.choices, default=MonitoringStatus.ACTIVE
    )
    closed_at = models.DateTimeField(_("结束时间"), null=True, blank=True)

    objects = MonitoringQuerySet.as_manager()

    class Meta:
        verbose_name = _("出院后健康监测")
        verbose_name_plural = _("出院后健康监测")
        constraints = [
            models.CheckConstraint(
                condition=~Q(place="site") | Q(site__isnull=False),
                name="monitoring_site_named",
            ),
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")), name="monitoring_ends_after_start"
            ),
        ]
        indexes = [models.Index(fields=["status", "ends_on"], name="monitoring_status_end")]

    def __str__(self) -> str:
        return f"{self.person} {self.starts_on}–{self.ends_on}"


class MonitoringCheck(models.Model):
    monitoring = models.ForeignKey(
        PostDischargeMonitoring,
        verbose_name=_("健康监测"),
        on_delete=models.PROTECT,
        related_name="checks",
    )
    day = models.DateField(_("日期"))
    temperature = models.DecimalField(_("体温（℃）"), max_digits=3, decimal_places=1)
    symptoms = models.CharField(_("症状"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("记录人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("记录时间"), auto_now=True)

    class Meta:
        verbose_name = _("健康监测记录")
        verbose_name_plural = _("健康监测记录")
        ordering = ["monitoring", "day"]
        constraints = [
            models.UniqueConstraint(fields=["monitoring", "day"], name="monitoring_check_per_day"),
        ]

    def __str__(self) -> str:
        return f"{self.monitoring.person} {self.day}"
