"""The SQL text the relational engine sends, per dialect (SQLite, PostgreSQL).

The check-in table is searched through two indexes:
- (person_id, check_in): a person's stays (the platform declares it);
- the tracing index (venue_id, stay class, check_in) + check_out, person_id: who was at a
  venue around a time. The stay class buckets stays by length (see STAY_CLASS_BOUNDS_S), so
  that the earliest check-in worth reading is bounded by the longest stay *of that class*:
  a stay left open for weeks costs a read of the few very long stays, not of weeks of the
  venue. The trailing columns let the search answer from the index alone.

A candidate P qualifies against a probe stay [s, e) exactly when
  check_in <= e - m  and  end >= s + m  and  end - check_in >= m   (and e - s >= m),
which is min(end, e) - max(check_in, s) >= m taken apart; all but the length test compare a
column with a parameter, so they are cheap and exact.
"""

from __future__ import annotations

import json
from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import numpy as np

from fangkong.analytics.timestamps import MICROS_PER_SECOND, datetime_from_us

# Longest stay of classes 1..7 in seconds; class 0 is "no check-out" (lasts default_stay).
# The last class holds stays over 3 days and is searched back a century.
STAY_CLASS_BOUNDS_S = (
    30 * 60,
    60 * 60,
    2 * 3600,
    4 * 3600,
    12 * 3600,
    3 * 86400,
    100 * 365 * 86400,
)
OPEN_STAY_CLASS = 0
# SQLite classifies with floating-point julian days; widen its bounds past their error.
_CLASS_SLACK_US = MICROS_PER_SECOND


def fetch_all(connection: Any, sql: str, params: dict[str, Any]) -> list[tuple[Any, ...]]:
    """Every row of a read through a raw DB-API connection, its cursor closed."""
    cursor = connection.cursor()
    try:
        cursor.execute(sql, params)
        return list(cursor.fetchall())
    finally:
        cursor.close()


@dataclass(frozen=True, slots=True)
class CheckinTable:
    """Where check-ins live: a table and the columns every SQL text here names.

    The defaults name the tables analytics creates itself (for files, tests, the benchmark);
    the platform passes the names of its own table (`fangkong.venues.checkin_table`), which
    this package never spells, so that it stays free of Django and of the platform's schema.
    `revision` is read only by the change tracking of sql_change_tracking.
    """

    table: str = "checkin"
    person_id: str = "person_id"
    venue_id: str = "venue_id"
    check_in: str = "check_in"
    check_out: str = "check_out"
    key: str = "id"
    revision: str = "revision"

    def __post_init__(self) -> None:
        names = (
            self.table,
            self.person_id,
            self.venue_id,
            self.check_in,
            self.check_out,
            self.key,
            self.revision,
        )
        for name in names:
            if not name.replace("_", "").isalnum():
                raise ValueError(f"not a plain SQL identifier: {name!r}")


@dataclass(frozen=True, slots=True)
class Probe:
    """A clipped stay [start_us, end_us) at venue (as stored) of person via (as stored)."""

    venue: Any
    start_us: int
    end_us: int
    via: Any


def _classes_sql(stay_param: str) -> str:
    """(class, longest stay in µs) for every class; class 0 depends on default_stay."""
    rows = [f"SELECT 0 AS k_class, {stay_param} AS k_longest"] + [
        f"SELECT {i}, {bound * MICROS_PER_SECOND + _CLASS_SLACK_US}"
        for i, bound in enumerate(STAY_CLASS_BOUNDS_S, start=1)
    ]
    return f"({' UNION ALL '.join(rows)}) AS k"


