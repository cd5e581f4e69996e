"""Supplies: the catalogue, receipts and issues, safety stock and the low-stock alert.

The stock never goes negative. An issue subtracts in a single UPDATE that matches only while
enough is left, so two concurrent issues of the last boxes cannot both succeed; the check
constraint on the quantity refuses anything that slips past.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils.translation import gettext as _

from fangkong.alerts.models import Alert, Severity
from fangkong.alerts.services import alert_raise, alert_resolve_for
from fangkong.core.audit import audit_write, changed, snapshot
from fangkong.core.errors import Conflict
from fangkong.hospitals.models import (
    Hospital,
    MovementKind,
    ProtectionGrade,
    Stock,
    StockMovement,
    SupplyCategory,
    SupplyItem,
    Ward,
)

if TYPE_CHECKING:
    from fangkong.accounts.models import User

LOW_STOCK_ALERT = "hospitals.low_stock"


class InsufficientStock(Conflict):
    code = "insufficient_stock"


@transaction.atomic
def supply_item_create(
    *, code: str, name: str, category: str, unit: str, grade: str = "", by: User | None
) -> SupplyItem:
    code, name, unit = code.strip(), name.strip(), unit.strip()
    errors: dict[str, str] = {}
    if not code:
        errors["code"] = _("请填写物资编码")
    elif SupplyItem.objects.filter(code=code).exists():
        errors["code"] = _("物资编码 %s 已存在") % code
    if not name:
        errors["name"] = _("请填写物资名称")
    if category not in SupplyCategory.values:
        errors["category"] = _("未知物资类别：%s") % category
    if grade and grade not in ProtectionGrade.values:
        errors["grade"] = _("未知防护等级：%s") % grade
    if grade and category != SupplyCategory.PPE:
        errors["grade"] = _("只有防护用品有防护等级")
    if not unit:
        errors["unit"] = _("请填写计量单位")
    if errors:
        raise ValidationError(errors)
    item = SupplyItem.objects.create(
        code=code, name=name, category=category, unit=unit, grade=grade
    )
    audit_write(by=by, action="supply_item.create", obj=item, after=snapshot(item))
    return item


def _stock_for(hospital: Hospital, item: SupplyItem) -> Stock:
    stock, _created = Stock.objects.get_or_create(hospital=hospital, item=item)
    return stock


def stock_alert_sync(*, stock: Stock, by: User | None) -> bool:
    """Raise the low-stock alert while the quantity is below the safety stock; clear it after.
    True when an alert was raised or resolved."""
    hospital, item = stock.hospital, stock.item
    if stock.below_safety:
        return alert_raise(
            kind=LOW_STOCK_ALERT,
            title=_("%(hospital)s %(item)s低于安全库存")
            % {"hospital": hospital.name, "item": item.name},
            detail=_("发出时库存 %(quantity)s %(unit)s，安全库存 %(safety)s %(unit)s")
            % {"quantity": stock.quantity, "safety": stock.safety_stock, "unit": item.unit},
            severity=Severity.CRITICAL if stock.quantity == 0 else Severity.WARNING,
            subject=stock,
            jurisdiction=hospital.jurisdiction,
            unit=hospital.unit,
            by=by,
        ).created
    resolved = alert_resolve_for(
        kind=LOW_STOCK_ALERT, subject=stock, note=_("库存已恢复至安全库存以上"), by=by
    )
    return resolved > 0


def _positive(quantity: int) -> int:
    if quantity <= 0:
        raise ValidationError({"quantity": _("数量必须大于 0")})
    return quantity


@transaction.atomic
def stock_set_safety(
    *, hospital: Hospital, item: SupplyItem, safety_stock: int, by: User | None
) -> Stock:
    if safety_stock < 0:
        raise ValidationError({"safety_stock": _("安全库存不能为负数")})
    stock = Stock.objects.select_for_update().get(pk=_stock_for(hospital, item).pk)
    before = snapshot(stock, ["safety_stock"])
    stock.safety_stock = safety_stock
    stock.save(update_fields=["safety_stock", "updated_at"])
    old, new = changed(before, snapshot(stock, ["safety_stock"]))
    if new:
        audit_write(by=by, action="stock.set_safety", obj=stock, before=old, after=new)
    stock_alert_sync(stock=stock, by=by)
    return stock


def _movement(
    *,
    stock: Stock,
    kind: str,
    quantity: int,
    at: dt.datetime,
    ward: Ward | None,
    counterparty: str,
    note: str,
    by: User | None,
) -> StockMovement:
    stock.refresh_from_db(fields=["quantity", "safety_stock"])
    movement = StockMovement.objects.create(
        stock=stock,
        kind=kind,
        quantity=quantity,
        balance_after=stock.quantity,
        at=at,
        ward=ward,
        counterparty=counterparty.strip()[:100],
        note=note.strip()[:200],
        recorded_by=by,
    )
    audit_write(by=by, action=f"stock.{kind}", obj=movement, after=snapshot(movement))
    return movement


@transaction.atomic
def stock_receive(
    *,
    hospital: Hospital,
    item: SupplyItem,
    quantity: int,
    at: dt.datetime,
    counterparty: str = "",
    note: str = "",
    by: User | None,
) -> StockMovement:
    """Goods in (入库): from the HQ's supplies team, a supplier or a donation."""
    _positive(quantity)
    stock = _stock_for(hospital, item)
    Stock.objects.filter(pk=stock.pk).update(quantity=F("quantity") + quantity)
    movement = _movement(
        stock=stock,
        kind=MovementKind.RECEIPT,
        quantity=quantity,
        at=at,
        ward=None,
        counterparty=counterparty,
        note=note,
        by=by,
    )
    stock_alert_sync(stock=stock, by=by)
    return movement


