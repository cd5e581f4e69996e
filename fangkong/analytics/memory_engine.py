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

from fangkong.analytics.sql_change_tracking import (
    changed_where,
    removed_table,
    removed_where,
    watermark_sql,
)
from fangkong.analytics.sql_dialects import CheckinTable, SqlDialect
from fangkong.analytics.sql_engine import DIALECTS, detect_dialect
from fangkong.analytics.stay_index import (
    NO_END,
    Exposures,
    Probes,
    StayIndex,
    first_exposures,
    venue_time_order,
)
from fangkong.analytics.timestamps import DEFAULT_ZONE, zone_named
from fangkong.analytics.tracing import (
    CaseQuery,
    ControlTimes,
    TraceResult,
    TracingParams,
    control_times_us,
)

# Room in the key space between two ids of the last build for ids first seen after it.
_GAP = 1 << 32
_CHUNK = 200_000
Fetch = Callable[[str, dict[str, Any]], Iterator[list[tuple[Any, ...]]]]


class _Codes:
    """Dense codes for ids as stored. Codes of a build follow the ids' text order (the
    contract's order of opaque ids); ids first seen later take the next codes, and `keys()`
    ranks every code in text order by slotting late ids between their neighbours."""

    def __init__(self, unique_raw: np.ndarray) -> None:
        texts = unique_raw.astype(str)
        order = np.argsort(texts, kind="stable")
        self._ordered = texts[order]
        self.raw: list[Any] = unique_raw[order].tolist()
        self.text: list[str] = self._ordered.tolist()
        self.code_of = {text: code for code, text in enumerate(self.text)}
        self.rank_of_unique = np.empty(len(order), dtype=np.int64)
        self.rank_of_unique[order] = np.arange(len(order), dtype=np.int64)
        self._key = np.arange(len(self.text), dtype=np.int64) * _GAP

    def __len__(self) -> int:
        return len(self.text)

    def code(self, raw: Any) -> int:
        text = str(raw)
        code = self.code_of.get(text)
        if code is None:
            code = self.code_of[text] = len(self.text)
            self.text.append(text)
            self.raw.append(raw)
        return code

    def keys(self) -> np.ndarray:
        built = len(self._ordered)
        if len(self._key) < len(self.text):
            late = np.array(self.text[built:], dtype=str)
            order = np.argsort(late, kind="stable")
            gap = np.searchsorted(self._ordered, late[order])
            rank_in_gap = np.arange(len(gap)) - np.searchsorted(gap, gap, "left")
            late_key = np.empty(len(late), dtype=np.int64)
            late_key[order] = (gap - 1) * _GAP + 1 + rank_in_gap
            self._key = np.concatenate((self._key[:built], late_key))
        return self._key

    def raw_array(self) -> np.ndarray:
        kinds = {type(value) for value in self.raw}
        return np.array(self.raw, dtype=np.int64 if kinds == {int} else object)


class _Stays:
    """Columns of stays: key, person and venue (codes or ids as stored), times in µs."""

    def __init__(self, columns: list[np.ndarray]) -> None:
        self.key, self.person, self.venue, self.start, self.end, self.has_end = columns

    @classmethod
    def from_rows(cls, rows: list[tuple[Any, ...]], *, text_times: bool) -> _Stays:
        """Rows of (key, person, venue, check_in, check_out|None): times as epoch µs, or
        (text_times) as SQLite holds them for Django, UTC text parsed here by NumPy, which
        is many times faster than converting them in SQL."""
        if not rows:
            empty = np.empty(0, dtype=np.int64)
            return cls([empty, empty, empty, empty, empty, np.empty(0, dtype=bool)])
        key, person, venue, check_in, check_out = zip(*rows, strict=True)
        if text_times:
            start = np.array(check_in, dtype="datetime64[us]").astype(np.int64)
            out = np.array(check_out, dtype="datetime64[us]")
            has_end = ~np.isnat(out)
            end = np.where(has_end, out.astype(np.int64), start)
        else:
            start = np.array(check_in, dtype=np.int64)
            has_end = np.array([value is not None for value in check_out], dtype=bool)
            end = np.array(
                [s if e is None else e for s, e in zip(check_in, check_out, strict=True)],
                dtype=np.int64,
            )
        return cls([np.array(key, dtype=np.int64), _ids(person), _ids(venue), start, end, has_end])

    @classmethod
    def concatenate(cls, parts: list[_Stays]) -> _Stays:
        if not parts:
            return cls.from_rows([], text_times=False)
        return cls(
            [
                np.concatenate([getattr(part, name) for part in parts])
                for name in ("key", "person", "venue", "start", "end", "has_end")
            ]
        )


