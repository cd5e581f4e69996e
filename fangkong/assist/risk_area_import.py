"""The risk-area list from a CSV/XLSX (a province's or a city's notice, copied into a sheet):
every row checked first, then all of it written or nothing.

An area already on the list (same city, name, level and start date) is counted as existing and
left as it is, so importing the same notice twice registers nothing twice."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from fangkong.accounts.models import User
from fangkong.assist.models import AreaLevel, RiskArea
from fangkong.assist.services.risk_areas import (
    RiskAreaExists,
    RiskAreaFields,
    risk_area_fields_clean,
)
from fangkong.core.data_imports import data_import_record
from fangkong.core.models import DataImport
from fangkong.core.tabular import Column, RowError, TableRejected, TableRow

RISK_AREA_COLUMNS = (
    Column("province", ("省份", "省", "province"), required=False),
    Column("city", ("城市", "市", "city")),
    Column("name", ("地区", "风险地区", "区域", "name")),
    Column("level", ("风险等级", "等级", "level")),
    Column("since", ("起始日期", "开始日期", "since")),
    Column("until", ("截止日期", "解除日期", "until"), required=False),
    Column("source", ("依据", "来源", "source"), required=False),
)
_TITLES = {c.key: c.title for c in RISK_AREA_COLUMNS}

# How notices write the level, besides the choice's own value and label.
_LEVEL_WORDS = {
    "高": AreaLevel.HIGH,
    "高风险": AreaLevel.HIGH,
    "中": AreaLevel.MEDIUM,
    "中风险": AreaLevel.MEDIUM,
}


@dataclass(frozen=True)
class RiskAreaImportResult:
    record: DataImport
    created: list[RiskArea]
    existing: int


def _level(raw: str) -> str:
    text = raw.strip()
    for value, label in AreaLevel.choices:
        if text.lower() in (value, str(label)):
            return value
    if text in _LEVEL_WORDS:
        return _LEVEL_WORDS[text]
    raise ValidationError(_("风险等级只能是高风险或中风险，而不是「%s」") % raw)


def _date(raw: str, *, required: bool) -> dt.date | None:
    text = raw.strip()
    if not text:
        if required:
            raise ValidationError(_("请填写日期"))
        return None
    # A spreadsheet's date cell arrives as an ISO date or datetime (core.tabular); people
    # type 2021/7/21 or 2021.7.21 too.
    parts = text.split("T", 1)[0].split(" ", 1)[0].replace("/", "-").replace(".", "-").split("-")
    if len(parts) == 3 and all(p.isascii() and p.isdigit() for p in parts):
        try:
            return dt.date(int(parts[0]), int(parts[1]), int(parts[2]))
        except ValueError:
            pass
    raise ValidationError(_("无法识别的日期「%s」，请写作 2021-07-21") % raw)


def _row_errors(row: TableRow, error: ValidationError) -> Iterator[RowError]:
    if hasattr(error, "error_dict"):
        for field, messages in error.message_dict.items():
            for message in messages:
                yield RowError(row.number, _TITLES.get(field, field), message, key=field)
    else:
        for message in error.messages:
            yield RowError(row.number, "", message)


def _row_fields(row: TableRow) -> RiskAreaFields:
    errors: dict[str, list[str]] = {}
    parsed: dict[str, object] = {}
    for key, parse in (
        ("level", lambda: _level(row.get("level"))),
        ("since", lambda: _date(row.get("since"), required=True)),
        ("until", lambda: _date(row.get("until"), required=False)),
    ):
        try:
            parsed[key] = parse()
        except ValidationError as error:
            errors[key] = list(error.messages)
    if errors:
        raise ValidationError(errors)
    return risk_area_fields_clean(
        province=row.get("province"),
        city=row.get("city"),
        name=row.get("name"),
        level=str(parsed["level"]),
        since=parsed["since"],  # type: ignore[arg-type]
        until=parsed["until"],  # type: ignore[arg-type]
        source=row.get("source"),
    )


def risk_area_rows_validate(rows: list[TableRow]) -> list[RiskAreaFields]:
    """Every row checked; raises TableRejected naming each bad row and column. A row repeating
    an earlier one of the file is an error (a copy-paste slip, not a second area)."""
    errors: list[RowError] = []
    valid: list[RiskAreaFields] = []
    first_row_of: dict[tuple[str, str, str, dt.date], int] = {}
    for row in rows:
        try:
            fields = _row_fields(row)
        except ValidationError as error:
            errors.extend(_row_errors(row, error))
            continue
        key = (fields.city, fields.name, fields.level, fields.since)
        if key in first_row_of:
            errors.append(
                RowError(
                    row.number,
                    _TITLES["name"],
                    _("与第 %(row)s 行重复") % {"row": first_row_of[key]},
                    key="name",
                )
            )
            continue
        first_row_of[key] = row.number
        valid.append(fields)
    if errors:
        raise TableRejected(errors)
    return valid


def _registered(valid: list[RiskAreaFields]) -> set[tuple[str, str, str, dt.date]]:
    cities = {f.city for f in valid}
    return set(
        RiskArea.objects.filter(city__in=cities).values_list("city", "name", "level", "since")
    )


@transaction.atomic
def risk_area_import(
    *, rows: list[TableRow], filename: str, by: User | None
) -> RiskAreaImportResult:
    """Import the list: all rows valid, or TableRejected and nothing written."""
    valid = risk_area_rows_validate(rows)
    registered = _registered(valid)
    new = [f for f in valid if (f.city, f.name, f.level, f.since) not in registered]
    try:
        with transaction.atomic():  # a savepoint: another import of the same list at once
            created = RiskArea.objects.bulk_create([RiskArea(**f.__dict__) for f in new])
    except IntegrityError as error:
        raise RiskAreaExists(_("其中部分地区刚由他人登记，请重新导入")) from error
    record = data_import_record(
        kind="assist.risk_area",
        action="risk_area.import",
        filename=filename,
        rows=len(rows),
        created=len(created),
        existing=len(valid) - len(created),
        by=by,
        audit={"created_risk_area_ids": [a.pk for a in created]},
    )
    return RiskAreaImportResult(record=record, created=created, existing=record.existing)
