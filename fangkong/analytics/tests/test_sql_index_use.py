"""The relational engine on a table shaped like the platform's (integer ids, Django's datetime
storage): it finds the right contacts and reads the table only through index searches."""

from __future__ import annotations

import json
import random
import sqlite3
from datetime import date, datetime
from typing import Any

import pytest

from fangkong.analytics.sql_dialects import CheckinTable
from fangkong.analytics.sql_engine import SqlEngine
from fangkong.analytics.sql_schema import (
    create_checkin_table,
    create_tracing_indexes,
    insert_checkins,
)
from fangkong.analytics.timestamps import DEFAULT_ZONE, instant_us, zone_named
from fangkong.analytics.tracing import CaseQuery, TracingParams

ZONE = zone_named(DEFAULT_ZONE)
TABLE = CheckinTable().table  # what create_checkin_table makes by default
START = datetime(2021, 7, 1)
MINUTE = 60_000_000


def platform_rows(count: int = 30_000) -> list[tuple[int, int, int, int | None]]:
    """A month of stays by ~3000 people at 300 venues (ids from 100), the case (person 1)
    and persons 2 and 3 at venue 7, and person 2 about town afterwards."""
    rng = random.Random(20210728)
    base = instant_us(START, ZONE)
    rows: list[tuple[int, int, int, int | None]] = []
    for _ in range(count):
        start = base + rng.randrange(30 * 24 * 60) * MINUTE
        end = None if rng.random() < 0.2 else start + rng.randrange(5, 240) * MINUTE
        rows.append((rng.randrange(100, 3100), rng.randrange(100, 400), start, end))
    case_start = instant_us(datetime(2021, 7, 20, 19), ZONE)
    rows.append((1, 7, case_start, case_start + 120 * MINUTE))
    rows.append((2, 7, case_start + 30 * MINUTE, case_start + 150 * MINUTE))  # close contact
    rows.append((3, 7, case_start + 110 * MINUTE, None))  # 10 min with 1, 40 with 2
    for day in range(1, 6):
        later = case_start + day * 24 * 60 * MINUTE
        rows.append((2, 100 + 37 * day, later, later + 180 * MINUTE))
    return rows


def recording(engine: SqlEngine) -> list[tuple[str, dict[str, Any]]]:
    seen: list[tuple[str, dict[str, Any]]] = []
    fetch = engine._fetch

    def spy(sql: str, params: dict[str, Any]) -> list[tuple[Any, ...]]:
        seen.append((sql, params))
        return fetch(sql, params)

    engine._fetch = spy  # type: ignore[method-assign]
    return seen


CASE = CaseQuery("1", date(2021, 7, 22))


def check_contacts(engine: SqlEngine) -> None:
    contacts = list(engine.trace(CASE, TracingParams()))
    by_person = {c.person_id: c for c in contacts}
    assert by_person["2"].degree == 1
    assert by_person["2"].first_exposure == datetime(2021, 7, 20, 19, 30, tzinfo=ZONE)
    assert (by_person["3"].degree, by_person["3"].via, by_person["3"].venue_id) == (2, "2", "7")
    assert "1" not in by_person


@pytest.fixture
def sqlite_platform() -> sqlite3.Connection:
    connection = sqlite3.connect(":memory:")
    create_checkin_table(connection, "sqlite")
    insert_checkins(connection, "sqlite", platform_rows())
    create_tracing_indexes(connection, "sqlite")
    return connection


def test_sqlite_trace_on_integer_ids_finds_contacts_of_contacts(sqlite_platform):
    check_contacts(SqlEngine(sqlite_platform, zone=ZONE))


def test_sqlite_trace_searches_indexes_and_never_scans_the_table(sqlite_platform):
    engine = SqlEngine(sqlite_platform, zone=ZONE)
    queries = recording(engine)
    engine.trace(CASE, TracingParams())
    assert len(queries) == 4  # case stays, close contacts, their stays, secondary contacts
    for sql, params in queries:
        plan = [row[3] for row in sqlite_platform.execute(f"EXPLAIN QUERY PLAN {sql}", params)]
        on_table = [step for step in plan if step.split()[1] in ("c", TABLE)]
        assert on_table, plan
        assert all(step.startswith("SEARCH") and "INDEX" in step for step in on_table), "\n".join(
            plan
        )


