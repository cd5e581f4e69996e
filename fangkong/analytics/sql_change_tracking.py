"""Which check-ins changed since a reader last looked: the DDL that records it in the database
and the queries that read it, per dialect. `memory_engine.MemoryEngine` keeps an in-memory
copy of the table current with them.

Every update of a tracing column stamps the row's `revision`, and a delete leaves the row's
key and a revision in `<table>_removed`. Triggers do the stamping, so no write path (the
ORM, bulk updates in a person merge, raw SQL, a DBA's psql session) can skip it. A reader
remembers where it stopped (its watermark) and next asks for rows from there on:

- PostgreSQL: inserts are stamped too. The revision is the writing transaction's id
  (`pg_current_xact_id()`), and the reader remembers the oldest transaction still running
  when it read (`pg_snapshot_xmin`). A transaction it could not see then has an id at least
  that large, so "revision >= that xmin" next time finds every write committed since,
  however the writers' commits interleave. Rows already seen may come again; applying them
  is idempotent. So may removals, for as long as a transaction older than them runs
  anywhere in the cluster: keys must therefore never be reused while the removals table
  remembers them (a sequence never reuses one; a test that recreates the table must empty
  the removals table too).
- SQLite: one writer at a time, so commit order is the order of the writes. New rows need
  no stamp: keys are AUTOINCREMENT (never reused, always larger), so "key > the largest
  seen" finds them, and the ingest of a batch pays no trigger per row (a stamping insert
  trigger made a 100,000-record ingest 36 % slower). An update or delete takes one more
  than the largest revision in the database, so "revision > the largest seen" is exact.

The removals table would grow by every row ever removed (a day's partition dropped at
retention or archiving is a whole day of keys), so it is pruned (`prune_removals_statements`,
run daily by the platform's retention): each prune forgets the removals older than the
watermark the previous prune took. A reader that caught up since then loses nothing; one that
has not finds the row PRUNED_BELOW among its removals and reloads instead of trusting its copy.

Rows written before tracking was installed keep a NULL revision: they are in every full
read and never in a change read. TRUNCATE fires no row trigger; a reader's copy is stale
after one until it reloads.
"""

from __future__ import annotations

from fangkong.analytics.sql_dialects import CheckinTable

# Rows of the removals table that are not removals (real keys are positive ids): where the
# last prune cut, and the watermark the next prune will cut at.
PRUNED_BELOW_KEY = 0
NEXT_PRUNE_KEY = -1


def removed_table(t: CheckinTable) -> str:
    return f"{t.table}_removed"


def _tracked_columns(t: CheckinTable) -> str:
    return ", ".join(f'"{c}"' for c in (t.person_id, t.venue_id, t.check_in, t.check_out))


def change_tracking_statements(dialect: str, t: CheckinTable | None = None) -> list[str]:
    """DDL (idempotent) for a migration: the revision index, the removals table, triggers.
    The `revision` column itself belongs to the table (the platform model declares it)."""
    t = t or CheckinTable()
    removed = removed_table(t)
    if dialect == "postgresql":
        stamp = "pg_current_xact_id()::text::bigint"
        return [
            f'CREATE INDEX IF NOT EXISTS "{t.table}_revision" ON "{t.table}" ("{t.revision}") '
            f'WHERE "{t.revision}" IS NOT NULL',
            f'CREATE TABLE IF NOT EXISTS "{removed}" '
            f'("{t.key}" bigint NOT NULL, "{t.revision}" bigint NOT NULL)',
            f'CREATE INDEX IF NOT EXISTS "{removed}_revision" ON "{removed}" ("{t.revision}")',
            f'CREATE OR REPLACE FUNCTION "{t.table}_revise"() RETURNS trigger '
            f'LANGUAGE plpgsql AS $$ BEGIN NEW."{t.revision}" := {stamp}; RETURN NEW; END $$',
            f'CREATE OR REPLACE FUNCTION "{t.table}_remember_removal"() RETURNS trigger '
            f'LANGUAGE plpgsql AS $$ BEGIN INSERT INTO "{removed}" VALUES (OLD."{t.key}", '
            f"{stamp}); RETURN OLD; END $$",
            f'DROP TRIGGER IF EXISTS "{t.table}_revise" ON "{t.table}"',
            f'CREATE TRIGGER "{t.table}_revise" BEFORE INSERT OR UPDATE OF '
            f'{_tracked_columns(t)} ON "{t.table}" FOR EACH ROW EXECUTE FUNCTION '
            f'"{t.table}_revise"()',
            f'DROP TRIGGER IF EXISTS "{t.table}_remember_removal" ON "{t.table}"',
            f'CREATE TRIGGER "{t.table}_remember_removal" AFTER DELETE ON "{t.table}" '
            f'FOR EACH ROW EXECUTE FUNCTION "{t.table}_remember_removal"()',
        ]
    if dialect == "sqlite":
        following = (
            f'(SELECT coalesce(max(m), 0) + 1 FROM (SELECT max("{t.revision}") AS m FROM '
            f'"{t.table}" UNION ALL SELECT max("{t.revision}") FROM "{removed}"))'
        )
        revise = (
            f'UPDATE "{t.table}" SET "{t.revision}" = {following} WHERE "{t.key}" = NEW."{t.key}"'
        )
        return [
            # Not partial: max() over it is what makes the next revision cheap.
            f'CREATE INDEX IF NOT EXISTS "{t.table}_revision" ON "{t.table}" ("{t.revision}")',
            f'CREATE TABLE IF NOT EXISTS "{removed}" '
            f'("{t.key}" integer NOT NULL, "{t.revision}" integer NOT NULL)',
            f'CREATE INDEX IF NOT EXISTS "{removed}_revision" ON "{removed}" ("{t.revision}")',
            # Dropped and created again, as on PostgreSQL, so that running these again
            # leaves the triggers of this text, not whichever an older run installed.
            f'DROP TRIGGER IF EXISTS "{t.table}_revise_update"',
            # The trigger's own UPDATE sets only the revision, so it does not fire itself.
            f'CREATE TRIGGER "{t.table}_revise_update" AFTER UPDATE OF '
            f'{_tracked_columns(t)} ON "{t.table}" BEGIN {revise}; END',
            f'DROP TRIGGER IF EXISTS "{t.table}_remember_removal"',
            f'CREATE TRIGGER "{t.table}_remember_removal" AFTER DELETE ON '
            f'"{t.table}" BEGIN INSERT INTO "{removed}" VALUES (OLD."{t.key}", {following}); END',
        ]
    raise ValueError(f"unknown dialect {dialect!r}")


