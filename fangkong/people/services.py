from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from fangkong.core.audit import audit_read, audit_write, changed, snapshot
from fangkong.core.errors import Conflict
from fangkong.jurisdictions.models import Jurisdiction
from fangkong.people.identity import normalize_id_number, resident_id_facts
from fangkong.people.models import IdType, Person, Sex
from fangkong.people.phone import normalize_phone
from fangkong.people.selectors import person_list

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


# Under SQLite's limit on bound parameters per statement, whatever its build.
_LOOKUP_CHUNK = 500

NAME_MISMATCH = gettext_lazy("该证件号码已登记，但姓名与登记信息不符，请核对")
REGISTERED_ELSEWHERE = gettext_lazy("该证件号码已在其他辖区登记，请联系市指挥部")


class PersonNameMismatch(ValidationError):
    """The ID document is registered under another name.

    The message is the same whoever asks and never names the registered person: an ID number
    must not become a name. `person` is there for the caller's own decisions (is the record in
    the caller's scope?), never to be shown.
    """

    def __init__(self, person: Person) -> None:
        super().__init__({"name": [ValidationError(NAME_MISMATCH, code="name_mismatch")]})
        self.person = person


class PersonRegisteredElsewhere(Conflict):
    """The ID document belongs to a person outside the caller's scope (answered with 409)."""

    code = "person_registered_elsewhere"


def _document(person: Person | PersonFields) -> tuple[str, str]:
    return (person.id_type, person.id_number)


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
    """The person with this ID document: the registered one, or registered now.

    The one way a person enters the registry from a form, an API call or a public page. An
    existing record must carry the name given (PersonNameMismatch otherwise); the other details
    of an existing record are left as they are. Call it inside the transaction of the write it
    serves (a placement, an admission...), so that a refusal of that write takes the new person
    and its audit row back with it.
    """
    fields = person_fields_clean(
        name=name,
        id_type=id_type,
        id_number=id_number,
        phone=phone,
        address=address,
        home_jurisdiction=home_jurisdiction,
    )
    existing = Person.objects.filter(id_type=fields.id_type, id_number=fields.id_number).first()
    if existing is None:
        try:
            with transaction.atomic():  # a savepoint: the race loser keeps its transaction usable
                person = Person.objects.create(**fields.__dict__)
        except IntegrityError:
            existing = Person.objects.get(id_type=fields.id_type, id_number=fields.id_number)
        else:
            audit_write(by=by, action="person.create", obj=person, after=snapshot(person))
            return Registration(person=person, created=True)
    if existing.name != fields.name:
        raise PersonNameMismatch(existing)
    return Registration(person=existing, created=False)


def person_register_in_scope(
    *,
    name: str,
    id_type: str = IdType.RESIDENT_ID,
    id_number: str,
    phone: str = "",
    address: str = "",
    home_jurisdiction: Jurisdiction | None = None,
    by: User,
) -> Registration:
    """The registry's own "new person" (page and API): a registered ID document answers with
    the record only if the caller may see it.

    Outside the caller's scope it raises PersonRegisteredElsewhere, whatever name was given (a
    different answer for a right and a wrong name would let a caller test names against an ID
    number), and records the attempt. Not atomic on purpose: that record must outlive the
    refusal, so call it outside any transaction.
    """
    registration: Registration | None = None
    refusal: PersonNameMismatch | None = None
    try:
        registration = person_register(
            name=name,
            id_type=id_type,
            id_number=id_number,
            phone=phone,
            address=address,
            home_jurisdiction=home_jurisdiction,
            by=by,
        )
    except PersonNameMismatch as mismatch:
        existing, refusal = mismatch.person, mismatch
    else:
        if registration.created:
            return registration
        existing = registration.person
    if person_list(viewer=by).filter(pk=existing.pk).exists():
        if refusal is not None:
            raise refusal
        assert registration is not None
        return registration
    audit_read(by=by, action="person.register_refused", obj=existing)
    raise PersonRegisteredElsewhere(str(REGISTERED_ELSEWHERE))


@dataclass(frozen=True)
class BulkRegistration:
    persons: dict[tuple[str, str], Person]  # every candidate's record by ID document
    created: list[Person]


def persons_registered(documents: Iterable[tuple[str, str]]) -> dict[tuple[str, str], Person]:
    """The registered persons holding these ID documents (type, number), read in chunks."""
    wanted = set(documents)
    numbers = sorted({number for _type, number in wanted})
    found: dict[tuple[str, str], Person] = {}
    for start in range(0, len(numbers), _LOOKUP_CHUNK):
        for person in Person.objects.filter(id_number__in=numbers[start : start + _LOOKUP_CHUNK]):
            if _document(person) in wanted:
                found[_document(person)] = person
    return found


def person_name_conflicts(candidates: Sequence[PersonFields]) -> list[int]:
    """Positions of the candidates whose ID document is registered under another name, for an
    import to name its rows (with NAME_MISMATCH) before it writes anything."""
    return _conflicts(candidates, persons_registered(_document(c) for c in candidates))


def _conflicts(
    candidates: Sequence[PersonFields], registered: dict[tuple[str, str], Person]
) -> list[int]:
    return [
        position
        for position, candidate in enumerate(candidates)
        if (known := registered.get(_document(candidate))) is not None
        and known.name != candidate.name
    ]


@transaction.atomic
def person_register_many(*, candidates: Sequence[PersonFields]) -> BulkRegistration:
    """person_register for a whole file: the same name rule, new persons in bulk inserts.

    The caller validates first (person_name_conflicts names the rows) and writes the import's
    one audit row listing `created`; a name conflict reaching this point refuses everything.
    """
    unique: dict[tuple[str, str], PersonFields] = {}
    for candidate in candidates:
        first = unique.setdefault(_document(candidate), candidate)
        if first.name != candidate.name:
            raise ValidationError({"name": [ValidationError(NAME_MISMATCH, code="name_mismatch")]})
    registered = persons_registered(unique)
    if _conflicts(list(unique.values()), registered):
        raise ValidationError({"name": [ValidationError(NAME_MISMATCH, code="name_mismatch")]})
    new = [Person(**c.__dict__) for key, c in unique.items() if key not in registered]
    try:
        with transaction.atomic():  # a savepoint, so that the refusal below is clean
            created = Person.objects.bulk_create(new, batch_size=1000)
    except IntegrityError as error:
        raise Conflict(
            _("本批人员中有人刚被其他用户登记，请重新提交"), code="registration_race"
        ) from error
    if any(person.pk is None for person in created):  # a backend that returns no keys
        created = list(persons_registered(_document(p) for p in new).values())
    return BulkRegistration(
        persons={**registered, **{_document(p): p for p in created}}, created=created
    )


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