# PostgreSQL packs each row into 41 bytes (bigint key, person, venue; timestamptz check-in
# and end as microseconds since 2000-01-01 UTC; has check-out) and string_agg joins a key
# range of rows into one bytea, which NumPy reads as it is: Python touches a few values, not
# five million rows (a row-by-row COPY spent 17 s of a 20 s load in Python).
_PACKED_ROW = np.dtype(
    [
        ("key", ">i8"),
        ("person", ">i8"),
        ("venue", ">i8"),
        ("start", ">i8"),
        ("end", ">i8"),
        ("has_end", "u1"),
    ]
)
_PACKED_RANGE = 500_000  # keys per query: a bytea of at most ~20 MB
_POSTGRES_EPOCH_US = 946_684_800 * 1_000_000


def _stays_from_packed(blocks: list[bytes]) -> _Stays:
    rows = np.frombuffer(b"".join(blocks), dtype=_PACKED_ROW)
    return _Stays(
        [
            rows["key"].astype(np.int64),
            rows["person"].astype(np.int64),
            rows["venue"].astype(np.int64),
            rows["start"].astype(np.int64) + _POSTGRES_EPOCH_US,
            rows["end"].astype(np.int64) + _POSTGRES_EPOCH_US,
            rows["has_end"].astype(bool),
        ]
    )


