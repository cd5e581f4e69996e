"""Arrivals from risk areas (来返人员报备): the areas other cities graded, and the people who
report themselves on arriving from one."""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from fangkong.people.models import IdType


class AreaLevel(models.TextChoices):
    HIGH = "high", _("高风险地区")
    MEDIUM = "medium", _("中风险地区")


class RiskAreaQuerySet(models.QuerySet["RiskArea"]):
    def in_force(self, day: dt.date) -> RiskAreaQuerySet:
        return self.filter(Q(until__isnull=True) | Q(until__gte=day), since__lte=day)


class RiskArea(models.Model):
    """An area of another city at a level from `since` until `until` (None: still in force)."""

    province = models.CharField(_("省份"), max_length=30, blank=True)
    city = models.CharField(_("城市"), max_length=50)
    name = models.CharField(_("地区"), max_length=100)
    level = models.CharField(_("风险等级"), max_length=8, choices=AreaLevel.choices)
    since = models.DateField(_("起始日期"))
    until = models.DateField(_("截止日期"), null=True, blank=True)
    source = models.CharField(_("依据"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    objects = RiskAreaQuerySet.as_manager()

    class Meta:
        verbose_name = _("风险地区")
        verbose_name_plural = _("风险地区")
        ordering = ["city", "name", "-since"]
        constraints = [
            models.UniqueConstraint(
                fields=["city", "name", "level", "since"], name="risk_area_unique_period"
            ),
            models.CheckConstraint(
                condition=Q(until__isnull=True) | Q(until__gte=models.F("since")),
                name="risk_area_until_after_since",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.city}{self.name}（{self.get_level_display()}）"


class ArrivalReport(models.Model):
    """Someone's own report of arriving from a risk area, through the public page."""

    name = models.CharField(_("姓名"), max_length=50)
    id_type = models.CharField(
        _("证件类型"), max_length=20, choices=IdType.choices, default=IdType.RESIDENT_ID
    )
    id_number = models.CharField(_("证件号码"), max_length=32)
    phone = models.CharField(_("手机号"), max_length=20)
    from_area = models.ForeignKey(
        RiskArea,
        verbose_name=_("来自地区"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="arrivals",
    )
    from_text = models.CharField(_("出发地（自填）"), max_length=200)
    left_at = models.DateField(_("离开该地日期"))
    arrived_at = models.DateTimeField(_("抵达时间"))
    address = models.CharField(_("本地住址"), max_length=200)
    jurisdiction = models.ForeignKey(
        "jurisdictions.Jurisdiction",
        verbose_name=_("所在社区"),
        on_delete=models.PROTECT,
        related_name="arrival_reports",
    )
    person = models.ForeignKey(
        "people.Person",
        verbose_name=_("人员"),
        on_delete=models.PROTECT,
        related_name="arrival_reports",
    )
    task = models.ForeignKey(
        "assist.VerificationTask",
        verbose_name=_("核查任务"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="arrival_reports",
    )
    measure = models.CharField(_("管控措施"), max_length=24, blank=True)
    reported_at = models.DateTimeField(_("报备时间"))

    class Meta:
        verbose_name = _("来返人员报备")
        verbose_name_plural = _("来返人员报备")
        ordering = ["-reported_at", "-id"]
        indexes = [models.Index(fields=["reported_at"], name="arrival_reported_at")]

    def __str__(self) -> str:
        return f"{self.name} ← {self.from_text}"
