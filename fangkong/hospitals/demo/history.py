"""The wave's patients: every case of the demo's last month (cases/demo_history.py) admitted
to a designated hospital, those found in a quarantine site from their closed-loop transfer,
the others from their report; each with a clinical course written day by day, and discharged
when that course met the rule, then monitored at home.

A bed is given only for a time it was free: the beds of the hospitals demo have their own
stays, and a patient of the wave never shares a bed with one of them, whatever the order
these were written in.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import random
from collections import defaultdict

from django.db import transaction
from django.utils import timezone

from fangkong.accounts.roles import Role
from fangkong.cases.models import Case, CaseClassification
from fangkong.demo.context import DemoContext
from fangkong.hospitals.demo.common import latest_moment, weighted
from fangkong.hospitals.demo.patients import _Course, _monitoring_checks
from fangkong.hospitals.demo.plans import CLASSIFICATION_MIX, IMAGING_NOTES, NO5
from fangkong.hospitals.models import (
    SEVERE_CLASSIFICATIONS,
    Admission,
    Bed,
    BedStay,
    ClinicalClassification,
    ClinicalTestKind,
    Hospital,
    HospitalStatus,
    ImagingFinding,
    MonitoringPlace,
    WardKind,
)
from fangkong.hospitals.selectors.beds import usable_beds
from fangkong.hospitals.services.admissions import admission_from_case, admission_from_transfer
from fangkong.hospitals.services.clinical import clinical_test_record
from fangkong.hospitals.services.discharge import admission_discharge
from fangkong.quarantine.models import Transfer

ORDER = 47  # after the cases' history, before the command area's daily snapshots
# Days from admission to the first negative test, by what the patient has.
NEGATIVE_FROM = {
    ClinicalClassification.ASYMPTOMATIC: (8, 13),
    ClinicalClassification.MILD: (10, 16),
    ClinicalClassification.MODERATE: (10, 16),
    ClinicalClassification.SEVERE: (15, 21),
    ClinicalClassification.CRITICAL: (15, 21),
}
# Each county-level city's cases go to its own designated hospital.
LOCAL_HOSPITALS = {"江阴市": "江阴市人民医院", "宜兴市": "宜兴市人民医院"}
DIAGNOSIS = {
    ClinicalClassification.ASYMPTOMATIC: "新冠病毒无症状感染者（Delta 变异株）",
}
Span = tuple[dt.datetime, dt.datetime | None]


class _BedBoard:
    """Who lies in each bed when: the stays written so far, and the wave's as they come."""

    def __init__(self) -> None:
        self.beds: dict[tuple[int, str], list[int]] = {}
        self.stays: dict[int, list[Span]] = defaultdict(list)

    def _beds(self, hospital: Hospital, kind: str) -> list[int]:
        key = (hospital.pk, kind)
        if key not in self.beds:
            beds = list(
                usable_beds()
                .filter(ward__hospital=hospital, ward__kind=kind)
                .order_by("ward_id", "position", "number")
                .values_list("pk", flat=True)
            )
            for bed, start, end in BedStay.objects.filter(bed_id__in=beds).values_list(
                "bed_id", "started_at", "ended_at"
            ):
                self.stays[bed].append((start, end))
            self.beds[key] = beds
        return self.beds[key]

    def take(self, hospital: Hospital, kind: str, span: Span) -> Bed | None:
        for bed in self._beds(hospital, kind):
            # Someone in the bed now keeps it, even if they came after this span.
            stays = self.stays[bed]
            if any(end is None or _overlaps(span, (start, end)) for start, end in stays):
                continue
            self.stays[bed].append(span)
            return Bed.objects.get(pk=bed)
        return None


def _overlaps(a: Span, b: Span) -> bool:
    return (a[1] is None or b[0] < a[1]) and (b[1] is None or a[0] < b[1])


