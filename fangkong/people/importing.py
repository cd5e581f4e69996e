"""Person import from CSV/XLSX: validate the whole file, then write all of it or nothing."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from fangkong.accounts.scope import scope_of
from fangkong.core.data_imports import data_import_record
from fangkong.core.models import DataImport
from fangkong.core.tabular import Column, RowError, TableRejected, TableRow
from fangkong.jurisdictions.models import Jurisdiction
from fangkong.people.models import IdType, Person
from fangkong.people.services import (
    NAME_MISMATCH,
    PersonFields,
    person_fields_clean,
    person_name_conflicts,
    person_register_many,
)

if TYPE_CHECKING:
    from fangkong.accounts.models import User

PERSON_COLUMNS = (
    Column("name", ("姓名", "name")),
    Column("id_type", ("证件类型", "id_type"), required=False),
    Column("id_number", ("证件号码", "身份证号码", "身份证号", "id_number")),
    Column("phone", ("手机号", "联系电话", "电话", "phone"), required=False),
    Column("address", ("住址", "现住址", "address"), required=False),
    Column("jurisdiction", ("所属辖区", "辖区", "jurisdiction"), required=False),
)
_TITLES = {c.key: c.title for c in PERSON_COLUMNS}


@dataclass(frozen=True)
class PersonImportResult:
    record: DataImport
    created: list[Person]
    existing: int


def _id_type(raw: str) -> str:
    if not raw:
        return IdType.RESIDENT_ID
    for value, label in IdType.choices:
        if raw in (value, str(label)):
            return value
    raise ValidationError(_("未知证件类型「%s」") % raw)


class _JurisdictionLookup:
    """Jurisdictions named in a file, by division code or by a name unique in the city."""

    def __init__(self) -> None:
        self.by_code = {j.code: j for j in Jurisdiction.objects.all()}
        by_name: dict[str, list[Jurisdiction]] = {}
        for j in self.by_code.values():
            by_name.setdefault(j.name, []).append(j)
        self.by_name = by_name

    def find(self, raw: str) -> Jurisdiction | None:
        if not raw:
            return None
        if raw in self.by_code:
            return self.by_code[raw]
        matches = self.by_name.get(raw, [])
        if len(matches) == 1:
            return matches[0]
        if matches:
            raise ValidationError(_("辖区名称「%s」不唯一，请填写行政区划代码") % raw)
        raise ValidationError(_("找不到辖区「%s」") % raw)


def _row_errors(row: TableRow, error: ValidationError) -> Iterator[RowError]:
    if hasattr(error, "error_dict"):
        for field, messages in error.message_dict.items():
            for message in messages:
                yield RowError(row.number, str(_TITLES.get(field, field)), message)
    else:
        for message in error.messages:
            yield RowError(row.number, "", message)


def person_rows_validate(
    rows: list[TableRow], *, by: User | None
) -> list[tuple[TableRow, PersonFields]]:
    """Every row checked; raises TableRejected naming each bad row and column.

    An importer files persons under jurisdictions in their own scope only, as the API does
    (None: a job or the demo, which act for the whole city)."""
    lookup = _JurisdictionLookup()
    scope = scope_of(by) if by is not None else None
    errors: list[RowError] = []
    valid: list[tuple[TableRow, PersonFields]] = []
    first_row_of: dict[tuple[str, str], tuple[int, str]] = {}
    for row in rows:
        try:
            id_type = _id_type(row.get("id_type"))
        except ValidationError as error:
            errors.extend(RowError(row.number, _TITLES["id_type"], m) for m in error.messages)
            continue
        try:
            jurisdiction = lookup.find(row.get("jurisdiction"))
        except ValidationError as error:
            errors.extend(RowError(row.number, _TITLES["jurisdiction"], m) for m in error.messages)
            continue
        if jurisdiction is not None and scope is not None and not scope.covers(jurisdiction):
            errors.append(
                RowError(row.number, _TITLES["jurisdiction"], _("所属辖区不在您的管辖范围内"))
            )
            continue
        try:
            fields = person_fields_clean(
                name=row.get("name"),
                id_type=id_type,
                id_number=row.get("id_number"),
                phone=row.get("phone"),
                address=row.get("address"),
                home_jurisdiction=jurisdiction,
            )
        except ValidationError as error:
            errors.extend(_row_errors(row, error))
            continue
        key = (fields.id_type, fields.id_number)
        if key in first_row_of:
            first_number, first_name = first_row_of[key]
            if first_name != fields.name:
                errors.append(
                    RowError(
                        row.number,
                        _TITLES["id_number"],
                        _("与第 %(row)s 行证件号码相同但姓名不同（%(name)s）")
                        % {"row": first_number, "name": first_name},
                    )
                )
            continue  # the same person twice in one file is one person
        first_row_of[key] = (row.number, fields.name)
        valid.append((row, fields))
    errors.extend(_conflicts_with_registry(valid))
    if errors:
        raise TableRejected(errors)
    return valid


def _conflicts_with_registry(valid: list[tuple[TableRow, PersonFields]]) -> Iterator[RowError]:
    conflicts = person_name_conflicts([fields for _row, fields in valid])
    for position in conflicts:
        yield RowError(valid[position][0].number, _TITLES["name"], str(NAME_MISMATCH))


@transaction.atomic
def person_import(*, rows: list[TableRow], filename: str, by: User | None) -> PersonImportResult:
    """Import persons: all rows valid, or TableRejected and nothing written.

    Persons already registered (same ID document and name) are found, not duplicated.
    """
    valid = person_rows_validate(rows, by=by)
    registration = person_register_many(candidates=[fields for _row, fields in valid])
    created = registration.created
    record = data_import_record(
        kind="people.person",
        action="person.import",
        filename=filename,
        rows=len(rows),
        created=len(created),
        existing=len(valid) - len(created),
        by=by,
        audit={"created_person_ids": [p.pk for p in created]},
    )
    return PersonImportResult(record=record, created=created, existing=record.existing)
