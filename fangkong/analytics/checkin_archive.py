"""The check-in day archive: one Parquet file per day of check-ins that left the database.

The format is fixed by issue 16's design (docs in README.md, "Check-in archive"); the
tracing engine over these files and the benchmark's generator write and read the same, so
everything about it is spelled here once:

- `<root>/checkins/<YYYY-MM-DD>.parquet`, written as `<day>.parquet.partial` and renamed
  only after it verified: a file without the suffix is always complete.
- columns `ARCHIVE_SCHEMA`, in that order, sorted by (venue_id, check_in), zstd, row groups
  of `ROW_GROUP_ROWS`; the row-group statistics on venue_id make a venue's read touch one or
  two row groups, while a person's read scans every row group of every day it asks for.
- key-value metadata `fangkong.day`, `fangkong.rows`, `fangkong.id_sum` (sum of ids mod
  2**63): what `day_verify` compares with the rows it recounts from the file.

A day's "day" is the local date of check_in in the platform's time zone; this module takes
the day as given and never computes it (the caller owns the time zone).

No Django here (analytics' rule).
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

ARCHIVE_SCHEMA = pa.schema(
    [
        pa.field("id", pa.int64(), nullable=False),
        pa.field("person_id", pa.int64(), nullable=False),
        pa.field("venue_id", pa.int64(), nullable=False),
        pa.field("check_in", pa.timestamp("us", tz="UTC"), nullable=False),
        pa.field("check_out", pa.timestamp("us", tz="UTC"), nullable=True),
        pa.field("source", pa.string(), nullable=False),
        pa.field("source_record_id", pa.string(), nullable=True),
    ]
)
COLUMNS = tuple(ARCHIVE_SCHEMA.names)
SORT_KEYS = [("venue_id", "ascending"), ("check_in", "ascending")]
ROW_GROUP_ROWS = 1_000_000
COMPRESSION = "zstd"
ID_SUM_MODULUS = 2**63

DAY_KEY = b"fangkong.day"
ROWS_KEY = b"fangkong.rows"
ID_SUM_KEY = b"fangkong.id_sum"

SUBDIR = "checkins"
SUFFIX = ".parquet"
PARTIAL_SUFFIX = ".parquet.partial"


class ArchiveCorrupt(Exception):
    """A day's file does not hold what its metadata (or the database) says it should."""


@dataclass(frozen=True)
class DayFile:
    day: dt.date
    path: Path
    rows: int
    id_sum: int  # mod 2**63
    bytes: int


def day_path(root: Path, day: dt.date) -> Path:
    """The published file of `day` (it may not exist)."""
    return root / SUBDIR / f"{day.isoformat()}{SUFFIX}"


def partial_path(root: Path, day: dt.date) -> Path:
    return root / SUBDIR / f"{day.isoformat()}{PARTIAL_SUFFIX}"


def archived_days(root: Path) -> list[dt.date]:
    """The days with a published file, oldest first; `.partial` files are not days."""
    folder = root / SUBDIR
    if not folder.is_dir():
        return []
    days = []
    for entry in folder.iterdir():
        name = entry.name
        if not name.endswith(SUFFIX) or name.endswith(PARTIAL_SUFFIX):
            continue
        try:
            days.append(dt.date.fromisoformat(name[: -len(SUFFIX)]))
        except ValueError:
            continue  # not ours: a stray file in the folder is not a day
    return sorted(days)


def id_sum(ids: pa.Array | pa.ChunkedArray) -> int:
    """The checksum kept in the metadata: the sum of ids mod 2**63, summed as decimals so
    that no int64 overflow can make two different files agree."""
    total = 0
    chunks = ids.chunks if isinstance(ids, pa.ChunkedArray) else [ids]
    for chunk in chunks:
        if len(chunk):
            partial = pc.sum(chunk.cast(pa.decimal128(38, 0))).as_py()
            total = (total + int(partial or 0)) % ID_SUM_MODULUS
    return total


