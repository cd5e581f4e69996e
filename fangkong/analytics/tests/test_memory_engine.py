"""The memory engine's copy stays equal to the committed table: the cases the random
conformance test is unlikely to hit on its own."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest

from fangkong.analytics.memory_engine import MemoryEngine
from fangkong.analytics.sql_change_tracking import prune_removals_statements, removed_table
from fangkong.analytics.sql_dialects import CheckinTable
from fangkong.analytics.sql_schema import (
    create_checkin_table,
    create_tracing_indexes,
    insert_checkins,
)
from fangkong.analytics.tests.memory_tables import (
    TABLE,
    ZONE,
    Row,
    TableWriter,
    create_tracked_table,
    install_change_tracking,
)
from fangkong.analytics.timestamps import instant_us
from fangkong.analytics.tracing import CaseQuery, TracingParams

ONSET = date(2021, 7, 30)
CASE = CaseQuery("case", ONSET)


def at(hour: int, minute: int = 0) -> int:
    return instant_us(datetime(2021, 7, 28, hour, minute), ZONE)


def stay(person: str, venue: str, start: int, end: int | None) -> Row:
    return (person, venue, start, end)


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def tables(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[Any, ...]]:
    """(writer, a second writer connection, the engine's connection factory)."""
    if request.param == "sqlite":
        path = tmp_path / "checkins.sqlite3"
        connection = sqlite3.connect(path)
        create_tracked_table(connection, "sqlite")
        yield (
            TableWriter(connection, "sqlite"),
            sqlite3.connect(path),
            lambda: sqlite3.connect(path),
        )
        return
    import psycopg

    connection = request.getfixturevalue("postgres_connection")
    create_tracked_table(connection, "postgresql")
    dsn = connection.info.dsn
    yield TableWriter(connection, "postgresql"), psycopg.connect(dsn), lambda: psycopg.connect(dsn)


def rows(engine: MemoryEngine, case: CaseQuery = CASE, degree: int = 2) -> list[tuple]:
    return list(engine.trace(case, TracingParams(degree=degree)).rows())


def test_people_first_seen_after_loading_are_ranked_by_their_ids_text(tables):
    # Given a copy loaded when only p3 and the case were known
    writer, _, connect = tables
    writer.insert([stay("case", "bar", at(20), at(22)), stay("p3", "bar", at(20), at(22))])
    writer.commit()
    # (compact_at: the changes stay beside the copy instead of being merged into a new one)
    engine = MemoryEngine(connect(), table=TABLE, zone=ZONE, compact_at=10.0)
    # When p1 and p10 (after p3 in arrival, before it in text order) arrive, all at 20:00,
    # and x shares the same hour with both p3 and p1 at another venue
    writer.insert(
        [
            stay("p1", "bar", at(20), at(22)),
            stay("p10", "bar", at(20), at(22)),
            stay("p3", "cafe", at(23), at(23, 30)),
            stay("p1", "cafe", at(23), at(23, 30)),
            stay("x", "cafe", at(23), at(23, 30)),
        ]
    )
    writer.commit()
    # Then ties go to the smallest id as text, and the output is in id order
    assert rows(engine) == [
        ("p1", 1, at(20), "bar", "case"),
        ("p10", 1, at(20), "bar", "case"),
        ("p3", 1, at(20), "bar", "case"),
        ("x", 2, at(23), "cafe", "p1"),
    ]


def test_uncommitted_and_rolled_back_rows_never_reach_the_copy(tables):
    writer, other, connect = tables
    writer.insert([stay("case", "bar", at(20), at(22))])
    writer.commit()
    engine = MemoryEngine(connect(), table=TABLE, zone=ZONE)
    TableWriter(other, writer.dialect).execute(
        f'INSERT INTO "{TABLE.table}" (person_id, venue_id, check_in, check_out) '
        "VALUES (?, ?, ?, ?)",
        ("ghost", "bar", writer.stamp(at(20)), writer.stamp(at(22))),
    )
    assert rows(engine) == []
    other.rollback()
    assert rows(engine) == []


def test_a_person_merge_and_a_deleted_stay_change_the_next_trace(tables):
    writer, _, connect = tables
    writer.insert(
        [
            stay("case", "bar", at(20), at(22)),
            stay("dup", "bar", at(20), at(21)),
            stay("gone", "bar", at(20), at(21)),
        ]
    )
    writer.commit()
    engine = MemoryEngine(connect(), table=TABLE, zone=ZONE)
    assert [r[0] for r in rows(engine, degree=1)] == ["dup", "gone"]
    # A merge moves every stay of "dup" to "kept"; a stay entered in error is deleted.
    t = TABLE
    writer.execute(
        f'UPDATE "{t.table}" SET "{t.person_id}" = ? WHERE "{t.person_id}" = ?', ("kept", "dup")
    )
    writer.delete_person("gone")
    writer.commit()
    assert [r[0] for r in rows(engine, degree=1)] == ["kept"]
    assert len(engine) == 2


def _prune(writer: TableWriter) -> None:
    for statement in prune_removals_statements(writer.dialect, TABLE):
        writer.execute(statement)
    writer.commit()


def _removals_kept(writer: TableWriter) -> int:
    cursor = writer.connection.cursor()
    try:
        cursor.execute(f'SELECT count(*) FROM "{removed_table(TABLE)}" WHERE "{TABLE.key}" > 0')
        return int(cursor.fetchone()[0])
    finally:
        cursor.close()


def test_pruned_removals_are_never_missed_by_a_copy_that_had_not_read_them(tables):
    # Given two copies loaded while "gone" was at the bar with the case
    writer, _, connect = tables
    writer.insert([stay("case", "bar", at(20), at(22)), stay("gone", "bar", at(20), at(21))])
    writer.commit()
    stale = MemoryEngine(connect(), table=TABLE, zone=ZONE)
    current = MemoryEngine(connect(), table=TABLE, zone=ZONE)
    assert [r[0] for r in rows(stale, degree=1)] == ["gone"]
    # When the stay is deleted, one copy reads that, and the removals are pruned until the
    # deletion is older than the previous prune
    _prune(writer)
    writer.delete_person("gone")
    writer.commit()
    assert [r[0] for r in rows(current, degree=1)] == []
    _prune(writer)
    writer.insert([stay("new", "bar", at(20), at(21))])
    writer.commit()
    _prune(writer)
    # Then the copy that never read the deletion reloads, and both trace the table as it is
    if writer.dialect == "sqlite":
        # (PostgreSQL's cut follows the cluster's oldest transaction, which other tests hold)
        assert _removals_kept(writer) == 0
    assert [r[0] for r in rows(stale, degree=1)] == ["new"]
    assert [r[0] for r in rows(current, degree=1)] == ["new"]


@pytest.mark.postgres
def test_a_write_committed_after_a_later_transaction_is_still_caught_up(postgres_connection):
    """The first writer takes its transaction id before the second, commits after it, and the
    engine reads in between: the change read must not skip the first writer's row."""
    import psycopg

    create_tracked_table(postgres_connection, "postgresql")
    dsn = postgres_connection.info.dsn
    writer = TableWriter(postgres_connection, "postgresql")
    writer.insert([stay("case", "bar", at(20), at(22))])
    engine = MemoryEngine(psycopg.connect(dsn), table=TABLE, zone=ZONE)
    with psycopg.connect(dsn) as early, psycopg.connect(dsn) as late:
        insert = (
            f'INSERT INTO "{TABLE.table}" (person_id, venue_id, check_in, check_out) '
            "VALUES (%s, 'bar', %s, %s)"
        )
        early.execute(insert, ("early", writer.stamp(at(20)), writer.stamp(at(21))))
        late.execute(insert, ("late", writer.stamp(at(20)), writer.stamp(at(21))))
        late.commit()
        assert [r[0] for r in rows(engine, degree=1)] == ["late"]
        early.commit()
    assert [r[0] for r in rows(engine, degree=1)] == ["early", "late"]


@pytest.mark.postgres
def test_bigint_ids_load_through_binary_copy_and_trace_as_the_sql_engine_does(
    postgres_connection,
):
    """The platform's shape (bigint ids) takes the binary COPY load; text ids the generic
    read the conformance test covers."""
    import random

    import psycopg

    from fangkong.analytics.sql_engine import SqlEngine

    table = CheckinTable(table="memory_bigint_checkin")
    postgres_connection.execute(f'DROP TABLE IF EXISTS "{table.table}"')
    create_checkin_table(postgres_connection, "postgresql", table)
    create_tracing_indexes(postgres_connection, "postgresql", table)
    install_change_tracking(postgres_connection, "postgresql", table)
    chance = random.Random(20210728)
    stays = []
    for _ in range(3000):
        start = at(8) + chance.randrange(0, 40 * 3600) * 1_000_000 + chance.randrange(1_000_000)
        end = None if chance.random() < 0.2 else start + chance.randrange(0, 3 * 3600) * 1_000_000
        stays.append((chance.randrange(1, 400), chance.randrange(1, 30), start, end))
    insert_checkins(postgres_connection, "postgresql", stays, table)
    engine = MemoryEngine(psycopg.connect(postgres_connection.info.dsn), table=table, zone=ZONE)
    assert engine._fixed_width()
    reference = SqlEngine(postgres_connection, table=table, zone=ZONE)
    params = TracingParams()
    for person in ("1", "7", "42", "250"):
        case = CaseQuery(person, date(2021, 7, 29))
        expected = list(reference.trace(case, params).rows())
        assert list(engine.trace(case, params).rows()) == expected
        assert expected  # the data is dense enough that every case has contacts


@pytest.mark.postgres
def test_a_connection_handed_over_in_autocommit_still_reads_in_one_transaction(
    postgres_connection,
):
    import psycopg

    create_tracked_table(postgres_connection, "postgresql")
    own = psycopg.connect(postgres_connection.info.dsn, autocommit=True)
    engine = MemoryEngine(own, table=TABLE, zone=ZONE)
    assert own.autocommit is False
    assert rows(engine) == []
