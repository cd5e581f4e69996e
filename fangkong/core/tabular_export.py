"""Writing tables for download: CSV streamed row by row, XLSX in openpyxl's write-only mode,
so an export of a million rows never holds them all in memory.

Three rules hold for every export of personal data (`export_response`):

- **Formula injection** (OWASP "CSV injection"): text reaching these files comes from public
  pages (a visitor types their own name at a venue's QR page), and a spreadsheet runs any
  cell that begins with `=`, `+`, `-`, `@`, a tab or a carriage return. In CSV such a text
  cell gets a leading `'`, which spreadsheets read as "this is text"; in XLSX it is written as
  a string cell with the quote-prefix flag, never a formula, and keeps its exact text.
  Numbers stay numbers (-3 is not text and cannot run).
- **Who made it**: the file name carries the exporter's username and the time (to the
  second), and an XLSX also carries them in its document properties (creator, created,
  description) and its printed footer. A CSV stays a plain table, header row first, because
  the teams feed these files to other programs; a comment line would break every reader.
- **Audited**: one read row per export naming who, what, the filter, the format, the file
  name and the row count, written before the first byte leaves (so a download cut short is
  still on record).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import IO, TYPE_CHECKING, Any

from django.db import models
from django.http import FileResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.utils import timezone
from django.utils.translation import gettext as _

from fangkong.core.audit import audit_read_many

if TYPE_CHECKING:
    from fangkong.accounts.models import User

# What a spreadsheet treats as the start of a formula (or, for tab and CR, a cell that
# spills into a formula in the next column when pasted).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_TYPE = "text/csv; charset=utf-8"


def formula_risk(value: object) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_STARTS)


def csv_cell(value: object) -> object:
    """A cell as it may be written to CSV: empty for None, text that would run prefixed
    with `'`, everything else unchanged."""
    if value is None:
        return ""
    if formula_risk(value):
        return "'" + str(value)
    return value


@dataclass(frozen=True)
class ExportStamp:
    """Who made an export and when; carried by the file name and the XLSX properties."""

    username: str
    display_name: str
    at: dt.datetime

    @classmethod
    def now(cls, by: User) -> ExportStamp:
        return cls(
            username=by.get_username(),
            display_name=by.get_full_name() or by.get_username(),
            at=timezone.localtime(),
        )

    def filename(self, name: str, fmt: str) -> str:
        return f"{name}-{self.at:%Y%m%d-%H%M%S}-{self.username}.{fmt}"

    def line(self) -> str:
        return _("%(who)s（%(username)s）导出于 %(at)s") % {
            "who": self.display_name,
            "username": self.username,
            "at": f"{self.at:%Y-%m-%d %H:%M:%S}",
        }


class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_lines(header: Sequence[str], rows: Iterable[Sequence[object]]) -> Iterator[str]:
    writer = csv.writer(_Echo())
    # The BOM makes Excel on Chinese Windows open UTF-8 CSV without garbling the names.
    yield "\ufeff" + writer.writerow([csv_cell(v) for v in header])
    for row in rows:
        yield writer.writerow([csv_cell(v) for v in row])


def xlsx_write(
    target: IO[bytes],
    header: Sequence[str],
    rows: Iterable[Sequence[object]],
    *,
    title: str,
    stamp: ExportStamp | None = None,
) -> None:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31])

    def cell(value: object) -> object:
        if value is None:
            return ""
        if not formula_risk(value):
            # Long digit strings stay text, or Excel shows ID numbers as 3.20203E+17.
            return value
        text = WriteOnlyCell(sheet, value=str(value))
        text.data_type = "s"  # openpyxl makes any "=..." a formula; this one is text
        text.quotePrefix = True
        return text

    if stamp is not None:
        workbook.properties.creator = stamp.username
        workbook.properties.lastModifiedBy = stamp.username
        workbook.properties.created = stamp.at.replace(tzinfo=None)
        workbook.properties.title = title
        workbook.properties.description = stamp.line()
        sheet.oddFooter.left.text = stamp.line().replace("&", "&&")
    sheet.append([cell(v) for v in header])
    for row in rows:
        sheet.append([cell(v) for v in row])
    workbook.save(target)


def csv_response(
    filename: str, header: Sequence[str], rows: Iterable[Sequence[object]]
) -> StreamingHttpResponse:
    response = StreamingHttpResponse(csv_lines(header, rows), content_type=CSV_TYPE)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{_quote(filename)}"
    return response


def xlsx_response(
    filename: str,
    header: Sequence[str],
    rows: Iterable[Sequence[object]],
    *,
    title: str,
    stamp: ExportStamp | None = None,
) -> FileResponse:
    spool = tempfile.SpooledTemporaryFile(max_size=20 * 1024 * 1024)  # noqa: SIM115 - closed by the response
    xlsx_write(spool, header, rows, title=title, stamp=stamp)
    spool.seek(0)
    return FileResponse(
        spool,
        as_attachment=True,
        filename=filename,
        content_type=XLSX_TYPE,
    )


def _stamped_and_audited(
    *,
    by: User,
    fmt: str,
    name: str,
    action: str,
    model: type[models.Model],
    obj: models.Model | None,
    count: int,
    filters: dict[str, Any],
) -> tuple[str, ExportStamp, str]:
    """What every export does before its first byte: the format it will be, the stamp naming
    who made it, the file name, and the one audit row of the read."""
    fmt = "xlsx" if fmt == "xlsx" else "csv"
    stamp = ExportStamp.now(by)
    filename = stamp.filename(name, fmt)
    audit_read_many(
        by=by,
        action=action,
        model=model,
        obj=obj,
        detail={"format": fmt, "filename": filename, "filter": filters, "rows": count},
    )
    return fmt, stamp, filename


def export_response(
    *,
    by: User,
    fmt: str,
    name: str,
    title: str,
    header: Sequence[str],
    rows: Iterable[Sequence[object]],
    action: str,
    model: type[models.Model],
    count: int,
    filters: dict[str, Any],
    obj: models.Model | None = None,
) -> HttpResponseBase:
    """An export of personal data as a download (XLSX when `fmt` is "xlsx", CSV otherwise),
    stamped with who made it and audited as one read row.

    `count` is the row count the caller read before streaming (the CSV is produced while it
    downloads, too late to count it for the audit row written first)."""
    fmt, stamp, filename = _stamped_and_audited(
        by=by, fmt=fmt, name=name, action=action, model=model, obj=obj, count=count, filters=filters
    )
    if fmt == "xlsx":
        return xlsx_response(filename, header, rows, title=title, stamp=stamp)
    return csv_response(filename, header, rows)


def _quote(filename: str) -> str:
    from urllib.parse import quote

    return quote(filename)


def xlsx_bytes(header: Sequence[str], rows: Iterable[Sequence[object]], *, title: str) -> bytes:
    buffer = io.BytesIO()
    xlsx_write(buffer, header, rows, title=title)
    return buffer.getvalue()


Opener = Callable[..., AbstractContextManager[IO[bytes]]]


def export_to_file(
    *,
    open_target: Opener,
    by: User,
    fmt: str,
    name: str,
    title: str,
    header: Sequence[str],
    rows: Iterable[Sequence[object]],
    action: str,
    model: type[models.Model],
    count: int,
    filters: dict[str, Any],
    obj: models.Model | None = None,
) -> str:
    """`export_response`'s file, written to `open_target(name=, content_type=)` (a background
    work's result) instead of a response: the same stamp, the same audit row. Its file name."""
    fmt, stamp, filename = _stamped_and_audited(
        by=by, fmt=fmt, name=name, action=action, model=model, obj=obj, count=count, filters=filters
    )
    content_type = XLSX_TYPE if fmt == "xlsx" else CSV_TYPE
    with open_target(name=filename, content_type=content_type) as target:
        if fmt == "xlsx":
            xlsx_write(target, header, rows, title=title, stamp=stamp)
        else:
            for line in csv_lines(header, rows):
                target.write(line.encode("utf-8"))
    return filename
