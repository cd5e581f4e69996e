"""The database side of `checkin_bulk_ingest`: venues and persons resolved once per distinct
value, and the staging table every valid row is COPYed into before the set-based writes.

PostgreSQL: the staging table is a temporary table dropped at commit, loaded by COPY (CSV
written by Arrow, in C). SQLite: a temporary table loaded by executemany (slower, fine for
the embedded default). Both then run the same set-based statements against it.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import numpy as np
import pyarrow as pa
import pyarrow.csv as pcsv
from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _

from fangkong.venues.checkin_table import CHECKIN_TABLE, checkin_columns
from fangkong.venues.services.checkin_bulk_read import CheckedChunk
from fangkong.venues.services.ingest import _register
from fangkong.venues.services.ingest_records import (
    KEY_OF_TITLE,
    ParsedRecord,
    RecordErrors,
    chunks,
    resolve_persons,
    venue_ids_known,
    venue_of,
    venues_by_code,
)

if TYPE_CHECKING:
    from fangkong.accounts.models import User

STAGE = "fk_checkin_stage"
_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
Person4 = tuple[str, str, str, str]  # (id type, id number, name, phone) as a record gives them


class Resolver:
    """Venue ids by code and person ids by what a record says of the person, each distinct
    value looked up (and, for newcomers, registered) once for the whole file."""

    def __init__(self, *, filename: str, by: User | None) -> None:
        self.filename = filename
        self.by = by
        self.venues: dict[str, int] = {}  # by code, those found
        self.codes_seen: set[str] = set()
        self.venue_ids: set[str] = set()  # ids (as text) found
        self.ids_seen: set[str] = set()
        # person key → person id, or (column key, message) when the key names nobody usable
        self.persons: dict[Person4, int | tuple[str, str]] = {}
        self.persons_created = 0

    def _venues(self, codes: set[str], refs: set[str]) -> None:
        codes -= self.codes_seen | {""}
        refs -= self.ids_seen | {""}
        self.venues.update(venues_by_code(codes))
        self.venue_ids.update(venue_ids_known(refs))
        self.codes_seen |= codes
        self.ids_seen |= refs

    def _persons(self, keys: list[Person4]) -> None:
        unknown = [k for k in keys if k not in self.persons]
        if not unknown:
            return
        # The record-by-record path's rules, on one stand-in record per distinct person key.
        stand_ins = [
            ParsedRecord(
                number=index,
                record_id="",
                venue_code="",
                check_in=_EPOCH,
                check_out=None,
                id_type=key[0],
                id_number=key[1],
                name=key[2],
                phone=key[3],
            )
            for index, key in enumerate(unknown)
        ]
        found = RecordErrors()
        newcomers = resolve_persons(stand_ins, found)
        self.persons_created += _register(newcomers, self.filename, self.by)
        refused = {e.row: e for e in found.rows}
        for stand_in, key in zip(stand_ins, unknown, strict=True):
            error = refused.get(stand_in.number)
            if error is not None:
                self.persons[key] = (KEY_OF_TITLE.get(error.column, "id_number"), error.message)
            else:
                self.persons[key] = stand_in.person_id

    def resolve(
        self, checked: CheckedChunk, errors: RecordErrors
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(person ids, venue ids, rows to keep) of a checked chunk; the rest named in errors."""
        self._venues(set(checked.venue_code), set(checked.venue_ref))
        keys = list(
            zip(checked.id_type, checked.id_number, checked.name, checked.phone, strict=True)
        )
        self._persons(list(dict.fromkeys(keys)))  # in order: the first name given wins
        size = len(checked)
        persons = np.zeros(size, np.int64)
        venues = np.zeros(size, np.int64)
        keep = np.ones(size, bool)
        named = zip(checked.venue_code, checked.venue_ref, keys, strict=True)
        for index, (code, ref, key) in enumerate(named):
            venue = venue_of(code, ref, self.venues, self.venue_ids)
            person = self.persons[key]
            number = int(checked.number[index])
            if isinstance(venue, tuple):
                errors.add(number, venue[0], venue[1], checked.record_id[index])
                keep[index] = False
            elif isinstance(person, tuple):
                errors.add(number, person[0], person[1], checked.record_id[index])
                keep[index] = False
            else:
                persons[index] = person
                venues[index] = venue
        return persons, venues, keep


def _text_moments(micros: np.ndarray) -> Iterator[str]:
    """Times as Django stores them on SQLite (naive UTC, `str` of a datetime)."""
    naive = _EPOCH.replace(tzinfo=None)
    for value in micros.tolist():
        yield str(naive + dt.timedelta(microseconds=value))


