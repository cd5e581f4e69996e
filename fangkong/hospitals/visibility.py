"""Hospital staff and doctors see the persons of their hospital: its patients and its staff."""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from fangkong.accounts.capabilities import user_can

PATIENT_VIEW = "hospitals.patient.view"


def hospital_people_q(viewer: Any) -> Q | None:
    """Registered with people.visibility: the patients (and staff) of the viewer's hospital,
    where the viewer's unit is the hospital's responsible unit."""
    unit_id = getattr(viewer, "unit_id", None)
    if not unit_id or not user_can(viewer, PATIENT_VIEW):
        return None
    from fangkong.hospitals.models import Admission, StaffMember

    patients = Admission.objects.filter(hospital__unit_id=unit_id).values("person_id")
    staff = StaffMember.objects.filter(hospital__unit_id=unit_id).values("person_id")
    return Q(pk__in=patients) | Q(pk__in=staff)
