"""Check-in CSV files read a column at a time: pyarrow's multi-threaded CSV reader, and
timestamp texts parsed by NumPy over the column's bytes, with exactly the answers of the
row-by-row reader in checkin_files (the contract's validation and `parse_timestamp`).

The column reader only vouches for what it can check exactly. A row whose timestamp is not
in one of the common forms goes to `parse_timestamp` itself; a file with any invalid row, a
header with quotes, or rows pyarrow reads differently (ragged rows, undecodable bytes) is
left to the row-by-row reader (`None`), which names the rows and reasons as the contract
says. So a valid file costs a few vectorised passes, and nothing else changes meaning.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, tzinfo
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv

from fangkong.analytics.timestamps import (
    MICROS_PER_DAY,
    MICROS_PER_SECOND,
    TimestampError,
    instant_us,
    micros,
    naive_local_us_to_instants,
    parse_timestamp,
)

# The forms written by exports and by the contract's examples: naive local time, UTC with
# "Z", and a fixed "+08:00" offset, each to the second. Other accepted forms (fractions of a
# second) are read by parse_timestamp row by row.
_NAIVE, _UTC, _OFFSET = 19, 20, 25
# Beyond this many local days the zone is asked day by day by naive_local_us_to_instants.
_MAX_DAYS_CHECKED = 100_000
_WALL_EPOCH = datetime(1970, 1, 1, tzinfo=UTC).replace(tzinfo=None)  # wall-clock arithmetic


@dataclass(frozen=True, slots=True)
class TimestampColumn:
    """Epoch microseconds (0 where empty), which rows had a timestamp, and the offset forms
    written (None for naive, "Z", "+08:00"), as parse_timestamp reports them."""

    us: np.ndarray
    present: np.ndarray
    offsets: set[str | None]


def constant_utc_offset_us(zone: tzinfo, low_local_us: int, high_local_us: int) -> int | None:
    """The zone's UTC offset when it is the same all through these local days, asked the way
    naive_local_us_to_instants asks (first and last instant of each day), so that
    `local - offset` is exactly its answer; None when it changes (or the span is huge)."""
    first_day, last_day = low_local_us // MICROS_PER_DAY, high_local_us // MICROS_PER_DAY
    if last_day - first_day > _MAX_DAYS_CHECKED:
        return None
    found: set[timedelta | None] = set()
    try:
        for day in range(first_day, last_day + 1):
            start = _WALL_EPOCH + timedelta(days=day)
            found.add(start.replace(tzinfo=zone).utcoffset())
            end = start + timedelta(days=1, microseconds=-1)
            found.add(end.replace(tzinfo=zone).utcoffset())
            if len(found) > 1:
                return None
    except OverflowError:  # days at the ends of datetime's range
        return None
    (offset,) = found
    return None if offset is None else micros(offset)


def local_to_instants(local_us: np.ndarray, zone: tzinfo) -> np.ndarray:
    """naive_local_us_to_instants, with its answer for a zone that keeps one offset over
    the values' days computed without sorting the days, and instant_us's answer where it
    cannot look a day ahead (31 December 9999)."""
    if len(local_us) == 0:
        return local_us.astype(np.int64)
    offset = constant_utc_offset_us(zone, int(local_us.min()), int(local_us.max()))
    if offset is not None:
        return local_us - offset
    try:
        return naive_local_us_to_instants(local_us, zone)
    except OverflowError:  # a day at the end of datetime's range: each value on its own
        return np.array(
            [
                instant_us(_WALL_EPOCH + timedelta(microseconds=value), zone)
                for value in local_us.tolist()
            ],
            dtype=np.int64,
        )


def _text_bytes(column: pa.Array) -> tuple[np.ndarray, np.ndarray]:
    """(start offset per row plus the end, UTF-8 bytes) of a string array without nulls."""
    offset_type = np.int64 if pa.types.is_large_string(column.type) else np.int32
    buffers = column.buffers()
    bounds = np.frombuffer(buffers[1], dtype=offset_type)[
        column.offset : column.offset + len(column) + 1
    ]
    data = (
        np.frombuffer(buffers[2], dtype=np.uint8)
        if buffers[2] is not None
        else np.zeros(0, np.uint8)
    )
    return bounds.astype(np.int64), data


def _characters(data: np.ndarray, starts: np.ndarray, width: int) -> np.ndarray:
    """The first `width` bytes of each of these texts as rows of a matrix."""
    if len(starts) and int(starts[-1]) - int(starts[0]) == width * (len(starts) - 1):
        # Texts of one length back to back (a column in one form): a view, no copy.
        first = int(starts[0])
        return data[first : first + width * len(starts)].reshape(len(starts), width)
    return data[starts[:, None] + np.arange(width)]


def _digits(chars: np.ndarray, *positions: int) -> tuple[np.ndarray, np.ndarray]:
    """(whether these bytes are all ASCII digits, the number they spell)."""
    ok = np.ones(len(chars), dtype=bool)
    value = np.zeros(len(chars), dtype=np.int64)
    for position in positions:
        digit = chars[:, position].astype(np.int64) - ord("0")
        ok &= (digit >= 0) & (digit <= 9)
        value = value * 10 + digit
    return ok, value


def _common_form(chars: np.ndarray, width: int) -> tuple[np.ndarray, np.ndarray]:
    """(rows in one of the common forms, their offset from UTC in seconds). The date and
    time are checked by Arrow's ISO 8601 cast (`_seconds`), which takes `YYYY-MM-DD`,
    `T` or a space, and `HH:MM:SS`, each field in its range, and nothing else of this
    length once the colons sit where these forms have them."""
    fits = (chars[:, 13] == ord(":")) & (chars[:, 16] == ord(":"))
    fits &= (chars[:, :4] != ord("0")).any(axis=1)  # year 0 is Arrow's, not Python's
    offset = np.zeros(len(chars), dtype=np.int64)
    if width == _UTC:
        fits &= chars[:, 19] == ord("Z")
    elif width == _OFFSET:
        sign = chars[:, 19]
        fits &= ((sign == ord("+")) | (sign == ord("-"))) & (chars[:, 22] == ord(":"))
        hours_ok, hours = _digits(chars, 20, 21)
        minutes_ok, minutes = _digits(chars, 23, 24)
        # Less than a day, minutes below 60: offsets fromisoformat surely accepts.
        fits &= hours_ok & minutes_ok & (hours <= 23) & (minutes <= 59)
        offset = np.where(sign == ord("-"), -1, 1) * (hours * 3600 + minutes * 60)
    return fits, offset


def _seconds(texts: pa.Array, aware: bool) -> np.ndarray | None:
    """Arrow's cast of `YYYY-MM-DD[T ]HH:MM:SS` (+ `Z` or an offset when aware) to epoch
    seconds of the wall clock (naive) or of UTC (aware), 0 for nulls; None when any text is
    no date datetime.fromisoformat reads (Feb 30, 24:00:00, year 0)."""
    try:
        stamps = pc.cast(texts, pa.timestamp("s", tz="UTC" if aware else None))
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return None
    seconds = pc.fill_null(pc.cast(stamps, pa.int64()), 0)
    return np.asarray(seconds.to_numpy(zero_copy_only=False), dtype=np.int64)


def parse_timestamp_column(column: pa.Array, zone: tzinfo) -> TimestampColumn | None:
    """Every text of a string column as parse_timestamp reads it (a null or empty text is
    no timestamp); None when any text is not a timestamp parse_timestamp accepts."""
    bounds, data = _text_bytes(column)
    lengths = np.diff(bounds)
    valid = np.asarray(column.is_valid()) if column.null_count else np.ones(len(column), bool)
    present = valid & (lengths > 0)
    us = np.zeros(len(lengths), dtype=np.int64)
    done = np.zeros(len(lengths), dtype=bool)
    offsets: set[str | None] = set()
    for width in (_NAIVE, _UTC, _OFFSET):
        rows = np.flatnonzero(present & (lengths == width))
        if len(rows) == 0:
            continue
        chars = _characters(data, bounds[rows], width)
        fits, offset = _common_form(chars, width)
        chosen = rows[fits]
        # A column in one form, without empty texts (the CSV reader makes them nulls), is
        # cast as it is; anything else casts the rows of this form only.
        whole = len(chosen) == int(present.sum()) and bool(np.array_equal(valid, present))
        seconds = _seconds(column if whole else column.take(pa.array(chosen)), width != _NAIVE)
        if seconds is None:
            return None
        instants = (seconds[chosen] if whole else seconds) * MICROS_PER_SECOND
        us[chosen] = local_to_instants(instants, zone) if width == _NAIVE else instants
        done[chosen] = True
        if width == _NAIVE:
            offsets.add(None)
        elif width == _UTC:
            offsets.add("Z")
        else:
            kinds, first = np.unique(offset[fits], return_index=True)
            suffixes = chars[fits][first, 19:25] if len(kinds) else np.zeros((0, 6), np.uint8)
            offsets.update(bytes(suffix).decode("ascii") for suffix in suffixes)
    for row in np.flatnonzero(present & ~done).tolist():
        text = bytes(data[bounds[row] : bounds[row + 1]]).decode("utf-8")
        try:
            us[row], offset_text = parse_timestamp(text, zone)
        except TimestampError:
            return None
        offsets.add(offset_text)
    return TimestampColumn(us=us, present=present, offsets=offsets)


@dataclass(frozen=True, slots=True)
class CsvColumns:
    """A valid CSV file's stays (as checkin_files' row reader would keep them all)."""

    person_ids: pa.Array
    venue_ids: pa.Array
    check_in_us: np.ndarray
    check_out_us: np.ndarray
    has_check_out: np.ndarray
    offsets: set[str | None]


def read_csv_columns(
    path: Path, header: list[str], columns: dict[str, int], zone: tzinfo
) -> CsvColumns | None:
    """The rows after the (already read, quote-free) header of a CSV file whose every row is
    valid, with fields `columns` (name -> position in the header); None for anything the
    row-by-row reader must decide (an invalid row, a row of another length, bad UTF-8)."""
    names = [f"field{i}" for i in range(len(header))]
    wanted = {name: names[position] for name, position in columns.items()}
    try:
        table = pa_csv.read_csv(
            path,
            read_options=pa_csv.ReadOptions(skip_rows=1, column_names=names),
            parse_options=pa_csv.ParseOptions(
                delimiter=",",
                quote_char='"',
                double_quote=True,
                escape_char=False,
                # Quoted newlines are values, as for the csv module, whatever the block size.
                newlines_in_values=True,
                ignore_empty_lines=True,
            ),
            convert_options=pa_csv.ConvertOptions(
                column_types={field: pa.string() for field in wanted.values()},
                include_columns=sorted(set(wanted.values())),
                # An empty field, quoted or not, is null: one test for "missing" below,
                # and a timestamp column with empty check-outs casts without a copy.
                null_values=[""],
                strings_can_be_null=True,
                quoted_strings_can_be_null=True,
            ),
        )
    except (pa.ArrowInvalid, pa.ArrowTypeError, UnicodeDecodeError):
        return None
    persons = table.column(wanted["person_id"]).combine_chunks()
    venues = table.column(wanted["venue_id"]).combine_chunks()
    if persons.null_count or venues.null_count:
        return None
    start = parse_timestamp_column(table.column(wanted["check_in"]).combine_chunks(), zone)
    if start is None or not start.present.all():
        return None
    if "check_out" in wanted:
        end = parse_timestamp_column(table.column(wanted["check_out"]).combine_chunks(), zone)
        if end is None or bool(np.any(end.present & (end.us < start.us))):
            return None
    else:
        n = len(start.us)
        end = TimestampColumn(np.zeros(n, np.int64), np.zeros(n, dtype=bool), set())
    return CsvColumns(
        person_ids=persons,
        venue_ids=venues,
        check_in_us=start.us,
        check_out_us=end.us,
        has_check_out=end.present,
        offsets=start.offsets | end.offsets,
    )
