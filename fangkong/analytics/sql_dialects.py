"""The SQL text the relational engine sends, per dialect (SQLite, PostgreSQL).

The check-in table is searched through two indexes:
- (person_id, check_in): a person's stays (the platform declares it);
- (venue_id, stay class, check_in): who was at a venue around a time. The stay class buckets
  stays by length (no check-out, <= 2 h, <= 12 h, <= 3 days, longer) so that the earliest
  check-in worth reading is bounded by the longest stay *of that class*; one stay left open
  for weeks then costs a read of the few very long stays, not of weeks of the venue.
"""

from __future__ import annotations

import json
from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from fangkong.analytics.timestamps import MICROS_PER_SECOND, datetime_from_us

# Upper bound, in seconds, of the stays in classes 1, 2, 3; class 4 is unbounded and
# class 0 (no check-out) lasts default_stay.
STAY_CLASS_BOUNDS_S = (2 * 3600, 12 * 3600, 3 * 86400)
OPEN_STAY_CLASS = 0
UNBOUNDED_STAY_CLASS = len(STAY_CLASS_BOUNDS_S) + 1
# SQLite classifies with floating-point julian days; widen its bounds past their error.
_CLASS_SLACK_US = MICROS_PER_SECOND


@dataclass(frozen=True, slots=True)
class CheckinTable:
    """Where check-ins live; defaults are the platform's Django model `venues.CheckIn`."""

    table: str = "venues_checkin"
    person_id: str = "person_id"
    venue_id: str = "venue_id"
    check_in: str = "check_in"
    check_out: str = "check_out"

    def __post_init__(self) -> None:
        for name in (self.table, self.person_id, self.venue_id, self.check_in, self.check_out):
            if not name.replace("_", "").isalnum():
                raise ValueError(f"not a plain SQL identifier: {name!r}")


@dataclass(frozen=True, slots=True)
class Probe:
    """A clipped stay [start_us, end_us) at venue (as stored) of person via (as stored)."""

    venue: Any
    start_us: int
    end_us: int
    via: Any


def class_lower_bounds(
    probe_start_us: int, min_overlap_us: int, default_stay_us: int
) -> list[tuple[int, int | None]]:
    """(stay class, earliest check-in worth reading) for a probe starting at probe_start_us."""
    first_end = probe_start_us + min_overlap_us
    bounds: list[tuple[int, int | None]] = [(OPEN_STAY_CLASS, first_end - default_stay_us)]
    for stay_class, longest_s in enumerate(STAY_CLASS_BOUNDS_S, start=1):
        bounds.append((stay_class, first_end - longest_s * MICROS_PER_SECOND - _CLASS_SLACK_US))
    bounds.append((UNBOUNDED_STAY_CLASS, None))
    return bounds


class SqlDialect(ABC):
    name: str

    def __init__(self, table: CheckinTable) -> None:
        self.t = table

    @abstractmethod
    def param(self, name: str) -> str: ...

    @abstractmethod
    def micros(self, column: str) -> str:
        """SQL for a timestamp column as exact epoch microseconds."""

    @abstractmethod
    def stay_class(self, prefix: str = "") -> str:
        """SQL classifying a row by stay length; identical text in index and queries."""

    @abstractmethod
    def timestamp(self, value_us: int | None) -> Any:
        """A parameter comparable with the timestamp columns (None: the far future)."""

    @abstractmethod
    def probe_source(self, rows: Sequence[tuple[Any, ...]]) -> tuple[str, dict[str, Any]]:
        """FROM-clause text yielding p_venue, p_class, p_low, p_high, p_start, p_end, p_via."""

    @abstractmethod
    def contact_source(self, rows: Sequence[tuple[Any, Any]]) -> tuple[str, dict[str, Any]]:
        """FROM-clause text yielding k_person, k_high."""

    @abstractmethod
    def as_text(self, expression: str) -> str:
        """An id as text, ordered by code point (the contract's order of opaque ids)."""

    def bounded_low(self, value_us: int | None) -> Any:
        return self.timestamp(value_us) if value_us is not None else self.timestamp_floor()

    @abstractmethod
    def timestamp_floor(self) -> Any: ...

    def tracing_index_statements(self) -> list[str]:
        """The index the platform table needs beyond its (person_id, check_in) one."""
        t = self.t
        return [
            f'CREATE INDEX IF NOT EXISTS "{t.table}_trace_venue" ON "{t.table}" '
            f'("{t.venue_id}", ({self.stay_class()}), "{t.check_in}")'
        ]

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

    def exposures_sql(self, source: str) -> str:
        """Per exposed person the winning pair: earliest exposure, then via, then venue."""
        t = self.t
        start = self.micros(f"c.{t.check_in}")
        end = f"coalesce({self.micros(f'c.{t.check_out}')}, {start} + {self.param('stay')})"
        via, venue = self.as_text("via"), self.as_text("venue")
        return f"""
            WITH pair AS (
                SELECT c."{t.person_id}" AS person, c."{t.venue_id}" AS venue, p.p_via AS via,
                       {self.greatest(start, "p.p_start")} AS exposure,
                       {self.least(end, "p.p_end")} AS shared_end
                FROM {source} JOIN "{t.table}" AS c
                  ON c."{t.venue_id}" = p.p_venue AND {self.stay_class("c.")} = p.p_class
                 AND c."{t.check_in}" >= p.p_low AND c."{t.check_in}" <= p.p_high
            ), ranked AS (
                SELECT person, exposure, venue, via, row_number() OVER (
                    PARTITION BY person ORDER BY exposure, {via}, {venue}) AS rank
                FROM pair WHERE shared_end - exposure >= {self.param("overlap")}
            )
            SELECT person, {self.as_text("person")}, exposure, {venue}, {via}
            FROM ranked WHERE rank = 1"""

    def greatest(self, a: str, b: str) -> str:
        return f"greatest({a}, {b})"

    def least(self, a: str, b: str) -> str:
        return f"least({a}, {b})"


