from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.db.models import F, Q
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
    status = models.CharField(
        _("状态"), max_length=10, choices=VenueStatus.choices, default=VenueStatus.OPEN
    )
    # The unguessable part of the check-in URL printed in the QR code on the poster.
    code = models.CharField(_("场所码"), max_length=32, unique=True, default=new_venue_code)
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("场所")
        verbose_name_plural = _("场所")
        indexes = [models.Index(fields=["category", "status"], name="venue_category_status")]

    def __str__(self) -> str:
        return self.name


class CheckInSource(models.TextChoices):
    VENUE_CODE = "venue_code", _("场所码扫码")
    HEALTH_CODE = "health_code", _("健康码平台")
    IMPORT = "import", _("文件导入")
    MANUAL = "manual", _("人工登记")


class CheckIn(models.Model):
    """One stay of one person at one venue: the input of automatic contact tracing.

    The table's name and columns (`venues_checkin`: person_id, venue_id, check_in, check_out)
    are the contract of the SQL tracing engine in `fangkong.analytics`.
    """

    # The two composite indexes below lead with these columns, so single-column foreign-key
    # indexes would only slow down the bulk ingest of millions of rows.
    person = models.ForeignKey(
        "people.Person",
        verbose_name=_("人员"),
        on_delete=models.PROTECT,
        related_name="checkins",
        db_index=False,
    )
    venue = models.ForeignKey(
        Venue,
        verbose_name=_("场所"),
        on_delete=models.PROTECT,
        related_name="checkins",
        db_index=False,
    )
    check_in = models.DateTimeField(_("进场时间"))
    check_out = models.DateTimeField(_("离场时间"), null=True, blank=True)
    source = models.CharField(
        _("来源"), max_length=16, choices=CheckInSource.choices, default=CheckInSource.VENUE_CODE
    )
    # The sending system's own id: resending the same record must change nothing.
    source_record_id = models.CharField(_("来源记录号"), max_length=64, null=True, blank=True)
    created_at = models.DateTimeField(_("接收时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("扫码记录")
        verbose_name_plural = _("扫码记录")
        indexes = [
            models.Index(fields=["venue", "check_in"], name="checkin_venue_time"),
            models.Index(fields=["person", "check_in"], name="checkin_person_time"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["source", "source_record_id"],
                condition=Q(source_record_id__isnull=False),
                name="checkin_unique_source_record",
            ),
            models.CheckConstraint(
                condition=Q(check_out__isnull=True) | Q(check_out__gte=F("check_in")),
                name="checkin_out_not_before_in",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person_id}@{self.venue_id} {self.check_in:%Y-%m-%d %H:%M}"
