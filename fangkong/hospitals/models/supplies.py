"""Supplies and equipment (设施设备保障): a city catalogue, stock per hospital, movements."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _


class SupplyCategory(models.TextChoices):
    PPE = "ppe", _("防护用品")
    MASK = "mask", _("口罩")
    OXYGEN = "oxygen", _("医用氧气")
    VENTILATOR = "ventilator", _("呼吸机")
    MONITOR = "monitor", _("监护仪")
    DRUG = "drug", _("药品")
    TEST_KIT = "test_kit", _("检测试剂")
    OTHER = "other", _("其他")


EQUIPMENT_CATEGORIES = frozenset({SupplyCategory.VENTILATOR, SupplyCategory.MONITOR})


class ProtectionGrade(models.TextChoices):
    LEVEL_1 = "1", _("一级防护")
    LEVEL_2 = "2", _("二级防护")
    LEVEL_3 = "3", _("三级防护")


class SupplyItem(models.Model):
    code = models.CharField(_("物资编码"), max_length=32, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    category = models.CharField(_("类别"), max_length=16, choices=SupplyCategory.choices)
    grade = models.CharField(
        _("防护等级"), max_length=2, choices=ProtectionGrade.choices, blank=True
    )
    unit = models.CharField(_("计量单位"), max_length=16)

    class Meta:
        verbose_name = _("物资")
        verbose_name_plural = _("物资")
        ordering = ["category", "code"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_equipment(self) -> bool:
        return self.category in EQUIPMENT_CATEGORIES


class StockQuerySet(models.QuerySet["Stock"]):
    def below_safety(self) -> StockQuerySet:
        return self.filter(quantity__lt=F("safety_stock"))


class Stock(models.Model):
    """How much of an item a hospital holds, and the level below which it must be told.

    The quantity never goes below zero: a check constraint, and issues that subtract only
    where enough is left, in one UPDATE.
    """

    hospital = models.ForeignKey(
        "facilities.Hospital",
        verbose_name=_("医院"),
        on_delete=models.PROTECT,
        related_name="stocks",
    )
    item = models.ForeignKey(
        SupplyItem, verbose_name=_("物资"), on_delete=models.PROTECT, related_name="stocks"
    )
    quantity = models.BigIntegerField(_("库存数量"), default=0)
    safety_stock = models.BigIntegerField(_("安全库存"), default=0)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = StockQuerySet.as_manager()

    class Meta:
        verbose_name = _("库存")
        verbose_name_plural = _("库存")
        ordering = ["hospital", "item__category", "item__code"]
        constraints = [
            models.UniqueConstraint(fields=["hospital", "item"], name="stock_one_per_item"),
            models.CheckConstraint(condition=Q(quantity__gte=0), name="stock_never_negative"),
            models.CheckConstraint(
                condition=Q(safety_stock__gte=0), name="stock_safety_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.hospital.name} {self.item.name}"

    @property
    def below_safety(self) -> bool:
        return self.quantity < self.safety_stock


class MovementKind(models.TextChoices):
    RECEIPT = "receipt", _("入库")
    ISSUE = "issue", _("出库")


class StockMovement(models.Model):
    stock = models.ForeignKey(
        Stock, verbose_name=_("库存"), on_delete=models.PROTECT, related_name="movements"
    )
    kind = models.CharField(_("类型"), max_length=8, choices=MovementKind.choices)
    quantity = models.BigIntegerField(_("数量"))
    balance_after = models.BigIntegerField(_("结存"))
    at = models.DateTimeField(_("时间"))
    ward = models.ForeignKey(
        "hospitals.Ward",
        verbose_name=_("领用病区"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="stock_issues",
    )
    counterparty = models.CharField(_("来源/领用人"), max_length=100, blank=True)
    note = models.CharField(_("备注"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("经办人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("出入库记录")
        verbose_name_plural = _("出入库记录")
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="movement_quantity_positive"),
            models.CheckConstraint(
                condition=Q(balance_after__gte=0), name="movement_balance_not_negative"
            ),
        ]
        indexes = [models.Index(fields=["stock", "at"], name="movement_stock_at")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.stock} {self.quantity}"
