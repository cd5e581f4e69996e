"""Reading and checking check-in files column by column (the fast path of `checkin_bulk_ingest`).

A file (CSV or Parquet) is read in chunks of Arrow columns; every check the record-by-record
path makes (`ingest_records.parse_records`) is made here on whole columns with Arrow compute,
so a million records cost a few Arrow calls instead of a million Python iterations. Errors
name the row as the user sees it: the spreadsheet row for CSV (the header is row 1), the
record's position for Parquet and JSON. Nothing here touches the database.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pcsv
import pyarrow.parquet as pq
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from fangkong.core.dates import earliest_event_date
from fangkong.core.tabular import RowError, TableRow
from fangkong.venues.conf import venues_settings
from fangkong.venues.services.ingest_records import (
    INGEST_COLUMNS,
    NO_VENUE,
    NOT_AN_ID,
    VENUE_KEYS,
    RecordErrors,
    _id_type,
    _moment,
    is_venue_id,
)

CHUNK_ROWS = 250_000  # Arrow rows per chunk: big enough for vectorised work, small in memory
SUFFIXES = (".csv", ".parquet")
_KEYS = [c.key for c in INGEST_COLUMNS]
_REQUIRED = [c for c in INGEST_COLUMNS if c.required]
_OFFSET = r"(Z|[+-]\d\d(:?\d\d)?)$"


@dataclass
class CheckedChunk:
    """The valid records of a chunk, column by column (times in µs since the epoch, UTC)."""

    number: np.ndarray
    record_id: list[str]
    venue_code: list[str]
    venue_ref: list[str]  # `venue` (an id) as sent, "" where the record gave none
    check_in: np.ndarray
    check_out: np.ndarray  # int64 with `has_out` False where the record has no check-out
    has_out: np.ndarray
    id_type: list[str]
    id_number: list[str]
    name: list[str]
    phone: list[str]

    def __len__(self) -> int:
        return len(self.number)


def ingest_files(path: Path) -> list[Path]:
    """A file, or every CSV and Parquet file of a directory in name order."""
    if path.is_dir():
        return sorted(p for p in path.iterdir() if p.suffix.lower() in SUFFIXES and p.is_file())
    return [path]


def _rename(names: Sequence[str]) -> dict[str, str]:
    """File column → record key, through the same header aliases as the other imports."""
    found: dict[str, str] = {}
    for name in names:
        cleaned = name.strip().lstrip("\ufeff")
        for column in INGEST_COLUMNS:
            if cleaned in column.headers and column.key not in found.values():
                found[name] = column.key
    missing = [c.title for c in _REQUIRED if c.key not in found.values()]
    if not any(key in found.values() for key in VENUE_KEYS):
        missing.append(_("场所码（或场所编号）"))
    if missing:
        raise ValidationError(_("缺少必填列：%s") % "、".join(missing))
    return found


def _as_records(table: pa.Table | pa.RecordBatch, rename: Mapping[str, str]) -> pa.Table:
    columns = {}
    for name, key in rename.items():
        column = table.column(name)
        if not pa.types.is_timestamp(column.type):
            column = pc.utf8_trim_whitespace(pc.cast(column, pa.string()))
        columns[key] = column
    size = table.num_rows
    for key in _KEYS:
        columns.setdefault(key, pa.nulls(size, pa.string()))
    return pa.table(columns)


def _numbers(first: int, count: int, skipped: set[int]) -> np.ndarray:
    """Rows `first`, `first + 1`, … leaving out the malformed rows the parser skipped."""
    numbers = np.arange(first, first + count + len(skipped), dtype=np.int64)
    if skipped:
        numbers = numbers[~np.isin(numbers, np.fromiter(skipped, np.int64))]
    return numbers[:count]


def read_chunks(path: Path, errors: RecordErrors) -> Iterator[tuple[np.ndarray, pa.Table]]:
    """(row number of each record, records) of a file chunk by chunk; a CSV row that cannot
    be parsed (wrong number of fields) is an error of its row."""
    if path.suffix.lower() == ".parquet":
        parquet = pq.ParquetFile(path)
        rename = _rename(parquet.schema_arrow.names)
        first = 1
        for batch in parquet.iter_batches(batch_size=CHUNK_ROWS, columns=list(rename)):
            yield (
                np.arange(first, first + batch.num_rows, dtype=np.int64),
                _as_records(batch, rename),
            )
            first += batch.num_rows
        return
    with path.open("rb") as handle:
        header = handle.readline().decode("utf-8-sig").rstrip("\r\n")
    names = pcsv.read_csv(pa.py_buffer(header.encode() + b"\n")).column_names
    rename = _rename(names)
    skipped: set[int] = set()

    def malformed(row: Any) -> str:
        skipped.add(row.number)
        errors.add(row.number, "", _("无法解析的行：%s") % str(row.text)[:80])
        return "skip"

    reader = pcsv.open_csv(
        path,
        # single-threaded: the parser reports a malformed row before its batch is returned
        read_options=pcsv.ReadOptions(use_threads=False, block_size=32 << 20, encoding="utf8"),
        parse_options=pcsv.ParseOptions(invalid_row_handler=malformed),
        convert_options=pcsv.ConvertOptions(
            column_types={n: pa.string() for n in names}, strings_can_be_null=False
        ),
    )
    first = 2  # the header is row 1
    for batch in reader:
        numbers = _numbers(first, batch.num_rows, {n for n in skipped if n >= first})
        yield numbers, _as_records(batch, rename)
        first = int(numbers[-1]) + 1 if len(numbers) else first


def records_table(records: Sequence[Mapping[str, Any] | TableRow]) -> tuple[np.ndarray, pa.Table]:
    """A batch of records (JSON objects numbered by position, or rows of an uploaded table
    with their spreadsheet numbers) as the (row numbers, columns) a file chunk gives."""
    numbers = np.fromiter(
        (r.number if isinstance(r, TableRow) else i for i, r in enumerate(records, start=1)),
        np.int64,
        len(records),
    )
    rows = [r.values if isinstance(r, TableRow) else r for r in records]
    return numbers, pa.table(
        {
            key: pa.array(
                [None if (v := r.get(key)) is None else str(v).strip() for r in rows],
                pa.string(),
            )
            for key in _KEYS
        }
    )


def _times(column: pa.ChunkedArray | pa.Array) -> tuple[np.ndarray, np.ndarray]:
    """µs since the epoch and a mask of values that could not be read; a time without offset
    is local (the platform's zone), as in the record-by-record path."""
    zone = str(timezone.get_current_timezone())
    if pa.types.is_timestamp(column.type):
        if column.type.tz is None:
            column = pc.assume_timezone(column, zone)
        values = pc.cast(column, pa.timestamp("us", tz="UTC"))
        return (
            pc.fill_null(pc.cast(values, pa.int64()), 0).to_numpy(),
            np.zeros(len(values), bool),
        )
    text = pc.replace_substring(pc.fill_null(column, ""), "/", "-")
    try:
        offset = pc.match_substring_regex(text, _OFFSET)
        aware = pc.cast(pc.if_else(offset, text, None), pa.timestamp("us", tz="UTC"))
        local = pc.assume_timezone(
            pc.cast(pc.if_else(offset, None, text), pa.timestamp("us")), zone
        )
        both = pc.coalesce(pc.cast(aware, pa.int64()), pc.cast(local, pa.int64()))
        return pc.fill_null(both, 0).to_numpy(), np.zeros(len(text), bool)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        pass  # some value is not ISO 8601 as Arrow reads it: read each value as Python does
    local_zone = timezone.get_current_timezone()
    micros = np.zeros(len(text), np.int64)
    bad = np.zeros(len(text), bool)
    for index, value in enumerate(text.to_pylist()):
        try:
            moment = _moment(value, local_zone)
        except ValueError:
            bad[index] = True
            continue
        delta = moment - dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
        micros[index] = delta // dt.timedelta(microseconds=1)
    return micros, bad


def _micros(moment: dt.datetime) -> int:
    return (moment - dt.datetime(1970, 1, 1, tzinfo=dt.UTC)) // dt.timedelta(microseconds=1)


def check_chunk(number: np.ndarray, table: pa.Table, errors: RecordErrors) -> CheckedChunk:
    """The chunk's valid records; every bad one added to `errors` with its row (`number`)
    and column."""
    size = table.num_rows
    col = {key: table.column(key) for key in _KEYS}
    record_id = pc.fill_null(col["record_id"], "")
    venue_code = pc.fill_null(col["venue_code"], "")
    venue_ref = pc.fill_null(col["venue"], "").to_pylist()
    bad = np.zeros(size, bool)

    def refuse(mask: np.ndarray, key: str, message: Any, shown: Any = None) -> None:
        """Name every record of `mask` not refused yet; `shown(i)` fills the message's %s."""
        for index in np.flatnonzero(mask & ~bad):
            rid = record_id[index].as_py()
            text = message % shown(int(index)) if shown is not None else message
            errors.add(int(number[index]), key, text, rid if key != "record_id" else rid[:64])
        bad[:] |= mask

    refuse(pc.equal(record_id, "").to_numpy(zero_copy_only=False), "record_id", _("缺少记录号"))
    long_ids = pc.greater(pc.utf8_length(record_id), 64).to_numpy(zero_copy_only=False)
    refuse(long_ids, "record_id", _("记录号超过 64 个字符"))
    no_ref = np.fromiter((not r for r in venue_ref), bool, size)
    no_code = pc.equal(venue_code, "").to_numpy(zero_copy_only=False)
    refuse(no_code & no_ref, "venue_code", NO_VENUE)
    not_id = np.fromiter((bool(r) and not is_venue_id(r) for r in venue_ref), bool, size)
    refuse(not_id, "venue", NOT_AN_ID, lambda i: venue_ref[i][:20])
    check_in, unreadable = _times(col["check_in"])
    refuse(unreadable, "check_in", _("无法识别的时间「%s」"), lambda i: col["check_in"][i])
    earliest = dt.datetime.combine(
        earliest_event_date(), dt.time(), tzinfo=timezone.get_current_timezone()
    )
    too_early = check_in < _micros(earliest)
    message = _("日期 %(value)s 早于 %(earliest)s，请检查年份")

    def early(i: int) -> str:
        day = (earliest + dt.timedelta(microseconds=int(check_in[i] - _micros(earliest)))).date()
        return message % {"value": day.isoformat(), "earliest": earliest.date().isoformat()}

    refuse(too_early, "check_in", "%s", early)
    out_column = col["check_out"]
    if pa.types.is_timestamp(out_column.type):
        has_out = pc.is_valid(out_column).to_numpy(zero_copy_only=False)
    else:
        has_out = pc.not_equal(pc.fill_null(out_column, ""), "").to_numpy(zero_copy_only=False)
    check_out, out_unreadable = _times(out_column)
    out_unreadable &= has_out
    refuse(out_unreadable, "check_out", _("无法识别的时间「%s」"), lambda i: out_column[i])
    refuse(has_out & (check_out < check_in), "check_out", _("离场时间早于进场时间"))
    tolerance = venues_settings().checkin_future_tolerance_minutes
    latest = _micros(timezone.now() + dt.timedelta(minutes=tolerance))
    refuse(check_in > latest, "check_in", _("进场时间晚于当前时间"))
    id_types_raw = pc.fill_null(col["id_type"], "").to_pylist()
    known_types: dict[str, str | None] = {}
    for raw in set(id_types_raw):
        try:
            known_types[raw] = _id_type(raw)
        except ValidationError:
            known_types[raw] = None
    id_type = [known_types[raw] for raw in id_types_raw]
    unknown_type = np.fromiter((t is None for t in id_type), bool, size)
    refuse(unknown_type, "id_type", _("未知证件类型「%s」"), id_types_raw.__getitem__)
    id_number = pc.utf8_upper(
        pc.replace_substring_regex(pc.fill_null(col["id_number"], ""), r"\s+", "")
    )
    phone = pc.replace_substring_regex(pc.fill_null(col["phone"], ""), r"[\s-]+", "")
    nobody = pc.and_(pc.equal(id_number, ""), pc.equal(phone, ""))
    refuse(nobody.to_numpy(zero_copy_only=False), "id_number", _("须提供证件号码或手机号"))
    keep = ~bad
    taken = pa.array(keep)

    def strings(values: Any) -> list[str]:
        return pc.filter(values, taken).to_pylist()

    return CheckedChunk(
        number=number[keep],
        record_id=strings(record_id),
        venue_code=strings(venue_code),
        venue_ref=[str(int(r)) if r else "" for r, k in zip(venue_ref, keep, strict=True) if k],
        check_in=check_in[keep],
        check_out=check_out[keep],
        has_out=has_out[keep],
        id_type=[t for t, k in zip(id_type, keep, strict=True) if k],  # type: ignore[misc]
        id_number=strings(id_number),
        name=strings(pc.fill_null(col["name"], "")),
        phone=strings(phone),
    )


def first_errors(errors: RecordErrors) -> list[RowError]:
    return sorted(errors.rows, key=lambda e: e.row)
