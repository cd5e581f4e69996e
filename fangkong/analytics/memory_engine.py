"""Tracing over a copy of the platform's check-in table held in memory, caught up with the
table before every trace.

The SQL engine reads a trace's stays from the database each time; for an outbreak's second
degree that is hundreds of thousands of candidate stays, and reading them costs more than
matching them (see bench/README.md). This engine reads the whole table once into the
sorted arrays the DuckDB engine uses (stay_index.py) and afterwards reads only what changed
(sql_change_tracking.py): changed and new rows go to a small second index, the rows they
replace are retired in the big one, and once the changes outgrow `compact_at` of the copy
both are merged into a new one. A trace is then a lookup in memory, whatever its size.

It sees committed check-ins only: it reads through a connection of its own, so a caller's
uncommitted rows (and a rolled-back import) never enter the shared copy.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Iterator
from datetime import tzinfo
from typing import Any

import numpy as np

from fangkong.analytics.coded_trace import trace_coded
from fangkong.analytics.memory_copy import (
    Codes,
    CopyIndex,
    Stays,
    stays_from_packed,
    unique_ids,
)
from fangkong.analytics.sql_change_tracking import (
    PRUNED_BELOW_KEY,
    changed_where,
    removed_table,
    removed_where,
    watermark_sql,
)
from fangkong.analytics.sql_dialects import CheckinTable, SqlDialect
from fangkong.analytics.sql_engine import DIALECTS, detect_dialect
from fangkong.analytics.stay_index import Exposures, Probes, StayIndex, first_exposures
from fangkong.analytics.timestamps import DEFAULT_ZONE, zone_named
from fangkong.analytics.tracing import (
    CaseQuery,
    ControlTimes,
    TraceResult,
    TracingParams,
)

_CHUNK = 200_000
Fetch = Callable[[str, dict[str, Any]], Iterator[list[tuple[Any, ...]]]]
_PACKED_RANGE = 500_000  # keys per query: a bytea of at most ~20 MB


class MemoryEngine:
    """Contact tracing over a check-in table copied into memory once and caught up before each
    trace. `connection` (sqlite3 or psycopg 3) must be the engine's own: it opens and ends
    its own read transactions on it. The table needs the change tracking of
    sql_change_tracking (column `revision`, its triggers and the removals table)."""

    name = "memory"

    def __init__(
        self,
        connection: Any,
        *,
        dialect: str | None = None,
        table: CheckinTable | None = None,
        zone: tzinfo | None = None,
        compact_at: float = 0.05,
    ) -> None:
        self.connection = connection
        self.dialect_name = dialect or detect_dialect(connection)
        self.t = table or CheckinTable()
        self.dialect: SqlDialect = DIALECTS[self.dialect_name](self.t)
        self.zone = zone if zone is not None else zone_named(DEFAULT_ZONE)
        self.compact_at = compact_at
        self._lock = threading.Lock()
        # Changed rows since the last build, by key: (person, venue, start, end, has_end).
        self._changes: dict[int, tuple[int, int, int, int, bool]] = {}
        self._late: CopyIndex | None = None
        self._text_times = self.dialect_name == "sqlite"
        self._load()

    def _load(self) -> None:
        """The whole table, read afresh: at start, and when removals it missed were pruned."""
        with self._read() as fetch:
            stays = self._packed(fetch) if self._fixed_width() else self._stays(fetch, "", {})
            self._watermark = self._read_watermark(fetch)
        self._changes = {}
        self._late = None
        self._build(stays)

    # ------------------------------------------------------------------ reading the table

    def _select(self, where: str) -> str:
        t, d = self.t, self.dialect
        if self._text_times:
            times = f'"{t.check_in}", "{t.check_out}"'
        else:
            times = f"{d.micros(t.check_in)}, {d.micros(t.check_out)}"
        return (
            f'SELECT "{t.key}", "{t.person_id}", "{t.venue_id}", {times} FROM "{t.table}" {where}'
        )

    def _stays(self, fetch: Fetch, where: str, params: dict[str, Any]) -> Stays:
        return Stays.concatenate(
            [
                Stays.from_rows(chunk, text_times=self._text_times)
                for chunk in fetch(self._select(where), params)
            ]
        )

    def _fixed_width(self) -> bool:
        """PostgreSQL with bigint key and ids: the load can read rows packed (PACKED_ROW)."""
        if self.dialect_name != "postgresql":
            return False
        t = self.t
        cursor = self.connection.cursor()
        try:
            cursor.execute(
                "SELECT count(*) FROM pg_attribute WHERE attrelid = %s::regclass "
                "AND attname IN (%s, %s, %s) AND atttypid = 'bigint'::regtype",
                (f'"{t.table}"', t.key, t.person_id, t.venue_id),
            )
            return bool(cursor.fetchone()[0] == 3)
        finally:
            cursor.close()

    def _packed(self, fetch: Fetch) -> Stays:
        t = self.t
        (low, high), *_ = next(
            iter(fetch(f'SELECT min("{t.key}"), max("{t.key}") FROM "{t.table}"', {}))
        )
        if low is None:
            return Stays.from_rows([], text_times=False)
        packed = (
            f'SELECT string_agg(int8send("{t.key}") || int8send("{t.person_id}") || '
            f'int8send("{t.venue_id}") || timestamptz_send("{t.check_in}") || '
            f'timestamptz_send(coalesce("{t.check_out}", "{t.check_in}")) || '
            f"""boolsend("{t.check_out}" IS NOT NULL), ''::bytea) FROM "{t.table}" """
            f'WHERE "{t.key}" >= %(low)s AND "{t.key}" < %(high)s'
        )
        blocks = []
        for first in range(int(low), int(high) + 1, _PACKED_RANGE):
            (block,), *_ = next(iter(fetch(packed, {"low": first, "high": first + _PACKED_RANGE})))
            if block is not None:
                blocks.append(bytes(block))
        return stays_from_packed(blocks)

    @contextlib.contextmanager
    def _read(self) -> Iterator[Fetch]:
        """One read transaction: every query in it sees the same committed state."""
        connection = self.connection
        if self.dialect_name == "postgresql":
            import psycopg

            connection.rollback()
            # In autocommit each query would see its own moment, and a commit between the
            # change read and the watermark read would be skipped for good.
            connection.autocommit = False
            connection.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
        else:
            if connection.in_transaction:
                connection.rollback()
            connection.execute("BEGIN")

        def fetch(sql: str, params: dict[str, Any]) -> Iterator[list[tuple[Any, ...]]]:
            cursor = connection.cursor()
            try:
                cursor.execute(sql, params)
                while chunk := cursor.fetchmany(_CHUNK):
                    yield chunk
            finally:
                cursor.close()

        try:
            yield fetch
        finally:
            connection.rollback()  # read-only: ending it either way is the same

    def _read_watermark(self, fetch: Fetch) -> dict[str, int]:
        sql, names = watermark_sql(self.dialect_name, self.t)
        (values, *_), *_ = fetch(sql, {})
        return {name: int(value) for name, value in zip(names, values, strict=True)}

    def _catch_up(self) -> None:
        with self._read() as fetch:
            changed = Stays.concatenate(
                [
                    self._stays(fetch, where, self._watermark)
                    for where in changed_where(self.dialect_name, self.t)
                ]
            )
            removed = [
                row[0]
                for chunk in fetch(
                    f'SELECT "{self.t.key}" FROM "{removed_table(self.t)}" '
                    + removed_where(self.dialect_name, self.t),
                    self._watermark,
                )
                for row in chunk
            ]
            watermark = self._read_watermark(fetch)
        if PRUNED_BELOW_KEY in removed:
            self._load()  # removals older than the watermark were forgotten: start again
            return
        removed = [key for key in removed if key > 0]  # NEXT_PRUNE_KEY is no removal
        if len(changed.key) or removed:
            self._apply(changed, removed)
        self._watermark = watermark

    def _apply(self, changed: Stays, removed: list[int]) -> None:
        persons = [self._persons.code(raw) for raw in changed.person.tolist()]
        venues = [self._venues.code(raw) for raw in changed.venue.tolist()]
        for key, person, venue, start, end, has_end in zip(
            changed.key.tolist(),
            persons,
            venues,
            changed.start.tolist(),
            changed.end.tolist(),
            changed.has_end.tolist(),
            strict=True,
        ):
            self._changes[key] = (person, venue, start, end, has_end)
        for key in removed:
            self._changes.pop(int(key), None)
        touched = np.concatenate((changed.key, np.array(removed, dtype=np.int64)))
        self._base.retire(touched)
        if len(self._changes) > self.compact_at * max(len(self._base), 1):
            self._compact()
        else:
            self._late = self._late_index()

    # ------------------------------------------------------------------ the copy

    def _build(self, stays: Stays) -> None:
        """Codes in id order and the sorted index, from stays with ids as stored."""
        persons, person_of_row = unique_ids(stays.person)
        venues, venue_of_row = unique_ids(stays.venue)
        self._persons, self._venues = Codes(persons), Codes(venues)
        coded = Stays(
            [
                stays.key,
                self._persons.rank_of_unique[person_of_row],
                self._venues.rank_of_unique[venue_of_row],
                stays.start,
                stays.end,
                stays.has_end,
            ]
        )
        self._base = CopyIndex(coded, len(self._persons), len(self._venues))
        self._changes = {}
        self._late = None

    def _late_index(self) -> CopyIndex | None:
        if not self._changes:
            return None
        keys = np.fromiter(self._changes, dtype=np.int64, count=len(self._changes))
        person, venue, start, end, has_end = zip(*self._changes.values(), strict=True)
        stays = Stays(
            [
                keys,
                np.array(person, dtype=np.int64),
                np.array(venue, dtype=np.int64),
                np.array(start, dtype=np.int64),
                np.array(end, dtype=np.int64),
                np.array(has_end, dtype=bool),
            ]
        )
        return CopyIndex(stays, len(self._persons), len(self._venues))

    def _compact(self) -> None:
        """The copy and its changes merged into one index, codes again in id order."""
        parts = [index.stays() for index in (self._base, self._late_index()) if index is not None]
        coded = Stays.concatenate(parts)
        persons, venues = self._persons.raw_array(), self._venues.raw_array()
        self._build(
            Stays(
                [
                    coded.key,
                    persons[coded.person],
                    venues[coded.venue],
                    coded.start,
                    coded.end,
                    coded.has_end,
                ]
            )
        )

    def __len__(self) -> int:
        """Stays in the copy as of the last catch-up."""
        return int(self._base.alive().sum()) + len(self._changes)

    # ------------------------------------------------------------------ tracing

    def trace(
        self,
        case: CaseQuery,
        params: TracingParams,
        *,
        control_times: ControlTimes | None = None,
    ) -> TraceResult:
        with self._lock:
            self._catch_up()
            return self._trace(case, params, control_times)

    def _indexes(self) -> list[StayIndex]:
        return [i.index for i in (self._base, self._late) if i is not None]

    def _stays_of(
        self, persons: np.ndarray, low: np.ndarray, high: np.ndarray, params: TracingParams
    ) -> Probes:
        found = [
            index.stays_of(persons, low, high, params.default_stay_us, params.min_overlap_us)
            for index in self._indexes()
        ]
        return Probes(
            *(np.concatenate([getattr(p, name) for p in found]) for name in Probes.__slots__)
        )

    def _exposures(self, probes: Probes, excluded: np.ndarray, params: TracingParams) -> Exposures:
        pairs = [
            index.pairs(probes, params.default_stay_us, params.min_overlap_us)
            for index in self._indexes()
        ]
        return first_exposures(
            pairs,
            excluded,
            len(self._persons),
            person_key=self._persons.keys(),
            venue_key=self._venues.keys(),
        )

    def _trace(
        self, case: CaseQuery, params: TracingParams, control_times: ControlTimes | None
    ) -> TraceResult:
        return trace_coded(
            case=case,
            params=params,
            zone=self.zone,
            control_times=control_times,
            case_code=self._persons.code_of.get(case.case_id),
            stays_of=lambda persons, low, high: self._stays_of(persons, low, high, params),
            exposures_of=lambda probes, excluded: self._exposures(probes, excluded, params),
            person_ids=self._persons.text,
            venue_ids=self._venues.text,
            person_key=self._persons.keys(),
        )
