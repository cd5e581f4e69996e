"""The check-in table has one owner: venues names it for raw SQL and installs what the
database holds on it beyond the model (the tracing index, the change tracking)."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.db import connection

import fangkong
from fangkong.analytics.sql_change_tracking import removed_table
from fangkong.venues import checkin_table as checkin_table_module
from fangkong.venues.checkin_table import CHECKIN_TABLE, tracing_support_statements
from fangkong.venues.models import CheckIn


def tracing_support() -> dict[str, str]:
    """Indexes, triggers and trigger functions on the check-in and removals tables, by name,
    with the definition the database reports."""
    t = CHECKIN_TABLE
    tables = (t.table, removed_table(t))
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                "SELECT name, sql FROM sqlite_master WHERE type IN ('index', 'trigger') "
                "AND tbl_name IN (%s, %s) AND sql IS NOT NULL",
                tables,
            )
            return dict(cursor.fetchall())
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename IN (%s, %s) "
            "UNION ALL SELECT tgname, pg_get_triggerdef(oid) FROM pg_trigger "
            "WHERE tgrelid = %s::regclass AND NOT tgisinternal "
            "UNION ALL SELECT proname, pg_get_functiondef(oid) FROM pg_proc "
            "WHERE proname LIKE %s",
            [*tables, f'"{t.table}"', f"{t.table}\\_%"],
        )
        return dict(cursor.fetchall())


def test_the_names_raw_sql_uses_are_the_models():
    meta = CheckIn._meta
    assert CHECKIN_TABLE.table == meta.db_table
    assert (CHECKIN_TABLE.person_id, CHECKIN_TABLE.venue_id) == ("person_id", "venue_id")
    assert CHECKIN_TABLE.check_in == meta.get_field("check_in").column
    assert CHECKIN_TABLE.check_out == meta.get_field("check_out").column
    assert CHECKIN_TABLE.revision == meta.get_field("revision").column


def test_no_module_of_analytics_cases_or_venues_spells_the_table_name_but_its_owner():
    root = Path(fangkong.__file__).parent
    owner = Path(checkin_table_module.__file__)
    name = CheckIn._meta.db_table
    spelling = [
        str(path.relative_to(root))
        for area in ("analytics", "cases", "venues")
        for path in sorted((root / area).rglob("*.py"))
        if path != owner and name in path.read_text(encoding="utf-8")
    ]
    assert spelling == []


@pytest.mark.django_db
def test_the_migrated_table_has_the_tracing_index_and_change_tracking():
    t = CHECKIN_TABLE.table
    expected = {f"{t}_trace_venue", f"{t}_revision", f"{removed_table(CHECKIN_TABLE)}_revision"}
    if connection.vendor == "sqlite":
        expected |= {f"{t}_revise_update", f"{t}_remember_removal"}
    else:
        expected |= {f"{t}_revise", f"{t}_remember_removal"}
    assert expected <= set(tracing_support())


@pytest.mark.django_db
def test_installing_the_tracing_support_again_changes_nothing():
    # What migration venues/0007 does on a database where cases/0002 and 0004 made it all.
    before = tracing_support()
    with connection.cursor() as cursor:
        for statement in tracing_support_statements(connection.vendor):
            cursor.execute(statement)
    assert tracing_support() == before
