"""Moving a day of check-ins out of the database into the Parquet day archive.

A day leaves the database only after its file is complete and verified against the
database's own count and id sum for that day, and the removal and its audit row commit in
one transaction. Every step can be killed and rerun:

- a `.partial` file is never trusted: the day is written again from the database;
- a published file that matches the day still in the database (killed between the rename
  and the removal) only needs the removal;
- a published file next to rows that arrived for the day later (a late record of an old
  day) is rewritten as the union of both, database rows winning on equal ids.

The file format is `fangkong.analytics.checkin_archive`'s.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
from django.db import connection, transaction
from django.db.models import Count, Sum
from django.utils import timezone

from fangkong.accounts.models import User
from fangkong.analytics import checkin_archive as archive
from fangkong.core.audit import audit_write_many
from fangkong.venues.archive_readers import archive_read_by
from fangkong.venues.checkin_days import (
    checkin_day_bounds,
    checkin_day_remove,
    checkin_days_in_database,
)
from fangkong.venues.checkin_table import checkin_columns
from fangkong.venues.conf import venues_settings
from fangkong.venues.models import CheckIn
from fangkong.venues.signals import checkins_day_archived

Progress = Callable[[int, int], None]  # (rows written so far, rows of the day)

# Rows fetched per round trip on SQLite (PostgreSQL streams COPY in blocks of this many bytes).
SQLITE_CHUNK_ROWS = 50_000
ARCHIVE_UNREAD = (
    "no tracing engine reads the archive (FANGKONG_TRACE_ENGINE=disk or spark does): a day moved "
    "out of the database would leave every trace, so nothing was archived"
)
COPY_BLOCK_BYTES = 8 << 20


@dataclass(frozen=True)
class DayArchived:
    day: dt.date
    rows: int  # rows the day had in the database (0: nothing to do)
    bytes: int  # size of the day's file
    wrote_file: bool  # False: a verified file was already there, only the removal was left
    dry_run: bool = False


def archive_root() -> Path:
    return venues_settings().archive_dir


def archive_cutoff(*, today: dt.date | None = None) -> dt.date:
    """The first day that stays in the database: today minus FANGKONG_CHECKIN_HOT_DAYS
    (never after today, so today's rows never leave)."""
    today = today or timezone.localdate()
    return today - dt.timedelta(days=max(venues_settings().checkin_hot_days, 0))


def checkin_days_due(*, today: dt.date | None = None) -> list[dt.date]:
    """Days the database holds that are older than the hot days, oldest first (on PostgreSQL
    read off the partitions, not by scanning the rows)."""
    cutoff = archive_cutoff(today=today)
    return [day for day in checkin_days_in_database() if day < cutoff]


def _day_totals(day: dt.date) -> tuple[int, int]:
    """The database's (row count, id sum mod 2**63) for the day."""
    start, end = checkin_day_bounds(day)
    totals = CheckIn.objects.filter(check_in__gte=start, check_in__lt=end).aggregate(
        rows=Count("id"), ids=Sum("id")
    )
    return int(totals["rows"]), int(totals["ids"] or 0) % archive.ID_SUM_MODULUS


class _CopyStream(io.RawIOBase):
    """A COPY TO STDOUT as a readable file, for pyarrow's streaming CSV reader."""

    def __init__(self, blocks: Iterator[bytes]) -> None:
        self._blocks = blocks
        self._pending = b""

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        while not self._pending:
            try:
                self._pending = bytes(next(self._blocks))
            except StopIteration:
                return 0
        size = min(len(buffer), len(self._pending))
        buffer[:size] = self._pending[:size]
        self._pending = self._pending[size:]
        return size


_CSV_TYPES = {
    "id": pa.int64(),
    "person_id": pa.int64(),
    "venue_id": pa.int64(),
    "check_in": pa.int64(),  # microseconds since the epoch: no time-zone text to parse
    "check_out": pa.int64(),
    "source": pa.string(),
    "source_record_id": pa.string(),
}


def _postgres_batches(day: dt.date) -> Iterator[pa.RecordBatch]:
    """The day's rows by COPY (CSV) read by pyarrow in blocks: no Python object per row."""
    start, end = checkin_day_bounds(day)
    names = checkin_columns()
    # Exact microseconds since the epoch, as integers (no time-zone text for pyarrow to
    # parse); extract() is numeric and slow, a plain double would round the microseconds.
    micros = (
        "(date_part('epoch', date_trunc('second', {0}))::bigint * 1000000"
        " + date_part('microseconds', {0})::bigint %% 1000000)"
    )
    query = (
        f"COPY (SELECT {names['id']}, {names['person']}, {names['venue']}, "
        f"{micros.format(names['check_in'])}, {micros.format(names['check_out'])}, "
        f"{names['source']}, {names['source_record_id']} FROM {CheckIn._meta.db_table} "
        f"WHERE {names['check_in']} >= %s AND {names['check_in']} < %s) TO STDOUT (FORMAT CSV)"
    )
    with connection.cursor() as cursor:
        raw = cursor.cursor  # the psycopg cursor: Django's wrapper has no copy()
        with raw.copy(query, (start, end)) as copy:
            stream = io.BufferedReader(_CopyStream(iter(copy)), buffer_size=COPY_BLOCK_BYTES)
            reader = pacsv.open_csv(
                stream,
                read_options=pacsv.ReadOptions(
                    column_names=list(_CSV_TYPES), block_size=COPY_BLOCK_BYTES
                ),
                convert_options=pacsv.ConvertOptions(
                    column_types=_CSV_TYPES,
                    strings_can_be_null=True,
                    quoted_strings_can_be_null=False,  # "" is an empty record id, not NULL
                ),
            )
            yield from reader


def _sqlite_batches(day: dt.date) -> Iterator[pa.RecordBatch]:
    start, end = checkin_day_bounds(day)
    rows = (
        CheckIn.objects.filter(check_in__gte=start, check_in__lt=end)
        .order_by()
        .values_list(
            "id", "person_id", "venue_id", "check_in", "check_out", "source", "source_record_id"
        )
        .iterator(chunk_size=SQLITE_CHUNK_ROWS)
    )
    chunk: list[tuple[object, ...]] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) == SQLITE_CHUNK_ROWS:
            yield archive.rows_batch(chunk)
            chunk = []
    if chunk:
        yield archive.rows_batch(chunk)


