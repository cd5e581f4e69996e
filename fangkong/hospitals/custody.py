"""What the hospitals area tells everyone through `fangkong.people.custody`: where an
admitted person is, and when they came under control by admission.

So a case's page says "第五人民医院 隔离病区一 A01", and a close contact admitted before their
secondary contacts met them ends that secondary window, without any area importing this one.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.utils.translation import gettext_lazy as _

from fangkong.hospitals.models import Admission, BedStay
from fangkong.people.custody import (
    CurrentPlace,
    register_control_time_provider,
    register_place_provider,
)
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
        kind_label=_("定点医院"),
        place=admission.hospital.name,
        unit=f"{stay.bed.ward.name} {stay.bed.number}" if stay else "",
        since=admission.admitted_at,
        record=admission,
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


def register() -> None:
    # Asked before the quarantine site (100): a transferred person's placement has ended,
    # but a case admitted straight from the street never had one.
    register_place_provider(admitted_place, priority=10)
    register_control_time_provider(admission_times)
