"""A batch from a spreadsheet (XLSX/CSV): every row checked first, errors naming the row and
column; then new persons registered and everyone placed in one transaction, or nothing."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fangkong.core.data_imports import data_import_record
from fangkong.core.dates import refuse_too_early
from fangkong.core.tabular import Column, RowError, TableRejected, TableRow
from fangkong.people.identity import normalize_id_number
from fangkong.people.models import IdType, Person
from fangkong.people.services import (
    NAME_MISMATCH,
    PersonFields,
    person_fields_clean,
    person_name_conflicts,
    person_register_many,
)
from fangkong.quarantine.models import ObservationCategory, Placement, Site
from fangkong.quarantine.services.batches import BatchResult, IntakeEntry, batch_intake
from fangkong.quarantine.services.placements import sites_to_name

if TYPE_CHECKING:
    from fangkong.accounts.models import User

BATCH_COLUMNS = (
    Column("name", ("姓名", "name")),
    Column("id_type", ("证件类型", "id_type"), required=False),
    Column("id_number", ("证件号码", "身份证号码", "身份证号", "id_number")),
    Column("phone", ("手机号", "联系电话", "电话", "phone"), required=False),
    Column("category", ("人员类别", "类别", "category")),
    Column(
        "last_exposure_at", ("末次暴露时间", "末次接触时间", "last_exposure_at"), required=False
    ),
    Column("arrival_at", ("抵达时间", "入境时间", "入境/抵达时间", "arrival_at"), required=False),
    Column("source", ("来源", "source"), required=False),
    Column("household", ("同户编号", "家庭编号", "household"), required=False),
    Column("exposed_via", ("关联密接证件号码", "exposed_via"), required=False),
    Column("address", ("住址", "现住址", "address"), required=False),
)
_TITLES = {c.key: c.title for c in BATCH_COLUMNS}
_CATEGORY_WORDS = {
    "密接": ObservationCategory.CLOSE_CONTACT,
    "次密接": ObservationCategory.SECONDARY_CONTACT,
    "密接的密接": ObservationCategory.SECONDARY_CONTACT,
    "入境": ObservationCategory.INBOUND_TRAVELLER,
}
_DATETIME = re.compile(
    r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?"
    r"(?:[ T](\d{1,2})[:：时](\d{1,2})(?:[:：](\d{1,2}))?分?)?$"
)


def parse_local_datetime(raw: str) -> dt.datetime:
    """Local time from "2021-07-28 19:05", "2021/7/28 19:05" or "2021年7月28日" (midnight)."""
    text = raw.strip()
    try:
        parsed = dt.datetime.fromisoformat(text)
    except ValueError:
        match = _DATETIME.match(text)
        if not match:
            raise ValidationError(_("无法识别时间「%s」，请写成 2021-07-28 19:05") % raw) from None
        year, month, day, hour, minute, second = (int(p) if p else 0 for p in match.groups())
        try:
            parsed = dt.datetime(year, month, day, hour, minute, second)  # noqa: DTZ001 - made aware below
        except ValueError as error:
            raise ValidationError(_("时间「%s」不存在") % raw) from error
    if timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed)
    refuse_too_early(parsed)
    return parsed


def parse_category(raw: str) -> str:
    text = raw.strip()
    for value, label in ObservationCategory.choices:
        if text in (value, str(label)):
            return value
    if text in _CATEGORY_WORDS:
        return _CATEGORY_WORDS[text]
    raise ValidationError(
        _("未知人员类别「%(raw)s」，应为：%(known)s")
        % {"raw": raw, "known": "、".join(str(label) for label in ObservationCategory.labels)}
    )


def _id_type(raw: str) -> str:
    if not raw:
        return IdType.RESIDENT_ID
    for value, label in IdType.choices:
        if raw in (value, str(label)):
            return value
    raise ValidationError(_("未知证件类型「%s」") % raw)


def _id_key(raw: str) -> str:
    try:
        return normalize_id_number(IdType.RESIDENT_ID, raw)
    except ValidationError:
        return re.sub(r"\s+", "", raw).upper()


@dataclass
class _Row:
    row: TableRow
    person: PersonFields
    category: str
    last_exposure_at: dt.datetime | None
    arrival_at: dt.datetime | None
    via_key: str


def _row_error(number: int, key: str, message: str) -> RowError:
    return RowError(number, str(_TITLES.get(key, key)), message, key=key)


def _errors_of(row: TableRow, column: str, error: ValidationError) -> Iterator[RowError]:
    if hasattr(error, "error_dict"):
        for field, messages in error.message_dict.items():
            for message in messages:
                yield _row_error(row.number, field, message)
    else:
        for message in error.messages:
            yield _row_error(row.number, column, message)


def _time(
    row: TableRow, key: str, errors: list[RowError], latest: dt.datetime
) -> dt.datetime | None:
    raw = row.get(key)
    if not raw:
        return None
    try:
        value = parse_local_datetime(raw)
    except ValidationError as error:
        errors.extend(_errors_of(row, key, error))
        return None
    if value > latest:
        errors.append(_row_error(row.number, key, _("不能晚于本批到达时间")))
    return value


def _parse(row: TableRow, errors: list[RowError], arrived_at: dt.datetime) -> _Row | None:
    count = len(errors)
    person: PersonFields | None = None
    category = ""
    try:
        person = person_fields_clean(
            name=row.get("name"),
            id_type=_id_type(row.get("id_type")),
            id_number=row.get("id_number"),
            phone=row.get("phone"),
            address=row.get("address"),
        )
    except ValidationError as error:
        errors.extend(_errors_of(row, "id_type", error))
    try:
        category = parse_category(row.get("category"))
    except ValidationError as error:
        errors.extend(_errors_of(row, "category", error))
    exposure = _time(row, "last_exposure_at", errors, arrived_at)
    arrival = _time(row, "arrival_at", errors, arrived_at)
    traveller = category == ObservationCategory.INBOUND_TRAVELLER
    if traveller and not row.get("arrival_at"):
        errors.append(_row_error(row.number, "arrival_at", _("入境人员须填写抵达时间")))
    if category and not traveller and not row.get("last_exposure_at"):
        errors.append(
            _row_error(row.number, "last_exposure_at", _("密接、次密接须填写末次暴露时间"))
        )
    if len(errors) > count or person is None:
        return None
    via = row.get("exposed_via")
    return _Row(row, person, category, exposure, arrival, _id_key(via) if via else "")


def _registry(rows: list[_Row]) -> dict[str, Person]:
    keys = {r.person.id_number for r in rows} | {r.via_key for r in rows if r.via_key}
    found: dict[str, Person] = {}
    chunk = list(keys)
    for start in range(0, len(chunk), 500):
        for person in Person.objects.filter(id_number__in=chunk[start : start + 500]):
            found[person.id_number] = person
    return found


def batch_rows_validate(
    rows: list[TableRow], *, arrived_at: dt.datetime, by: User | None
) -> list[_Row]:
    """Every row checked against itself, the file and the registry; raises TableRejected."""
    errors: list[RowError] = []
    parsed = [p for p in (_parse(row, errors, arrived_at) for row in rows) if p is not None]
    first_row: dict[str, int] = {}
    for item in parsed:
        key = item.person.id_number
        if key in first_row:
            errors.append(
                _row_error(
                    item.row.number,
                    "id_number",
                    _("与第 %(row)s 行是同一人") % {"row": first_row[key]},
                )
            )
        else:
            first_row[key] = item.row.number
    registry = _registry(parsed)
    mismatched = {parsed[i].row.number for i in person_name_conflicts([p.person for p in parsed])}
    active = {
        p.person.id_number: p
        for p in Placement.objects.active()
        .filter(person__id_number__in=list(first_row))
        .select_related("person", "room__site")
    }
    nameable = sites_to_name(active.values(), viewer=by)
    for item in parsed:
        if item.row.number in mismatched:
            errors.append(_row_error(item.row.number, "name", str(NAME_MISMATCH)))
        current = active.get(item.person.id_number)
        # Where someone is isolated is said only to a file that names them rightly: a wrong
        # name must not turn an ID number into a site and a room.
        if current is not None and item.row.number not in mismatched:
            errors.append(
                _row_error(
                    item.row.number,
                    "id_number",
                    _("已在 %(site)s %(room)s 隔离")
                    % {"site": current.room.site.name, "room": current.room.number}
                    if current.room.site_id in nameable
                    else _("已在其他隔离点隔离"),
                )
            )
        if item.via_key and item.via_key not in registry and item.via_key not in first_row:
            errors.append(_row_error(item.row.number, "exposed_via", _("找不到该证件号码的人员")))
        elif item.via_key == item.person.id_number:
            errors.append(_row_error(item.row.number, "exposed_via", _("不能是本人")))
    if errors:
        raise TableRejected(sorted(errors, key=lambda e: e.row))
    return parsed


@transaction.atomic
def batch_import(
    *,
    site: Site,
    rows: list[TableRow],
    filename: str,
    by: User | None,
    arrived_at: dt.datetime | None = None,
    source: str = "",
) -> BatchResult:
    """A batch from a file: all rows valid and everyone placed, or nothing written."""
    moment = arrived_at or timezone.now()
    if not rows:
        raise TableRejected([RowError(2, "", _("文件中没有人员"))])
    parsed = batch_rows_validate(rows, arrived_at=moment, by=by)
    registration = person_register_many(candidates=[r.person for r in parsed])
    created = registration.created
    persons = registration.persons
    registry = _registry(parsed)  # for the exposed_via column, which names a number only
    record = data_import_record(
        kind="quarantine.batch",
        action="batch.import",
        filename=filename,
        rows=len(rows),
        created=len(created),
        existing=len(parsed) - len(created),
        by=by,
        audit={"site": site.pk, "created_person_ids": [p.pk for p in created]},
    )
    entries = [
        IntakeEntry(
            person=persons[(r.person.id_type, r.person.id_number)],
            category=r.category,
            last_exposure_at=r.last_exposure_at,
            arrival_at=r.arrival_at,
            exposed_via=registry[r.via_key] if r.via_key else None,
            household=r.row.get("household"),
            source=r.row.get("source"),
            row=r.row.number,
        )
        for r in parsed
    ]
    return batch_intake(
        site=site, entries=entries, by=by, arrived_at=moment, source=source, data_import=record
    )
