from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class SiteStatus(models.TextChoices):
    IN_USE = "in_use", _("启用")
    STANDBY = "standby", _("储备")
    CLOSED = "closed", _("关闭")


class SiteQuerySet(models.QuerySet["Site"]):
    def in_use(self) -> SiteQuerySet:
        return self.filter(status=SiteStatus.IN_USE)


class Site(models.Model):
    """A centralized medical observation site (集中隔离医学观察点), usually a hotel."""

    name = models.CharField(_("名称"), max_length=120, unique=True)
    address = models.CharField(_("地址"), max_length=200, blank=True)
    jurisdiction = models.ForeignKey(
        "jurisdictions.Jurisdiction",
        verbose_name=_("所属辖区"),
        on_delete=models.PROTECT,
        related_name="quarantine_sites",
    )
    operating_unit = models.ForeignKey(
        "jurisdictions.ResponsibleUnit",
        verbose_name=_("运营单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="quarantine_sites",
    )
    status = models.CharField(
        _("状态"), max_length=10, choices=SiteStatus.choices, default=SiteStatus.IN_USE
    )
    contact_name = models.CharField(_("负责人"), max_length=50, blank=True)
    contact_phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    objects = SiteQuerySet.as_manager()

    class Meta:
        verbose_name = _("集中隔离点")
        verbose_name_plural = _("集中隔离点")

    def __str__(self) -> str:
        return self.name


class RoomKind(models.TextChoices):
    SINGLE = "single", _("单人间（独立卫生间）")
    ACCESSIBLE = "accessible", _("无障碍间")
    MULTI = "multi", _("多人间")
    STAFF = "staff", _("工作人员用房")


class Zone(models.TextChoices):
    """The three zones a site is divided into (三区); rooms carry theirs as a label."""

    ISOLATION = "isolation", _("隔离区")
    WORK = "work", _("工作区")
    BUFFER = "buffer", _("卫生通过区")


class RoomQuerySet(models.QuerySet["Room"]):
    def for_guests(self) -> RoomQuerySet:
        """Rooms a person under observation may be placed in."""
        return self.filter(in_service=True).exclude(kind=RoomKind.STAFF)

    def free(self) -> RoomQuerySet:
        """Guest rooms with no active occupant (a companion shares a room, never frees one)."""
        from fangkong.quarantine.models.placements import Placement

        taken = Placement.objects.filter(ended_at__isnull=True, companion_of__isnull=True)
        return self.for_guests().exclude(pk__in=taken.values("room_id"))


class Room(models.Model):
    site = models.ForeignKey(
        Site, verbose_name=_("隔离点"), on_delete=models.PROTECT, related_name="rooms"
    )
    floor = models.SmallIntegerField(_("楼层"))
    number = models.CharField(_("房号"), max_length=16)
    kind = models.CharField(_("房型"), max_length=12, choices=RoomKind.choices)
    zone = models.CharField(_("区域"), max_length=10, choices=Zone.choices, default=Zone.ISOLATION)
    in_service = models.BooleanField(_("可用"), default=True)

    objects = RoomQuerySet.as_manager()

    class Meta:
        verbose_name = _("房间")
        verbose_name_plural = _("房间")
        ordering = ["site", "floor", "number"]
        constraints = [
            models.UniqueConstraint(fields=["site", "number"], name="room_unique_number"),
            # A staff room in the isolation zone, or a guest room in the work zone, would
            # break the separation the three zones exist for.
            models.CheckConstraint(
                condition=(Q(kind=RoomKind.STAFF) & ~Q(zone=Zone.ISOLATION))
                | (~Q(kind=RoomKind.STAFF) & Q(zone=Zone.ISOLATION)),
                name="room_zone_matches_kind",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.site.name} {self.number}"

    @property
    def takes_guests(self) -> bool:
        return self.in_service and self.kind != RoomKind.STAFF