def rows_batch(rows: Sequence[tuple[object, ...]]) -> pa.RecordBatch:
    """A batch in the archive's schema from row tuples in COLUMNS order (aware datetimes)."""
    columns = list(zip(*rows, strict=True)) if rows else [() for _ in COLUMNS]
    return pa.RecordBatch.from_arrays(
        [
            pa.array(values, type=field.type)
            for values, field in zip(columns, ARCHIVE_SCHEMA, strict=True)
        ],
        schema=ARCHIVE_SCHEMA,
    )


def conform(batch: pa.RecordBatch | pa.Table) -> pa.Table:
    """A batch or table in the archive's schema: columns picked by name and cast (timestamps
    given as int64 microseconds since the epoch become UTC timestamps)."""
    table = pa.Table.from_batches([batch]) if isinstance(batch, pa.RecordBatch) else batch
    arrays = []
    for field in ARCHIVE_SCHEMA:
        column = table.column(field.name)
        if pa.types.is_integer(column.type) and pa.types.is_timestamp(field.type):
            column = column.cast(pa.int64()).cast(pa.timestamp("us")).cast(field.type)
        arrays.append(column.cast(field.type))
    return pa.Table.from_arrays(arrays, schema=ARCHIVE_SCHEMA)


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def day_write(root: Path, day: dt.date, batches: Iterable[pa.RecordBatch | pa.Table]) -> DayFile:
    """Write `day`'s rows to its `.partial` file, sorted, with the checksum metadata, and
    fsync it. The whole day is sorted in memory (pyarrow): the peak grows by about 150 MB
    per million rows (bench/archive_rate.py), about 2.5 GB for a 15 M-row day."""
    folder = root / SUBDIR
    folder.mkdir(parents=True, exist_ok=True)
    tables = [conform(batch) for batch in batches]
    table = pa.concat_tables(tables) if tables else ARCHIVE_SCHEMA.empty_table()
    del tables
    table = table.sort_by(SORT_KEYS).combine_chunks()
    rows, checksum = table.num_rows, id_sum(table.column("id"))
    metadata = {
        DAY_KEY: day.isoformat().encode(),
        ROWS_KEY: str(rows).encode(),
        ID_SUM_KEY: str(checksum).encode(),
    }
    table = table.replace_schema_metadata(metadata)
    path = partial_path(root, day)
    with open(path, "wb") as handle:
        pq.write_table(
            table,
            handle,
            compression=COMPRESSION,
            row_group_size=ROW_GROUP_ROWS,
            write_statistics=True,
        )
        handle.flush()
        os.fsync(handle.fileno())
    _fsync_dir(folder)
    return DayFile(day=day, path=path, rows=rows, id_sum=checksum, bytes=path.stat().st_size)


def day_verify(
    path: Path, *, day: dt.date, rows: int | None = None, id_sum_expected: int | None = None
) -> DayFile:
    """Read the whole file back and check it: its metadata names `day`; the rows and the id
    sum recomputed from the data equal the metadata's and, when given, the caller's (the
    database's count for the day). Raises ArchiveCorrupt on any difference or unreadable
    file (a truncated file has no footer)."""
    try:
        parquet = pq.ParquetFile(path)
        meta = parquet.schema_arrow.metadata or {}
        if parquet.schema_arrow.remove_metadata() != ARCHIVE_SCHEMA.remove_metadata():
            raise ArchiveCorrupt(f"{path}: columns differ from the archive's")
        counted, summed = 0, 0
        for index in range(parquet.num_row_groups):
            ids = parquet.read_row_group(index, columns=["id"]).column("id")
            counted += len(ids)
            summed = (summed + id_sum(ids)) % ID_SUM_MODULUS
    except (OSError, pa.ArrowException) as error:
        raise ArchiveCorrupt(f"{path}: unreadable ({error})") from error
    try:
        meta_day = dt.date.fromisoformat(meta[DAY_KEY].decode())
        meta_rows, meta_sum = int(meta[ROWS_KEY]), int(meta[ID_SUM_KEY])
    except (KeyError, ValueError) as error:
        raise ArchiveCorrupt(f"{path}: no archive metadata ({error})") from error
    if meta_day != day:
        raise ArchiveCorrupt(f"{path}: holds {meta_day}, not {day}")
    if (counted, summed) != (meta_rows, meta_sum):
        raise ArchiveCorrupt(
            f"{path}: {counted} rows / id sum {summed} in the data, "
            f"{meta_rows} / {meta_sum} in the metadata"
        )
    if rows is not None and rows != counted:
        raise ArchiveCorrupt(f"{path}: {counted} rows, the source has {rows}")
    if id_sum_expected is not None and id_sum_expected % ID_SUM_MODULUS != summed:
        raise ArchiveCorrupt(f"{path}: id sum {summed}, the source's is {id_sum_expected}")
    return DayFile(day=day, path=path, rows=counted, id_sum=summed, bytes=path.stat().st_size)


