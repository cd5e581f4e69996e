"""Bulk ingest of check-in files at a city's rate (issue 16): `checkin_bulk_ingest`.

The same rules as the record-by-record `checkin_ingest` (idempotent by the sender's record
id; a resent record that now carries a check-out completes the stay; a resent record id
whose stay differs is an error naming the row; by default a bad record refuses the whole
file), made on columns: the file is read and checked in Arrow chunks
(`checkin_bulk_read`), venues and persons are resolved once per distinct value (the person
registry's own bulk registration, `people.importing.person_import`, registers newcomers),
every valid row is COPYed into a temporary staging table, and the comparisons with stored
rows, the completions and the insert are each ONE set-based statement.

Atomicity: a file's ingest is ONE transaction (not resumable chunks). A kill at any moment
then leaves either nothing or the whole file, and a rerun stores the rest exactly once
(the insert skips stored record ids). Resumable chunks would need one import record per
chunk and a "refuse the whole file" that spans commits, which cannot hold once a chunk is
committed; at 50,000+ rows/s a lost file is a rerun of seconds to minutes, so one
transaction is the simpler correct choice. A directory is one transaction per file, so a
rerun of a directory redoes only the file it was killed in (the others add nothing).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pyarrow as pa
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fangkong.core.audit import audit_write
from fangkong.core.models import DataImport
from fangkong.core.tabular import RowError, TableRejected, TableRow
from fangkong.venues.checkin_days import checkin_partitions_ensure
from fangkong.venues.conf import venues_settings
from fangkong.venues.models import CheckInSource
from fangkong.venues.services.checkin_bulk_read import (
    CheckedChunk,
    check_chunk,
    first_errors,
    read_chunks,
    records_table,
)
from fangkong.venues.services.checkin_bulk_stage import Resolver, Staging
from fangkong.venues.services.checkin_leads import closed_venue_leads_record
from fangkong.venues.services.ingest import IngestResult
from fangkong.venues.services.ingest_records import RecordErrors

if TYPE_CHECKING:
    from fangkong.accounts.models import User

__all__ = ["checkin_batch_ingest", "checkin_bulk_ingest"]

Chunks = Iterable[tuple[np.ndarray, pa.Table]]  # (row number of each record, records)
Progress = Callable[[int], None]  # rows read so far


@transaction.atomic
def checkin_bulk_ingest(
    *,
    chunks: Chunks | Path,
    source: str,
    by: User | None,
    skip_invalid: bool = False,
    filename: str = "",
    progress: Progress | None = None,
) -> IngestResult:
    """Ingest one file (a Path: CSV or Parquet) or a stream of (row numbers, Arrow table)
    chunks (`checkin_bulk_read.records_table` makes one of JSON records); raises
    TableRejected naming every bad row, and writes nothing, unless `skip_invalid`, which
    stores the valid rows and reports the others in the result."""
    if source not in CheckInSource.values:
        raise ValidationError({"source": _("未知来源：%s") % source})
    errors = RecordErrors()
    if isinstance(chunks, Path):
        filename = filename or chunks.name
        chunks = read_chunks(chunks, errors)
    resolver = Resolver(filename=filename, by=by)
    staging = Staging()
    received = 0
    for numbers, table in chunks:
        checked: CheckedChunk = check_chunk(numbers, table, errors)
        received += table.num_rows
        persons, venues, keep = resolver.resolve(checked, errors)
        staging.load(checked, persons, venues, keep)
        if progress is not None:
            progress(received)
    received += sum(1 for e in errors.rows if not e.column)  # malformed CSV rows
    repeats = staging.dedupe(errors)
    staging.against_stored(source, errors)
    if errors.rows and not skip_invalid:
        raise TableRejected(first_errors(errors))
    staging.drop_bad(errors.bad)
    record = DataImport.objects.create(
        kind="venues.checkin",
        filename=(filename or source)[:200],
        rows=received,
        created=0,
        existing=0,
        skipped=len(errors.bad),
        by=by,
    )
    checkin_partitions_ensure(days=staging.days())
    completed = staging.complete(source)
    stored = staging.forget_stored(source)
    created = staging.insert(source, record.pk, timezone.now())
    # stored earlier (less those this file completed), repeated in the file, or stored by
    # a concurrent sender between the check and the insert
    existing = stored - len(completed) + repeats + staging.rows - created
    record.created = created
    record.existing = existing
    record.save(update_fields=["created", "existing"])
    leads = closed_venue_leads_record(data_import=record, by=by) if created else []
    audit_write(
        by=by,
        action="checkin.ingest",
        obj=record,
        after={
            "source": source,
            "filename": filename,
            "path": "bulk",
            "closed_venue_leads": [lead.alert.pk for lead in leads],
            "received": received,
            "created": created,
            "existing": existing,
            "completed_checkin_ids": completed,
            "skipped": len(errors.bad),
            "persons_created": resolver.persons_created,
        },
    )
    skipped: list[RowError] = first_errors(errors)
    return IngestResult(
        record=record,
        received=received,
        created=created,
        existing=existing,
        completed=len(completed),
        persons_created=resolver.persons_created,
        skipped=skipped,
        leads=leads,
    )


def checkin_batch_ingest(
    *,
    records: Sequence[Mapping[str, Any] | TableRow],
    source: str,
    by: User | None,
    skip_invalid: bool = False,
    filename: str = "",
) -> IngestResult:
    """A batch of records (the API's bulk endpoint: JSON or an uploaded table) through the
    fast path, within the batch size limit of the API."""
    limit = venues_settings().checkin_batch_max_records
    if len(records) > limit:
        raise TableRejected([RowError(0, "", _("超过单批上限 %s 条记录") % limit)])
    return checkin_bulk_ingest(
        chunks=[records_table(records)],
        source=source,
        by=by,
        skip_invalid=skip_invalid,
        filename=filename,
    )