class Staging:
    """The valid rows of a file in a temporary table, then compared and written set-based."""

    def __init__(self) -> None:
        quote = connection.ops.quote_name
        self.postgres = connection.vendor == "postgresql"
        self.table = quote(CHECKIN_TABLE.table)
        self.c = {name: quote(column) for name, column in checkin_columns().items()}
        self.rows = 0
        self.hours: set[int] = set()
        stamp = "timestamptz" if self.postgres else "text"
        drop = " ON COMMIT DROP" if self.postgres else ""
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {STAGE}")
            cursor.execute(
                f"CREATE TEMPORARY TABLE {STAGE} (number bigint, person bigint, venue bigint, "
                f"check_in {stamp}, check_out {stamp}, record_id text){drop}"
            )

    def load(
        self, checked: CheckedChunk, persons: np.ndarray, venues: np.ndarray, keep: np.ndarray
    ) -> None:
        if not keep.any():
            return
        check_in = checked.check_in[keep]
        has_out = checked.has_out[keep]
        record_ids = [r for r, k in zip(checked.record_id, keep, strict=True) if k]
        self.rows += len(record_ids)
        self.hours.update(np.unique(check_in // 3_600_000_000).tolist())
        with connection.cursor() as cursor:
            if self.postgres:
                utc = pa.timestamp("us", tz="UTC")
                table = pa.table(
                    {
                        "number": checked.number[keep],
                        "person": persons[keep],
                        "venue": venues[keep],
                        "check_in": pa.array(check_in, utc),
                        "check_out": pa.array(checked.check_out[keep], utc, mask=~has_out),
                        "record_id": pa.array(record_ids, pa.string()),
                    }
                )
                buffer = io.BytesIO()
                pcsv.write_csv(table, buffer, pcsv.WriteOptions(include_header=False))
                with cursor.cursor.copy(f"COPY {STAGE} FROM STDIN (FORMAT csv)") as copy:
                    copy.write(buffer.getbuffer())
                return
            outs = _text_moments(checked.check_out[keep])
            rows = list(
                zip(
                    checked.number[keep].tolist(),
                    persons[keep].tolist(),
                    venues[keep].tolist(),
                    _text_moments(check_in),
                    (o if h else None for o, h in zip(outs, has_out.tolist(), strict=True)),
                    record_ids,
                    strict=True,
                )
            )
            cursor.executemany(f"INSERT INTO {STAGE} VALUES (%s, %s, %s, %s, %s, %s)", rows)

    def _same(self, a: str, b: str) -> str:
        return f"{a} IS NOT DISTINCT FROM {b}" if self.postgres else f"{a} IS {b}"

    def dedupe(self, errors: RecordErrors) -> int:
        """A record id twice in the file: an exact repeat counts once, another stay is an
        error naming both rows. Returns the repeats dropped."""
        with connection.cursor() as cursor:
            cursor.execute(f"CREATE INDEX {STAGE}_record ON {STAGE} (record_id, number)")
            cursor.execute(f"ANALYZE {STAGE}")  # temporary tables are never auto-analysed
            cursor.execute(
                f"SELECT s.number, f.number, s.record_id, (s.person = f.person AND "
                f"s.venue = f.venue AND s.check_in = f.check_in AND "
                f"{self._same('s.check_out', 'f.check_out')}) FROM {STAGE} s "
                f"JOIN (SELECT record_id, min(number) AS first FROM {STAGE} GROUP BY record_id "
                f"HAVING count(*) > 1) d ON s.record_id = d.record_id "
                f"JOIN {STAGE} f ON f.record_id = d.record_id AND f.number = d.first "
                "WHERE s.number <> d.first"
            )
            repeats: list[int] = []
            for number, first, record_id, same in cursor.fetchall():
                if same:
                    repeats.append(number)
                else:
                    message = _("与第 %s 条记录的记录号相同但内容不同") % first
                    errors.add(number, "record_id", message, record_id)
            self._delete(cursor, repeats)
        self.rows -= len(repeats)
        return len(repeats)

    def _delete(self, cursor: Any, numbers: list[int]) -> int:
        deleted = 0
        for chunk in chunks(sorted(numbers)):
            if self.postgres:
                cursor.execute(f"DELETE FROM {STAGE} WHERE number = ANY(%s)", [chunk])
            else:
                marks = ", ".join(["%s"] * len(chunk))
                cursor.execute(f"DELETE FROM {STAGE} WHERE number IN ({marks})", chunk)
            deleted += cursor.rowcount
        return deleted

    def _stored_join(self) -> str:
        c = self.c
        return (
            f"FROM {STAGE} s JOIN {self.table} t ON t.{c['source']} = %s "
            f"AND t.{c['source_record_id']} = s.record_id "
            # spelled out so that both databases use the partial unique index
            f"AND t.{c['source_record_id']} IS NOT NULL"
        )

    def _same_stay(self) -> str:
        c = self.c
        return (
            f"t.{c['person']} = s.person AND t.{c['venue']} = s.venue "
            f"AND t.{c['check_in']} = s.check_in"
        )

    def against_stored(self, source: str, errors: RecordErrors) -> None:
        """Name the rows whose record id is stored with another stay or check-out."""
        c = self.c
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT s.number, s.record_id {self._stored_join()} "
                f"WHERE NOT ({self._same_stay()})",
                [source],
            )
            for number, record_id in cursor.fetchall():
                message = _("该记录号已接收，但人员、场所或进场时间不同")
                errors.add(number, "record_id", message, record_id)
            cursor.execute(
                f"SELECT s.number, s.record_id {self._stored_join()} WHERE {self._same_stay()} "
                f"AND t.{c['check_out']} IS NOT NULL AND s.check_out IS NOT NULL "
                f"AND t.{c['check_out']} <> s.check_out",
                [source],
            )
            for number, record_id in cursor.fetchall():
                errors.add(number, "check_out", _("该记录号已接收，但离场时间不同"), record_id)

    def drop_bad(self, bad: set[int]) -> None:
        """Rows refused by the set-based checks leave the staging table (--skip-invalid)."""
        if bad:
            with connection.cursor() as cursor:
                self.rows -= self._delete(cursor, sorted(bad))

    def days(self) -> list[dt.date]:
        """The local days of the staged check-ins (from the distinct hours, so a few values)."""
        zone = timezone.get_current_timezone()
        return sorted(
            {(_EPOCH + dt.timedelta(hours=hour)).astimezone(zone).date() for hour in self.hours}
        )

    def complete(self, source: str) -> list[int]:
        """Stored stays without check-out that a resent row now completes: one UPDATE."""
        c = self.c
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {self.table} AS t SET {c['check_out']} = s.check_out FROM {STAGE} s "
                f"WHERE t.{c['source']} = %s AND t.{c['source_record_id']} = s.record_id "
                f"AND {self._same_stay()} AND t.{c['check_out']} IS NULL "
                f"AND s.check_out IS NOT NULL RETURNING {c['id']}",
                [source],
            )
            return sorted(pk for (pk,) in cursor.fetchall())

    def forget_stored(self, source: str) -> int:
        """Drop the staged rows whose record id is stored (repeats, and completions already
        made): the insert then needs no anti-join against the table it writes, which the
        planner, seeing an empty table, may run as a scan of it per row."""
        c = self.c
        with connection.cursor() as cursor:
            cursor.execute(
                f"DELETE FROM {STAGE} WHERE EXISTS (SELECT 1 FROM {self.table} t "
                f"WHERE t.{c['source']} = %s AND t.{c['source_record_id']} = {STAGE}.record_id "
                f"AND t.{c['source_record_id']} IS NOT NULL)",
                [source],
            )
            gone = int(cursor.rowcount)
        self.rows -= gone
        return gone

    def insert(self, source: str, data_import: int, received_at: dt.datetime) -> int:
        """Every staged row (none stored yet: `forget_stored`): one INSERT … SELECT. ON
        CONFLICT DO NOTHING without a target works whether the unique key is (source, record
        id) or, on the partitioned table, (source, record id, check-in); a concurrent
        sender's row stored first is skipped there."""
        c = self.c
        names = ", ".join(
            c[n]
            for n in (
                "person",
                "venue",
                "check_in",
                "check_out",
                "source",
                "source_record_id",
                "data_import",
                "created_at",
            )
        )
        moment: Any = received_at
        if not self.postgres:
            moment = str(received_at.astimezone(dt.UTC).replace(tzinfo=None))
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {self.table} ({names}) SELECT s.person, s.venue, s.check_in, "
                f"s.check_out, %s, s.record_id, %s, %s FROM {STAGE} s WHERE true "
                # In the order of the venue-led indexes: their pages are then touched once
                # each instead of at random (a third faster into a table of a million rows).
                "ORDER BY s.venue, s.check_in ON CONFLICT DO NOTHING",
                [source, data_import, moment],
            )
            return int(cursor.rowcount)
