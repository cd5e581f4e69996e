"""The hospitals area's part of a person's data over time (registered in
HospitalsConfig.ready): who it had under care and still holds, what it removes when the
retention period is over, and what it shows in the person's own export.

- Admissions, classification changes and clinical tests stay: they are the case file's facts
  (admitted, classified, discharged by which criteria) and the bed and severity figures count
  them; a clinical test's free-text note goes.
- Daily notes (temperatures, clinical course) and post-discharge monitoring checks are deleted:
  nothing counts them once the person is discharged and the monitoring is over; the
  monitoring's address goes.
- A person still on a hospital's roster is held: a colleague's record is not anonymised.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q

from fangkong.hospitals.models import (
    Admission,
    ClassificationChange,
    ClinicalTest,
    DailyNote,
    MonitoringCheck,
    MonitoringStatus,
    PostDischargeMonitoring,
    StaffMember,
)
from fangkong.people.models import Person
from fangkong.people.subject_export import subject_rows


def controlled() -> Q:
    return Q(pk__in=Admission.objects.values("person_id")) | Q(
        pk__in=PostDischargeMonitoring.objects.values("person_id")
    )


def held(cutoff: dt.datetime) -> Q:
    admissions = Admission.objects.filter(Q(ended_at__isnull=True) | Q(ended_at__gt=cutoff)).values(
        "person_id"
    )
    monitorings = PostDischargeMonitoring.objects.filter(
        Q(status=MonitoringStatus.ACTIVE) | Q(closed_at__gt=cutoff) | Q(ends_on__gt=cutoff.date())
    ).values("person_id")
    staff = StaffMember.objects.filter(
        Q(left_on__isnull=True) | Q(left_on__gt=cutoff.date())
    ).values("person_id")
    return Q(pk__in=admissions) | Q(pk__in=monitorings) | Q(pk__in=staff)


def health_erase(person: Person) -> int:
    notes, _by_model = DailyNote.objects.filter(admission__person=person).delete()
    checks, _by_model = MonitoringCheck.objects.filter(monitoring__person=person).delete()
    test_notes = (
        ClinicalTest.objects.filter(admission__person=person).exclude(note="").update(note="")
    )
    addresses = (
        PostDischargeMonitoring.objects.filter(person=person).exclude(address="").update(address="")
    )
    return notes + checks + test_notes + addresses


def admissions_of(person: Person) -> list[dict[str, Any]]:
    admissions = list(
        Admission.objects.filter(person=person).select_related("hospital").order_by("admitted_at")
    )

    def details(admission: Admission) -> dict[str, Any]:
        return {
            "hospital_name": admission.hospital.name,
            "classification_changes": subject_rows(
                ClassificationChange.objects.filter(admission=admission).order_by("changed_at")
            ),
            "daily_notes": subject_rows(
                DailyNote.objects.filter(admission=admission).order_by("day")
            ),
            "clinical_tests": subject_rows(
                ClinicalTest.objects.filter(admission=admission).order_by("sampled_at", "pk")
            ),
        }

    return subject_rows(admissions, labels=details)


def monitorings_of(person: Person) -> list[dict[str, Any]]:
    rows = PostDischargeMonitoring.objects.filter(person=person).order_by("starts_on", "pk")
    return subject_rows(
        rows,
        labels=lambda m: {"checks": subject_rows(m.checks.order_by("day"))},
    )


def staff_posts_of(person: Person) -> list[dict[str, Any]]:
    return subject_rows(StaffMember.objects.filter(person=person).order_by("on_duty_since"))


def register() -> None:
    from fangkong.people.retention import register_retention_rule, register_retention_step
    from fangkong.people.subject_export import register_subject_section

    register_retention_rule("hospitals", controlled=controlled, held=held)
    register_retention_step("hospitals.health", health_erase)
    register_subject_section("hospitals.admissions", admissions_of)
    register_subject_section("hospitals.monitorings", monitorings_of)
    register_subject_section("hospitals.staff_posts", staff_posts_of)
