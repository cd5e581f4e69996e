"""What the hospitals area tells the tracing area: where an admitted person is, and when
they came under control by admission.

Registered from HospitalsConfig.ready() through `fangkong.cases.places`, so a case's page
says "第五人民医院 隔离病区一 A01" and a close contact admitted before their secondary
contacts met them ends that secondary window, without the cases area importing this one.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from fangkong.cases.places import CurrentPlace
from fangkong.hospitals.models import Admission, BedStay
from fangkong.people.models import Person


def admitted_place(person: Person) -> CurrentPlace | None:
    """The person's active admission: hospital, and ward and bed when they have one."""
    admission = Admission.objects.active().filter(person=person).select_related("hospital").first()
    if admission is None:
        return None
    stay = (
        BedStay.objects.filter(admission=admission, ended_at__isnull=True)
        .select_related("bed__ward")
        .first()
    )
    return CurrentPlace(
        kind="hospital",
        place=admission.hospital.name,
        unit=f"{stay.bed.ward.name} {stay.bed.number}" if stay else "",
        since=admission.admitted_at,
        hospital=admission.hospital,
    )


def admission_times(person_ids: list[int]) -> dict[int, list[dt.datetime]]:
    """Every admission of these people, by person: an admitted person meets nobody."""
    times: dict[int, list[dt.datetime]] = defaultdict(list)
    rows = Admission.objects.filter(person_id__in=person_ids).values_list(
        "person_id", "admitted_at"
    )
    for person_id, admitted_at in rows:
        times[person_id].append(admitted_at)
    return times
