"""Records that may be one person twice: the same ID number (under two document types), or
the same name and mobile phone."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q

from fangkong.cases.models import MergeMatch
from fangkong.people.models import Person
from fangkong.people.selectors import person_list


@dataclass(frozen=True)
class DuplicateGroup:
    match: str
    persons: list[Person]

    @property
    def match_label(self) -> str:
        return str(MergeMatch(self.match).label)


def possible_duplicates(*, viewer: Any, person: Person) -> list[Person]:
    same = Q(id_number=person.id_number)
    if person.phone:
        same |= Q(name=person.name, phone=person.phone)
    return list(person_list(viewer=viewer).filter(same).exclude(pk=person.pk).order_by("pk")[:20])


def duplicate_groups(*, viewer: Any, limit: int = 100) -> list[DuplicateGroup]:
    visible = person_list(viewer=viewer).order_by()
    groups: list[DuplicateGroup] = []
    numbers = (
        visible.values("id_number")
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
        .values_list("id_number", flat=True)[:limit]
    )
    for number in numbers:
        groups.append(
            DuplicateGroup(
                MergeMatch.ID_NUMBER, list(visible.filter(id_number=number).order_by("pk"))
            )
        )
    pairs = (
        visible.exclude(phone="")
        .values("name", "phone")
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
        .values_list("name", "phone")[:limit]
    )
    seen = {tuple(p.pk for p in group.persons) for group in groups}
    for name, phone in pairs:
        persons = list(visible.filter(name=name, phone=phone).order_by("pk"))
        if tuple(p.pk for p in persons) not in seen:  # already listed by its ID number
            groups.append(DuplicateGroup(MergeMatch.NAME_PHONE, persons))
    return groups


@dataclass(frozen=True)
class MergePreview:
    match: str | None
    moves: list[tuple[str, str, int]]  # (model, field, rows)
    refusals: list[str]

    @property
    def possible(self) -> bool:
        return self.match is not None and not self.refusals


def merge_preview(kept: Person, removed: Person) -> MergePreview:
    """What a merge would move and what would stop it (the resolvers have not run yet, so a
    collision they would settle is not listed as a refusal)."""
    from fangkong.cases.services.merge import (
        merge_collision,
        merge_match,
        person_relations,
        resolvable_labels,
    )

    moves: list[tuple[str, str, int]] = []
    refusals: list[str] = []
    settled = resolvable_labels()
    for relation in person_relations():
        rows = relation.model._default_manager.filter(**{relation.field.name: removed}).count()
        if rows:
            moves.append(
                (str(relation.model._meta.verbose_name), str(relation.field.verbose_name), rows)
            )
        if relation.model._meta.label_lower in settled:
            continue
        refusal = merge_collision(relation, kept, removed)
        if refusal:
            refusals.append(refusal)
    return MergePreview(match=merge_match(kept, removed), moves=moves, refusals=refusals)