class SqlDialect(ABC):
    name: str
    # Whether a trace with many probes (degree 2) reads candidate stays and matches them in
    # memory (sql_candidate_matching) rather than forming the pairs in SQL. Measured on the
    # benchmark city: SQLite's pair sort is the slow part (3.4 s -> 2.3 s for 180,000
    # secondary contacts); PostgreSQL sorts the pairs faster than Python receives the
    # candidates (1.4 s in SQL, 2.6 s in memory), so it keeps the pairs in the database.
    matches_in_memory: bool = False

    def __init__(self, table: CheckinTable) -> None:
        self.t = table

    @abstractmethod
    def param(self, name: str) -> str: ...

    @abstractmethod
    def micros(self, column: str) -> str:
        """SQL for a timestamp column (`alias.column` or `column`) as epoch microseconds."""

    @abstractmethod
    def stay_class(self, prefix: str = "") -> str:
        """CASE text classifying a row by stay length; identical in index and queries."""

    @abstractmethod
    def timestamp(self, value_us: int | None) -> Any:
        """A parameter comparable with the timestamp columns (None: the far future)."""

    @abstractmethod
    def exposures(
        self, probes: Sequence[Probe], overlap_us: int, stay_us: int
    ) -> tuple[str, dict[str, Any]]:
        """Query and parameters: per exposed person the winning qualifying pair."""

    @abstractmethod
    def contact_source(self, rows: Sequence[tuple[Any, Any]]) -> tuple[str, dict[str, Any]]:
        """FROM-clause text yielding k_person, k_high."""

    @abstractmethod
    def candidate_stays(
        self, ranges: Sequence[tuple[Any, int, int, int]]
    ) -> tuple[str, dict[str, Any]]:
        """Query and parameters: (person, venue, check_in_us, check_out_us|None) of every stay
        at a range's venue, of its stay class, checked in within [low_us, high_us]."""

    def _candidate_select(self, source: str) -> str:
        t = self.t
        return (
            f'SELECT c."{t.person_id}", c."{t.venue_id}", {self.micros("c." + t.check_in)}, '
            f'{self.micros("c." + t.check_out)} FROM {source} "{t.table}" AS c '
            f'WHERE c."{t.venue_id}" = r.r_venue AND {self.stay_class("c.")} = r.r_class '
            f'AND c."{t.check_in}" >= r.r_low AND c."{t.check_in}" <= r.r_high'
        )

    @abstractmethod
    def as_text(self, expression: str) -> str:
        """An id as text, ordered by code point (the contract's order of opaque ids)."""

    def tracing_index_statements(self) -> list[str]:
        """The index the platform table needs beyond its (person_id, check_in) one."""
        t = self.t
        return [
            f'CREATE INDEX IF NOT EXISTS "{t.table}_trace_venue" ON "{t.table}" '
            f'("{t.venue_id}", ({self.stay_class()}), "{t.check_in}"{self.covering()})'
        ]

    def covering(self) -> str:
        return f', "{self.t.check_out}", "{self.t.person_id}"'

    def person_index_statement(self) -> str:
        t = self.t
        return (
            f'CREATE INDEX IF NOT EXISTS "{t.table}_trace_person" ON "{t.table}" '
            f'("{t.person_id}", "{t.check_in}")'
        )

    def case_stays_sql(self) -> str:
        t = self.t
        return (
            f'SELECT "{t.person_id}", "{t.venue_id}", {self.micros(t.check_in)}, '
            f"{self.micros(t.check_out)} "
            f'FROM "{t.table}" WHERE "{t.person_id}" = {self.param("person")} '
            f'AND "{t.check_in}" < {self.param("high")}'
        )

    def contact_stays_sql(self, source: str) -> str:
        t = self.t
        return (
            f'SELECT c."{t.person_id}", c."{t.venue_id}", {self.micros("c." + t.check_in)}, '
            f'{self.micros("c." + t.check_out)} FROM {source} JOIN "{t.table}" AS c '
            f'ON c."{t.person_id}" = k.k_person AND c."{t.check_in}" < k.k_high'
        )

    def _ranked(self, pairs: str) -> str:
        via, venue, person = self.as_text("via"), self.as_text("venue"), self.as_text("person")
        return f"""
            WITH pair AS ({pairs}),
            ranked AS (
                SELECT person, exposure, venue, via, row_number() OVER (
                    PARTITION BY person ORDER BY exposure, {via}, {venue}) AS rank
                FROM pair
            )
            SELECT person, {person}, {self.micros("exposure")}, {venue}, {via}
            FROM ranked WHERE rank = 1 ORDER BY exposure, {person}"""


