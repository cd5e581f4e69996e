"""Ward layout import (CSV/XLSX): set up a hospital's wards and beds from one table, all of
it or nothing, as when a reserve hospital or a fangcang facility is readied."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils.translation import gettext as _

from fangkong.core.data_imports import data_import_record
from fangkong.core.models import DataImport
from fangkong.core.tabular import Column, RowError, TableRejected, TableRow
from fangkong.hospitals.models import Hospital, Ward, WardKind
from fangkong.hospitals.services.facilities import ward_create

if TYPE_CHECKING:
    from fangkong.accounts.models import User

WARD_COLUMNS = (
    Column("name", ("病区名称", "病区", "name")),
    Column("kind", ("病区类型", "类型", "kind")),
    Column("beds", ("床位数", "beds")),
    Column("bed_prefix", ("床号前缀", "bed_prefix"), required=False),
    Column("location", ("位置", "location"), required=False),
)
_TITLES = {c.key: c.title for c in WARD_COLUMNS}
# A ward of a thousand beds is a typing error, not a fangcang hall (those are split in zones).
_MAX_BEDS_PER_WARD = 500


def _kind(raw: str) -> str | None:
    for value, label in WardKind.choices:
        if raw.strip().lower() in (value, str(label)):
            return value
    return None


@dataclass(frozen=True)
class WardRow:
    name: str
    kind: str
    beds: int
    bed_prefix: str
    location: str


def ward_rows_validate(hospital: Hospital, rows: list[TableRow]) -> list[WardRow]:
    """Every row checked against the file and the hospital; raises TableRejected naming each
    bad row and column."""
    existing = set(Ward.objects.filter(hospital=hospital).values_list("name", flat=True))
    seen: dict[str, int] = {}
    errors: list[RowError] = []
    valid: list[WardRow] = []
    for row in rows:
        name = row.get("name")
        kind = _kind(row.get("kind"))
        problems: list[RowError] = []
        if not name:
            problems.append(RowError(row.number, _TITLES["name"], _("请填写病区名称")))
        elif name in existing:
            problems.append(RowError(row.number, _TITLES["name"], _("该医院已有此病区")))
        elif name in seen:
            problems.append(
                RowError(row.number, _TITLES["name"], _("与第 %s 行病区重名") % seen[name])
            )
        if kind is None:
            choices = "、".join(str(label) for _v, label in WardKind.choices)
            problems.append(RowError(row.number, _TITLES["kind"], _("病区类型应为：%s") % choices))
        beds = row.get("beds")
        if not beds.isdigit() or not 0 < int(beds) <= _MAX_BEDS_PER_WARD:
            problems.append(
                RowError(
                    row.number,
                    _TITLES["beds"],
                    _("床位数应为 1–%(max)s 的整数") % {"max": _MAX_BEDS_PER_WARD},
                )
            )
        if problems or kind is None:
            errors.extend(problems)
            continue
        seen[name] = row.number
        valid.append(WardRow(name, kind, int(beds), row.get("bed_prefix"), row.get("location")))
    if errors:
        raise TableRejected(errors)
    return valid


@transaction.atomic
def ward_import(
    *, hospital: Hospital, rows: list[TableRow], filename: str, by: User | None
) -> DataImport:
    """Create every ward of the table with its beds, or nothing (TableRejected)."""
    valid = ward_rows_validate(hospital, rows)
    wards = [
        ward_create(
            hospital=hospital,
            name=row.name,
            kind=row.kind,
            beds=row.beds,
            bed_prefix=row.bed_prefix,
            location=row.location,
            by=by,
        )
        for row in valid
    ]
    record = data_import_record(
        kind="hospitals.ward",
        action="ward.import",
        filename=filename,
        rows=len(rows),
        created=len(wards),
        existing=0,
        by=by,
        audit={
            "hospital": hospital.pk,
            "ward_ids": [w.pk for w in wards],
            "beds": sum(row.beds for row in valid),
        },
    )
    return record