def _unique(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """np.unique(values, return_inverse=True); for the platform's dense integer keys by a
    table of present ids instead of a sort of millions of rows."""
    if values.dtype == np.int64 and len(values):
        low, high = int(values.min()), int(values.max())
        if low >= 0 and high < 4 * len(values) + 1024:
            present = np.zeros(high + 1, dtype=bool)
            present[values] = True
            rank = np.cumsum(present) - 1
            return np.flatnonzero(present), rank[values]
    unique, inverse = np.unique(values, return_inverse=True)
    return unique, inverse.reshape(-1)


def _ids(values: tuple[Any, ...]) -> np.ndarray:
    # A column holds one type; integer ids become an integer array, any other stays as is.
    if values and type(values[0]) is int:
        return np.fromiter(values, dtype=np.int64, count=len(values))
    return np.array(values, dtype=object)


class _Index:
    """Stays coded and sorted into a StayIndex, with a way from a row key to its position."""

    def __init__(self, stays: _Stays, n_persons: int, n_venues: int) -> None:
        order = venue_time_order(stays.venue, stays.start)
        # Only the keys are kept beside the index: its own arrays give the rest back
        # (`stays()`), which saves a third of the memory of a city's copy.
        self.key = stays.key[order]
        self.index = StayIndex(
            person=stays.person[order],
            venue=stays.venue[order],
            start=stays.start[order],
            end=stays.end[order],
            has_end=stays.has_end[order],
            n_persons=n_persons,
            n_venues=n_venues,
        )
        # Keys arrive mostly in order (by range from the table): a stable sort finds the runs.
        self._by_key = np.argsort(self.key, kind="stable")
        self._sorted_keys = self.key[self._by_key]

    def stays(self) -> _Stays:
        """The rows still alive, with codes."""
        row, person, venue, start, end, has_end = self.index.rows()
        keep = self.alive()[row]
        return _Stays(
            [self.key[row][keep], person[keep], venue[keep], start[keep], end[keep], has_end[keep]]
        )

    def __len__(self) -> int:
        return len(self.key)

    def retire(self, keys: np.ndarray) -> None:
        where = np.searchsorted(self._sorted_keys, keys)
        found = where < len(self._sorted_keys)
        found[found] &= self._sorted_keys[where[found]] == keys[found]
        if found.any():
            self.index.retire(self._by_key[where[found]])

    def alive(self) -> np.ndarray:
        return np.ones(len(self), dtype=bool) if self.index.alive is None else self.index.alive


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
        self._late: _Index | None = None
        self._text_times = self.dialect_name == "sqlite"
        with self._read() as fetch:
            stays = self._packed(fetch) if self._fixed_width() else self._stays(fetch, "", {})
            self._watermark = self._read_watermark(fetch)
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

    def _stays(self, fetch: Fetch, where: str, params: dict[str, Any]) -> _Stays:
        return _Stays.concatenate(
            [
                _Stays.from_rows(chunk, text_times=self._text_times)
                for chunk in fetch(self._select(where), params)
            ]
        )

    def _fixed_width(self) -> bool:
        """PostgreSQL with bigint key and ids: the load can read rows packed (_PACKED_ROW)."""
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

    def _packed(self, fetch: Fetch) -> _Stays:
        t = self.t
        (low, high), *_ = next(
            iter(fetch(f'SELECT min("{t.key}"), max("{t.key}") FROM "{t.table}"', {}))
        )
        if low is None:
            return _Stays.from_rows([], text_times=False)
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
        return _stays_from_packed(blocks)

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
            changed = _Stays.concatenate(
                [
                    self._stays(fetch, where, self._watermark)
                    for where in changed_where(self.dialect_name, self.t)
                ]
            )
            removed = [
                row[0]
                for chunk in fetch(
                    f'SELECT "{self.t.key}" FROM "{removed_table(self.t)}" '
                    + removed_where(self.dialect_name),
                    self._watermark,
                )
                for row in chunk
            ]
            watermark = self._read_watermark(fetch)
        if len(changed.key) or removed:
            self._apply(changed, removed)
        self._watermark = watermark

    def _apply(self, changed: _Stays, removed: list[int]) -> None:
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

    def _build(self, stays: _Stays) -> None:
        """Codes in id order and the sorted index, from stays with ids as stored."""
        persons, person_of_row = _unique(stays.person)
        venues, venue_of_row = _unique(stays.venue)
        self._persons, self._venues = _Codes(persons), _Codes(venues)
        coded = _Stays(
            [
                stays.key,
                self._persons.rank_of_unique[person_of_row],
                self._venues.rank_of_unique[venue_of_row],
                stays.start,
                stays.end,
                stays.has_end,
            ]
        )
        self._base = _Index(coded, len(self._persons), len(self._venues))
        self._changes = {}
        self._late = None

    def _late_index(self) -> _Index | None:
        if not self._changes:
            return None
        keys = np.fromiter(self._changes, dtype=np.int64, count=len(self._changes))
        person, venue, start, end, has_end = zip(*self._changes.values(), strict=True)
        stays = _Stays(
            [
                keys,
                np.array(person, dtype=np.int64),
                np.array(venue, dtype=np.int64),
                np.array(start, dtype=np.int64),
                np.array(end, dtype=np.int64),
                np.array(has_end, dtype=bool),
            ]
        )
        return _Index(stays, len(self._persons), len(self._venues))

    def _compact(self) -> None:
        """The copy and its changes merged into one index, codes again in id order."""
        parts = [index.stays() for index in (self._base, self._late_index()) if index is not None]
        coded = _Stays.concatenate(parts)
        persons, venues = self._persons.raw_array(), self._venues.raw_array()
        self._build(
            _Stays(
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
        code = self._persons.code_of.get(case.case_id)
        if code is None:
            return TraceResult.from_unsorted(case.case_id, self.zone, [])
        window_start, window_end = case.window_us(params, self.zone)
        case_code = np.array([code], dtype=np.int64)
        probes = self._stays_of(
            case_code,
            np.array([window_start], dtype=np.int64),
            np.array([NO_END if window_end is None else window_end], dtype=np.int64),
            params,
        )
        close = self._exposures(probes, case_code, params)
        columns = [(close, 1)]
        if params.degree == 2 and len(close.person):
            controls = control_times_us(control_times, self.zone)
            text = self._persons.text
            ends = np.array(
                [controls.get(text[c], NO_END) for c in close.person.tolist()], dtype=np.int64
            )
            probes = self._stays_of(close.person, close.exposure, ends, params)
            excluded = np.concatenate((case_code, close.person))
            columns.append((self._exposures(probes, excluded, params), 2))
        return self._result(case.case_id, columns)

    def _result(self, case_id: str, columns: list[tuple[Exposures, int]]) -> TraceResult:
        person = np.concatenate([found.person for found, _ in columns])
        degree = np.concatenate(
            [np.full(len(found.person), degree, dtype=np.int8) for found, degree in columns]
        )
        exposure = np.concatenate([found.exposure for found, _ in columns])
        venue = np.concatenate([found.venue for found, _ in columns])
        via = np.concatenate([found.via for found, _ in columns])
        order = np.lexsort((self._persons.keys()[person], exposure, degree))
        persons, venues = self._persons.text, self._venues.text
        return TraceResult(
            case_id=case_id,
            zone=self.zone,
            person_ids=[persons[p] for p in person[order].tolist()],
            degrees=degree[order],
            exposures_us=exposure[order],
            venue_ids=[venues[v] for v in venue[order].tolist()],
            vias=[persons[v] for v in via[order].tolist()],
        )