@pytest.fixture
def postgres_platform(postgres_connection):
    postgres_connection.execute(f'DROP TABLE IF EXISTS "{TABLE}"')
    create_checkin_table(postgres_connection, "postgresql")
    insert_checkins(postgres_connection, "postgresql", platform_rows())
    create_tracing_indexes(postgres_connection, "postgresql")
    return postgres_connection


def plan_nodes(node: dict[str, Any]) -> list[dict[str, Any]]:
    return [node, *(n for child in node.get("Plans", []) for n in plan_nodes(child))]


@pytest.mark.postgres
def test_postgres_trace_on_integer_ids_finds_contacts_of_contacts(postgres_platform):
    check_contacts(SqlEngine(postgres_platform, zone=ZONE))


@pytest.mark.postgres
def test_postgres_trace_searches_indexes_and_never_scans_the_table(postgres_platform):
    engine = SqlEngine(postgres_platform, zone=ZONE)
    queries = recording(engine)
    engine.trace(CASE, TracingParams())
    assert len(queries) == 4
    for sql, params in queries:
        row = postgres_platform.execute(f"EXPLAIN (FORMAT JSON) {sql}", params).fetchone()
        plan = row[0] if not isinstance(row[0], str) else json.loads(row[0])
        nodes = plan_nodes(plan[0]["Plan"])
        on_table = [n for n in nodes if n.get("Relation Name") == TABLE]
        assert on_table, plan
        index_reads = {"Index Scan", "Index Only Scan", "Bitmap Heap Scan"}
        assert {n["Node Type"] for n in on_table} <= index_reads, [n["Node Type"] for n in nodes]


def test_the_control_time_of_a_close_contact_ends_their_window(sqlite_platform):
    engine = SqlEngine(sqlite_platform, zone=ZONE)
    # Person 2 placed under control at 21:00, after only 10 minutes with person 3.
    controls = {"2": datetime(2021, 7, 20, 21, 0)}
    contacts = {c.person_id: c for c in engine.trace(CASE, TracingParams(), control_times=controls)}
    assert contacts["2"].degree == 1
    assert "3" not in contacts
    later = {
        c.person_id
        for c in engine.trace(
            CASE, TracingParams(), control_times={"2": datetime(2021, 7, 20, 21, 5)}
        )
    }
    assert "3" in later  # 15 minutes exactly: 20:50 to 21:05


def microsecond_rows() -> list[tuple[int, int, int, int | None]]:
    start = instant_us(datetime(2021, 7, 20, 10, 0, 0, 250000), ZONE)
    return [
        (1, 7, start, start + 30 * MINUTE),
        (2, 7, start + 15 * MINUTE, start + 60 * MINUTE),  # exactly 15 minutes
        (3, 7, start + 15 * MINUTE + 1, start + 60 * MINUTE),  # one microsecond short
    ]


def check_microseconds(engine: SqlEngine) -> None:
    contacts = list(engine.trace(CASE, TracingParams(degree=1)))
    assert [c.person_id for c in contacts] == ["2"]
    assert contacts[0].first_exposure == datetime(2021, 7, 20, 10, 15, 0, 250000, tzinfo=ZONE)


def test_sqlite_keeps_microseconds_exact_at_the_fifteen_minute_boundary():
    connection = sqlite3.connect(":memory:")
    create_checkin_table(connection, "sqlite")
    insert_checkins(connection, "sqlite", microsecond_rows())
    create_tracing_indexes(connection, "sqlite")
    check_microseconds(SqlEngine(connection, zone=ZONE))


@pytest.mark.postgres
def test_postgres_keeps_microseconds_exact_at_the_fifteen_minute_boundary(postgres_connection):
    postgres_connection.execute(f'DROP TABLE IF EXISTS "{TABLE}"')
    create_checkin_table(postgres_connection, "postgresql")
    insert_checkins(postgres_connection, "postgresql", microsecond_rows())
    create_tracing_indexes(postgres_connection, "postgresql")
    check_microseconds(SqlEngine(postgres_connection, zone=ZONE))
