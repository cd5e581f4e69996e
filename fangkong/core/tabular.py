"""Reading uploaded tables (CSV or XLSX) for all-or-nothing imports.

Every import in fangkong reads its file through `read_table`: headers are matched against
Chinese and English aliases, rows keep the number the user sees in the spreadsheet (the header
is row 1), and problems are collected as `RowError`s so one pass names every bad row.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import IO, Any

from django.utils.translation import gettext as _

from fangkong.core.conf import core_settings


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
    column: str  # the column's title as the user's file names it ("" for the row or file)
    message: str
    key: str = ""  # the column's key, which the API names (the JSON key of a record)

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


# Characters a Chinese spreadsheet plausibly holds: Latin with pinyin tones, punctuation,
# numbers in circles, CJK punctuation and ideographs (all extensions), full-width forms.
_IMPLAUSIBLE = re.compile(
    "[^\t\r\n\u0020-\u024f\u2000-\u206f\u2100-\u218f\u2460-\u24ff\u3000-\u303f"
    "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef"
    "\U00020000-\U0003134f]"
)


def _first_implausible_line(text: str) -> int | None:
    """The line (1-based) of the first character no Chinese table would hold, if any.

    A Big5 (traditional Chinese) file almost always decodes as GB18030 without error, but
    into private-use code points, kana and Cyrillic: that is how the mis-decoding shows.
    """
    found = _IMPLAUSIBLE.search(text)
    return None if found is None else text.count("\n", 0, found.start()) + 1


def _decode(raw: bytes) -> str:
    # Excel on Chinese Windows saves CSV as GB18030; everything else is UTF-8 (maybe with BOM).
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        text = raw.decode("gb18030")
    except UnicodeDecodeError:
        text = None
    if text is not None:
        line = _first_implausible_line(text)
        if line is None:
            return text
    else:
        line = 0
    try:
        big5 = raw.decode("cp950")
    except UnicodeDecodeError:
        big5 = None
    if big5 is not None and _first_implausible_line(big5) is None:
        message = _("文件是繁体中文 Big5 编码，请另存为 UTF-8 的 CSV 或 XLSX 后再导入")
        raise TableRejected([RowError(0, "", message)])
    raise TableRejected([RowError(line, "", _("无法识别文件编码，请保存为 UTF-8 的 CSV 或 XLSX"))])


def _csv_rows(raw: bytes) -> Iterator[list[str]]:
    reader = csv.reader(io.StringIO(_decode(raw), newline=""))
    try:
        yield from reader
    except csv.Error as error:  # a cell past the csv module's size limit, a stray quote
        raise TableRejected(
            [RowError(reader.line_num, "", _("无法读取此行：%s") % error)]
        ) from error


def _xlsx_rows(raw: bytes) -> Iterator[list[str]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a broken file
        raise TableRejected([RowError(0, "", _("无法读取 XLSX 文件：%s") % error)]) from error
    sheet = workbook.worksheets[0]
    try:
        for row in sheet.iter_rows(values_only=True):
            yield [_cell_text(v) for v in row]
    except TableRejected:
        raise
    except Exception as error:  # a sheet whose XML breaks only once read
        raise TableRejected([RowError(0, "", _("无法读取 XLSX 文件：%s") % error)]) from error
    finally:
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
            missing.append(RowError(1, column.title, _("缺少此列"), key=column.key))
    if missing:
        raise TableRejected(missing)

    limit = core_settings().import_max_rows
    result: list[TableRow] = []
    for number, cells in enumerate(rows, start=2):
        if not any(c.strip() for c in cells):
            continue  # blank lines are common at the end of spreadsheets
        if len(result) >= limit:
            raise TableRejected([RowError(number, "", _("超过单次导入上限 %s 行") % limit)])
        values = {key: (cells[i].strip() if i < len(cells) else "") for key, i in positions.items()}
        unstorable = [c for c in columns if "\x00" in values.get(c.key, "")]
        if unstorable:  # PostgreSQL text cannot hold NUL
            raise TableRejected(
                [
                    RowError(number, c.title, _("包含空字符（NUL），无法保存"), key=c.key)
                    for c in unstorable
                ]
            )
        result.append(TableRow(number=number, values=values))
    if not result:
        # An import of nothing would still be recorded as an import: say what is wrong instead.
        raise TableRejected([RowError(0, "", _("文件没有数据行"))])
    return result