def drop_change_tracking_statements(dialect: str, t: CheckinTable | None = None) -> list[str]:
    """The reverse of change_tracking_statements (a migration's reverse SQL)."""
    t = t or CheckinTable()
    removed = removed_table(t)
    if dialect == "postgresql":
        return [
            f'DROP TRIGGER IF EXISTS "{t.table}_revise" ON "{t.table}"',
            f'DROP TRIGGER IF EXISTS "{t.table}_remember_removal" ON "{t.table}"',
            f'DROP FUNCTION IF EXISTS "{t.table}_revise"()',
            f'DROP FUNCTION IF EXISTS "{t.table}_remember_removal"()',
            f'DROP TABLE IF EXISTS "{removed}"',
            f'DROP INDEX IF EXISTS "{t.table}_revision"',
        ]
    return [
        f'DROP TRIGGER IF EXISTS "{t.table}_revise_update"',
        f'DROP TRIGGER IF EXISTS "{t.table}_remember_removal"',
        f'DROP TABLE IF EXISTS "{removed}"',
        f'DROP INDEX IF EXISTS "{t.table}_revision"',
    ]


def watermark_sql(dialect: str, t: CheckinTable | None = None) -> tuple[str, tuple[str, ...]]:
    """Run in the same read transaction as a read: where the next change read starts, as one
    row of values, and their parameter names for `changed_where`."""
    t = t or CheckinTable()
    if dialect == "postgresql":
        return "SELECT pg_snapshot_xmin(pg_current_snapshot())::text::bigint", ("since",)
    return (
        f'SELECT coalesce(max(m), 0) + 1, (SELECT coalesce(max("{t.key}"), 0) + 1 FROM '
        f'"{t.table}") FROM (SELECT max("{t.revision}") AS m FROM "{t.table}" '
        f'UNION ALL SELECT max("{t.revision}") FROM "{removed_table(t)}")',
        ("since", "next_key"),
    )


def changed_where(dialect: str, t: CheckinTable | None = None) -> list[str]:
    """WHERE clauses (parameters named as in watermark_sql) whose rows together are every
    row written since the watermark; a row may be in more than one."""
    t = t or CheckinTable()
    if dialect == "postgresql":
        return [f'WHERE "{t.revision}" >= %(since)s']
    return [f'WHERE "{t.key}" >= :next_key', f'WHERE "{t.revision}" >= :since']


def removed_where(dialect: str, t: CheckinTable | None = None) -> str:
    t = t or CheckinTable()
    return f'WHERE "{t.revision}" >= ' + ("%(since)s" if dialect == "postgresql" else ":since")


def _current_watermark_sql(dialect: str, t: CheckinTable) -> str:
    if dialect == "postgresql":
        return "pg_snapshot_xmin(pg_current_snapshot())::text::bigint"
    return (
        f'(SELECT coalesce(max(m), 0) + 1 FROM (SELECT max("{t.revision}") AS m FROM '
        f'"{t.table}" UNION ALL SELECT max("{t.revision}") FROM "{removed_table(t)}"))'
    )


def prune_removals_statements(dialect: str, t: CheckinTable | None = None) -> list[str]:
    """Run in one transaction: forget the removals older than the previous prune's
    watermark, mark that cut (PRUNED_BELOW_KEY) and take this prune's watermark for the next
    (NEXT_PRUNE_KEY). The first prune only takes its watermark. A reader's `since` below the
    cut returns the PRUNED_BELOW row (its revision is the cut), and only such a reader can
    have missed a pruned removal."""
    t = t or CheckinTable()
    removed, key, revision = removed_table(t), t.key, t.revision
    next_cut = f'(SELECT "{revision}" FROM "{removed}" WHERE "{key}" = {NEXT_PRUNE_KEY})'
    return [
        f'DELETE FROM "{removed}" WHERE "{key}" > 0 AND "{revision}" < {next_cut}',
        f'DELETE FROM "{removed}" WHERE "{key}" = {PRUNED_BELOW_KEY} '
        f'AND EXISTS (SELECT 1 FROM "{removed}" WHERE "{key}" = {NEXT_PRUNE_KEY})',
        f'UPDATE "{removed}" SET "{key}" = {PRUNED_BELOW_KEY} WHERE "{key}" = {NEXT_PRUNE_KEY}',
        f'INSERT INTO "{removed}" ("{key}", "{revision}") '
        f"SELECT {NEXT_PRUNE_KEY}, {_current_watermark_sql(dialect, t)}",
    ]
