"""The check-in table's partitions on PostgreSQL: their names and DDL, and the migration that
turns the one table into a table partitioned by day (venues/0008). Part of the table's owner
(`checkin_table.py`); the days API (`checkin_days.py`) runs these statements.

A day's partition holds [day 00:00, day+1 00:00) in settings.TIME_ZONE. Rows of a day
without a partition land in the DEFAULT partition (never refused); creating that day's
partition moves them out first, since PostgreSQL refuses a partition whose range the
DEFAULT partition already holds rows of.

The primary key is (id, check_in): a partitioned table's unique keys must contain the
partition key. Ids still come from the one identity sequence, so an id alone still names
one row; nothing can declare a foreign key to it (cases' itinerary link is db_constraint=False
and cleared by a receiver when a day goes).
"""

from __future__ import annotations

import datetime as dt
import re

from django.db import models
from django.db.backends.base.schema import BaseDatabaseSchemaEditor

from fangkong.analytics.sql_change_tracking import removed_table
from fangkong.analytics.sql_dialects import CheckinTable
from fangkong.venues.checkin_table import (
    CHECKIN_TABLE,
    checkin_table,
    tracing_support_statements,
)
from fangkong.venues.occupancy_rollup import events_apply_sql

# pg_advisory_xact_lock's key for changes to the partition set (any constant bigint that no
# other lock of the platform uses): creating, moving into and dropping partitions take turns.
PARTITIONS_LOCK = 0x66_6B_63_68_6B_70  # "fkchkp"

_MOVING = "fk_checkin_moving"


def partition_name(day: dt.date, table: CheckinTable = CHECKIN_TABLE) -> str:
    return f"{table.table}_p{day:%Y%m%d}"


def default_partition(table: CheckinTable = CHECKIN_TABLE) -> str:
    return f"{table.table}_default"


def partition_day(name: str, table: CheckinTable = CHECKIN_TABLE) -> dt.date | None:
    """The day a partition holds, from its name (None for the DEFAULT partition)."""
    found = re.fullmatch(re.escape(table.table) + r"_p(\d{4})(\d{2})(\d{2})", name)
    return dt.date(*(int(part) for part in found.groups())) if found else None


def _literal(moment: dt.datetime) -> str:
    """An aware datetime as a timestamptz literal (DDL takes no parameters)."""
    if moment.tzinfo is None:
        raise ValueError("partition bounds must be aware datetimes")
    return f"'{moment.isoformat()}'::timestamptz"


def partitions_sql(table: CheckinTable = CHECKIN_TABLE) -> str:
    """The names of the table's partitions (the DEFAULT one included), one per row."""
    return (
        "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
        f"WHERE i.inhparent = '\"{table.table}\"'::regclass ORDER BY c.relname"
    )


def foreign_keys_sql(table: CheckinTable = CHECKIN_TABLE) -> str:
    """The names of the table's foreign keys (each partition holds a copy of the same name)."""
    return (
        "SELECT conname FROM pg_constraint "
        f"WHERE conrelid = '\"{table.table}\"'::regclass AND contype = 'f'"
    )


def default_days_sql(zone: str, table: CheckinTable = CHECKIN_TABLE) -> str:
    """The local days of the rows in the DEFAULT partition (a safety net: few rows)."""
    return (
        f"SELECT DISTINCT (\"{table.check_in}\" AT TIME ZONE '{zone}')::date "
        f'FROM "{default_partition(table)}"'
    )


def in_range_sql(relation: str, start: dt.datetime, end: dt.datetime, t: CheckinTable) -> str:
    return (
        f'"{relation}" WHERE "{t.check_in}" >= {_literal(start)} '
        f'AND "{t.check_in}" < {_literal(end)}'
    )


