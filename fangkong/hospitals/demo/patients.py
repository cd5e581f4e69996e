"""Patients with a clinical course, written day by day through the services."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from fangkong.accounts.models import User
from fangkong.accounts.roles import Role
from fangkong.demo.context import DemoContext
from fangkong.hospitals.demo.common import latest_moment, pick, weighted
from fangkong.hospitals.demo.plans import (
    CLASSIFICATION_MIX,
    IMAGING_NOTES,
    LABORATORIES,
    HospitalPlan,
)
from fangkong.hospitals.models import (
    Admission,
    ClinicalClassification,
    ClinicalTestKind,
    Hospital,
    ImagingFinding,
    MonitoringPlace,
    NucleicAcidResult,
    RespiratoryStatus,
    WardKind,
)
from fangkong.hospitals.services.admissions import admission_create
from fangkong.hospitals.services.clinical import (
    classification_change,
    clinical_test_record,
    daily_note_record,
)
from fangkong.hospitals.services.discharge import admission_discharge, monitoring_check_record
from fangkong.people.models import Person


class _Course:
    """One patient's clinical course written day by day through the services."""

    def __init__(
        self,
        ctx: DemoContext,
        admission: Admission,
        doctor: User | None,
        *,
        negative_from: int | None = None,
    ) -> None:
        self.ctx, self.admission, self.doctor = ctx, admission, doctor
        self.symptomatic = admission.classification != ClinicalClassification.ASYMPTOMATIC
        self.fever_days = ctx.rng.randint(2, 5) if self.symptomatic else 0
        # The day of the stay when tests turn negative (Delta shed virus for about two weeks).
        self.negative_from = ctx.rng.randint(9, 16) if negative_from is None else negative_from
        # Samples are taken at the same minute every morning, so consecutive ones lie a whole
        # day apart, as the discharge rule wants.
        self.minute = ctx.rng.randint(0, 59)

    def at_day(self, day_of_stay: int, hour: int) -> dt.datetime:
        start = timezone.localtime(self.admission.admitted_at).date()
        return self.ctx.at(start + dt.timedelta(days=day_of_stay), hour, self.minute)

    def write(self, *, until: dt.datetime) -> None:
        days = (
            timezone.localtime(until).date() - timezone.localtime(self.admission.admitted_at).date()
        ).days
        rng = self.ctx.rng
        # Everyone admitted has a chest CT; only the symptomatic show lesions.
        self._imaging(
            0, ImagingFinding.LESIONS if self.symptomatic else ImagingFinding.NORMAL, until
        )
        for day in range(days + 1):
            note_at = self.at_day(day, 18)
            if note_at <= until:
                fever = day < self.fever_days
                temperature = Decimal(
                    str(round(rng.uniform(37.5, 38.9) if fever else rng.uniform(36.2, 37.1), 1))
                )
                daily_note_record(
                    admission=self.admission,
                    day=note_at.date(),
                    max_temperature=temperature,
                    respiratory=self._respiratory(day),
                    note="" if day % 3 else "生命体征平稳，继续对症支持治疗。",
                    by=self.doctor,
                )
            if day % 2 == 0 or day >= self.negative_from - 1:
                self._nucleic(day, until)
            if self.symptomatic and day == self.negative_from - 2:
                self._imaging(day, ImagingFinding.IMPROVED, until)

    def _respiratory(self, day: int) -> str:
        if not self.symptomatic:
            return RespiratoryStatus.NONE
        if day < self.fever_days:
            return RespiratoryStatus.PRESENT
        return RespiratoryStatus.IMPROVED

    def _nucleic(self, day: int, until: dt.datetime) -> None:
        sampled = self.at_day(day, 7)
        if not self.admission.admitted_at <= sampled <= until:
            return
        if day >= self.negative_from:
            result, n, orf = NucleicAcidResult.NEGATIVE, None, None
        else:
            # Ct rises as the viral load falls, and stays under the detection limit of 40.
            ct = min(17 + day * 1.3, 36.5) + self.ctx.rng.uniform(-1.5, 1.5)
            result = NucleicAcidResult.POSITIVE
            n, orf = (
                Decimal(str(round(ct, 1))),
                Decimal(str(round(ct + self.ctx.rng.uniform(-1, 2), 1))),
            )
        clinical_test_record(
            admission=self.admission,
            kind=ClinicalTestKind.NUCLEIC_ACID,
            sampled_at=sampled,
            result=result,
            ct_n=n,
            ct_orf1ab=orf,
            laboratory=self.ctx.rng.choice(LABORATORIES),
            by=self.doctor,
        )

    def _imaging(self, day: int, finding: str, until: dt.datetime) -> None:
        at = self.at_day(day, 15)
        if not self.admission.admitted_at <= at <= until:
            return
        clinical_test_record(
            admission=self.admission,
            kind=ClinicalTestKind.IMAGING,
            sampled_at=at,
            imaging_finding=finding,
            note=IMAGING_NOTES[finding],
            by=self.doctor,
        )

    @property
    def discharge_day(self) -> int:
        return self.negative_from + 1


