"""Reading check-in files (CSV or Parquet, one file or a folder) and validating every row
exactly as the contract says, into columns the engines share."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import tzinfo
from pathlib import Path
from typing import overload

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from fangkong.analytics.checkin_columns import local_to_instants, read_csv_columns
from fangkong.analytics.timestamps import (
    TimestampError,
    TimestampStyle,
    parse_timestamp,
)

REQUIRED_COLUMNS = ("person_id", "venue_id", "check_in")
CHECK_OUT = "check_out"
FILE_SUFFIXES = (".csv", ".parquet")
SHOWN_INVALID_ROWS = 10


@dataclass(frozen=True, slots=True)
class InvalidRow:
    source: str
    row: int
    reason: str

    def describe(self, several_files: bool) -> str:
        where = f"{self.source} row {self.row}" if several_files else f"row {self.row}"
        return f"{where}: {self.reason}"


class InvalidCheckinsError(ValueError):
    """The input has invalid rows (or cannot be read at all) and skipping was not asked for."""

    def __init__(self, message: str, rows: list[InvalidRow] | None = None) -> None:
        super().__init__(message)
        self.rows = rows or []


@dataclass(frozen=True)
class CheckinRecords:
    """Validated stays. `check_out_us` is meaningful only where `has_check_out`."""

    person_ids: pa.Array
    venue_ids: pa.Array
    check_in_us: np.ndarray
    check_out_us: np.ndarray
    has_check_out: np.ndarray
    style: TimestampStyle
    skipped: int = 0
    # Where the rows came from, for engines that read the files themselves (e.g. Spark).
    source: Path | None = None

    def __len__(self) -> int:
        return len(self.check_in_us)


def checkin_files(path: Path) -> list[Path]:
    if path.is_dir():
        found = sorted(p for p in path.rglob("*") if p.suffix.lower() in FILE_SUFFIXES)
        if not found:
            raise InvalidCheckinsError(f"{path}: no .csv or .parquet files in this folder")
        return found
    if not path.exists():
        raise InvalidCheckinsError(f"{path}: no such file")
    return [path]


class _Collector:
    """Accumulates valid rows and invalid-row reasons across files."""

    def __init__(self, zone: tzinfo) -> None:
        self.zone = zone
        self.person: list[str] = []
        self.venue: list[str] = []
        self.check_in: list[int] = []
        self.check_out: list[int] = []
        self.has_out: list[bool] = []
        self.offsets: set[str | None] = set()
        self.invalid: list[InvalidRow] = []
        self.invalid_count = 0
        self._parsed: dict[str, tuple[int, str | None]] = {}
        self.arrow_parts: list[tuple[pa.Array, pa.Array, np.ndarray, np.ndarray, np.ndarray]] = []

    def _timestamp(self, text: str) -> tuple[int, str | None]:
        # Check-in times repeat a lot (scans cluster on the minute); parse each text once.
        hit = self._parsed.get(text)
        if hit is None:
            hit = parse_timestamp(text, self.zone)
            self._parsed[text] = hit
        return hit

    def reject(self, source: str, row: int, reasons: list[str]) -> None:
        self.invalid_count += 1
        if len(self.invalid) < SHOWN_INVALID_ROWS:
            self.invalid.append(InvalidRow(source, row, "; ".join(reasons)))

    def add_text_row(
        self,
        source: str,
        row: int,
        person: str | None,
        venue: str | None,
        check_in: str | None,
        check_out: str | None,
    ) -> None:
        reasons = []
        if not person:
            reasons.append("missing person_id")
        if not venue:
            reasons.append("missing venue_id")
        start = end = None
        if not check_in:
            reasons.append("missing check_in")
        else:
            try:
                start = self._timestamp(check_in)
            except TimestampError:
                reasons.append(f"unparsable check_in {check_in!r}")
        if check_out:
            try:
                end = self._timestamp(check_out)
            except TimestampError:
                reasons.append(f"unparsable check_out {check_out!r}")
        if start is not None and end is not None and end[0] < start[0]:
            reasons.append("check_out earlier than check_in")
        if reasons or start is None or person is None or venue is None:
            self.reject(source, row, reasons)
            return
        self.person.append(person)
        self.venue.append(venue)
        self.check_in.append(start[0])
        self.offsets.add(start[1])
        if end is None:
            self.check_out.append(0)
            self.has_out.append(False)
        else:
            self.check_out.append(end[0])
            self.offsets.add(end[1])
            self.has_out.append(True)


def _read_csv(path: Path, source: str, out: _Collector) -> None:
    with path.open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.reader(handle)
        header = next(reader, None)
        if header is None:
            raise InvalidCheckinsError(f"{source}: empty file, expected a header")
        missing = [name for name in REQUIRED_COLUMNS if name not in header]
        if missing:
            raise InvalidCheckinsError(f"{source}: header lacks {', '.join(missing)}")
        at = {name: header.index(name) for name in (*REQUIRED_COLUMNS, CHECK_OUT) if name in header}
        if _read_csv_at_once(path, header, at, out):
            return

        def field(values: list[str], name: str) -> str | None:
            index = at.get(name)
            return values[index] if index is not None and index < len(values) else None

        for row, values in enumerate(reader, start=1):
            if not values:
                continue  # csv yields [] for a blank line; it holds no stay
            out.add_text_row(
                source,
                row,
                field(values, "person_id"),
                field(values, "venue_id"),
                field(values, "check_in"),
                field(values, CHECK_OUT),
            )


def _read_csv_at_once(path: Path, header: list[str], at: dict[str, int], out: _Collector) -> bool:
    """A valid file a column at a time (checkin_columns); False leaves the file to the row
    loop, which names the invalid rows. Only for a header without quotes: one line, so the
    column reader skips exactly the header row."""
    with path.open(newline="", encoding="utf-8-sig") as handle:
        if '"' in handle.readline():
            return False
    found = read_csv_columns(path, header, at, out.zone)
    if found is None:
        return False
    out.offsets |= found.offsets
    out.arrow_parts.append(
        (
            found.person_ids,
            found.venue_ids,
            found.check_in_us,
            found.check_out_us,
            found.has_check_out,
        )
    )
    return True


def _text_column(column: pa.ChunkedArray) -> list[str | None]:
    if pa.types.is_string(column.type) or pa.types.is_large_string(column.type):
        return column.to_pylist()
    return pc.cast(column, pa.string()).to_pylist()


def _read_parquet(path: Path, source: str, out: _Collector) -> None:
    table = pq.read_table(path)
    missing = [name for name in REQUIRED_COLUMNS if name not in table.column_names]
    if missing:
        raise InvalidCheckinsError(f"{source}: columns lack {', '.join(missing)}")
    stamps = [table.column(n) for n in ("check_in", CHECK_OUT) if n in table.column_names]
    if all(pa.types.is_timestamp(column.type) for column in stamps):
        _add_typed_parquet(table, source, out)
        return
    persons = _text_column(table.column("person_id"))
    venues = _text_column(table.column("venue_id"))
    starts = _text_column(table.column("check_in"))
    ends = (
        _text_column(table.column(CHECK_OUT))
        if CHECK_OUT in table.column_names
        else [None] * table.num_rows
    )
    for row, values in enumerate(zip(persons, venues, starts, ends, strict=True), start=1):
        out.add_text_row(source, row, *values)


def _instants(column: pa.ChunkedArray, out: _Collector) -> tuple[np.ndarray, np.ndarray]:
    """Typed timestamps -> (epoch microseconds with 0 for nulls, validity mask)."""
    unit_type = column.type
    as_us = pc.cast(pc.cast(column, pa.timestamp("us", tz=unit_type.tz)), pa.int64())
    if as_us.null_count == 0:
        valid = np.ones(len(as_us), dtype=bool)
        values = np.asarray(as_us.to_numpy(), dtype=np.int64)
    else:
        valid = np.asarray(pc.is_valid(as_us).to_numpy(zero_copy_only=False), dtype=bool)
        values = np.array(pc.fill_null(as_us, 0).to_numpy(zero_copy_only=False), np.int64)
    if unit_type.tz is None and valid.all():
        values = local_to_instants(values, out.zone)
    elif unit_type.tz is None:
        values[valid] = local_to_instants(values[valid], out.zone)
    out.offsets.add(typed_offset(unit_type.tz))
    return values, valid


def typed_offset(tz: str | None) -> str | None:
    """The offset form (as the text forms' `offsets`) a typed timestamp column stands for:
    None (naive), "Z", a fixed "+08:00", or "+zone" for a named zone, which has no written
    offset of its own: such instants are written the way a mixed file is written (local
    time with the zone's offset)."""
    if tz is None:
        return None
    if tz in ("UTC", "Z", "+00:00"):
        return "Z"
    return tz if len(tz) == 6 and tz[0] in "+-" and tz[3] == ":" else "+zone"


def style_of_offsets(offsets: set[str | None]) -> TimestampStyle:
    return (
        TimestampStyle(mixed=True) if "+zone" in offsets else TimestampStyle.from_offsets(offsets)
    )


def _non_empty(texts: pa.Array) -> np.ndarray:
    # Empty is zero bytes long: no need to count characters.
    return np.asarray(pc.fill_null(pc.greater(pc.binary_length(texts), 0), False), dtype=bool)


def _add_typed_parquet(table: pa.Table, source: str, out: _Collector) -> None:
    n = table.num_rows
    persons = pc.cast(table.column("person_id"), pa.string()).combine_chunks()
    venues = pc.cast(table.column("venue_id"), pa.string()).combine_chunks()
    start, has_start = _instants(table.column("check_in"), out)
    if CHECK_OUT in table.column_names:
        end, has_end = _instants(table.column(CHECK_OUT), out)
    else:
        end, has_end = np.zeros(n, dtype=np.int64), np.zeros(n, dtype=bool)
    has_person, has_venue = _non_empty(persons), _non_empty(venues)
    backwards = has_start & has_end & (end < start)
    bad = ~has_person | ~has_venue | ~has_start | backwards
    for index in np.flatnonzero(bad).tolist():
        reasons = [
            reason
            for reason, flag in (
                ("missing person_id", not has_person[index]),
                ("missing venue_id", not has_venue[index]),
                ("missing check_in", not has_start[index]),
                ("check_out earlier than check_in", backwards[index]),
            )
            if flag
        ]
        out.reject(source, index + 1, reasons)
    if not bad.any():  # the usual file: no copy of its columns
        out.arrow_parts.append((persons, venues, start, end, has_end))
        return
    keep = pa.array(~bad)
    out.arrow_parts.append(
        (
            pc.filter(persons, keep),
            pc.filter(venues, keep),
            start[~bad],
            end[~bad],
            has_end[~bad],
        )
    )


def load_checkins(path: Path | str, *, zone: tzinfo, skip_invalid: bool = False) -> CheckinRecords:
    """Read and validate; unless skipping, raise InvalidCheckinsError naming bad rows."""
    path = Path(path)
    files = checkin_files(path)
    out = _Collector(zone)
    for file in files:
        source = str(file.relative_to(path)) if path.is_dir() else file.name
        if file.suffix.lower() == ".parquet":
            _read_parquet(file, source, out)
        else:
            _read_csv(file, source, out)
    if out.invalid_count and not skip_invalid:
        shown = "\n".join(f"  {row.describe(len(files) > 1)}" for row in out.invalid)
        more = out.invalid_count - len(out.invalid)
        tail = f"\n  ... and {more} more invalid rows" if more else ""
        raise InvalidCheckinsError(
            f"{path}: {out.invalid_count} invalid check-in rows (row numbers count from 1 "
            f"after the header):\n{shown}{tail}",
            out.invalid,
        )
    return _assemble(out, path)


def _assemble(out: _Collector, source: Path) -> CheckinRecords:
    parts: Iterable[tuple[pa.Array, pa.Array, np.ndarray, np.ndarray, np.ndarray]] = [
        (
            pa.array(out.person, type=pa.string()),
            pa.array(out.venue, type=pa.string()),
            np.array(out.check_in, dtype=np.int64),
            np.array(out.check_out, dtype=np.int64),
            np.array(out.has_out, dtype=bool),
        ),
        *out.arrow_parts,
    ]
    if len(out.arrow_parts) == 1 and not out.person:
        parts = out.arrow_parts  # one file read at once: its columns as they are
    persons, venues, starts, ends, has_ends = zip(*parts, strict=True)
    style = style_of_offsets(out.offsets)
    return CheckinRecords(
        person_ids=_joined(persons),
        venue_ids=_joined(venues),
        check_in_us=_joined(starts),
        check_out_us=_joined(ends),
        has_check_out=_joined(has_ends),
        style=style,
        skipped=out.invalid_count,
        source=source,
    )


@overload
def _joined(parts: tuple[pa.Array, ...]) -> pa.Array: ...
@overload
def _joined(parts: tuple[np.ndarray, ...]) -> np.ndarray: ...
def _joined(parts: tuple[pa.Array, ...] | tuple[np.ndarray, ...]) -> pa.Array | np.ndarray:
    if len(parts) == 1:
        return parts[0]
    if isinstance(parts[0], np.ndarray):
        return np.concatenate(parts)
    return pa.concat_arrays(list(parts))


def iter_records(records: CheckinRecords) -> Iterator[tuple[str, str, int, int | None]]:
    """Rows as (person_id, venue_id, check_in_us, check_out_us or None)."""
    for person, venue, start, end, has_end in zip(
        records.person_ids.to_pylist(),
        records.venue_ids.to_pylist(),
        records.check_in_us.tolist(),
        records.check_out_us.tolist(),
        records.has_check_out.tolist(),
        strict=True,
    ):
        yield person, venue, start, end if has_end else None
