"""Check-in tables for the memory engine in each state it must get right: loaded whole, or
caught up with inserts, updates and deletes committed after it loaded (so that the same
stays reach it through its change index, retired rows and late codes), with or without
compaction."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from fangkong.analytics.memory_engine import MemoryEngine
from fangkong.analytics.sql_change_tracking import (
    change_tracking_statements,
    drop_change_tracking_statements,
)
from fangkong.analytics.sql_dialects import CheckinTable
from fangkong.analytics.sql_engine import DIALECTS
from fangkong.analytics.sql_schema import (
    Dialect,
    create_checkin_table,
    create_tracing_indexes,
    insert_checkins,
)
from fangkong.analytics.timestamps import DEFAULT_ZONE, zone_named

ZONE = zone_named(DEFAULT_ZONE)
Row = tuple[Any, Any, int, int | None]  # person, venue, check_in_us, check_out_us
TABLE = CheckinTable(table="memory_checkin")
NEVER_COMPACT = 1e9  # compact_at: changes stay beside the loaded copy


def install_change_tracking(connection: Any, dialect: str, table: CheckinTable = TABLE) -> None:
    cursor = connection.cursor()
    try:
        for statement in change_tracking_statements(dialect, table):
            cursor.execute(statement)
    finally:
        cursor.close()
    connection.commit()


def create_tracked_table(connection: Any, dialect: Dialect, table: CheckinTable = TABLE) -> None:
    """The table created afresh with its removals table. A removals table left by an earlier
    test would name keys the new table reuses, and a reader whose watermark is held back by
    a long transaction elsewhere in the cluster would retire those rows."""
    cursor = connection.cursor()
    try:
        for statement in drop_change_tracking_statements(dialect, table):
            cursor.execute(statement)
        cursor.execute(f'DROP TABLE IF EXISTS "{table.table}"')
    finally:
        cursor.close()
    create_checkin_table(connection, dialect, table, id_type="text")
    create_tracing_indexes(connection, dialect, table)
    install_change_tracking(connection, dialect, table)


class TableWriter:
    """Writes to the tracked table the way the platform would: other connections, committed."""

    def __init__(self, connection: Any, dialect: Dialect, table: CheckinTable = TABLE) -> None:
        self.connection = connection
        self.dialect = dialect
        self.t = table
        self.d = DIALECTS[dialect](table)

    def execute(self, sql: str, params: Sequence[Any] = ()) -> None:
        if self.dialect == "postgresql":
            sql = sql.replace("?", "%s")
        cursor = self.connection.cursor()
        try:
            cursor.execute(sql, tuple(params))
        finally:
            cursor.close()

    def insert(self, rows: Sequence[Row]) -> None:
        insert_checkins(self.connection, self.dialect, rows, self.t)

    def stamp(self, value_us: int | None) -> Any:
        return None if value_us is None else self.d.timestamp(value_us)

    def replace(self, person: str, row: Row) -> None:
        """Every stay of `person` becomes `row` (an update of all tracked columns)."""
        t = self.t
        self.execute(
            f'UPDATE "{t.table}" SET "{t.person_id}" = ?, "{t.venue_id}" = ?, '
            f'"{t.check_in}" = ?, "{t.check_out}" = ? WHERE "{t.person_id}" = ?',
            (row[0], row[1], self.stamp(row[2]), self.stamp(row[3]), person),
        )

    def delete_person(self, person: str) -> None:
        self.execute(f'DELETE FROM "{self.t.table}" WHERE "{self.t.person_id}" = ?', (person,))

    def commit(self) -> None:
        self.connection.commit()


def build_memory_engine(
    rows: Sequence[Row],
    writer: TableWriter,
    engine_connection: Any,
    *,
    caught_up: bool,
    compact_at: float = 0.05,
) -> MemoryEngine:
    """A memory engine whose table ends up holding exactly `rows`.

    caught_up: the engine loads a third of the rows plus decoys and junk, then the rest
    arrives after it loaded: decoys are updated into real stays, new rows inserted, junk
    deleted. Junk shares venue and time with real stays, so a row left unretired shows up
    as a wrong contact."""
    if not caught_up:
        writer.insert(rows)
        return MemoryEngine(engine_connection, table=writer.t, zone=ZONE, compact_at=compact_at)
    before = [row for i, row in enumerate(rows) if i % 3 == 0]
    decoys = {i: row for i, row in enumerate(rows) if i % 3 == 1}
    after = [row for i, row in enumerate(rows) if i % 3 == 2]
    junk = [(f"~junk{i}", row[1], row[2], row[3]) for i, row in enumerate(before)]
    writer.insert(
        before
        + junk
        + [(f"~decoy{i}", row[1], row[2] - 3_600_000_000, None) for i, row in decoys.items()]
    )
    engine = MemoryEngine(engine_connection, table=writer.t, zone=ZONE, compact_at=compact_at)
    for i, row in decoys.items():
        writer.replace(f"~decoy{i}", row)
    writer.insert(after)
    for row in junk:
        writer.delete_person(row[0])
    writer.commit()
    return engine


def sqlite_memory_engine(
    rows: Sequence[Row], folder: Path, *, caught_up: bool, compact_at: float = 0.05
) -> MemoryEngine:
    path = folder / "memory.sqlite3"
    writer_connection = sqlite3.connect(path)
    create_tracked_table(writer_connection, "sqlite")
    writer = TableWriter(writer_connection, "sqlite")
    try:
        return build_memory_engine(
            rows, writer, sqlite3.connect(path), caught_up=caught_up, compact_at=compact_at
        )
    finally:
        writer_connection.close()


class PostgresMemoryTables:
    """One tracked table reused by every example (emptied, not recreated)."""

    def __init__(self, connection: Any) -> None:
        import psycopg

        self.writer = TableWriter(connection, "postgresql")
        create_tracked_table(connection, "postgresql")
        self.engine_connection = psycopg.connect(connection.info.dsn)

    def engine(self, rows: Sequence[Row], *, caught_up: bool) -> MemoryEngine:
        # TRUNCATE fires no row triggers; every example's engine loads after it.
        self.writer.execute(f'TRUNCATE "{TABLE.table}"')
        self.writer.commit()
        return build_memory_engine(
            rows,
            self.writer,
            self.engine_connection,
            caught_up=caught_up,
            compact_at=NEVER_COMPACT,
        )
