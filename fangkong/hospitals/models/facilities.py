"""Hospitals, their wards and beds: the places a patient can be."""

from __future__ import annotations

from django.db import models
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
        verbose_name = _("定点医院")
        verbose_name_plural = _("定点医院")
        ordering = ["kind", "name"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_receiving(self) -> bool:
        return self.status == HospitalStatus.RECEIVING


class WardKind(models.TextChoices):
    ISOLATION = "isolation", _("隔离病区")
    ICU = "icu", _("重症监护病区")
    GENERAL = "general", _("普通病区")
    OBSERVATION = "observation", _("留观病区")


# Wards inside the isolation area (红区) of a designated hospital: their staff are tested on
# the isolation-ward schedule. The ICU that treats infected patients lies inside that area.
ISOLATION_AREA_WARD_KINDS = frozenset({WardKind.ISOLATION, WardKind.ICU})


class Ward(models.Model):
    hospital = models.ForeignKey(
        Hospital, verbose_name=_("医院"), on_delete=models.PROTECT, related_name="wards"
    )
    name = models.CharField(_("病区名称"), max_length=60)
    kind = models.CharField(_("病区类型"), max_length=16, choices=WardKind.choices)
    location = models.CharField(_("位置"), max_length=100, blank=True)
    active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("病区")
        verbose_name_plural = _("病区")
        ordering = ["hospital", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["hospital", "name"], name="ward_unique_name"),
        ]

    def __str__(self) -> str:
        return f"{self.hospital.name} {self.name}"

    @property
    def in_isolation_area(self) -> bool:
        return self.kind in ISOLATION_AREA_WARD_KINDS


class Bed(models.Model):
    ward = models.ForeignKey(
        Ward, verbose_name=_("病区"), on_delete=models.PROTECT, related_name="beds"
    )
    number = models.CharField(_("床号"), max_length=16)
    position = models.PositiveSmallIntegerField(_("排序"), default=0)
    in_service = models.BooleanField(_("可用"), default=True)

    class Meta:
        verbose_name = _("床位")
        verbose_name_plural = _("床位")
        ordering = ["ward", "position", "number"]
        constraints = [
            models.UniqueConstraint(fields=["ward", "number"], name="bed_unique_number"),
        ]

    def __str__(self) -> str:
        return f"{self.ward.name} {self.number}"