class _Wards:
    def __init__(self, ctx: DemoContext, rng: random.Random) -> None:
        self.ctx = dataclasses.replace(ctx, rng=rng)  # the course's draws come from our stream
        self.rng = rng
        self.board = _BedBoard()
        self.latest = latest_moment(ctx)
        self.staff = ctx.users.get(Role.HOSPITAL_STAFF)
        self.doctor = ctx.users.get(Role.DOCTOR)
        receiving = Hospital.objects.filter(status=HospitalStatus.RECEIVING).order_by("pk")
        self.hospitals = {h.name: h for h in receiving}

    def admit(self, case: Case, transfer: Transfer | None) -> Admission | None:
        rng = self.rng
        classification = ClinicalClassification(
            ClinicalClassification.ASYMPTOMATIC
            if case.classification == CaseClassification.ASYMPTOMATIC
            else weighted(self.ctx, CLASSIFICATION_MIX[1:])
        )
        assert case.detected_at is not None
        if transfer is not None and transfer.departed_at is not None:
            admitted = transfer.departed_at + dt.timedelta(minutes=rng.randint(40, 90))
        else:
            admitted = case.detected_at + dt.timedelta(minutes=rng.randint(90, 300))
        negative_from = rng.randint(*NEGATIVE_FROM[classification])
        if admitted > self.latest:
            return None
        # Discharged on the morning after the second negative test, if that has come.
        last = timezone.localtime(admitted).date() + dt.timedelta(days=negative_from + 1)
        leaves = self.ctx.at(last, 10, 59)
        span: Span = (admitted, leaves if leaves <= self.latest else None)
        severe = classification in SEVERE_CLASSIFICATIONS
        kind = WardKind.ICU if severe else WardKind.ISOLATION
        place = self._bed(case, transfer, kind, span)
        if place is None:
            return None
        hospital, bed = place
        note = DIAGNOSIS.get(classification, "新型冠状病毒肺炎（Delta 变异株）")
        if transfer is not None:
            admission = admission_from_transfer(
                transfer=transfer,
                ward_kind=kind,
                classification=classification,
                admitted_at=admitted,
                bed=bed,
                diagnosis_note=note,
                by=self.staff,
            )
        else:
            admission = admission_from_case(
                case=case,
                hospital=hospital,
                ward_kind=kind,
                classification=classification,
                admitted_at=admitted,
                bed=bed,
                diagnosis_note=note,
                by=self.staff,
            )
        self._course(admission, negative_from, discharged=span[1] is not None)
        return admission

    def _bed(
        self, case: Case, transfer: Transfer | None, kind: str, span: Span
    ) -> tuple[Hospital, Bed] | None:
        """A bed of the case's hospital (the transfer's, or the district's), or of any other
        receiving one when that is full."""
        if transfer is not None:
            choices = [transfer.hospital]
        else:
            district = case.jurisdiction.district() if case.jurisdiction else None
            local = self.hospitals.get(LOCAL_HOSPITALS.get(district.name if district else "", ""))
            first = local or self.hospitals.get(NO5)
            choices = [first] if first else []
            choices += [h for h in self.hospitals.values() if h not in choices]
        for hospital in choices:
            bed = self.board.take(hospital, kind, span)
            if bed is not None:
                return hospital, bed
        return None

    def _course(self, admission: Admission, negative_from: int, *, discharged: bool) -> None:
        course = _Course(self.ctx, admission, self.doctor, negative_from=negative_from)
        discharged_at = course.at_day(course.discharge_day, 10) if discharged else None
        until = discharged_at or self.latest
        self._late_ct(course, admission, until)
        course.write(until=until)
        if discharged_at is None:
            return
        admission_discharge(
            admission=admission,
            discharged_at=discharged_at,
            monitoring_place=MonitoringPlace.HOME,
            by=self.doctor,
        )
        _monitoring_checks(self.ctx, admission, self.latest)

    def _late_ct(self, course: _Course, admission: Admission, until: dt.datetime) -> None:
        """The admission CT of a patient who came after the afternoon's CT slot (the course
        takes it at 15:00 on the day of admission): an hour after arrival."""
        at = admission.admitted_at + dt.timedelta(minutes=self.rng.randint(40, 80))
        if course.at_day(0, 15) >= admission.admitted_at or at > until:
            return
        finding = ImagingFinding.LESIONS if course.symptomatic else ImagingFinding.NORMAL
        clinical_test_record(
            admission=admission,
            kind=ClinicalTestKind.IMAGING,
            sampled_at=at,
            imaging_finding=finding,
            note=IMAGING_NOTES[finding],
            by=self.doctor,
        )


@transaction.atomic
def build(ctx: DemoContext) -> None:
    history = ctx.shared.get("cases_history")
    if not history:
        return
    rng = random.Random("wave-wards:" + ",".join(str(n) for n in ctx.rng.getstate()[1][:8]))
    wards = _Wards(ctx, rng)
    transfers = Transfer.objects.in_bulk(list(history["transfers"].values()))
    cases = (
        Case.objects.filter(pk__in=history["cases"])
        .select_related("jurisdiction", "person")
        .order_by("detected_at", "pk")
    )
    for case in cases:
        transfer_pk = history["transfers"].get(case.pk)
        wards.admit(case, transfers.get(transfer_pk) if transfer_pk else None)