class SqliteDialect(SqlDialect):
    """Django stores datetimes in SQLite as UTC text `YYYY-MM-DD HH:MM:SS[.ffffff]`, which
    sorts like the instants it names, so index ranges compare text with text."""

    name = "sqlite"

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
            for i, bound in enumerate(STAY_CLASS_BOUNDS_S, start=1)
        )
        return f"CASE WHEN {end} IS NULL THEN 0 {whens} ELSE {UNBOUNDED_STAY_CLASS} END"

    def timestamp(self, value_us: int | None) -> str:
        if value_us is None:
            return "9999-12-31 23:59:59"
        moment = datetime_from_us(value_us, UTC).replace(tzinfo=None)
        return str(moment)  # Django's form: microseconds only when not zero

    def timestamp_floor(self) -> str:
        return "0000-01-01 00:00:00"

    def probe_source(self, rows: Sequence[tuple[Any, ...]]) -> tuple[str, dict[str, Any]]:
        columns = ("p_venue", "p_class", "p_low", "p_high", "p_start", "p_end", "p_via")
        fields = ", ".join(f"json_extract(value, '$[{i}]') AS {c}" for i, c in enumerate(columns))
        # CROSS JOIN makes SQLite keep the probes as the outer loop, so each probe becomes
        # an index range search instead of the planner scanning the check-in table.
        return (
            f"(SELECT {fields} FROM json_each(:probes)) AS p CROSS",
            {"probes": json.dumps(rows)},
        )

    def contact_source(self, rows: Sequence[tuple[Any, Any]]) -> tuple[str, dict[str, Any]]:
        return (
            "(SELECT json_extract(value, '$[0]') AS k_person, json_extract(value, '$[1]') "
            "AS k_high FROM json_each(:contacts)) AS k CROSS",
            {"contacts": json.dumps(rows)},
        )

    def as_text(self, expression: str) -> str:
        return f"CAST({expression} AS TEXT)"

    def greatest(self, a: str, b: str) -> str:
        return f"max({a}, {b})"

    def least(self, a: str, b: str) -> str:
        return f"min({a}, {b})"


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
            for i, bound in enumerate(STAY_CLASS_BOUNDS_S, start=1)
        )
        return f"CASE WHEN {end} IS NULL THEN 0 {whens} ELSE {UNBOUNDED_STAY_CLASS} END"

    def timestamp(self, value_us: int | None) -> datetime:
        if value_us is None:
            return datetime.max.replace(tzinfo=UTC) - timedelta(days=1)
        return datetime_from_us(value_us, UTC)

    def timestamp_floor(self) -> datetime:
        return datetime.min.replace(tzinfo=UTC) + timedelta(days=1)

    def probe_source(self, rows: Sequence[tuple[Any, ...]]) -> tuple[str, dict[str, Any]]:
        columns = list(zip(*rows, strict=True))
        names = ("pv", "pc", "pl", "ph", "ps", "pe", "pw")
        params = dict(zip(names, (list(c) for c in columns), strict=True))
        types = (
            *(self.venue_type, "int", "timestamptz", "timestamptz", "bigint", "bigint"),
            self.person_type,
        )
        args = ", ".join(f"%({n})s::{t}[]" for n, t in zip(names, types, strict=True))
        return (
            f"unnest({args}) AS p(p_venue, p_class, p_low, p_high, p_start, p_end, p_via)",
            params,
        )

    def contact_source(self, rows: Sequence[tuple[Any, Any]]) -> tuple[str, dict[str, Any]]:
        persons, highs = zip(*rows, strict=True)
        return (
            f"unnest(%(kp)s::{self.person_type}[], %(kh)s::timestamptz[]) AS k(k_person, k_high)",
            {"kp": list(persons), "kh": list(highs)},
        )

    def as_text(self, expression: str) -> str:
        return f'({expression})::text COLLATE "C"'