def day_publish(root: Path, day: dt.date) -> Path:
    """Rename the verified `.partial` into place (atomic on one file system) and fsync the
    folder so that the rename survives a power cut."""
    final = day_path(root, day)
    os.replace(partial_path(root, day), final)
    _fsync_dir(final.parent)
    return final


def day_remove(root: Path, day: dt.date) -> bool:
    """Remove the day's file and any `.partial` of it; True when a published file went."""
    partial_path(root, day).unlink(missing_ok=True)
    final = day_path(root, day)
    existed = final.exists()
    final.unlink(missing_ok=True)
    return existed


def days_relation(
    connection: duckdb.DuckDBPyConnection,
    root: Path,
    days: Iterable[dt.date],
    *,
    start: dt.datetime | None = None,
    end: dt.datetime | None = None,
    venue_ids: Sequence[int] | None = None,
    person_ids: Sequence[int] | None = None,
) -> duckdb.DuckDBPyRelation | None:
    """A DuckDB relation over the published files of `days` (missing days are skipped; None
    when none is there), optionally filtered to stays with check_in in [start, end) and to
    venues or persons. DuckDB pushes the venue filter down to the row-group statistics (the
    files are sorted by venue); a person filter reads every row group's person_id column."""
    paths = [str(day_path(root, day)) for day in sorted(set(days))]
    paths = [path for path in paths if os.path.exists(path)]
    if not paths:
        return None
    relation = connection.read_parquet(paths)
    conditions: list[str] = []
    params: list[dt.datetime] = []
    if start is not None:
        conditions.append("check_in >= ?")
        params.append(start)
    if end is not None:
        conditions.append("check_in < ?")
        params.append(end)
    if venue_ids is not None:
        conditions.append(f"venue_id IN ({', '.join(str(int(v)) for v in venue_ids) or 'NULL'})")
    if person_ids is not None:
        conditions.append(f"person_id IN ({', '.join(str(int(p)) for p in person_ids) or 'NULL'})")
    if not conditions:
        return relation
    # Timestamps are bound as literals: a relation's filter takes an expression, not params.
    text = " AND ".join(conditions)
    for value in params:
        text = text.replace("?", f"TIMESTAMPTZ '{value.isoformat()}'", 1)
    return relation.filter(text)


def days_read(
    root: Path,
    days: Iterable[dt.date],
    *,
    start: dt.datetime | None = None,
    end: dt.datetime | None = None,
    venue_ids: Sequence[int] | None = None,
    person_ids: Sequence[int] | None = None,
) -> pa.Table:
    """The archived stays of `days` matching the filters, as an Arrow table in the archive's
    schema (empty when nothing matches), in (venue_id, check_in, id) order."""
    connection = duckdb.connect()
    try:
        connection.execute("SET TimeZone = 'UTC'")
        relation = days_relation(
            connection,
            root,
            days,
            start=start,
            end=end,
            venue_ids=venue_ids,
            person_ids=person_ids,
        )
        if relation is None:
            return ARCHIVE_SCHEMA.empty_table()
        table = relation.order("venue_id, check_in, id").select(", ".join(COLUMNS)).arrow()
        if isinstance(table, pa.RecordBatchReader):
            table = table.read_all()
        return conform(table)
    finally:
        connection.close()
