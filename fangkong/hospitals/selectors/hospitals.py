"""Which hospitals a viewer sees, and the bed board of a ward."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from fangkong.accounts.capabilities import user_can
from fangkong.accounts.scope import scope_of
from fangkong.facilities.models import HospitalQuerySet
from fangkong.hospitals.models import Admission, Bed, BedStay, Hospital, Ward
from fangkong.jurisdictions.models import Jurisdiction
from fangkong.jurisdictions.selectors import within_district
from fangkong.people.selectors import person_list

# Roles that work for one hospital (its staff, its doctors) see the hospitals of their unit;
# everyone else sees the hospitals of their jurisdiction's subtree (the HQ: the whole city).
UNIT_BOUND = "hospitals.unit_bound"


def hospital_list(*, viewer: Any, district: Jurisdiction | None = None) -> HospitalQuerySet:
    """The hospitals the viewer may see; with `district`, only those lying in it."""
    hospitals = Hospital.objects.select_related("jurisdiction", "unit").filter(
        within_district("jurisdiction", district)
    )
    if not user_can(viewer, "hospitals.view"):
        return hospitals.none()
    if user_can(viewer, UNIT_BOUND):
        unit_id = getattr(viewer, "unit_id", None)
        return hospitals.filter(unit_id=unit_id) if unit_id else hospitals.none()
    return hospitals.filter(scope_of(viewer).jurisdiction_q("jurisdiction"))


def hospital_get(*, viewer: Any, pk: int) -> Hospital:
    """A hospital the viewer may see; Hospital.DoesNotExist (a 404) otherwise."""
    return hospital_list(viewer=viewer).get(pk=pk)


def ward_get(*, viewer: Any, pk: int) -> Ward:
    return Ward.objects.select_related("hospital").get(
        pk=pk, hospital__in=hospital_list(viewer=viewer)
    )


@dataclass(frozen=True)
class BedTile:
    bed: Bed
    admission: Admission | None
    since: Any
    shown_name: str  # the patient's name, or empty when the viewer may not see them

    @property
    def occupied(self) -> bool:
        return self.admission is not None

    @property
    def days(self) -> int | None:
        """The day of the stay, the day of admission being day 1 (住院第 N 天)."""
        if self.admission is None:
            return None
        admitted_on = timezone.localtime(self.admission.admitted_at).date()
        return (timezone.localdate() - admitted_on).days + 1


def ward_board(*, viewer: Any, ward: Ward) -> list[BedTile]:
    """Every bed of a ward in order, with who lies in it (named only to those who may know)."""
    beds = list(Bed.objects.filter(ward=ward).order_by("position", "number"))
    stays = {
        stay.bed_id: stay
        for stay in BedStay.objects.active()
        .filter(bed__ward=ward)
        .select_related("admission__person")
    }
    person_ids = [stay.admission.person_id for stay in stays.values()]
    visible = set(person_list(viewer=viewer).filter(pk__in=person_ids).values_list("pk", flat=True))
    tiles: list[BedTile] = []
    for bed in beds:
        stay = stays.get(bed.pk)
        admission = stay.admission if stay is not None else None
        name = admission.person.name if admission and admission.person_id in visible else ""
        tiles.append(BedTile(bed, admission, stay.started_at if stay else None, name))
    return tiles
