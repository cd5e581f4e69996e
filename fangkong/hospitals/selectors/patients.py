"""Patients a viewer may see: admissions, arrivals waiting for a bed, monitoring after discharge."""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef, Q

from fangkong.accounts.capabilities import user_can
from fangkong.accounts.scope import scope_of
from fangkong.cases.models import Case, CaseClassification
from fangkong.hospitals.models import (
    Admission,
    BedStay,
    Hospital,
    MonitoringStatus,
    PostDischargeMonitoring,
)
from fangkong.hospitals.models.patients import AdmissionQuerySet
from fangkong.hospitals.selectors.hospitals import UNIT_BOUND, hospital_list
from fangkong.people.models import Person
from fangkong.people.selectors import person_search_q
from fangkong.people.visibility import person_visibility_q
from fangkong.quarantine.models import Transfer


def _visible_persons(viewer: Any) -> Any:
    return Person.objects.filter(person_visibility_q(viewer)).values("pk")


def admission_list(
    *,
    viewer: Any,
    hospital: Hospital | None = None,
    active_only: bool = False,
    search: str = "",
) -> AdmissionQuerySet:
    """Admissions of persons the viewer may see; a hospital's own people only at that hospital."""
    admissions = Admission.objects.filter(person__in=_visible_persons(viewer))
    if user_can(viewer, UNIT_BOUND):
        admissions = admissions.filter(hospital__in=hospital_list(viewer=viewer))
    if hospital is not None:
        admissions = admissions.filter(hospital=hospital)
    if active_only:
        admissions = admissions.active()
    if search:
        admissions = admissions.filter(person__in=Person.objects.filter(person_search_q(search)))
    return admissions.select_related("person", "hospital")


def admission_get(*, viewer: Any, pk: int) -> Admission:
    """One admission the viewer may see; Admission.DoesNotExist (a 404) otherwise."""
    return admission_list(viewer=viewer).get(pk=pk)


def current_bed_stay(admission: Admission) -> BedStay | None:
    return BedStay.objects.active().filter(admission=admission).select_related("bed__ward").first()


def transfers_awaiting_admission(*, hospital: Hospital) -> Any:
    """Closed-loop transfers sent to this hospital whom it has not admitted yet, oldest first.

    The viewer is the hospital's (the page checks that): the people on their way to it are
    named to its staff even before they become its patients.
    """
    return (
        Transfer.objects.filter(hospital=hospital, admission__isnull=True)
        .select_related("placement__person", "placement__room__site")
        .order_by("decided_at", "pk")
    )


def cases_awaiting_admission(*, viewer: Any) -> Any:
    """Confirmed and asymptomatic cases not in hospital and never admitted for this case:
    those the viewer may see, and those reported by the viewer's own hospital."""
    if not user_can(viewer, "hospitals.admit"):
        return Case.objects.none()
    in_hospital = Admission.objects.active().filter(person=OuterRef("person"))
    admitted_for_case = Admission.objects.filter(case=OuterRef("pk"))
    visible = Q(person__in=_visible_persons(viewer))
    if user_can(viewer, UNIT_BOUND):
        visible = Q(reporting_hospital__in=hospital_list(viewer=viewer))
    return (
        Case.objects.filter(
            classification__in=[CaseClassification.CONFIRMED, CaseClassification.ASYMPTOMATIC]
        )
        .filter(visible)
        .filter(~Exists(in_hospital), ~Exists(admitted_for_case))
        .select_related("person", "reporting_hospital")
        .order_by("reported_at", "pk")
    )


def _responsible_q(viewer: Any) -> Q:
    """Monitorings the viewer's jurisdiction is responsible for (the site's jurisdiction, or
    the person's home: services/discharge.py). Seeing the person is not enough: a district
    sees another district's resident who is a confirmed contact of its case, but that
    resident's monitoring is the other district's to record."""
    scope = scope_of(viewer)
    if scope.city_wide:  # an empty Q() would vanish from the OR below and narrow, not widen
        return Q()
    return scope.jurisdiction_q("jurisdiction") | (
        Q(jurisdiction__isnull=True) & scope.jurisdiction_q("person__home_jurisdiction")
    )


def monitoring_list(
    *, viewer: Any, hospital: Hospital | None = None, active_only: bool = True
) -> Any:
    """Health monitoring after discharge, for the persons the viewer may see: a hospital's
    people at their hospital, everyone else where the monitoring is their jurisdiction's work.
    Every read and write of a monitoring goes through here (monitoring_get)."""
    monitorings = PostDischargeMonitoring.objects.filter(person__in=_visible_persons(viewer))
    if user_can(viewer, UNIT_BOUND):
        monitorings = monitorings.filter(admission__hospital__in=hospital_list(viewer=viewer))
    else:
        monitorings = monitorings.filter(_responsible_q(viewer))
    if hospital is not None:
        monitorings = monitorings.filter(admission__hospital=hospital)
    if active_only:
        monitorings = monitorings.filter(status=MonitoringStatus.ACTIVE)
    return monitorings.select_related("person", "site", "admission__hospital").order_by(
        "ends_on", "pk"
    )


def monitoring_get(*, viewer: Any, pk: int) -> PostDischargeMonitoring:
    return monitoring_list(viewer=viewer, active_only=False).get(pk=pk)