class SqliteDialect(SqlDialect):
    """Django stores datetimes in SQLite as UTC text `YYYY-MM-DD HH:MM:SS[.ffffff]`, which
    sorts like the instants it names, so every test compares text with text except the
    stay length, computed exactly in integers."""

    name = "sqlite"
    matches_in_memory = True

    def param(self, name: str) -> str:
        return f":{name}"

    def micros(self, column: str) -> str:
        column = ".".join(f'"{part}"' for part in column.split("."))
        return (
            f"(CAST(strftime('%s', {column}) AS INTEGER) * 1000000 + "
            f"CAST(substr(substr({column}, 21) || '000000', 1, 6) AS INTEGER))"
        )

    def stay_class(self, prefix: str = "") -> str:
        t = self.t
        start, end = f'{prefix}"{t.check_in}"', f'{prefix}"{t.check_out}"'
        length = f"julianday({end}) - julianday({start})"
        whens = " ".join(
            f"WHEN {length} <= {bound / 86400!r} THEN {i}"
            for i, bound in enumerate(STAY_CLASS_BOUNDS_S[:-1], start=1)
        )
        return f"CASE WHEN {end} IS NULL THEN 0 {whens} ELSE {len(STAY_CLASS_BOUNDS_S)} END"

    def timestamp(self, value_us: int | None) -> str:
        if value_us is None:
            return "9999-12-31 23:59:59"
        return str(datetime_from_us(value_us, UTC).replace(tzinfo=None))

    def texts(self, values_us: Sequence[int]) -> list[str]:
        """Many timestamps in Django's SQLite form at once (microseconds only when set)."""
        values = np.asarray(values_us, dtype=np.int64)
        seconds = np.datetime_as_string(values.astype("datetime64[us]"), unit="s")
        fraction = values % MICROS_PER_SECOND
        out = np.char.replace(seconds, "T", " ")
        if fraction.any():
            tails = np.where(fraction != 0, np.char.mod(".%06d", fraction), "")
            out = np.char.add(out, tails)
        texts: list[str] = out.tolist()
        return texts

    def exposures(
        self, probes: Sequence[Probe], overlap_us: int, stay_us: int
    ) -> tuple[str, dict[str, Any]]:
        t = self.t
        starts = [p.start_us for p in probes]
        ends = [p.end_us for p in probes]
        start_text = self.texts(starts)
        high = self.texts([e - overlap_us for e in ends])
        reach = self.texts([s + overlap_us for s in starts])
        reach_open = self.texts([s + overlap_us - stay_us for s in starts])
        rows = [
            (p.venue, p.start_us, s, h, r, o, p.via)
            for p, s, h, r, o in zip(probes, start_text, high, reach, reach_open, strict=True)
        ]
        fields = ("p_venue", "p_start_us", "p_start", "p_high", "p_reach", "p_reach_open", "p_via")
        columns = ", ".join(f"value ->> {i} AS {name}" for i, name in enumerate(fields))
        # Open stays qualify only when default_stay itself reaches min_overlap.
        open_ok = "1" if stay_us >= overlap_us else "0"
        pairs = f"""
            SELECT c."{t.person_id}" AS person, c."{t.venue_id}" AS venue, p.p_via AS via,
                   max(c."{t.check_in}", p.p_start) AS exposure
            FROM (SELECT {columns} FROM json_each(:probes)) AS p
            CROSS JOIN {_classes_sql(":stay")}
            CROSS JOIN "{t.table}" AS c
            WHERE c."{t.venue_id}" = p.p_venue AND {self.stay_class("c.")} = k.k_class
              AND c."{t.check_in}" >= datetime(
                    (p.p_start_us + :overlap - k.k_longest) / 1000000 - 1, 'unixepoch')
              AND c."{t.check_in}" <= p.p_high
              AND CASE WHEN c."{t.check_out}" IS NULL
                       THEN {open_ok} AND c."{t.check_in}" >= p.p_reach_open
                       ELSE c."{t.check_out}" >= p.p_reach
                        AND {self.micros("c." + t.check_out)} - {self.micros("c." + t.check_in)}
                            >= :overlap
                  END"""
        # CROSS JOIN keeps SQLite's loops in that order: each probe and class becomes one
        # index range search instead of the planner scanning the check-in table.
        return self._ranked(pairs), {
            "probes": json.dumps(rows),
            "overlap": overlap_us,
            "stay": stay_us,
        }

    def contact_source(self, rows: Sequence[tuple[Any, Any]]) -> tuple[str, dict[str, Any]]:
        return (
            "(SELECT value ->> 0 AS k_person, value ->> 1 AS k_high "
            "FROM json_each(:contacts)) AS k CROSS",
            {"contacts": json.dumps(rows)},
        )

    def candidate_stays(
        self, ranges: Sequence[tuple[Any, int, int, int]]
    ) -> tuple[str, dict[str, Any]]:
        lows = self.texts([r[2] for r in ranges])
        highs = self.texts([r[3] for r in ranges])
        rows = [(r[0], r[1], low, high) for r, low, high in zip(ranges, lows, highs, strict=True)]
        # CROSS JOIN keeps the ranges outermost: each is one search of the tracing index.
        source = (
            "(SELECT value ->> 0 AS r_venue, value ->> 1 AS r_class, value ->> 2 AS r_low, "
            "value ->> 3 AS r_high FROM json_each(:ranges)) AS r CROSS JOIN"
        )
        return self._candidate_select(source), {"ranges": json.dumps(rows)}

    def as_text(self, expression: str) -> str:
        return f"CAST({expression} AS TEXT)"


