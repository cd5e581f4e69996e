"""What a build of the demo city wrote, kept so that the same city can be written again at once.

The tests need the miniature city in a dozen modules and each build runs every area's services
(tens of seconds on a busy test worker). A snapshot is taken of one real build: every table
whose content the build changed, read exactly (SQL literals on SQLite, COPY text on
PostgreSQL), beside the state of the whole database before the build. Writing it back is
only done onto a database in that very state; anything else is not the same starting point,
and the caller must build for real.

Tests that commit (`transaction=True`, live servers) end with a flush, which leaves another
starting point than a freshly migrated database (no rows of the data migrations, permissions
recreated under new ids, the check-ins' removal log). So the test database's content just
after its migrations is kept too (`database_content`), and put back (`database_content_restore`)
before the city is written: every city then starts from the same point, in every test worker.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from django.apps import apps
from django.core.management.color import no_style
from django.db import connection, transaction

from fangkong.venues.checkin_days import checkin_days_in_database, checkin_partitions_ensure

INSERT_CHUNK = 500


@dataclass(frozen=True)
class TableContent:
    columns: tuple[str, ...]
    rows: tuple[str, ...] | bytes  # SQLite: one "(lit, lit, ...)" per row; PostgreSQL: COPY text


@dataclass(frozen=True)
class DatabaseContent:
    """What every table holds."""

    tables: dict[str, TableContent]

    def digest(self) -> str:
        return hashlib.sha256(
            repr(sorted((table, _digest(c)) for table, c in self.tables.items())).encode()
        ).hexdigest()


@dataclass(frozen=True)
class DatabaseSnapshot:
    before: dict[str, str]  # every table's digest before the build
    tables: dict[str, TableContent]  # what the build left in each table it changed
    checkin_days: tuple[dt.date, ...]  # the days the check-in store held (its partitions)


def database_digests() -> dict[str, str]:
    """A digest of every table's content: equal digests, equal databases."""
    return {table: _digest(content) for table, content in _read_all().items()}


def database_content() -> DatabaseContent:
    return DatabaseContent(tables=_read_all())


def database_content_restore(content: DatabaseContent) -> None:
    """Make every table hold what it held in `content`, rewriting only the tables that differ.
    Atomic. Deleting check-ins on SQLite writes their removal log, so the tables are compared
    again until none differs."""
    with transaction.atomic(), _triggers_off():
        for _ in range(3):
            now = _read_all()
            differing = sorted(
                t for t in now.keys() | content.tables.keys() if now.get(t) != content.tables.get(t)
            )
            if not differing:
                return
            _delete_all(differing)
            for table in differing:
                if table in content.tables:
                    _write(table, content.tables[table])
            _reset_sequences(set(differing))
        raise RuntimeError(f"the database could not be put back as it was: {differing}")


def snapshot_differences(snapshot: DatabaseSnapshot) -> list[str]:
    """The tables that are not as they were before the snapshot's build."""
    now = database_digests()
    return sorted(
        t for t in now.keys() | snapshot.before.keys() if now.get(t) != snapshot.before.get(t)
    )


def snapshot_of_build(build: Callable[[], None]) -> DatabaseSnapshot:
    """Run `build` and keep what it changed."""
    before = _read_all()
    build()
    after = _read_all()
    changed = {table: content for table, content in after.items() if before.get(table) != content}
    return DatabaseSnapshot(
        before={table: _digest(content) for table, content in before.items()},
        tables=changed,
        checkin_days=tuple(checkin_days_in_database()),
    )


def snapshot_restore(snapshot: DatabaseSnapshot) -> bool:
    """Write the snapshot's tables back if the database is as it was before the build; returns
    whether it did. Atomic: on any error nothing is written."""
    if snapshot_differences(snapshot):
        return False
    with transaction.atomic(), _triggers_off():
        checkin_partitions_ensure(days=snapshot.checkin_days)
        _delete_all(list(snapshot.tables))
        for table, content in snapshot.tables.items():
            _write(table, content)
        _reset_sequences(set(snapshot.tables))
    return True


def _digest(content: TableContent) -> str:
    return hashlib.sha256(repr(content).encode()).hexdigest()


# The migration log: no build writes it, and the times in it differ between test databases.
_NOT_CONTENT = {"django_migrations"}


def _tables() -> list[str]:
    with connection.cursor() as cursor:
        # Partitions are written through their parent ("p": a partition; "v": a view).
        return sorted(
            info.name
            for info in connection.introspection.get_table_list(cursor)
            if info.type == "t" and info.name not in _NOT_CONTENT
        )


def _columns(table: str) -> tuple[str, ...]:
    with connection.cursor() as cursor:
        described = connection.introspection.get_table_description(cursor, table)
    return tuple(column.name for column in described)


def _quoted(name: str) -> str:
    return connection.ops.quote_name(name)


def _read_all() -> dict[str, TableContent]:
    return {table: _read(table) for table in _tables()}


def _read(table: str) -> TableContent:
    columns = _columns(table)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            raw = cursor.cursor  # psycopg's own cursor: Django's wrapper has no copy()
            with raw.copy(f"COPY (SELECT * FROM {_quoted(table)} ORDER BY 1) TO STDOUT") as copy:
                data = b"".join(bytes(block) for block in copy)
        return TableContent(columns=columns, rows=data)
    # quote() gives each value as the SQL literal that writes it back exactly (text, integer,
    # real, blob or NULL), with none of the type conversions of a Python round trip.
    literals = " || ', ' || ".join(f"quote({_quoted(column)})" for column in columns)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT '(' || {literals} || ')' FROM {_quoted(table)} ORDER BY 1")
        return TableContent(columns=columns, rows=tuple(row for (row,) in cursor.fetchall()))


def _delete_all(tables: list[str]) -> None:
    with connection.cursor() as cursor:
        # On SQLite a delete can fire a trigger that writes to another of the tables (the
        # check-ins' removals); deleting until a pass finds nothing empties them all.
        for _ in range(3):
            remaining = 0
            for table in tables:
                cursor.execute(f"DELETE FROM {_quoted(table)}")
                remaining += max(cursor.rowcount, 0)
            if not remaining:
                return


def _write(table: str, content: TableContent) -> None:
    names = ", ".join(_quoted(column) for column in content.columns)
    with connection.cursor() as cursor:
        if isinstance(content.rows, bytes):
            with cursor.cursor.copy(f"COPY {_quoted(table)} ({names}) FROM STDIN") as copy:
                copy.write(content.rows)
            return
        rows = content.rows
        for start in range(0, len(rows), INSERT_CHUNK):
            values = ", ".join(rows[start : start + INSERT_CHUNK])
            cursor.execute(f"INSERT INTO {_quoted(table)} ({names}) VALUES {values}")


def _reset_sequences(tables: set[str]) -> None:
    """PostgreSQL: the next id of each table after the rows written with their ids (SQLite's
    AUTOINCREMENT follows written ids by itself)."""
    if connection.vendor != "postgresql":
        return
    models = [m for m in apps.get_models(include_auto_created=True) if m._meta.db_table in tables]
    with connection.cursor() as cursor:
        for statement in connection.ops.sequence_reset_sql(no_style(), models):
            cursor.execute(statement)


@contextmanager
def _triggers_off() -> Iterator[None]:
    """PostgreSQL: the rows are written as they were read, so the tables' triggers (the check-
    ins' revision stamp and occupancy counts) must not add to them; the counts they kept
    during the build are among the tables written. SQLite's triggers fire on update and
    delete only, and the deletes are repeated until every table is empty."""
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SET session_replication_role = replica")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SET session_replication_role = DEFAULT")
