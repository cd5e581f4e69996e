"""Reading from a platform-shaped table only what one pass can meet (sql_window_reads): the
same stays a plain filter in Python keeps, on SQLite and on PostgreSQL."""

from __future__ import annotations

import random
import sqlite3
from typing import Any

import pytest

from fangkong.analytics.sql_dialects import CheckinTable, PostgresDialect, SqliteDialect
from fangkong.analytics.sql_schema import (
    create_checkin_table,
    create_tracing_indexes,
    insert_checkins,
)
from fangkong.analytics.sql_window_reads import WindowReader
from fangkong.analytics.tests.test_sql_index_use import MINUTE, platform_rows

Row = tuple[int, int, int, int | None]
TABLE = CheckinTable(table="window_reads_checkin")
STAY = 60 * MINUTE


def _overlaps(row: Row, low: int, high: int | None) -> bool:
    end = row[3] if row[3] is not None else row[2] + STAY
    return end > low and (high is None or row[2] < high)


def _expected_venues(rows: list[Row], persons: set[int], low: int, high: int | None) -> set[str]:
    return {str(r[1]) for r in rows if r[0] in persons and _overlaps(r, low, high)}


def _expected_stays(rows: list[Row], venues: set[str], low: int, high: int | None) -> list[Any]:
    return sorted(
        (str(r[0]), str(r[1]), r[2], r[3])
        for r in rows
        if str(r[1]) in venues and _overlaps(r, low, high)
    )


def _read(reader: WindowReader, rows: list[Row]) -> None:
    rng = random.Random(7)
    starts = sorted(r[2] for r in rows)
    for _ in range(6):
        low = rng.choice(starts)
        high = None if rng.random() < 0.3 else low + rng.randrange(1, 5 * 24 * 60) * MINUTE
        persons = {1, 2, *rng.sample(range(100, 3100), 20)}
        venues = reader.venues_of([str(p) for p in persons], low, high, STAY)
        assert venues == _expected_venues(rows, persons, low, high)
        table = reader.stays_at(venues, low, high, STAY)
        assert sorted(zip(*table.to_pydict().values(), strict=True)) == _expected_stays(
            rows, venues, low, high
        )
    assert reader.venues_of([], 0, None, STAY) == set()
    assert reader.stays_at([], 0, None, STAY).num_rows == 0


def test_the_table_gives_the_stays_a_pass_can_meet_on_sqlite():
    rows = platform_rows(5_000)
    connection = sqlite3.connect(":memory:")
    create_checkin_table(connection, "sqlite", TABLE)
    insert_checkins(connection, "sqlite", rows, TABLE)
    create_tracing_indexes(connection, "sqlite", TABLE)
    _read(WindowReader(connection, SqliteDialect(TABLE)), rows)


@pytest.mark.postgres
def test_the_table_gives_the_stays_a_pass_can_meet_on_postgresql(postgres_connection):
    rows = platform_rows(5_000)
    # The session's database is shared with other modules' tables: this one has its own.
    postgres_connection.execute(f'DROP TABLE IF EXISTS "{TABLE.table}"')
    create_checkin_table(postgres_connection, "postgresql", TABLE)
    insert_checkins(postgres_connection, "postgresql", rows, TABLE)
    create_tracing_indexes(postgres_connection, "postgresql", TABLE)
    _read(WindowReader(postgres_connection, PostgresDialect(TABLE)), rows)
