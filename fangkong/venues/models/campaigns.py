from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from fangkong.venues.models.inspections import Inspection
from fangkong.venues.models.venues import Venue


class CampaignStatus(models.TextChoices):
    ACTIVE = "active", _("进行中")
    FINISHED = "finished", _("已结束")


class Campaign(models.Model):
    """An inspection sweep (专项督查行动) launched by the HQ: every venue of some categories in
    some districts, shared among inspection teams, followed live."""

    title = models.CharField(_("行动名称"), max_length=120)
    categories = models.JSONField(_("场所类别"), default=list)
    districts = models.ManyToManyField(
        "jurisdictions.Jurisdiction", verbose_name=_("范围"), related_name="+"
    )
    starts_at = models.DateTimeField(_("开始时间"))
    ends_at = models.DateTimeField(_("结束时间"))
    status = models.CharField(
        _("状态"), max_length=10, choices=CampaignStatus.choices, default=CampaignStatus.ACTIVE
    )
    notes = models.TextField(_("工作要求"), blank=True)
    launched_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("发起人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    launched_at = models.DateTimeField(_("发起时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("督查行动")
        verbose_name_plural = _("督查行动")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="campaign_ends_after_start"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("venues:campaign", args=[self.pk])


class CampaignTeam(models.Model):
    campaign = models.ForeignKey(
        Campaign, verbose_name=_("督查行动"), on_delete=models.CASCADE, related_name="teams"
    )
    name = models.CharField(_("小组名称"), max_length=60)
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("组员"), related_name="campaign_teams"
    )

    class Meta:
        verbose_name = _("督查小组")
        verbose_name_plural = _("督查小组")
        ordering = ["campaign", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "name"], name="campaign_team_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name


class CampaignTarget(models.Model):
    """One venue on a campaign's list, the team sent to it and the inspection that covered it."""

    campaign = models.ForeignKey(
        Campaign, verbose_name=_("督查行动"), on_delete=models.CASCADE, related_name="targets"
    )
    venue = models.ForeignKey(
        Venue, verbose_name=_("场所"), on_delete=models.PROTECT, related_name="campaign_targets"
    )
    team = models.ForeignKey(
        CampaignTeam,
        verbose_name=_("督查小组"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="targets",
    )
    inspection = models.OneToOneField(
        Inspection,
        verbose_name=_("督查记录"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="campaign_target",
    )

    class Meta:
        verbose_name = _("督查对象")
        verbose_name_plural = _("督查对象")
        constraints = [
            models.UniqueConstraint(fields=["campaign", "venue"], name="campaign_target_unique"),
        ]
        indexes = [models.Index(fields=["venue", "campaign"], name="campaign_target_venue")]

    def __str__(self) -> str:
        return f"{self.campaign} · {self.venue}"