def partition_create_statements(
    day: dt.date,
    start: dt.datetime,
    end: dt.datetime,
    *,
    move_default_rows: bool,
    table: CheckinTable = CHECKIN_TABLE,
) -> list[str]:
    """Create the day's partition; with move_default_rows, first take the day's rows out of
    the DEFAULT partition and put them back through the parent once the partition exists.

    Run inside one transaction holding the advisory lock and a SHARE ROW EXCLUSIVE lock on
    the table (no row of the day can reach DEFAULT between the move and the create). The
    move deletes and inserts, so the change-tracking triggers fire: the removals it records
    are taken back in the same transaction (no reader ever saw them), and the reinserted
    rows come with a new revision, which a reader applies as an update of the same key.
    """
    t = table
    name = partition_name(day, t)
    create = (
        f'CREATE TABLE IF NOT EXISTS "{name}" PARTITION OF "{t.table}" '
        f"FOR VALUES FROM ({_literal(start)}) TO ({_literal(end)})"
    )
    if not move_default_rows:
        return [create]
    stamp = "pg_current_xact_id()::text::bigint"
    return [
        f"DROP TABLE IF EXISTS {_MOVING}",
        f'CREATE TEMPORARY TABLE {_MOVING} (LIKE "{t.table}") ON COMMIT DROP',
        f"WITH gone AS (DELETE FROM {in_range_sql(default_partition(t), start, end, t)} "
        f"RETURNING *) INSERT INTO {_MOVING} SELECT * FROM gone",
        f'DELETE FROM "{removed_table(t)}" WHERE "{t.revision}" = {stamp} '
        f'AND "{t.key}" IN (SELECT "{t.key}" FROM {_MOVING})',
        # The DELETE above went to the partition, past the parent's statement triggers that
        # keep the occupancy count; the INSERT below goes through them and counts the rows
        # again, so they are taken out of the count first.
        *events_apply_sql([(_MOVING, -1)], t=t),
        create,
        f'INSERT INTO "{t.table}" SELECT * FROM {_MOVING}',
        f"DROP TABLE {_MOVING}",
    ]


def partition_drop_statements(day: dt.date, table: CheckinTable = CHECKIN_TABLE) -> list[str]:
    """Drop the day's partition. Its keys go to the removals table first, set-based, since
    dropping a partition fires no trigger and the memory engine's copy would otherwise keep
    the day's stays; for the same reason its stays leave the occupancy count here."""
    t = table
    name = partition_name(day, t)
    # The occupancy count loses the day's stays with an event after the fold mark; the older
    # ones' +1 and -1 are both in the base, where they cancel (an old day costs nothing).
    recent = f'(m.folded_to IS NULL OR r."{t.check_in}" >= m.folded_to - m.win)'
    return [
        *events_apply_sql([(f'"{name}"', -1)], recent, t),
        f'INSERT INTO "{removed_table(t)}" ("{t.key}", "{t.revision}") '
        f'SELECT "{t.key}", pg_current_xact_id()::text::bigint FROM "{name}"',
        f'ALTER TABLE "{t.table}" DETACH PARTITION "{name}"',
        f'DROP TABLE "{name}"',
    ]


# ---------------------------------------------------------------- migration venues/0008


def _fetch(schema_editor: BaseDatabaseSchemaEditor, sql: str) -> list[tuple[object, ...]]:
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(sql)
        return list(cursor.fetchall())


def _identity_next(schema_editor: BaseDatabaseSchemaEditor, table: str, key: str) -> int:
    """The next id the table's sequence would give, so that the new table goes on from it."""
    ((sequence,),) = _fetch(schema_editor, f"SELECT pg_get_serial_sequence('\"{table}\"', '{key}')")
    if sequence is None:
        return 1
    ((last, called),) = _fetch(schema_editor, f"SELECT last_value, is_called FROM {sequence}")
    return int(str(last)) + 1 if called else int(str(last))


