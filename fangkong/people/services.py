from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from fangkong.core.audit import audit_write, changed, snapshot
from fangkong.jurisdictions.models import Jurisdiction
from fangkong.people.identity import normalize_id_number, resident_id_facts
from fangkong.people.models import IdType, Person, Sex
from fangkong.people.phone import normalize_phone

if TYPE_CHECKING:
    from fangkong.accounts.models import User


@dataclass(frozen=True)
class Registration:
    person: Person
    created: bool


@dataclass(frozen=True)
class PersonFields:
    """Validated, normalized values for a person, ready to store."""

    name: str
    id_type: str
    id_number: str
    phone: str
    address: str
    home_jurisdiction: Jurisdiction | None
    sex: str
    birth_date: dt.date | None


def person_fields_clean(
    *,
    name: str,
    id_type: str,
    id_number: str,
    phone: str = "",
    address: str = "",
    home_jurisdiction: Jurisdiction | None = None,
) -> PersonFields:
    """Validate one person's fields; raises ValidationError keyed by field name."""
    errors: dict[str, list[ValidationError]] = {}
    name = name.strip()
    if not name:
        errors.setdefault("name", []).append(ValidationError(_("请填写姓名"), code="name_missing"))
    if id_type not in IdType.values:
        errors.setdefault("id_type", []).append(
            ValidationError(_("未知证件类型：%s") % id_type, code="id_type")
        )
    normalized_id = ""
    try:
        normalized_id = normalize_id_number(id_type, id_number)
    except ValidationError as error:
        errors.setdefault("id_number", []).append(error)
    normalized_phone = ""
    try:
        normalized_phone = normalize_phone(phone)
    except ValidationError as error:
        errors.setdefault("phone", []).append(error)
    if errors:
        raise ValidationError(errors)
    sex: str = Sex.UNKNOWN
    birth_date: dt.date | None = None
    if id_type == IdType.RESIDENT_ID:
        birth_date, sex = resident_id_facts(normalized_id)
    return PersonFields(
        name=name,
        id_type=id_type,
        id_number=normalized_id,
        phone=normalized_phone,
        address=address.strip(),
        home_jurisdiction=home_jurisdiction,
        sex=sex,
        birth_date=birth_date,
    )


@transaction.atomic
def person_register(
    *,
    name: str,
    id_type: str = IdType.RESIDENT_ID,
    id_number: str,
    phone: str = "",
    address: str = "",
    home_jurisdiction: Jurisdiction | None = None,
    by: User | None,
) -> Registration:
    """Create a person, or find the one already registered with that ID document."""
    fields = person_fields_clean(
        name=name,
        id_type=id_type,
        id_number=id_number,
        phone=phone,
        address=address,
        home_jurisdiction=home_jurisdiction,
    )
    existing = Person.objects.filter(id_type=fields.id_type, id_number=fields.id_number).first()
    if existing is not None:
        return Registration(person=existing, created=False)
    try:
        with transaction.atomic():  # a savepoint: the race loser keeps its transaction usable
            person = Person.objects.create(**fields.__dict__)
    except IntegrityError:
        person = Person.objects.get(id_type=fields.id_type, id_number=fields.id_number)
        return Registration(person=person, created=False)
    audit_write(by=by, action="person.create", obj=person, after=snapshot(person))
    return Registration(person=person, created=True)


@transaction.atomic
def person_update(
    *,
    person: Person,
    by: User | None,
    name: str | None = None,
    phone: str | None = None,
    address: str | None = None,
    home_jurisdiction: Jurisdiction | None = None,
) -> Person:
    """Change contact details; the ID document is the identity and is never edited here."""
    person = Person.objects.select_for_update().get(pk=person.pk)
    before = snapshot(person)
    fields = person_fields_clean(
        name=person.name if name is None else name,
        id_type=person.id_type,
        id_number=person.id_number,
        phone=person.phone if phone is None else phone,
        address=person.address if address is None else address,
        home_jurisdiction=home_jurisdiction or person.home_jurisdiction,
    )
    person.name, person.phone, person.address = fields.name, fields.phone, fields.address
    person.home_jurisdiction = fields.home_jurisdiction
    old, new = changed(before, snapshot(person))
    if new:
        person.save()
        audit_write(by=by, action="person.update", obj=person, before=old, after=new)
    return person
