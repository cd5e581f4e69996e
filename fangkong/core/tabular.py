"""Reading uploaded tables (CSV or XLSX) for all-or-nothing imports.

Every import in fangkong reads its file through `read_table`: headers are matched against
Chinese and English aliases, rows keep the number the user sees in the spreadsheet (the header
is row 1), and problems are collected as `RowError`s so one pass names every bad row.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import IO, Any

from django.conf import settings
from django.utils.translation import gettext as _


@dataclass(frozen=True)
class Column:
    key: str
    headers: tuple[str, ...]  # accepted header texts, e.g. ("证件号码", "id_number")
    required: bool = True

    @property
    def title(self) -> str:
        return self.headers[0]


@dataclass(frozen=True)
class TableRow:
    number: int  # as shown in the spreadsheet: the header is row 1
    values: dict[str, str]

    def get(self, key: str) -> str:
        return self.values.get(key, "")


@dataclass(frozen=True)
class RowError:
    row: int
    column: str
    message: str

    def __str__(self) -> str:
        column = f"「{self.column}」" if self.column else ""
        return _("第 %(row)s 行%(column)s：%(message)s") % {
            "row": self.row,
            "column": column,
            "message": self.message,
        }


@dataclass
class TableRejected(Exception):
    """The file was not imported; nothing was written."""

    errors: list[RowError] = field(default_factory=list)

    def __str__(self) -> str:
        shown = "; ".join(str(e) for e in self.errors[:10])
        more = len(self.errors) - 10
        return shown + (_("（另有 %(n)s 处错误）") % {"n": more} if more > 0 else "")


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    # Spreadsheets turn long digit strings (ID and phone numbers) into numbers.
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.isoformat(timespec="seconds")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()


def _decode(raw: bytes) -> str:
    # Excel on Chinese Windows saves CSV as GB18030; everything else is UTF-8 (maybe with BOM).
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise TableRejected([RowError(0, "", _("无法识别文件编码，请保存为 UTF-8 的 CSV 或 XLSX"))])


def _csv_rows(raw: bytes) -> Iterator[list[str]]:
    yield from csv.reader(io.StringIO(_decode(raw), newline=""))


def _xlsx_rows(raw: bytes) -> Iterator[list[str]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a broken file
        raise TableRejected([RowError(0, "", _("无法读取 XLSX 文件：%s") % error)]) from error
    sheet = workbook.worksheets[0]
    for row in sheet.iter_rows(values_only=True):
        yield [_cell_text(v) for v in row]
    workbook.close()


def _normalise_header(text: str) -> str:
    return text.strip().lower().replace(" ", "").replace("_", "")


def read_table(file: IO[bytes], filename: str, columns: Sequence[Column]) -> list[TableRow]:
    """All data rows of the file's first sheet, keyed by column key; raises TableRejected."""
    raw = file.read()
    if filename.lower().endswith((".xlsx", ".xlsm")):
        rows = _xlsx_rows(raw)
    elif filename.lower().endswith((".csv", ".txt")):
        rows = _csv_rows(raw)
    else:
        raise TableRejected([RowError(0, "", _("只接受 CSV 或 XLSX 文件"))])

    header = next(rows, None)
    if header is None:
        raise TableRejected([RowError(1, "", _("文件是空的"))])
    by_header = {_normalise_header(h): i for i, h in enumerate(header) if h}
    positions: dict[str, int] = {}
    missing: list[RowError] = []
    for column in columns:
        found = next(
            (
                by_header[_normalise_header(h)]
                for h in column.headers
                if _normalise_header(h) in by_header
            ),
            None,
        )
        if found is not None:
            positions[column.key] = found
        elif column.required:
            missing.append(RowError(1, column.title, _("缺少此列")))
    if missing:
        raise TableRejected(missing)

    limit = settings.FANGKONG_IMPORT_MAX_ROWS
    result: list[TableRow] = []
    for number, cells in enumerate(rows, start=2):
        if not any(c.strip() for c in cells):
            continue  # blank lines are common at the end of spreadsheets
        if len(result) >= limit:
            raise TableRejected([RowError(number, "", _("超过单次导入上限 %s 行") % limit)])
        values = {key: (cells[i].strip() if i < len(cells) else "") for key, i in positions.items()}
        result.append(TableRow(number=number, values=values))
    return result
