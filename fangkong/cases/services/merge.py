"""Merging two records of one person (the same ID number entered under two document types,
or the same name and phone): everything that points at the removed record moves to the kept
one, and the removed record is deleted.

What points at a person is discovered from the models themselves
(`Person._meta.get_fields(include_hidden=True)`: every foreign key and one-to-one field of
every installed app, hidden ones and many-to-many tables included), so an area added later
is covered without touching this module. Unique rules are checked before anything moves:
where both records hold something a person may have only one of (a case, an active
placement, an active admission), the merge is refused and says which. An area whose rows
can be reconciled instead registers a resolver (`register_merge_resolver`); this area does
so for two contact records of one person under the same case.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import ForeignObjectRel, ManyToManyRel, Q
from django.utils.translation import gettext as _

from fangkong.cases.models import Contact, ContactStatus, MergeMatch, PersonMerge
from fangkong.core.audit import audit_write, snapshot
from fangkong.core.errors import Conflict
from fangkong.people.models import Person, Sex

if TYPE_CHECKING:
    from fangkong.accounts.models import User

# Fields of the kept record that the removed one may fill in when they are empty.
FILLABLE = ("phone", "address", "home_jurisdiction", "birth_date", "sex")


class MergeRefused(Conflict):
    code = "merge_refused"


@dataclass(frozen=True)
class PersonRelation:
    model: type[models.Model]
    field: models.ForeignKey[Any, Any]

    @property
    def key(self) -> str:
        return f"{self.model._meta.label_lower}.{self.field.name}"


def person_relations() -> list[PersonRelation]:
    """Every concrete foreign key (or one-to-one) to Person in every installed app."""
    relations = []
    for rel in Person._meta.get_fields(include_hidden=True):
        # A many-to-many's table has its own hidden foreign key to Person, listed too.
        if not isinstance(rel, ForeignObjectRel) or isinstance(rel, ManyToManyRel):
            continue
        field = rel.field
        if isinstance(field, models.ForeignKey) and field.concrete:
            relations.append(PersonRelation(model=rel.related_model, field=field))
    return sorted(relations, key=lambda r: r.key)


Resolver = Callable[[Person, Person], dict[str, list[Any]]]
_resolvers: dict[str, Resolver] = {}


def register_merge_resolver(model_label: str, resolver: Resolver) -> None:
    """`resolver(kept, removed)` runs first, inside the merge's transaction, and may delete or
    change rows of its model that would otherwise collide; it returns what it did."""
    _resolvers[model_label.lower()] = resolver


def _unique_sets(model: type[models.Model], field_name: str) -> list[tuple[list[str], Q | None]]:
    """The unique rules of `model` that include `field_name`: (other fields, condition)."""
    sets: list[tuple[list[str], Q | None]] = []
    for together in model._meta.unique_together:
        if field_name in together:
            sets.append(([f for f in together if f != field_name], None))
    for constraint in model._meta.constraints:
        if isinstance(constraint, models.UniqueConstraint) and field_name in constraint.fields:
            others = [f for f in constraint.fields if f != field_name]
            sets.append((others, constraint.condition))
    return sets


def _describe(rows: list[models.Model]) -> str:
    return "；".join(str(row) for row in rows[:3])


def merge_collision(relation: PersonRelation, kept: Person, removed: Person) -> str | None:
    model, field = relation.model, relation.field
    manager = model._default_manager
    name = str(model._meta.verbose_name)
    if field.unique:
        kept_rows = list(manager.filter(**{field.name: kept})[:1])
        removed_rows = list(manager.filter(**{field.name: removed})[:1])
        if kept_rows and removed_rows:
            return _(
                "两条记录都有「%(model)s」（%(rows)s），每人只能有一条：请先处理其中一条再合并"
            ) % {"model": name, "rows": _describe([*kept_rows, *removed_rows])}
        return None
    for others, condition in _unique_sets(model, field.name):
        theirs = manager.filter(**{field.name: removed})
        if condition is not None:
            theirs = theirs.filter(condition)
        attnames = {f: model._meta.get_field(f).attname for f in others}  # type: ignore[union-attr]
        for row in theirs:
            same = {f: getattr(row, attname) for f, attname in attnames.items()}
            mine = manager.filter(**{field.name: kept}, **same)
            if condition is not None:
                mine = mine.filter(condition)
            clash = mine.first()
            if clash is None:
                continue
            if condition is not None and not others:
                template = _(
                    "两条记录都有进行中的「%(model)s」（%(rows)s），每人只能有一条："
                    "请先结束其中一条再合并"
                )
            else:
                template = _("两条记录在「%(model)s」中有不能并存的记录（%(rows)s）")
            return template % {"model": name, "rows": _describe([clash, row])}
    return None


def _fill(kept: Person, removed: Person) -> dict[str, Any]:
    filled: dict[str, Any] = {}
    for name in FILLABLE:
        mine, theirs = getattr(kept, name), getattr(removed, name)
        empty = mine in ("", None) or (name == "sex" and mine == Sex.UNKNOWN)
        if empty and theirs not in ("", None, Sex.UNKNOWN):
            setattr(kept, name, theirs)
            filled[name] = theirs.pk if isinstance(theirs, models.Model) else theirs
    return filled


def merge_match(kept: Person, removed: Person) -> str | None:
    if kept.id_number and kept.id_number == removed.id_number:
        return MergeMatch.ID_NUMBER
    if kept.phone and kept.phone == removed.phone and kept.name == removed.name:
        return MergeMatch.NAME_PHONE
    return None


@transaction.atomic
def person_merge(
    *, kept: Person, removed: Person, reason: str = "", by: User | None
) -> PersonMerge:
    """Move everything of `removed` onto `kept` and delete `removed`; refused (nothing
    changes) when both hold something a person may have only one of."""
    if kept.pk == removed.pk:
        raise ValidationError({"removed": _("不能与自身合并")})
    locked = {
        p.pk: p
        for p in Person.objects.select_for_update()
        .filter(pk__in=[kept.pk, removed.pk])
        .order_by("pk")
    }
    if len(locked) != 2:
        raise Conflict(_("人员记录已不存在（可能已被合并）"), code="person_gone")
    kept, removed = locked[kept.pk], locked[removed.pk]
    match = merge_match(kept, removed)
    if match is None:
        raise ValidationError(
            {"removed": _("两条记录的证件号码不同，姓名与手机号也不同，不能认定为同一人")}
        )
    before = snapshot(removed)
    resolved: dict[str, Any] = {}
    for label, resolver in _resolvers.items():
        done = resolver(kept, removed)
        if any(done.values()):
            resolved[label] = done
    relations = person_relations()
    refusals = [text for r in relations if (text := merge_collision(r, kept, removed))]
    if refusals:
        raise MergeRefused("；".join(refusals))
    moved: dict[str, list[Any]] = defaultdict(list)
    for relation in relations:
        rows = relation.model._default_manager.filter(**{relation.field.name: removed})
        pks = list(rows.values_list("pk", flat=True))
        if not pks:
            continue
        try:
            with transaction.atomic():
                relation.model._default_manager.filter(pk__in=pks).update(
                    **{relation.field.name: kept}
                )
        except IntegrityError as error:
            raise MergeRefused(
                _("「%s」中有不能并存的记录，未合并") % relation.model._meta.verbose_name
            ) from error
        moved[relation.key] = pks
    filled = _fill(kept, removed)
    if filled:
        kept.save(update_fields=[*filled, "updated_at"])
    removed_pk = removed.pk
    removed.delete()
    merge = PersonMerge.objects.create(
        kept=kept,
        removed_person_id=removed_pk,
        removed=before,
        match=match,
        moved={**moved, **{f"resolved:{k}": v for k, v in resolved.items()}},
        filled=filled,
        reason=reason.strip()[:200],
        by=by,
    )
    audit_write(
        by=by,
        action="person.merge",
        obj=kept,
        before={"removed": before},
        after={"merge": merge.pk, "moved": merge.moved, "filled": filled},
    )
    return merge


_PROGRESS = [
    ContactStatus.DISMISSED,
    ContactStatus.PROPOSED,
    ContactStatus.IDENTIFIED,
    ContactStatus.NOTIFIED,
    ContactStatus.UNDER_CONTROL,
    ContactStatus.RELEASED,
]


def _rank(contact: Contact) -> tuple[int, int]:
    """The record worth keeping: the further along, then the closer degree."""
    return (_PROGRESS.index(ContactStatus(contact.status)), -contact.degree)


def resolve_contact_records(kept: Person, removed: Person) -> dict[str, list[Any]]:
    """Two records of one person in the same case's list become one (the further along
    stays); a record that would make the person their own contact goes."""
    dropped: list[dict[str, Any]] = []
    pair = [kept.pk, removed.pk]
    own = Contact.objects.filter(
        Q(person_id__in=pair, case__person_id__in=pair) | Q(person_id__in=pair, via_id__in=pair)
    ).exclude(Q(case__person_id=models.F("person_id")) | Q(via_id=models.F("person_id")))
    for contact in own.select_for_update(of=("self",)):
        dropped.append(snapshot(contact))
        contact.delete()
    mine = {c.case_id: c for c in Contact.objects.select_for_update().filter(person=kept)}
    for theirs in Contact.objects.select_for_update().filter(person=removed, case_id__in=mine):
        ours = mine[theirs.case_id]
        loser = ours if _rank(theirs) > _rank(ours) else theirs
        dropped.append(snapshot(loser))
        loser.delete()
    return {"deleted": dropped}


register_merge_resolver("cases.contact", resolve_contact_records)


def resolvable_labels() -> set[str]:
    return set(_resolvers)
