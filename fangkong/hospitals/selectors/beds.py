"""Beds: how many of each kind, how many taken, which are free, and where else there is room.

Bed facts are not personal data, so these reads take no viewer: the services use them to refuse
an admission with alternatives, and the pages of every viewer show them.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from fangkong.hospitals.models import Bed, BedStay, Hospital, HospitalStatus, Ward, WardKind


@dataclass(frozen=True)
class BedCount:
    kind: str
    total: int
    occupied: int

    @property
    def free(self) -> int:
        return max(self.total - self.occupied, 0)

    @property
    def label(self) -> str:
        return str(WardKind(self.kind).label)

    @property
    def occupancy_percent(self) -> int:
        return round(100 * self.occupied / self.total) if self.total else 0

    def as_dict(self) -> dict[str, object]:
        return {
            "kind": self.kind,
            "label": self.label,
            "total": self.total,
            "occupied": self.occupied,
            "free": self.free,
        }


@dataclass(frozen=True)
class Alternative:
    hospital: Hospital
    free: int


def usable_beds() -> QuerySet[Bed]:
    return Bed.objects.filter(in_service=True, ward__active=True)


def _stays(at: dt.datetime | None) -> QuerySet[BedStay]:
    return BedStay.objects.active() if at is None else BedStay.objects.active_at(at)


def free_beds(
    *, hospital: Hospital, kind: str | None = None, since: dt.datetime | None = None
) -> QuerySet[Bed]:
    """In-service beds at a hospital (of a ward kind, if given) with nobody in them, in
    board order: what the services fill and what the bed lists of the forms offer.

    With `since`, beds nobody has lain in after that moment: a stay recorded as begun then
    (an admission entered late) takes a bed that was free all along, not one a patient
    discharged since held at some time after it."""
    taken = BedStay.objects.active().filter(bed=OuterRef("pk"))
    if since is not None:
        taken = BedStay.objects.filter(
            Q(ended_at__isnull=True) | Q(ended_at__gt=since), bed=OuterRef("pk")
        )
    beds = usable_beds().filter(ward__hospital=hospital)
    if kind is not None:
        beds = beds.filter(ward__kind=kind)
    return beds.filter(~Exists(taken)).order_by("ward_id", "position", "number")


def _by_kind(totals: dict[str, int], occupied: dict[str, int]) -> list[BedCount]:
    return [BedCount(kind, totals.get(kind, 0), occupied.get(kind, 0)) for kind in WardKind.values]


def bed_counts(
    *, hospitals: Iterable[Hospital] | QuerySet[Hospital], at: dt.datetime | None = None
) -> list[BedCount]:
    """Beds by ward kind over some hospitals: total in service, occupied (now or at `at`)."""
    per_hospital = bed_counts_by_hospital(hospitals=hospitals, at=at)
    totals: dict[str, int] = defaultdict(int)
    occupied: dict[str, int] = defaultdict(int)
    for counts in per_hospital.values():
        for count in counts:
            totals[count.kind] += count.total
            occupied[count.kind] += count.occupied
    return _by_kind(totals, occupied)


def bed_counts_by_hospital(
    *, hospitals: Iterable[Hospital] | QuerySet[Hospital], at: dt.datetime | None = None
) -> dict[int, list[BedCount]]:
    """Beds by ward kind for each hospital, in two grouped queries however many hospitals."""
    ids = [h.pk for h in hospitals]
    totals: dict[int, dict[str, int]] = defaultdict(dict)
    for row in (
        usable_beds()
        .filter(ward__hospital_id__in=ids)
        .values("ward__hospital_id", "ward__kind")
        .annotate(n=Count("pk"))
    ):
        totals[row["ward__hospital_id"]][row["ward__kind"]] = row["n"]
    occupied: dict[int, dict[str, int]] = defaultdict(dict)
    for stay in (
        _stays(at)
        .filter(bed__in_service=True, bed__ward__active=True, bed__ward__hospital_id__in=ids)
        .values("bed__ward__hospital_id", "bed__ward__kind")
        .annotate(n=Count("pk"))
    ):
        occupied[stay["bed__ward__hospital_id"]][stay["bed__ward__kind"]] = stay["n"]
    return {pk: _by_kind(totals.get(pk, {}), occupied.get(pk, {})) for pk in ids}


def alternatives(*, kind: str, excluding: Hospital | None = None) -> list[Alternative]:
    """Receiving hospitals with free beds of a ward kind, the roomiest first."""
    taken = BedStay.objects.active().filter(bed=OuterRef("pk"))
    rows = (
        usable_beds()
        .filter(ward__kind=kind, ward__hospital__status=HospitalStatus.RECEIVING)
        .exclude(ward__hospital=excluding)
        .filter(~Exists(taken))
        .values("ward__hospital_id")
        .annotate(n=Count("pk"))
    )
    free = {row["ward__hospital_id"]: row["n"] for row in rows}
    hospitals = Hospital.objects.in_bulk(list(free))
    found = [Alternative(hospitals[pk], n) for pk, n in free.items() if n > 0]
    return sorted(found, key=lambda a: (-a.free, a.hospital.name))


def ward_bed_counts(wards: Iterable[Ward]) -> dict[int, tuple[int, int]]:
    """(free, in service) beds of each ward, in one grouped query."""
    taken = BedStay.objects.active().filter(bed=OuterRef("pk"))
    rows = (
        Bed.objects.filter(ward__in=list(wards), in_service=True)
        .annotate(taken=Exists(taken))
        .values("ward_id")
        .annotate(total=Count("pk"), free=Count("pk", filter=Q(taken=False)))
    )
    return {row["ward_id"]: (row["free"], row["total"]) for row in rows}
