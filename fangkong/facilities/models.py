"""The directory of hospitals: which designated, reserve and fangcang hospitals the city has,
and whether each is receiving. Wards, beds and patients belong to the hospitals area."""

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
