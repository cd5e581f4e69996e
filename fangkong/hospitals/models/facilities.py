"""A hospital's wards and beds: the places a patient can be. The hospitals themselves are the
shared directory in `fangkong.facilities`."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from fangkong.facilities.models import Hospital


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
