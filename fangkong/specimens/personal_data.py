"""The specimens' part of a person's own export (registered in SpecimensConfig.ready).
Specimens stay when the retention period is over, as the areas' tests they belong to do:
they name the person only through the anonymised record."""

from __future__ import annotations

from typing import Any

from fangkong.people.models import Person
from fangkong.people.subject_export import register_subject_section, subject_rows
from fangkong.specimens.models import Specimen


def specimens_of(person: Person) -> list[dict[str, Any]]:
    return subject_rows(Specimen.objects.filter(person=person).order_by("sampled_at", "pk"))


def register() -> None:
    register_subject_section("specimens", specimens_of)