def day_batches(day: dt.date) -> Iterator[pa.RecordBatch]:
    """The day's rows as they are in the database, in no order."""
    if connection.vendor == "postgresql":
        return _postgres_batches(day)
    return _sqlite_batches(day)


def _counted(
    batches: Iterable[pa.RecordBatch | pa.Table], total: int, progress: Progress | None
) -> Iterator[pa.RecordBatch | pa.Table]:
    done = 0
    for batch in batches:
        done += batch.num_rows
        if progress is not None:
            progress(done, total)
        yield batch


def _merged_with_file(day: dt.date, path: Path, fresh: pa.Table) -> tuple[pa.Table, int, int]:
    """The published file's rows plus the database's (database wins on an id in both), with
    the expected row count and id sum of the union."""
    try:
        kept = pq.read_table(path)
    except (OSError, pa.ArrowException) as error:
        # Its rows may already have left the database: never overwrite it unread.
        raise archive.ArchiveCorrupt(
            f"{path} is unreadable and the database has rows of {day}: restore the file "
            f"from the backup, or move it aside if the database holds the whole day ({error})"
        ) from error
    kept = archive.conform(kept.filter(pc.invert(pc.is_in(kept["id"], fresh["id"]))))
    union = pa.concat_tables([kept, fresh])
    return union, union.num_rows, archive.id_sum(union["id"])


