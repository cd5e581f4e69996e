"""Venue registry import from XLSX or CSV: every row checked, then all written or none."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from fangkong.accounts.models import User
from fangkong.accounts.scope import Scope
from fangkong.core.data_imports import data_import_record
from fangkong.core.models import DataImport
from fangkong.core.tabular import Column, RowError, TableRejected, TableRow
from fangkong.jurisdictions.models import Jurisdiction, ResponsibleUnit
from fangkong.venues.models import RoomKind, Venue, VenueCategory, VenueRoom
from fangkong.venues.services.venues import venue_fields_clean, venue_point_clean

if TYPE_CHECKING:
    from fangkong.accounts.models import User as Actor

VENUE_COLUMNS = (
    Column("name", ("名称", "场所名称", "name")),
    Column("category", ("类别", "场所类别", "category")),
    Column("jurisdiction", ("所属辖区", "辖区", "jurisdiction")),
    Column("approved_capacity", ("核定容量", "核定容量（人）", "approved_capacity")),
    Column("address", ("地址", "address"), required=False),
    Column("operator_unit", ("经营单位", "operator_unit"), required=False),
    Column("manager", ("负责人用户名", "负责人", "manager"), required=False),
    Column("rooms", ("包间", "包间容量", "rooms"), required=False),
    Column("latitude", ("纬度", "latitude"), required=False),
    Column("longitude", ("经度", "longitude"), required=False),
)
_TITLES = {c.key: c.title for c in VENUE_COLUMNS}
_ROOM = re.compile(r"^\s*([^:：]+?)\s*[:：]\s*(\d+)\s*$")
_ROOM_KIND: dict[str, str] = {
    VenueCategory.KTV: RoomKind.KTV_ROOM,
    VenueCategory.RESTAURANT: RoomKind.PRIVATE_ROOM,
}


@dataclass(frozen=True)
class VenueImportResult:
    record: DataImport
    created: list[Venue]
    existing: int


@dataclass(frozen=True)
class _Row:
    name: str
    category: str
    jurisdiction: Jurisdiction
    approved_capacity: int
    address: str
    operator_unit: ResponsibleUnit | None
    manager: User | None
    rooms: list[tuple[str, int]]
    latitude: Decimal | None
    longitude: Decimal | None


def _category(raw: str) -> str:
    for value, label in VenueCategory.choices:
        if raw in (value, str(label)):
            return value
    raise ValidationError(_("未知场所类别「%s」") % raw)


def _rooms(raw: str, capacity: int) -> list[tuple[str, int]]:
    rooms: list[tuple[str, int]] = []
    for part in re.split(r"[;；,，]", raw):
        if not part.strip():
            continue
        match = _ROOM.match(part)
        if match is None:
            raise ValidationError(_("包间「%s」应写作「名称:人数」，以分号分隔") % part.strip())
        name, people = match.group(1), int(match.group(2))
        if people < 1 or people > capacity:
            raise ValidationError(
                _("包间「%(name)s」容量 %(n)s 人无效") % {"name": name, "n": people}
            )
        if name in {r[0] for r in rooms}:
            raise ValidationError(_("包间「%s」重复") % name)
        rooms.append((name, people))
    return rooms


class _Lookups:
    def __init__(self, scope: Scope) -> None:
        places = Jurisdiction.objects.filter(scope.jurisdiction_q("pk"))
        self.by_code = {j.code: j for j in places}
        self.by_name: dict[str, list[Jurisdiction]] = {}
        for j in self.by_code.values():
            self.by_name.setdefault(j.name, []).append(j)
        self.units: dict[str, list[ResponsibleUnit]] = {}
        for unit in ResponsibleUnit.objects.active():
            self.units.setdefault(unit.name, []).append(unit)
        self.users = {u.username: u for u in User.objects.filter(is_active=True)}

    def jurisdiction(self, raw: str) -> Jurisdiction:
        if raw in self.by_code:
            return self.by_code[raw]
        matches = self.by_name.get(raw, [])
        if len(matches) == 1:
            return matches[0]
        if matches:
            raise ValidationError(_("辖区名称「%s」不唯一，请填写行政区划代码") % raw)
        raise ValidationError(_("找不到辖区「%s」，或不在您的管辖范围内") % raw)

    def unit(self, raw: str) -> ResponsibleUnit | None:
        if not raw:
            return None
        matches = self.units.get(raw, [])
        if len(matches) == 1:
            return matches[0]
        if matches:
            raise ValidationError(_("单位名称「%s」不唯一") % raw)
        raise ValidationError(_("找不到单位「%s」") % raw)

    def user(self, raw: str) -> User | None:
        if not raw:
            return None
        if raw not in self.users:
            raise ValidationError(_("找不到用户「%s」") % raw)
        return self.users[raw]


def _check(row: TableRow, lookups: _Lookups) -> _Row:
    errors: dict[str, list[str]] = {}
    category: str | None = None
    jurisdiction: Jurisdiction | None = None
    unit: ResponsibleUnit | None = None
    manager: User | None = None
    rooms: list[tuple[str, int]] = []
    try:
        category = _category(row.get("category"))
    except ValidationError as error:
        errors["category"] = error.messages
    try:
        jurisdiction = lookups.jurisdiction(row.get("jurisdiction"))
    except ValidationError as error:
        errors["jurisdiction"] = error.messages
    try:
        unit = lookups.unit(row.get("operator_unit"))
    except ValidationError as error:
        errors["operator_unit"] = error.messages
    try:
        manager = lookups.user(row.get("manager"))
    except ValidationError as error:
        errors["manager"] = error.messages
    fields: dict[str, Any] = {}
    try:
        fields = venue_fields_clean(
            name=row.get("name"),
            # an unknown category is reported above, not twice
            category=category or VenueCategory.OTHER,
            approved_capacity=row.get("approved_capacity"),
            manager=manager,
        )
    except ValidationError as error:
        for key, messages in error.message_dict.items():
            errors.setdefault(key, []).extend(messages)
    else:
        try:
            rooms = _rooms(row.get("rooms"), fields["approved_capacity"])
        except ValidationError as error:
            errors["rooms"] = error.messages
    point: dict[str, Decimal | None] = {}
    try:
        point = venue_point_clean(row.get("latitude"), row.get("longitude"))
    except ValidationError as error:
        for key, messages in error.message_dict.items():
            errors.setdefault(key, []).extend(messages)
    if errors or category is None or jurisdiction is None:
        raise ValidationError(errors)
    return _Row(
        name=fields["name"],
        category=category,
        jurisdiction=jurisdiction,
        approved_capacity=fields["approved_capacity"],
        address=row.get("address"),
        operator_unit=unit,
        manager=manager,
        rooms=rooms,
        latitude=point["latitude"],
        longitude=point["longitude"],
    )


def venue_rows_validate(rows: list[TableRow], *, scope: Scope) -> list[_Row]:
    """Every row checked; raises TableRejected naming each bad row and column."""
    lookups = _Lookups(scope)
    errors: list[RowError] = []
    valid: list[_Row] = []
    first_row: dict[tuple[int, str], int] = {}
    for row in rows:
        try:
            checked = _check(row, lookups)
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                errors.extend(
                    RowError(row.number, str(_TITLES.get(field, field)), m) for m in messages
                )
            continue
        key = (checked.jurisdiction.pk, checked.name)
        if key in first_row:
            errors.append(
                RowError(row.number, _TITLES["name"], _("与第 %s 行重复") % first_row[key])
            )
            continue
        first_row[key] = row.number
        valid.append(checked)
    if errors:
        raise TableRejected(errors)
    return valid


@transaction.atomic
def venue_import(
    *, rows: list[TableRow], filename: str, scope: Scope, by: Actor | None
) -> VenueImportResult:
    """Import venues: all rows valid or nothing written. A venue already registered under
    the same name in the same jurisdiction is counted, not duplicated."""
    valid = venue_rows_validate(rows, scope=scope)
    registered = set(
        Venue.objects.filter(
            jurisdiction__in={r.jurisdiction.pk for r in valid}, name__in={r.name for r in valid}
        ).values_list("jurisdiction_id", "name")
    )
    new = [r for r in valid if (r.jurisdiction.pk, r.name) not in registered]
    created = Venue.objects.bulk_create(
        [
            Venue(
                name=r.name,
                category=r.category,
                jurisdiction=r.jurisdiction,
                approved_capacity=r.approved_capacity,
                address=r.address,
                operator_unit=r.operator_unit,
                manager=r.manager,
                latitude=r.latitude,
                longitude=r.longitude,
            )
            for r in new
        ],
        batch_size=1000,
    )
    VenueRoom.objects.bulk_create(
        [
            VenueRoom(
                venue=venue,
                name=name,
                kind=_ROOM_KIND.get(r.category, RoomKind.HALL),
                approved_capacity=people,
            )
            for venue, r in zip(created, new, strict=True)
            for name, people in r.rooms
        ],
        batch_size=1000,
    )
    record = data_import_record(
        kind="venues.venue",
        action="venue.import",
        filename=filename,
        rows=len(rows),
        created=len(created),
        existing=len(valid) - len(created),
        by=by,
        audit={"created_venue_ids": [v.pk for v in created]},
    )
    return VenueImportResult(record=record, created=created, existing=record.existing)