def _rebuild(
    schema_editor: BaseDatabaseSchemaEditor,
    model: type[models.Model],
    *,
    days: list[tuple[dt.date, dt.datetime, dt.datetime]],
    partitioned: bool,
) -> None:
    """Copy the table into a new one, partitioned by day (or back into one plain table),
    keeping its rows, its id sequence's position, its foreign keys and checks, the model's
    indexes and constraints, the tracing index and the change tracking."""
    t = checkin_table(model)
    old = f"{t.table}_rebuilt_from"
    run = schema_editor.execute
    next_id = _identity_next(schema_editor, t.table, t.key)
    foreign_keys = _fetch(
        schema_editor,
        "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
        f"WHERE conrelid = '\"{t.table}\"'::regclass AND contype = 'f'",
    )
    run(f'ALTER TABLE "{t.table}" RENAME TO "{old}"')
    # Free every index and key name for the new table (index names are schema-wide); a
    # foreign key pointing at the old key goes too (cases/0007 dropped the itinerary's).
    for (name,) in _fetch(
        schema_editor,
        f"SELECT conname FROM pg_constraint WHERE conrelid = '\"{old}\"'::regclass "
        "AND contype IN ('p', 'u')",
    ):
        run(f'ALTER TABLE "{old}" DROP CONSTRAINT "{name}" CASCADE')
    for (name,) in _fetch(
        schema_editor,
        f"SELECT indexrelid::regclass::text FROM pg_index WHERE indrelid = '\"{old}\"'::regclass",
    ):
        run(f"DROP INDEX {name}")
    partition_by = f' PARTITION BY RANGE ("{t.check_in}")' if partitioned else ""
    run(
        f'CREATE TABLE "{t.table}" (LIKE "{old}" INCLUDING DEFAULTS INCLUDING CONSTRAINTS '
        f"INCLUDING IDENTITY INCLUDING STORAGE){partition_by}"
    )
    if partitioned:
        for day, start, end in days:
            for statement in partition_create_statements(
                day, start, end, move_default_rows=False, table=t
            ):
                run(statement)
        run(f'CREATE TABLE "{default_partition(t)}" PARTITION OF "{t.table}" DEFAULT')
    run(f'INSERT INTO "{t.table}" SELECT * FROM "{old}"')
    run(f'DROP TABLE "{old}" CASCADE')
    # The identity's sequence is new (the old one went with the old table): same name, and
    # it goes on where the old one stopped, so no id is ever given twice.
    ((sequence,),) = _fetch(
        schema_editor, f"SELECT pg_get_serial_sequence('\"{t.table}\"', '{t.key}')"
    )
    run(f'ALTER SEQUENCE {sequence} RENAME TO "{t.table}_{t.key}_seq"')
    run(f'ALTER TABLE "{t.table}" ALTER COLUMN "{t.key}" RESTART WITH {next_id}')
    key = f'"{t.key}", "{t.check_in}"' if partitioned else f'"{t.key}"'
    run(f'ALTER TABLE "{t.table}" ADD CONSTRAINT "{t.table}_pkey" PRIMARY KEY ({key})')
    for name, definition in foreign_keys:
        run(f'ALTER TABLE "{t.table}" ADD CONSTRAINT "{name}" {definition}')
    for index in model._meta.indexes:
        schema_editor.add_index(model, index)
    for constraint in model._meta.constraints:
        if isinstance(constraint, models.UniqueConstraint):
            schema_editor.add_constraint(model, constraint)
    for statement in tracing_support_statements("postgresql", t):
        run(statement)
    run(f'ANALYZE "{t.table}"')


def checkin_table_partition(
    schema_editor: BaseDatabaseSchemaEditor,
    model: type[models.Model],
    days: list[tuple[dt.date, dt.datetime, dt.datetime]],
) -> None:
    """Migration venues/0008 forward (PostgreSQL): partition the table by day, one partition
    for each of `days` (day, start, end), and the DEFAULT partition."""
    _rebuild(schema_editor, model, days=days, partitioned=True)


def checkin_table_unpartition(
    schema_editor: BaseDatabaseSchemaEditor, model: type[models.Model]
) -> None:
    """Migration venues/0008 backward (PostgreSQL): one plain table again, rows kept."""
    _rebuild(schema_editor, model, days=[], partitioned=False)
