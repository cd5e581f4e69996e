"""Bulk ingest of check-ins (the provincial health-code platform, files): idempotent by the
sender's record id, validated record by record, all or nothing unless asked otherwise.

A record names its venue by venue code and its person by ID number (preferred) or mobile
number. A person unknown by ID number is registered when the record carries a name; an
unknown or shared mobile number cannot identify anyone and is an error of that record.

Resending a record changes nothing; a resent record that now carries the check-out of a
stay stored without one completes that stay. A resent record id whose stay differs is an
error, never an overwrite. The partial unique index on (source, source_record_id) holds
under concurrency: rows are inserted with ON CONFLICT DO NOTHING and counted afterwards
through the import they belong to.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fangkong.core.audit import audit_write
from fangkong.core.models import DataImport
from fangkong.core.tabular import RowError, TableRejected, TableRow
from fangkong.people.importing import person_import
from fangkong.people.models import Person
from fangkong.venues.checkin_table import CHECKIN_TABLE, checkin_columns
from fangkong.venues.conf import venues_settings
from fangkong.venues.models import CheckIn, CheckInSource
from fangkong.venues.services.checkin_leads import ClosedVenueLead, closed_venue_leads_record
from fangkong.venues.services.ingest_records import (
    INGEST_COLUMNS,
    NewPerson,
    ParsedRecord,
    Progress,
    RecordErrors,
    chunks,
    dedupe,
    numbered,
    parse_records,
    resolve_persons,
    resolve_venues,
)

if TYPE_CHECKING:
    from fangkong.accounts.models import User

__all__ = ["INGEST_COLUMNS", "IngestResult", "checkin_ingest"]


@dataclass
class IngestResult:
    record: DataImport
    received: int
    created: int
    existing: int  # already stored and unchanged (or repeated within the batch)
    completed: int  # stored earlier without check-out; this batch brought it
    persons_created: int
    skipped: list[RowError] = field(default_factory=list)
    # Scans stored at venues closed at the time: one enforcement lead per venue and day.
    leads: list[ClosedVenueLead] = field(default_factory=list)


class _Table:
    """Raw reads and writes of the check-in table for the hot path of a batch: building
    100,000 model instances costs more than the database does, so rows travel as plain
    tuples. Times are passed as the database stores them (SQLite: naive UTC text, as Django
    writes it)."""

    def __init__(self) -> None:
        quote = connection.ops.quote_name
        self.table = quote(CHECKIN_TABLE.table)
        self.column = {name: quote(column) for name, column in checkin_columns().items()}
        self.sqlite = connection.vendor == "sqlite"

    def moment(self, value: dt.datetime | None) -> Any:
        """A time as a query parameter."""
        if value is None or not self.sqlite:
            return value
        return str(value.astimezone(dt.UTC).replace(tzinfo=None))

    def read_back(self, value: dt.datetime | None) -> dt.datetime | None:
        """A time as a raw read returns it (Django's SQLite converter gives naive UTC)."""
        if value is None or not self.sqlite:
            return value
        return value.astimezone(dt.UTC).replace(tzinfo=None)

    def stored(self, source: str, record_ids: list[str]) -> dict[str, tuple[Any, ...]]:
        c = self.column
        found: dict[str, tuple[Any, ...]] = {}
        select = (
            f"SELECT {c['source_record_id']}, {c['id']}, {c['person']}, {c['venue']}, "
            f"{c['check_in']}, {c['check_out']} FROM {self.table} WHERE {c['source']} = %s "
            # spelled out so that both databases use the partial unique index
            f"AND {c['source_record_id']} IS NOT NULL"
        )
        with connection.cursor() as cursor:
            for chunk in chunks(record_ids):
                if self.sqlite:
                    marks = ", ".join(["%s"] * len(chunk))
                    cursor.execute(
                        f"{select} AND {c['source_record_id']} IN ({marks})", [source, *chunk]
                    )
                else:  # one array parameter instead of thousands of placeholders
                    cursor.execute(
                        f"{select} AND {c['source_record_id']} = ANY(%s)", [source, chunk]
                    )
                for row in cursor.fetchall():
                    found[str(row[0])] = tuple(row[1:])
        return found

    _INSERTED = (
        ("person", "bigint"),
        ("venue", "bigint"),
        ("check_in", "timestamptz"),
        ("check_out", "timestamptz"),
        ("source", "text"),
        ("source_record_id", "text"),
        ("data_import", "bigint"),
        ("created_at", "timestamptz"),
    )

    def insert(self, rows: list[tuple[Any, ...]]) -> None:
        """Insert rows; a row whose record id another sender stored first is skipped by the
        unique index (ON CONFLICT DO NOTHING), never duplicated."""
        names = ", ".join(self.column[name] for name, _type in self._INSERTED)
        with connection.cursor() as cursor:
            if self.sqlite:
                marks = ", ".join(["%s"] * len(self._INSERTED))
                cursor.executemany(
                    f"INSERT INTO {self.table} ({names}) VALUES ({marks}) ON CONFLICT DO NOTHING",
                    rows,
                )
                return
            # PostgreSQL: COPY into a scratch table (fast, typed in C), then one INSERT.
            columns = ", ".join(f"{self.column[n]} {kind}" for n, kind in self._INSERTED)
            cursor.execute(
                f"CREATE TEMPORARY TABLE IF NOT EXISTS fk_checkin_batch ({columns}) ON COMMIT DROP"
            )
            raw = cursor.cursor
            with raw.copy(f"COPY fk_checkin_batch ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            cursor.execute(
                f"INSERT INTO {self.table} ({names}) SELECT {names} FROM fk_checkin_batch "
                "ON CONFLICT DO NOTHING"
            )
            cursor.execute("TRUNCATE fk_checkin_batch")

    def complete(self, checkouts: list[tuple[Any, int]]) -> None:
        """Set check-outs of stays still without one (a concurrent completion wins)."""
        c = self.column
        with connection.cursor() as cursor:
            if self.sqlite:
                cursor.executemany(
                    f"UPDATE {self.table} SET {c['check_out']} = %s "
                    f"WHERE {c['id']} = %s AND {c['check_out']} IS NULL",
                    checkouts,
                )
                return
            moments, ids = zip(*checkouts, strict=True)
            cursor.execute(
                f"UPDATE {self.table} SET {c['check_out']} = v.moment "
                "FROM unnest(%s::timestamptz[], %s::bigint[]) AS v(moment, id) "
                f"WHERE {self.table}.{c['id']} = v.id AND {self.table}.{c['check_out']} IS NULL",
                [list(moments), list(ids)],
            )


def _against_stored(
    parsed: list[ParsedRecord], source: str, errors: RecordErrors, table: _Table
) -> tuple[list[ParsedRecord], list[tuple[Any, int]], int]:
    """Split valid records into new ones, completions of stored stays, and repeats."""
    stored = table.stored(source, [p.record_id for p in parsed])
    new: list[ParsedRecord] = []
    completions: list[tuple[Any, int]] = []
    repeats = 0
    for p in parsed:
        existing = stored.get(p.record_id)
        if existing is None:
            new.append(p)
            continue
        pk, person_id, venue_id, check_in, check_out = existing
        if (person_id, venue_id, check_in) != (
            p.person_id,
            p.venue_id,
            table.read_back(p.check_in),
        ):
            errors.add(
                p.number, "record_id", _("该记录号已接收，但人员、场所或进场时间不同"), p.record_id
            )
        elif check_out is None and p.check_out is not None:
            completions.append((table.moment(p.check_out), pk))
        elif p.check_out is not None and check_out != table.read_back(p.check_out):
            errors.add(p.number, "check_out", _("该记录号已接收，但离场时间不同"), p.record_id)
        else:
            repeats += 1
    return new, completions, repeats


def _register(new_people: list[NewPerson], filename: str, by: User | None) -> int:
    if not new_people:
        return 0
    rows = [
        TableRow(
            number=n.number,
            values={
                "name": n.name,
                "id_type": n.id_type,
                "id_number": n.id_number,
                "phone": n.phone,
            },
        )
        for n in new_people
    ]
    result = person_import(rows=rows, filename=f"checkins:{filename}"[:200], by=by)
    ids = {
        (pt, num): pk
        for chunk in chunks([n.id_number for n in new_people])
        for pk, pt, num in Person.objects.filter(id_number__in=chunk).values_list(
            "pk", "id_type", "id_number"
        )
    }
    for n in new_people:
        for p in n.records:
            p.person_id = ids[(n.id_type, n.id_number)]
    return len(result.created)


@transaction.atomic
def checkin_ingest(
    *,
    records: Sequence[Mapping[str, Any] | TableRow],
    source: str,
    by: User | None,
    skip_invalid: bool = False,
    filename: str = "",
    progress: Progress | None = None,
) -> IngestResult:
    """Ingest a batch of check-in records; raises TableRejected naming every bad record
    (and writes nothing) unless `skip_invalid`, which stores the valid ones and reports the
    others in the result."""
    if source not in CheckInSource.values:
        raise ValidationError({"source": _("未知来源：%s") % source})
    limit = venues_settings().checkin_batch_max_records
    if len(records) > limit:
        raise TableRejected([RowError(0, "", _("超过单批上限 %s 条记录") % limit)])
    errors = RecordErrors()
    total = len(records)
    parsed = list(parse_records(numbered(records), errors, progress, total))
    parsed, repeats = dedupe(parsed, errors)
    resolve_venues(parsed, errors)
    valid = [p for p in parsed if p.number not in errors.bad]
    new_people = resolve_persons(valid, errors)
    valid = [p for p in valid if p.number not in errors.bad]
    # Records of people still to register carry person id 0: a stored record with their
    # record id can only be someone else's stay, which `_against_stored` reports.
    table = _Table()
    fresh, completions, stored_repeats = _against_stored(valid, source, errors, table)
    if progress is not None:
        progress("validate", total, total)
    if errors.rows and not skip_invalid:
        raise TableRejected(sorted(errors.rows, key=lambda e: e.row))
    fresh = [p for p in fresh if p.number not in errors.bad]
    new_people = [n for n in new_people if any(p.number not in errors.bad for p in n.records)]
    persons_created = _register(new_people, filename, by)
    record = DataImport.objects.create(
        kind="venues.checkin",
        filename=(filename or source)[:200],
        rows=total,
        created=0,
        existing=0,
        skipped=len(errors.bad),
        by=by,
    )
    received_at = table.moment(timezone.now())
    written = 0
    for chunk in chunks(fresh):
        table.insert(
            [
                (
                    p.person_id,
                    p.venue_id,
                    table.moment(p.check_in),
                    table.moment(p.check_out),
                    source,
                    p.record_id,
                    record.pk,
                    received_at,
                )
                for p in chunk
            ]
        )
        written += len(chunk)
        if progress is not None:
            progress("write", written, len(fresh))
    if completions:
        table.complete(completions)
    # Rows a concurrent sender stored first were skipped by the database: count what is ours.
    created = CheckIn.objects.filter(data_import=record).count()
    record.created = created
    record.existing = repeats + stored_repeats + (len(fresh) - created)
    record.save(update_fields=["created", "existing"])
    leads = closed_venue_leads_record(data_import=record, by=by) if created else []
    audit_write(
        by=by,
        action="checkin.ingest",
        obj=record,
        after={
            "source": source,
            "filename": filename,
            "closed_venue_leads": [lead.alert.pk for lead in leads],
            "received": total,
            "created": created,
            "existing": record.existing,
            "completed_checkin_ids": [pk for _moment, pk in completions],
            "skipped": len(errors.bad),
            "persons_created": persons_created,
        },
    )
    return IngestResult(
        record=record,
        received=total,
        created=created,
        existing=record.existing,
        completed=len(completions),
        persons_created=persons_created,
        skipped=sorted(errors.rows, key=lambda e: e.row),
        leads=leads,
    )
