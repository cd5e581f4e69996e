from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _


class SiteStatus(models.TextChoices):
    IN_USE = "in_use", _("启用")
    STANDBY = "standby", _("储备")
    CLOSED = "closed", _("关闭")


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
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

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


class Room(models.Model):
    site = models.ForeignKey(
        Site, verbose_name=_("隔离点"), on_delete=models.PROTECT, related_name="rooms"
    )
    floor = models.SmallIntegerField(_("楼层"))
    number = models.CharField(_("房号"), max_length=16)
    kind = models.CharField(_("房型"), max_length=12, choices=RoomKind.choices)
    in_service = models.BooleanField(_("可用"), default=True)

    class Meta:
        verbose_name = _("房间")
        verbose_name_plural = _("房间")
        ordering = ["site", "floor", "number"]
        constraints = [
            models.UniqueConstraint(fields=["site", "number"], name="room_unique_number"),
        ]

    def __str__(self) -> str:
        return f"{self.site.name} {self.number}"


class ObservationCategory(models.TextChoices):
    CLOSE_CONTACT = "close_contact", _("密切接触者")
    SECONDARY_CONTACT = "secondary_contact", _("次密切接触者")
    INBOUND_TRAVELLER = "inbound_traveller", _("入境人员")


class PlacementEnd(models.TextChoices):
    RELEASED = "released", _("解除隔离")
    TRANSFERRED = "transferred", _("转运至医院")
    MOVED = "moved", _("调换房间/隔离点")
    OTHER = "other", _("其他")


class Placement(models.Model):
    """A person in a room from `starts_at` until `ended_at` (release, transfer or move).

    Single occupancy is held by the database: at most one active placement per person, and at
    most one per room except an approved companion (陪护), who shares the room of the placement
    named in `companion_of`, with a reason and an approver, one companion per placement.
    """

    person = models.ForeignKey(
        "people.Person",
        verbose_name=_("人员"),
        on_delete=models.PROTECT,
        related_name="placements",
    )
    room = models.ForeignKey(
        Room, verbose_name=_("房间"), on_delete=models.PROTECT, related_name="placements"
    )
    category = models.CharField(_("人员类别"), max_length=24, choices=ObservationCategory.choices)
    starts_at = models.DateTimeField(_("入住时间"))
    ended_at = models.DateTimeField(_("离开时间"), null=True, blank=True)
    end_reason = models.CharField(
        _("离开原因"), max_length=12, choices=PlacementEnd.choices, blank=True
    )
    # The anchor of the observation period: last exposure for contacts, arrival for travellers.
    last_exposure_at = models.DateTimeField(_("末次暴露时间"), null=True, blank=True)
    arrival_at = models.DateTimeField(_("入境/抵达时间"), null=True, blank=True)
    # For a secondary contact: the close contact through whom they were exposed; their release
    # waits on that person's tests.
    exposed_via = models.ForeignKey(
        "people.Person",
        verbose_name=_("关联密接"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    companion_of = models.ForeignKey(
        "self",
        verbose_name=_("陪护对象"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="companions",
    )
    companion_reason = models.CharField(_("陪护理由"), max_length=200, blank=True)
    companion_approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("陪护审批人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登记人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("隔离安置")
        verbose_name_plural = _("隔离安置")
        constraints = [
            models.UniqueConstraint(
                fields=["person"],
                condition=Q(ended_at__isnull=True),
                name="placement_one_active_per_person",
            ),
            models.UniqueConstraint(
                fields=["room"],
                condition=Q(ended_at__isnull=True) & Q(companion_of__isnull=True),
                name="placement_one_active_per_room",
            ),
            models.UniqueConstraint(
                fields=["companion_of"],
                condition=Q(ended_at__isnull=True) & Q(companion_of__isnull=False),
                name="placement_one_active_companion",
            ),
            models.CheckConstraint(
                condition=Q(companion_of__isnull=True)
                | (~Q(companion_reason="") & Q(companion_approved_by__isnull=False)),
                name="placement_companion_approved",
            ),
            models.CheckConstraint(
                condition=Q(ended_at__isnull=True) | Q(ended_at__gte=F("starts_at")),
                name="placement_ends_after_start",
            ),
        ]
        indexes = [models.Index(fields=["room", "ended_at"], name="placement_room_active")]

    def __str__(self) -> str:
        return f"{self.person} @ {self.room}"

    @property
    def is_active(self) -> bool:
        return self.ended_at is None


class Transfer(models.Model):
    """A closed-loop transfer (闭环转运) from a site to a designated hospital."""

    placement = models.ForeignKey(
        Placement, verbose_name=_("隔离安置"), on_delete=models.PROTECT, related_name="transfers"
    )
    hospital = models.ForeignKey(
        "hospitals.Hospital",
        verbose_name=_("转往医院"),
        on_delete=models.PROTECT,
        related_name="incoming_transfers",
    )
    decided_at = models.DateTimeField(_("决定时间"))
    departed_at = models.DateTimeField(_("出发时间"), null=True, blank=True)
    reason = models.CharField(_("转运原因"), max_length=200)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("决定人"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("闭环转运")
        verbose_name_plural = _("闭环转运")

    def __str__(self) -> str:
        return f"{self.placement.person} → {self.hospital}"