def admit_patients(
    ctx: DemoContext, hospital: Hospital, plan: HospitalPlan, pool: list[int]
) -> list[int]:
    staff_user = ctx.users.get(Role.HOSPITAL_STAFF)
    doctor = ctx.users.get(Role.DOCTOR)
    latest = latest_moment(ctx)
    patients: list[int] = []
    # Discharged ones first, over the last week, their course complete: admitted in the
    # morning (the admission CT is taken in the afternoon), discharged the morning after
    # their second negative test.
    for person in pick(ctx, pool, ctx.scaled(plan.discharged, minimum=1) if plan.discharged else 0):
        classification = weighted(ctx, CLASSIFICATION_MIX[:3])
        negative_from = ctx.rng.randint(9, 14)
        day = latest.date() - dt.timedelta(days=ctx.rng.randint(0, 6))
        if ctx.at(day, 11) > latest:
            day -= dt.timedelta(days=1)
        admitted = ctx.at(
            day - dt.timedelta(days=negative_from + 1),
            ctx.rng.randint(8, 13),
            ctx.rng.randint(0, 59),
        )
        admission = _admission(hospital, person, classification, admitted, staff_user)
        course = _Course(ctx, admission, doctor, negative_from=negative_from)
        discharged_at = course.at_day(course.discharge_day, 10)
        course.write(until=discharged_at)
        admission_discharge(
            admission=admission,
            discharged_at=discharged_at,
            monitoring_place=MonitoringPlace.HOME,
            by=doctor,
        )
        _monitoring_checks(ctx, admission, latest)
        patients.append(person.pk)
    # In hospital now: admitted over the last three weeks, more of them lately.
    for index, person in enumerate(
        pick(ctx, pool, ctx.scaled(plan.patients, minimum=3) if plan.patients else 0)
    ):
        classification = weighted(ctx, CLASSIFICATION_MIX)
        days_in = min(int(ctx.rng.expovariate(1 / 6)), 20)
        admitted = latest - dt.timedelta(days=days_in, minutes=ctx.rng.randint(40, 600))
        admission = _admission(hospital, person, classification, admitted, staff_user)
        course = _Course(ctx, admission, doctor)
        course.negative_from = max(course.negative_from, days_in + 1)  # still positive today
        course.write(until=latest)
        if index == 0 and classification not in (
            ClinicalClassification.SEVERE,
            ClinicalClassification.CRITICAL,
        ):
            _worsen(ctx, admission, doctor, latest)
        patients.append(person.pk)
    return patients


def _admission(
    hospital: Hospital, person: Person, classification: str, at: dt.datetime, by: User | None
) -> Admission:
    severe = classification in (ClinicalClassification.SEVERE, ClinicalClassification.CRITICAL)
    return admission_create(
        person=person,
        hospital=hospital,
        ward_kind=WardKind.ICU if severe else WardKind.ISOLATION,
        classification=classification,
        admitted_at=at,
        diagnosis_note="新型冠状病毒肺炎（Delta 变异株）"
        if classification != ClinicalClassification.ASYMPTOMATIC
        else "新冠病毒无症状感染者",
        by=by,
    )


def _worsen(
    ctx: DemoContext, admission: Admission, doctor: User | None, latest: dt.datetime
) -> None:
    """One patient per hospital turned severe this morning and waits for the ICU."""
    at = latest - dt.timedelta(hours=2)
    if at <= admission.admitted_at:
        return
    classification_change(
        admission=admission,
        classification=ClinicalClassification.SEVERE,
        changed_at=at,
        note="呼吸频率≥30次/分，静息状态下指氧饱和度≤93%",
        by=doctor,
    )


def _monitoring_checks(ctx: DemoContext, admission: Admission, latest: dt.datetime) -> None:
    monitoring = admission.monitoring
    day = monitoring.starts_on
    while day <= min(latest.date(), monitoring.ends_on) and ctx.at(day, 9) <= latest:
        monitoring_check_record(
            monitoring=monitoring,
            day=day,
            temperature=Decimal(str(round(ctx.rng.uniform(36.1, 37.0), 1))),
            by=None,
        )
        day += dt.timedelta(days=1)
