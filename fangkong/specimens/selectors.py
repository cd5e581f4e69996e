"""Reads of specimens, scoped to what the viewer may see."""

from __future__ import annotations

from typing import Any

from fangkong.accounts.capabilities import user_can
from fangkong.people.models import Person
from fangkong.people.selectors import person_list
from fangkong.specimens.models import Specimen, SpecimenQuerySet


def specimen_list(*, viewer: Any) -> SpecimenQuerySet:
    """Specimens of the people the viewer may see, for viewers who may read results."""
    if not user_can(viewer, "specimen.view"):
        return Specimen.objects.none()
    return Specimen.objects.filter(person__in=person_list(viewer=viewer).values("pk"))


def specimen_list_for_person(*, viewer: Any, person: Person) -> SpecimenQuerySet:
    """Every result of one person across areas, newest first; empty when the viewer may not
    see the person or read results."""
    if not user_can(viewer, "specimen.view"):
        return Specimen.objects.none()
    if not person_list(viewer=viewer).filter(pk=person.pk).exists():
        return Specimen.objects.none()
    return Specimen.objects.of_person(person.pk).select_related("recorded_by")
