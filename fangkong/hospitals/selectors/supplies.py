"""Stock at a hospital, and preparedness (应急准备) across the city against the targets."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count, F, Q, QuerySet, Sum

from fangkong.hospitals.measures import (
    BED_TARGET_PREFIX,
    STOCK_TARGET_PREFIX,
    preparedness_target_default,
    preparedness_targets,
)
from fangkong.hospitals.models import Hospital, HospitalStatus, Stock, SupplyItem, WardKind
from fangkong.hospitals.selectors.beds import bed_counts_by_hospital


def stock_list(*, hospital: Hospital) -> QuerySet[Stock]:
    return Stock.objects.filter(hospital=hospital).select_related("item")


def low_stock(*, hospitals: QuerySet[Hospital] | list[Hospital]) -> QuerySet[Stock]:
    return (
        Stock.objects.filter(hospital__in=hospitals)
        .below_safety()
        .select_related("hospital", "item")
        .order_by("hospital__name", "item__category", "item__code")
    )


@dataclass(frozen=True)
class BedReadiness:
    kind: str
    total: int
    occupied: int
    free_now: int  # free beds in hospitals receiving patients
    standby: int  # beds of facilities on standby, usable once activated
    target: int

    @property
    def label(self) -> str:
        return str(WardKind(self.kind).label)

    @property
    def available(self) -> int:
        return self.free_now + self.standby

    @property
    def shortfall(self) -> int:
        return max(self.target - self.available, 0)


@dataclass(frozen=True)
class StockReadiness:
    item: SupplyItem
    quantity: int
    safety: int
    target: int
    target_is_default: bool
    hospitals_below: int

    @property
    def shortfall(self) -> int:
        return max(self.target - self.quantity, 0)

    @property
    def percent(self) -> int:
        return round(100 * self.quantity / self.target) if self.target else 100


@dataclass(frozen=True)
class Preparedness:
    beds: list[BedReadiness]
    stock: list[StockReadiness]


def _target(targets: dict[str, int | None], subject: str) -> int | None:
    return targets[subject] if subject in targets else preparedness_target_default(subject)


def preparedness(*, hospitals: QuerySet[Hospital], at: dt.datetime | None = None) -> Preparedness:
    """Beds that can take patients now or on activation, and stock, against the targets."""
    targets = preparedness_targets(at)
    hospital_list = list(hospitals)
    status = {h.pk: h.status for h in hospital_list}
    per_hospital = bed_counts_by_hospital(hospitals=hospital_list)
    sums: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for pk, counts in per_hospital.items():
        for count in counts:
            row = sums[count.kind]
            row["total"] += count.total
            row["occupied"] += count.occupied
            if status[pk] == HospitalStatus.RECEIVING:
                row["free_now"] += count.free
            elif status[pk] == HospitalStatus.STANDBY:
                row["standby"] += count.free
    beds = [
        BedReadiness(
            kind=kind,
            total=sums[kind]["total"],
            occupied=sums[kind]["occupied"],
            free_now=sums[kind]["free_now"],
            standby=sums[kind]["standby"],
            target=_target(targets, f"{BED_TARGET_PREFIX}{kind}") or 0,
        )
        for kind in WardKind.values
    ]
    totals = {
        row["item_id"]: row
        for row in Stock.objects.filter(hospital__in=hospital_list)
        .values("item_id")
        .annotate(
            held=Sum("quantity"),
            safety_total=Sum("safety_stock"),
            below=Count("pk", filter=Q(quantity__lt=F("safety_stock"))),
        )
    }
    stock: list[StockReadiness] = []
    for item in SupplyItem.objects.order_by("category", "code"):
        summed = totals.get(item.pk)
        quantity = (summed["held"] or 0) if summed else 0
        safety = (summed["safety_total"] or 0) if summed else 0
        target = _target(targets, f"{STOCK_TARGET_PREFIX}{item.code}")
        stock.append(
            StockReadiness(
                item=item,
                quantity=quantity,
                safety=safety,
                target=safety if target is None else target,
                target_is_default=target is None,
                hospitals_below=summed["below"] if summed else 0,
            )
        )
    return Preparedness(beds=beds, stock=stock)