@transaction.atomic
def stock_issue(
    *,
    hospital: Hospital,
    item: SupplyItem,
    quantity: int,
    at: dt.datetime,
    ward: Ward | None = None,
    counterparty: str = "",
    note: str = "",
    by: User | None,
) -> StockMovement:
    """Goods out (出库) to a ward; refused when less is left than asked for."""
    _positive(quantity)
    if ward is not None and ward.hospital_id != hospital.pk:
        raise ValidationError({"ward": _("病区不属于该医院")})
    stock = _stock_for(hospital, item)
    try:
        with transaction.atomic():
            taken = Stock.objects.filter(pk=stock.pk, quantity__gte=quantity).update(
                quantity=F("quantity") - quantity
            )
    except IntegrityError:  # the check constraint: never below zero
        taken = 0
    if not taken:
        stock.refresh_from_db(fields=["quantity"])
        raise InsufficientStock(
            _("%(item)s库存不足：现有 %(left)s %(unit)s，申领 %(asked)s %(unit)s")
            % {"item": item.name, "left": stock.quantity, "asked": quantity, "unit": item.unit}
        )
    movement = _movement(
        stock=stock,
        kind=MovementKind.ISSUE,
        quantity=quantity,
        at=at,
        ward=ward,
        counterparty=counterparty,
        note=note,
        by=by,
    )
    stock_alert_sync(stock=stock, by=by)
    return movement


@transaction.atomic
def stock_recheck_all(*, by: User | None) -> int:
    """Bring every low-stock alert in line with the stock (a job, safe to rerun); returns how
    many alerts it raised or resolved."""
    alerted = Alert.objects.open().filter(kind=LOW_STOCK_ALERT).values_list("subject_id", flat=True)
    alerted_ids = [int(pk) for pk in alerted if pk.isdigit()]
    stocks = Stock.objects.filter(Q(quantity__lt=F("safety_stock")) | Q(pk__in=alerted_ids))
    return sum(
        stock_alert_sync(stock=stock, by=by)
        for stock in stocks.select_related("hospital", "item").order_by("pk")
    )