class PostgresDialect(SqlDialect):
    """timestamptz columns; parameters are aware datetimes and arrays (psycopg 3)."""

    name = "postgresql"
    # SQL types of the id columns, read from the catalogue (ids may be bigint or text).
    person_type = "text"
    venue_type = "text"

    def learn_types(self, connection: Any) -> None:
        t = self.t
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT attname, format_type(atttypid, atttypmod) FROM pg_attribute "
                "WHERE attrelid = %s::regclass AND attname IN (%s, %s)",
                (f'"{t.table}"', t.person_id, t.venue_id),
            )
            types = dict(cursor.fetchall())
        self.person_type = types.get(t.person_id, "text")
        self.venue_type = types.get(t.venue_id, "text")

    def param(self, name: str) -> str:
        return f"%({name})s"

    def micros(self, column: str) -> str:
        column = ".".join(f'"{part}"' for part in column.split("."))
        return f"(extract(epoch FROM {column}) * 1000000)::bigint"

    def stay_class(self, prefix: str = "") -> str:
        t = self.t
        start, end = f'{prefix}"{t.check_in}"', f'{prefix}"{t.check_out}"'
        whens = " ".join(
            f"WHEN {end} - {start} <= interval '{bound} seconds' THEN {i}"
            for i, bound in enumerate(STAY_CLASS_BOUNDS_S[:-1], start=1)
        )
        return f"CASE WHEN {end} IS NULL THEN 0 {whens} ELSE {len(STAY_CLASS_BOUNDS_S)} END"

    def covering(self) -> str:
        return f') INCLUDE ("{self.t.check_out}", "{self.t.person_id}"'

    def timestamp(self, value_us: int | None) -> datetime:
        if value_us is None:
            return datetime(9999, 12, 31, tzinfo=UTC)
        return datetime_from_us(value_us, UTC)

    def exposures(
        self, probes: Sequence[Probe], overlap_us: int, stay_us: int
    ) -> tuple[str, dict[str, Any]]:
        t = self.t
        micro = "interval '1 microsecond'"
        pairs = f"""
            SELECT c."{t.person_id}" AS person, c."{t.venue_id}" AS venue, p.p_via AS via,
                   greatest(c."{t.check_in}", p.p_start) AS exposure
            FROM (
                SELECT p_venue, p_start, p_end, p_via, k_class,
                       p_start + (%(overlap)s - k_longest) * {micro} AS p_low
                FROM unnest(%(pv)s::{self.venue_type}[], %(ps)s::timestamptz[],
                            %(pe)s::timestamptz[], %(pw)s::{self.person_type}[])
                       AS p(p_venue, p_start, p_end, p_via)
                CROSS JOIN {_classes_sql("%(stay)s::bigint")}
                OFFSET 0  -- a fence: every probe and class is one index range search
            ) AS p
            JOIN "{t.table}" AS c
              ON c."{t.venue_id}" = p.p_venue AND {self.stay_class("c.")} = p.k_class
             AND c."{t.check_in}" >= p.p_low
             AND c."{t.check_in}" <= p.p_end - %(overlap)s * {micro}
            WHERE CASE WHEN c."{t.check_out}" IS NULL
                       THEN %(stay)s >= %(overlap)s
                        AND c."{t.check_in}" >= p.p_start + (%(overlap)s - %(stay)s) * {micro}
                       ELSE c."{t.check_out}" >= p.p_start + %(overlap)s * {micro}
                        AND c."{t.check_out}" - c."{t.check_in}" >= %(overlap)s * {micro}
                  END"""
        return self._ranked(pairs), {
            "pv": [p.venue for p in probes],
            "ps": [self.timestamp(p.start_us) for p in probes],
            "pe": [self.timestamp(p.end_us) for p in probes],
            "pw": [p.via for p in probes],
            "overlap": overlap_us,
            "stay": stay_us,
        }

    def contact_source(self, rows: Sequence[tuple[Any, Any]]) -> tuple[str, dict[str, Any]]:
        persons, highs = zip(*rows, strict=True)
        return (
            f"unnest(%(kp)s::{self.person_type}[], %(kh)s::timestamptz[]) AS k(k_person, k_high)",
            {"kp": list(persons), "kh": list(highs)},
        )

    def candidate_stays(
        self, ranges: Sequence[tuple[Any, int, int, int]]
    ) -> tuple[str, dict[str, Any]]:
        source = (
            f"(SELECT * FROM unnest(%(rv)s::{self.venue_type}[], %(rk)s::int[], "
            "%(rl)s::timestamptz[], %(rh)s::timestamptz[]) AS r(r_venue, r_class, r_low, r_high) "
            "OFFSET 0) AS r CROSS JOIN"  # a fence: every range is one index range search
        )
        return self._candidate_select(source), {
            "rv": [r[0] for r in ranges],
            "rk": [r[1] for r in ranges],
            "rl": [self.timestamp(r[2]) for r in ranges],
            "rh": [self.timestamp(r[3]) for r in ranges],
        }

    def as_text(self, expression: str) -> str:
        return f'({expression})::text COLLATE "C"'

    def _ranked(self, pairs: str) -> str:
        # DISTINCT ON keeps the first row per person in one sort; measurably cheaper here
        # than a window function and a filter.
        via, venue = self.as_text("via"), self.as_text("venue")
        return f"""
            WITH pair AS ({pairs})
            SELECT * FROM (
                SELECT DISTINCT ON (person) person, {self.as_text("person")} AS person_text,
                       {self.micros("exposure")} AS exposure_us, {venue}, {via}
                FROM pair ORDER BY person, exposure, {via}, {venue}
            ) AS ranked
            ORDER BY exposure_us, person_text"""
