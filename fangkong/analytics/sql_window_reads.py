"""Reading from a live check-in table only what one pass of a trace can meet: the stays at
the venues its sources visited, within the pass's window (for engines that trace elsewhere,
e.g. Spark over the archive, and take the table's rows along)."""

from __future__ import annotations

import json
from collections.abc import Collection, Sequence
from typing import Any

import pyarrow as pa

from fangkong.analytics.sql_dialects import PostgresDialect, SqlDialect, fetch_all

STAYS_SCHEMA = pa.schema(
    [
        ("person", pa.string()),
        ("venue", pa.string()),
        ("check_in", pa.int64()),
        ("check_out", pa.int64()),
    ]
)


class WindowReader:
    """Reads a check-in table through a raw DB-API connection (sqlite3 or psycopg 3), within
    the caller's transaction, through the person and (venue, check-in) indexes."""

    def __init__(self, connection: Any, dialect: SqlDialect) -> None:
        self.connection = connection
        self.d = dialect
        if isinstance(dialect, PostgresDialect):
            dialect.learn_types(connection)

    def _in(self, column: str, name: str, values: Collection[str]) -> tuple[str, Any]:
        """`column IN values` on the column's index, for any number of values."""
        if isinstance(self.d, PostgresDialect):
            kind = self.d.person_type if column == self.d.t.person_id else self.d.venue_type
            return f'"{column}" = ANY({self.d.param(name)}::{kind}[])', list(values)
        # SQLite applies the column's affinity to json_each's texts: '12' meets 12.
        return f'"{column}" IN (SELECT value FROM json_each({self.d.param(name)}))', json.dumps(
            list(values)
        )

    def _window(self) -> str:
        t, p = self.d.t, self.d.param
        return (
            f'"{t.check_in}" < {p("high")} AND ("{t.check_out}" > {p("low")} '
            f'OR ("{t.check_out}" IS NULL AND "{t.check_in}" > {p("open_low")}))'
        )

    def _params(self, low: int, high: int | None, default_stay_us: int) -> dict[str, Any]:
        return {
            "low": self.d.timestamp(low),
            "high": self.d.timestamp(high),
            "open_low": self.d.timestamp(low - default_stay_us),
        }

    def venues_of(
        self, persons: Collection[str], low: int, high: int | None, default_stay_us: int
    ) -> set[str]:
        """Venues where the persons stayed within [low, high)."""
        if not persons:
            return set()
        t = self.d.t
        test, value = self._in(t.person_id, "persons", persons)
        venue = self.d.as_text(f'"{t.venue_id}"')
        sql = f'SELECT DISTINCT {venue} FROM "{t.table}" WHERE {test} AND {self._window()}'
        params = {"persons": value, **self._params(low, high, default_stay_us)}
        return {str(row[0]) for row in fetch_all(self.connection, sql, params)}

    def stays_at(
        self, venues: Collection[str], low: int, high: int | None, default_stay_us: int
    ) -> pa.Table:
        """Every stay at the venues that may overlap [low, high), as STAYS_SCHEMA."""
        if not venues:
            return STAYS_SCHEMA.empty_table()
        t = self.d.t
        test, value = self._in(t.venue_id, "venues", venues)
        person, venue = self.d.as_text(f'"{t.person_id}"'), self.d.as_text(f'"{t.venue_id}"')
        sql = (
            f"SELECT {person}, {venue}, {self.d.micros(t.check_in)}, "
            f'{self.d.micros(t.check_out)} FROM "{t.table}" WHERE {test} AND {self._window()}'
        )
        rows = fetch_all(
            self.connection, sql, {"venues": value, **self._params(low, high, default_stay_us)}
        )
        columns: list[Sequence[Any]] = [[], [], [], []]
        if rows:
            columns = list(zip(*rows, strict=True))
        return pa.table(
            [pa.array(column, type=field.type) for column, field in zip(
                columns, STAYS_SCHEMA, strict=True)],
            schema=STAYS_SCHEMA,
        )  # fmt: skip
