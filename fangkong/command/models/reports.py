"""Daily reports and zero reports (日报告/零报告) of the responsible units."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ReportProfile(models.TextChoices):
    """Which figures a unit reports, decided from what the unit runs (see `unit_profile`)."""

    SITE = "site", _("集中隔离点")
    HOSPITAL = "hospital", _("医疗机构")
    COMMUNITY = "community", _("社区/村")
    DEPARTMENT = "department", _("部门")
    TERRITORY = "territory", _("属地（街道/区）")
    ORGANISATION = "organisation", _("单位")


class ReportFigure(models.Model):
    """A figure a profile reports each day: a policy row, so the HQ can add or retire one
    without a code change (history keeps the figures already reported under their key)."""

    profile = models.CharField(_("填报类别"), max_length=16, choices=ReportProfile.choices)
    key = models.SlugField(_("指标代码"), max_length=40)
    label = models.CharField(_("指标名称"), max_length=60)
    unit = models.CharField(_("单位"), max_length=10, blank=True)
    order = models.PositiveSmallIntegerField(_("排序"), default=0)
    active = models.BooleanField(_("在用"), default=True)

    class Meta:
        verbose_name = _("日报指标")
        verbose_name_plural = _("日报指标")
        ordering = ["profile", "order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["profile", "key"], name="report_figure_unique_key"),
        ]

    def __str__(self) -> str:
        return self.label


class ReportKind(models.TextChoices):
    DAILY = "daily", _("日报告")
    ZERO = "zero", _("零报告")


class UnitReport(models.Model):
    """One unit's report for one day: figures and free text, or a zero report."""

    unit = models.ForeignKey(
        "jurisdictions.ResponsibleUnit",
        verbose_name=_("单位"),
        on_delete=models.PROTECT,
        related_name="daily_reports",
    )
    day = models.DateField(_("报告日期"))
    kind = models.CharField(_("类型"), max_length=8, choices=ReportKind.choices)
    profile = models.CharField(_("填报类别"), max_length=16, choices=ReportProfile.choices)
    figures = models.JSONField(_("数据"), default=dict, blank=True)
    issues = models.TextField(_("存在问题"), blank=True)
    needs = models.TextField(_("需协调事项"), blank=True)
    submitted_at = models.DateTimeField(_("报送时间"), default=timezone.now)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("报送人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    cutoff_at = models.DateTimeField(_("截止时间"))
    late = models.BooleanField(_("迟报"), default=False)

    class Meta:
        verbose_name = _("单位日报")
        verbose_name_plural = _("单位日报")
        constraints = [
            models.UniqueConstraint(fields=["unit", "day"], name="unit_report_once_a_day"),
        ]
        indexes = [models.Index(fields=["day", "unit"], name="unit_report_day")]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.day}"


class MissingReport(models.Model):
    """A unit found without a report after the cut-off (缺报); resolved when it reports."""

    unit = models.ForeignKey(
        "jurisdictions.ResponsibleUnit",
        verbose_name=_("单位"),
        on_delete=models.PROTECT,
        related_name="missing_reports",
    )
    day = models.DateField(_("报告日期"))
    detected_at = models.DateTimeField(_("发现时间"), default=timezone.now)
    resolved_at = models.DateTimeField(_("补报时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("缺报记录")
        verbose_name_plural = _("缺报记录")
        constraints = [
            models.UniqueConstraint(fields=["unit", "day"], name="missing_report_once"),
        ]
        indexes = [
            models.Index(
                fields=["day"], condition=Q(resolved_at__isnull=True), name="missing_open_by_day"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.day}"
