from __future__ import annotations

import math
import secrets
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class VenueCategory(models.TextChoices):
    BAR = "bar", _("酒吧")
    KTV = "ktv", _("KTV")
    INTERNET_CAFE = "internet_cafe", _("网吧")
    CINEMA = "cinema", _("影剧院")
    GYM = "gym", _("健身房")
    BATHHOUSE = "bathhouse", _("洗浴中心")
    RESTAURANT = "restaurant", _("餐饮")
    SHOPPING_MALL = "shopping_mall", _("商场")
    COMMERCIAL_STREET = "commercial_street", _("商业街")
    MARKET = "market", _("农贸市场")
    STADIUM = "stadium", _("体育场馆")
    HOTEL = "hotel", _("宾馆酒店")
    OFFICE = "office", _("办公场所")
    OTHER = "other", _("其他")


class VenueStatus(models.TextChoices):
    OPEN = "open", _("正常营业")
    LIMITED = "limited", _("限流营业")
    CLOSED = "closed", _("关停")


def new_venue_code() -> str:
    return secrets.token_urlsafe(12)


def capacity_limit(capacity: int, ratio: Decimal) -> int:
    """Whole people allowed in: a ratio never rounds a limit up past what the notice allows."""
    return math.floor(capacity * ratio)


class CapacityTier(models.Model):
    """A capacity tier (限流档位) of the notices: normal, tightened, closed.

    The rows are policy data seeded by a migration and edited by the HQ; the measure kind
    `venues.capacity_tier` says which tier is in force for each venue category at any time.
    """

    code = models.SlugField(_("代码"), max_length=24, unique=True)
    name = models.CharField(_("名称"), max_length=40)
    ratio = models.DecimalField(_("限流比例"), max_digits=4, decimal_places=3)
    description = models.CharField(_("说明"), max_length=200, blank=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("限流档位")
        verbose_name_plural = _("限流档位")
        ordering = ["-ratio", "code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ratio__gte=0) & Q(ratio__lte=1), name="capacity_tier_ratio_0_1"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.percent}%）"

    @property
    def percent(self) -> int:
        return round(self.ratio * 100)


class VenueQuerySet(models.QuerySet["Venue"]):
    def of_categories(self, categories: list[str]) -> VenueQuerySet:
        return self.filter(category__in=categories) if categories else self

    def closed(self) -> VenueQuerySet:
        return self.filter(status=VenueStatus.CLOSED)


class Venue(models.Model):
    """A place with a venue code (场所码) on its door."""

    name = models.CharField(_("名称"), max_length=120, db_index=True)
    category = models.CharField(_("类别"), max_length=24, choices=VenueCategory.choices)
    address = models.CharField(_("地址"), max_length=200, blank=True)
    jurisdiction = models.ForeignKey(
        "jurisdictions.Jurisdiction",
        verbose_name=_("所属辖区"),
        on_delete=models.PROTECT,
        related_name="venues",
    )
    operator_unit = models.ForeignKey(
        "jurisdictions.ResponsibleUnit",
        verbose_name=_("经营单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="venues",
    )
    manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("负责人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="managed_venues",
    )
    approved_capacity = models.PositiveIntegerField(_("核定容量（人）"))
    # Where the venue stands (WGS-84 degrees), for the command screen's map; a venue without
    # them is simply not drawn there.
    latitude = models.DecimalField(
        _("纬度"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
    )
    longitude = models.DecimalField(
        _("经度"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
    )
    # Kept by the enforcement services in the transaction that opens or lifts a restriction;
    # the restriction rows (EnforcementAction) say since when, by whom and why.
    status = models.CharField(
        _("状态"), max_length=10, choices=VenueStatus.choices, default=VenueStatus.OPEN
    )
    # The unguessable part of the check-in URL printed in the QR code on the poster.
    code = models.CharField(_("场所码"), max_length=32, unique=True, default=new_venue_code)
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    objects = VenueQuerySet.as_manager()

    class Meta:
        verbose_name = _("场所")
        verbose_name_plural = _("场所")
        indexes = [models.Index(fields=["category", "status"], name="venue_category_status")]
        constraints = [
            # A point is both coordinates or neither, and on the globe: the map draws it as is.
            models.CheckConstraint(
                condition=Q(latitude__isnull=True, longitude__isnull=True)
                | Q(
                    # not null as well: a comparison with NULL would let a half point pass
                    latitude__isnull=False,
                    longitude__isnull=False,
                    latitude__gte=-90,
                    latitude__lte=90,
                    longitude__gte=-180,
                    longitude__lte=180,
                ),
                name="venue_coordinates_a_point",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("venues:detail", args=[self.pk])

    def checkin_path(self) -> str:
        return reverse("venues:public_checkin", args=[self.code])

    def limit_at_ratio(self, ratio: Decimal) -> int:
        return capacity_limit(self.approved_capacity, ratio)


class RoomKind(models.TextChoices):
    KTV_ROOM = "ktv_room", _("KTV 包间")
    PRIVATE_ROOM = "private_room", _("餐饮包间")
    HALL = "hall", _("厅室")
    OTHER = "other", _("其他")


class VenueRoom(models.Model):
    """A room with its own approved capacity (KTV rooms, private dining rooms): the tier in
    force limits each room as it limits the venue."""

    venue = models.ForeignKey(
        Venue, verbose_name=_("场所"), on_delete=models.CASCADE, related_name="rooms"
    )
    name = models.CharField(_("名称"), max_length=40)
    kind = models.CharField(_("类型"), max_length=16, choices=RoomKind.choices)
    approved_capacity = models.PositiveIntegerField(_("核定容量（人）"))

    class Meta:
        verbose_name = _("包间")
        verbose_name_plural = _("包间")
        ordering = ["venue", "name"]
        constraints = [
            models.UniqueConstraint(fields=["venue", "name"], name="venue_room_unique_name"),
        ]

    def __str__(self) -> str:
        return f"{self.venue} {self.name}"

    def limit_at_ratio(self, ratio: Decimal) -> int:
        return capacity_limit(self.approved_capacity, ratio)
