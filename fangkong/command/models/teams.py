"""Work teams (工作专班) of the HQ and their duty rota."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class WorkTeam(models.Model):
    name = models.CharField(_("专班名称"), max_length=60, unique=True)
    duties = models.TextField(_("职责"), blank=True)
    leader = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("专班负责人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="led_teams",
    )
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("成员"),
        through="TeamMember",
        related_name="work_teams",
    )
    order = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("工作专班")
        verbose_name_plural = _("工作专班")
        ordering = ["order", "name"]

    def __str__(self) -> str:
        return self.name


class TeamMember(models.Model):
    team = models.ForeignKey(WorkTeam, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="team_memberships"
    )
    post = models.CharField(_("岗位"), max_length=60, blank=True)

    class Meta:
        verbose_name = _("专班成员")
        verbose_name_plural = _("专班成员")
        constraints = [
            models.UniqueConstraint(fields=["team", "user"], name="team_member_once"),
        ]

    def __str__(self) -> str:
        return f"{self.team}: {self.user}"


class RotaStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    PUBLISHED = "published", _("已发布")


class Rota(models.Model):
    """A team's duty rota for a period; checked against the rest rules before publishing."""

    team = models.ForeignKey(
        WorkTeam, verbose_name=_("专班"), on_delete=models.PROTECT, related_name="rotas"
    )
    starts_on = models.DateField(_("开始日期"))
    ends_on = models.DateField(_("结束日期"))
    status = models.CharField(
        _("状态"), max_length=10, choices=RotaStatus.choices, default=RotaStatus.DRAFT
    )
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    # Publishing over flagged violations needs a reason, kept with the rota.
    violations_accepted = models.CharField(_("违规说明"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)

    class Meta:
        verbose_name = _("值班表")
        verbose_name_plural = _("值班表")
        ordering = ["-starts_on", "team__order"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")), name="rota_ends_after_start"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.team} {self.starts_on:%m-%d}–{self.ends_on:%m-%d}"

    def get_absolute_url(self) -> str:
        return reverse("command:rota_detail", args=[self.pk])


class Shift(models.Model):
    rota = models.ForeignKey(
        Rota, verbose_name=_("值班表"), on_delete=models.CASCADE, related_name="shifts"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("值班人员"),
        on_delete=models.PROTECT,
        related_name="shifts",
    )
    starts_at = models.DateTimeField(_("开始时间"))
    ends_at = models.DateTimeField(_("结束时间"))
    post = models.CharField(_("岗位"), max_length=60, blank=True)

    class Meta:
        verbose_name = _("班次")
        verbose_name_plural = _("班次")
        ordering = ["starts_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="shift_ends_after_start"
            ),
        ]
        indexes = [
            models.Index(fields=["user", "starts_at"], name="shift_user_start"),
            models.Index(fields=["starts_at", "ends_at"], name="shift_time"),
        ]

    def __str__(self) -> str:
        return f"{self.user} {self.starts_at:%m-%d %H:%M}"

    @property
    def hours(self) -> float:
        return (self.ends_at - self.starts_at).total_seconds() / 3600
