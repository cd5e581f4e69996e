"""Writing tables for download: CSV streamed row by row, XLSX in openpyxl's write-only mode,
so an export of a million rows never holds them all in memory."""

from __future__ import annotations

import csv
import io
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from typing import IO

from django.http import FileResponse, StreamingHttpResponse


class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_lines(header: Sequence[str], rows: Iterable[Sequence[object]]) -> Iterator[str]:
    writer = csv.writer(_Echo())
    # The BOM makes Excel on Chinese Windows open UTF-8 CSV without garbling the names.
    yield "\ufeff" + writer.writerow(header)
    for row in rows:
        yield writer.writerow(["" if v is None else v for v in row])


def xlsx_write(
    target: IO[bytes], header: Sequence[str], rows: Iterable[Sequence[object]], *, title: str
) -> None:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31])
    sheet.append(list(header))
    for row in rows:
        # Long digit strings stay text, or Excel shows ID numbers as 3.20203E+17.
        sheet.append(["" if v is None else v for v in row])
    workbook.save(target)


def csv_response(
    filename: str, header: Sequence[str], rows: Iterable[Sequence[object]]
) -> StreamingHttpResponse:
    response = StreamingHttpResponse(
        csv_lines(header, rows), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{_quote(filename)}"
    return response


def xlsx_response(
    filename: str, header: Sequence[str], rows: Iterable[Sequence[object]], *, title: str
) -> FileResponse:
    spool = tempfile.SpooledTemporaryFile(max_size=20 * 1024 * 1024)  # noqa: SIM115 - closed by the response
    xlsx_write(spool, header, rows, title=title)
    spool.seek(0)
    return FileResponse(
        spool,
        as_attachment=True,
        filename=filename,
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


def _quote(filename: str) -> str:
    from urllib.parse import quote

    return quote(filename)


def xlsx_bytes(header: Sequence[str], rows: Iterable[Sequence[object]], *, title: str) -> bytes:
    buffer = io.BytesIO()
    xlsx_write(buffer, header, rows, title=title)
    return buffer.getvalue()
