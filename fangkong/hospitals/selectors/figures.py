"""The hospital figures: one computation for the hospital page, the city overview, the API and
the daily briefing.

For a past day, beds and patients are counted as they stood at the end of that day (from the
bed-stay and classification history); supplies and staff testing are counted as they stand now.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from fangkong.core.figures import Figure
from fangkong.hospitals.models import (
    SEVERE_CLASSIFICATIONS,
    Admission,
    AdmissionOutcome,
    ClassificationChange,
    ClinicalClassification,
    Hospital,
    StaffMember,
    Stock,
    WardKind,
)
from fangkong.hospitals.selectors.beds import BedCount, bed_counts, bed_counts_by_hospital
from fangkong.hospitals.selectors.staff import overdue_count_by_hospital, overdue_q


def day_bounds(day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    start = timezone.make_aware(dt.datetime.combine(day, dt.time.min))
    return start, start + dt.timedelta(days=1)


def moment_of(day: dt.date) -> dt.datetime | None:
    """When to count beds for a day: its end, or None (now) for today and later."""
    if day >= timezone.localdate():
        return None
    return day_bounds(day)[1]


@dataclass(frozen=True)
class HospitalFigures:
    day: dt.date
    beds: list[BedCount]
    admissions: int
    discharges: int
    classification: dict[str, int]
    low_stock: int
    staff_overdue: int

    def bed(self, kind: str) -> BedCount:
        return next(b for b in self.beds if b.kind == kind)

    @property
    def beds_total(self) -> int:
        return sum(b.total for b in self.beds)

    @property
    def beds_occupied(self) -> int:
        return sum(b.occupied for b in self.beds)

    @property
    def beds_free(self) -> int:
        return sum(b.free for b in self.beds)

    @property
    def patients(self) -> int:
        return sum(self.classification.values())

    @property
    def severe(self) -> int:
        return sum(self.classification.get(c, 0) for c in SEVERE_CLASSIFICATIONS)

    def classification_rows(self) -> list[tuple[str, str, int]]:
        return [
            (value, str(label), self.classification.get(value, 0))
            for value, label in ClinicalClassification.choices
        ]

    def figures(self) -> list[Figure]:
        icu = self.bed(WardKind.ICU)
        return [
            Figure("hospitals.beds_total", _("床位总数"), self.beds_total, _("张")),
            Figure("hospitals.beds_occupied", _("占用床位"), self.beds_occupied, _("张")),
            Figure(
                "hospitals.beds_free",
                _("空闲床位"),
                self.beds_free,
                _("张"),
                alert=self.beds_total > 0 and self.beds_free == 0,
            ),
            Figure(
                "hospitals.icu_free",
                _("ICU 空闲床位"),
                icu.free,
                _("张"),
                alert=icu.total > 0 and icu.free == 0,
            ),
            Figure("hospitals.admissions", _("当日收治"), self.admissions, _("人")),
            Figure("hospitals.discharges", _("当日出院"), self.discharges, _("人")),
            Figure("hospitals.patients", _("在院患者"), self.patients, _("人")),
            Figure(
                "hospitals.severe_patients",
                _("重型/危重型"),
                self.severe,
                _("人"),
                alert=self.severe > 0,
            ),
            Figure(
                "hospitals.low_stock",
                _("低于安全库存"),
                self.low_stock,
                _("项"),
                alert=self.low_stock > 0,
            ),
            Figure(
                "hospitals.staff_tests_overdue",
                _("工作人员检测逾期"),
                self.staff_overdue,
                _("人"),
                alert=self.staff_overdue > 0,
            ),
        ]

    def as_dict(self) -> dict[str, object]:
        return {
            "day": self.day.isoformat(),
            "figures": [f.as_dict() for f in self.figures()],
            "beds_by_kind": [b.as_dict() for b in self.beds],
            "patients_by_classification": {
                value: count for value, _label, count in self.classification_rows()
            },
            "admissions": self.admissions,
            "discharges": self.discharges,
            "supplies_below_safety_stock": self.low_stock,
            "staff_tests_overdue": self.staff_overdue,
        }


def classification_counts(
    *, hospitals: QuerySet[Hospital] | Iterable[Hospital], at: dt.datetime | None = None
) -> dict[str, int]:
    """Patients in hospital by classification, now or as it stood at `at`."""
    ids = [h.pk for h in hospitals]
    if at is None:
        rows = (
            Admission.objects.active()
            .filter(hospital_id__in=ids)
            .values("classification")
            .annotate(n=Count("pk"))
        )
        return {row["classification"]: row["n"] for row in rows}
    then = (
        ClassificationChange.objects.filter(admission=OuterRef("pk"), changed_at__lte=at)
        .order_by("-changed_at", "-pk")
        .values("classification")[:1]
    )
    counts: dict[str, int] = {}
    for value in (
        Admission.objects.active_at(at)
        .filter(hospital_id__in=ids)
        .annotate(then=Subquery(then))
        .values_list("then", flat=True)
    ):
        if value:
            counts[value] = counts.get(value, 0) + 1
    return counts


def hospital_figures(
    *, hospitals: QuerySet[Hospital] | list[Hospital], day: dt.date
) -> HospitalFigures:
    """Figures over a set of hospitals (one hospital's page, a district, the city) for a day.

    An admission transferred from another hospital of the set is not a new admission of the
    set, so the city's count is of patients newly in hospital, and one hospital's count
    includes the patients transferred to it.
    """
    chosen = list(hospitals)
    ids = [h.pk for h in chosen]
    start, end = day_bounds(day)
    at = moment_of(day)
    admissions = (
        Admission.objects.filter(hospital_id__in=ids, admitted_at__gte=start, admitted_at__lt=end)
        .exclude(Q(previous__isnull=False) & Q(previous__hospital_id__in=ids))
        .count()
    )
    discharges = Admission.objects.filter(
        hospital_id__in=ids,
        outcome=AdmissionOutcome.DISCHARGED,
        ended_at__gte=start,
        ended_at__lt=end,
    ).count()
    return HospitalFigures(
        day=day,
        beds=bed_counts(hospitals=chosen, at=at),
        admissions=admissions,
        discharges=discharges,
        classification=classification_counts(hospitals=chosen, at=at),
        low_stock=Stock.objects.filter(hospital_id__in=ids).below_safety().count(),
        staff_overdue=StaffMember.objects.filter(hospital_id__in=ids)
        .filter(overdue_q(timezone.localdate()))
        .count(),
    )


@dataclass(frozen=True)
class HospitalRow:
    """One line of the city overview: a hospital and its numbers."""

    hospital: Hospital
    beds: list[BedCount]
    patients: int
    severe: int
    low_stock: int
    staff_overdue: int

    @property
    def beds_total(self) -> int:
        return sum(b.total for b in self.beds)

    @property
    def beds_occupied(self) -> int:
        return sum(b.occupied for b in self.beds)

    @property
    def beds_free(self) -> int:
        return sum(b.free for b in self.beds)


def hospital_rows(*, hospitals: QuerySet[Hospital] | list[Hospital]) -> list[HospitalRow]:
    """Every hospital's numbers now, in a handful of grouped queries."""
    chosen = list(hospitals)
    ids = [h.pk for h in chosen]
    beds = bed_counts_by_hospital(hospitals=chosen)
    patients: dict[int, int] = {}
    severe: dict[int, int] = {}
    for row in (
        Admission.objects.active()
        .filter(hospital_id__in=ids)
        .values("hospital_id")
        .annotate(
            n=Count("pk"), severe=Count("pk", filter=Q(classification__in=SEVERE_CLASSIFICATIONS))
        )
    ):
        patients[row["hospital_id"]] = row["n"]
        severe[row["hospital_id"]] = row["severe"]
    low = {
        row["hospital_id"]: row["n"]
        for row in Stock.objects.filter(hospital_id__in=ids)
        .below_safety()
        .values("hospital_id")
        .annotate(n=Count("pk"))
    }
    overdue = overdue_count_by_hospital(today=timezone.localdate())
    return [
        HospitalRow(
            hospital=h,
            beds=beds[h.pk],
            patients=patients.get(h.pk, 0),
            severe=severe.get(h.pk, 0),
            low_stock=low.get(h.pk, 0),
            staff_overdue=overdue.get(h.pk, 0),
        )
        for h in chosen
    ]
