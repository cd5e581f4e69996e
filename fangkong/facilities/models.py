"""The directory of hospitals: which designated, reserve and fangcang hospitals the city has,
and whether each is receiving. Wards, beds and patients belong to the hospitals area.

Also the closed-loop stints (闭环管理) of staff at every workplace, quarantine sites and
hospitals alike: one person can be inside one closed loop at a time, wherever it is."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _


class HospitalKind(models.TextChoices):
    DESIGNATED = "designated", _("定点医院")
    RESERVE = "reserve", _("后备定点医院")
    FANGCANG = "fangcang", _("方舱医院")


class HospitalStatus(models.TextChoices):
    RECEIVING = "receiving", _("收治中")
    STANDBY = "standby", _("备用")
    FULL = "full", _("满员")


class HospitalQuerySet(models.QuerySet["Hospital"]):
    def receiving(self) -> HospitalQuerySet:
        return self.filter(status=HospitalStatus.RECEIVING)


class Hospital(models.Model):
    """A designated hospital (定点医院) or a reserve / fangcang facility."""

    name = models.CharField(_("名称"), max_length=120, unique=True)
    kind = models.CharField(
        _("类型"), max_length=16, choices=HospitalKind.choices, default=HospitalKind.DESIGNATED
    )
    status = models.CharField(
        _("状态"), max_length=16, choices=HospitalStatus.choices, default=HospitalStatus.RECEIVING
    )
    address = models.CharField(_("地址"), max_length=200, blank=True)
    jurisdiction = models.ForeignKey(
        "jurisdictions.Jurisdiction",
        verbose_name=_("所属辖区"),
        on_delete=models.PROTECT,
        related_name="hospitals",
    )
    unit = models.ForeignKey(
        "jurisdictions.ResponsibleUnit",
        verbose_name=_("责任单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="hospitals",
    )
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    objects = HospitalQuerySet.as_manager()

    class Meta:
        # The table the hospitals area created before the directory moved down; its rows stay.
        db_table = "hospitals_hospital"
        verbose_name = _("定点医院")
        verbose_name_plural = _("定点医院")
        ordering = ["kind", "name"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_receiving(self) -> bool:
        return self.status == HospitalStatus.RECEIVING


class WorkplaceKind(models.TextChoices):
    QUARANTINE_SITE = "quarantine_site", _("集中隔离点")
    HOSPITAL = "hospital", _("医院")


class ClosedLoopStintQuerySet(models.QuerySet["ClosedLoopStint"]):
    def open(self) -> ClosedLoopStintQuerySet:
        return self.filter(left_at__isnull=True)


class ClosedLoopStint(models.Model):
    """One stint of a person working inside a workplace's closed loop (闭环管理), from entering
    to rotating out, then health monitoring until `monitoring_ends_on`. The area that runs the
    workplace keeps its own row (post, shift, ward) pointing here."""

    person = models.ForeignKey(
        "people.Person",
        verbose_name=_("人员"),
        on_delete=models.PROTECT,
        related_name="closed_loop_stints",
    )
    workplace_kind = models.CharField(
        _("工作场所类型"), max_length=16, choices=WorkplaceKind.choices
    )
    # The workplace's name when the stint began, for saying where someone is without asking
    # the area that runs it.
    workplace = models.CharField(_("工作场所"), max_length=120)
    entered_at = models.DateTimeField(_("进入闭环时间"))
    left_at = models.DateTimeField(_("轮换离开时间"), null=True, blank=True)
    monitoring_ends_on = models.DateField(_("健康监测截止"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登记人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = ClosedLoopStintQuerySet.as_manager()

    class Meta:
        verbose_name = _("闭环管理记录")
        verbose_name_plural = _("闭环管理记录")
        ordering = ["entered_at", "pk"]
        constraints = [
            # Nobody is inside two closed loops at once, whichever areas run them.
            models.UniqueConstraint(
                fields=["person"],
                condition=Q(left_at__isnull=True),
                name="closed_loop_one_open_stint",
            ),
            models.CheckConstraint(
                condition=Q(left_at__isnull=True) | Q(left_at__gte=F("entered_at")),
                name="closed_loop_leaves_after_entering",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} @ {self.workplace}"

    @property
    def in_loop(self) -> bool:
        return self.left_at is None