def _lock_checkins() -> None:
    """Hold off writers to the check-in table until the removal commits, so that the
    recount below and the range removal see the same rows (readers go on)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"LOCK TABLE {CheckIn._meta.db_table} IN SHARE MODE")


@transaction.atomic
def _remove_archived_day(*, file: archive.DayFile, by: User | None) -> bool:
    """Remove the day from the database if it still holds exactly what the file holds;
    False (nothing removed) when rows changed since the file was written."""
    _lock_checkins()
    if _day_totals(file.day) != (file.rows, file.id_sum):
        return False
    removed = checkin_day_remove(day=file.day, reason="archive", by=by)
    audit_write_many(
        by=by,
        action="checkin.day_archive",
        model=CheckIn,
        detail={
            "day": file.day.isoformat(),
            "rows": removed,
            "bytes": file.bytes,
            "file": file.path.name,
        },
    )
    return True


def checkin_day_archive(
    *,
    day: dt.date,
    by: User | None,
    dry_run: bool = False,
    progress: Progress | None = None,
    root: Path | None = None,
) -> DayArchived:
    """Move one day of check-ins from the database into its archive file (see the module's
    docstring for the resumable steps). Refuses today and the hot days, and any day while
    no tracing engine reads the archive (venues.archive_readers)."""
    if day >= archive_cutoff():
        raise ValueError(f"{day} is within the last {venues_settings().checkin_hot_days} days")
    if not archive_read_by():
        raise ValueError(ARCHIVE_UNREAD)
    root = root or archive_root()
    rows, ids = _day_totals(day)
    final = archive.day_path(root, day)
    if dry_run or rows == 0:
        size = final.stat().st_size if final.exists() else 0
        return DayArchived(day=day, rows=rows, bytes=size, wrote_file=False, dry_run=dry_run)
    if final.exists():
        try:
            file = archive.day_verify(final, day=day, rows=rows, id_sum_expected=ids)
        except archive.ArchiveCorrupt:
            file = None  # the file lacks rows the database has: merged below
        if file is not None and _remove_archived_day(file=file, by=by):
            checkins_day_archived.send(sender=CheckIn, day=day, path=final)
            return DayArchived(day=day, rows=rows, bytes=file.bytes, wrote_file=False)
    archive.partial_path(root, day).unlink(missing_ok=True)
    fresh = pa.concat_tables(
        [archive.conform(b) for b in _counted(day_batches(day), rows, progress)]
        or [archive.ARCHIVE_SCHEMA.empty_table()]
    )
    expected_rows, expected_ids = fresh.num_rows, archive.id_sum(fresh["id"])
    if (expected_rows, expected_ids) != (rows, ids):
        raise archive.ArchiveCorrupt(f"{day}: the database changed while it was read; run again")
    if final.exists():
        fresh, expected_rows, expected_ids = _merged_with_file(day, final, fresh)
    written = archive.day_write(root, day, [fresh])
    del fresh
    archive.day_verify(written.path, day=day, rows=expected_rows, id_sum_expected=expected_ids)
    published = archive.day_publish(root, day)
    file = archive.DayFile(
        day=day, path=published, rows=rows, id_sum=ids, bytes=published.stat().st_size
    )
    if not _remove_archived_day(file=file, by=by):
        raise archive.ArchiveCorrupt(f"{day}: rows arrived while it was archived; run again")
    checkins_day_archived.send(sender=CheckIn, day=day, path=published)
    return DayArchived(day=day, rows=rows, bytes=file.bytes, wrote_file=True)


@transaction.atomic
def checkin_archived_day_remove(
    *, day: dt.date, reason: str, by: User | None, root: Path | None = None
) -> int:
    """Retention of the archive: the day's file deleted, audited with its row count as the
    database's removal is (its metadata, not a verification: a damaged file goes too).
    Returns the rows the file held; 0 and no audit row when there was no file."""
    root = root or archive_root()
    path = archive.day_path(root, day)
    if not path.exists():
        archive.day_remove(root, day)  # a left-over .partial of the day
        return 0
    rows = pq.ParquetFile(path).metadata.num_rows
    audit_write_many(
        by=by,
        action="checkin.day_remove",
        model=CheckIn,
        detail={"day": day.isoformat(), "rows": rows, "reason": reason, "archive": path.name},
    )
    archive.day_remove(root, day)
    return rows
