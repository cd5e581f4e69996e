"""Live occupancy kept as a running count on PostgreSQL, so the city's over-limit list reads a
few hundred thousand small rows instead of counting the millions of stays inside now.

A stay is inside at t when check_in <= t < end, where end is the earlier of its own end (the
check-out, or check_in + the default stay) and check_in + the occupancy window
(`occupancy_sql`'s rule, written as one instant). So each stay is two events, +1 at check_in
and -1 at end, and the people inside a venue at t are the sum of its events at or before t.
The sum is kept in two tables beside the check-in table:

* `<table>_occupancy_base`: per venue, the sum of the events before the fold mark;
* `<table>_occupancy_minute`: per venue and minute, the sum of the later events (and of any
  earlier one written after the fold that passed it: a late record, a replayed day).

`<table>_occupancy_mark` is one row: the fold mark (NULL: nothing folded) and the default stay
and window the events were computed with. A read at t sums the base, every minute before t's
minute, and counts the few stays whose events fall in t's own minute from the table itself
(`rollup_counts`). It is exact for any t at or after the mark; before it, and whenever the
settings differ from the mark's, occupancy is counted from the stays as before.

Statement triggers with transition tables keep the two tables current: every insert, update
and delete of check-ins, whatever wrote it, adds its events set-based in the same
transaction (one aggregate per statement, not per row). Upserts go in key order, so two
writers lock the same rows in the same order. Where rows move without the parent table's
statement triggers (a partition dropped, rows moved out of the DEFAULT partition), the
statements of `checkin_partitions` apply `events_apply_sql` themselves.

Folding (the job venues.checkin_occupancy) moves the minutes before now - the fold lag into
the base with one DELETE ... RETURNING, so exactly the rows it deletes are added and a
writer racing it loses nothing. Reads stay short: the base and about FOLD_LAG minutes.

SQLite keeps counting stays: it is the database of a laptop or a district, where that takes
a quarter of a second, and its row triggers would slow every ingest.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import connection, transaction

from fangkong.analytics.sql_dialects import CheckinTable
from fangkong.venues.checkin_table import CHECKIN_TABLE
from fangkong.venues.conf import venues_settings
from fangkong.venues.models import Venue


def mark_table(t: CheckinTable = CHECKIN_TABLE) -> str:
    return f"{t.table}_occupancy_mark"


def base_table(t: CheckinTable = CHECKIN_TABLE) -> str:
    return f"{t.table}_occupancy_base"


def minute_table(t: CheckinTable = CHECKIN_TABLE) -> str:
    return f"{t.table}_occupancy_minute"


def _events_sql(relation: str, sign: int, where: str, t: CheckinTable) -> str:
    """(venue, at, n) for each event of the rows of `relation` (each event's n is `sign` for
    an arrival, -`sign` for a departure); `where` filters the rows, alias r, mark alias m."""
    end = f'LEAST(COALESCE(r."{t.check_out}", r."{t.check_in}" + m.stay), r."{t.check_in}" + m.win)'
    mark = (
        "SELECT folded_to, make_interval(mins => default_stay_minutes) AS stay, "
        f'make_interval(mins => window_minutes) AS win FROM "{mark_table(t)}"'
    )
    stays = (
        f'SELECT r."{t.venue_id}" AS venue, r."{t.check_in}" AS arrive, {end} AS leave, '
        f"m.folded_to FROM {relation} r, ({mark}) m WHERE {where}"
    )
    # A stay whose end is not after its start was never inside: it has no events.
    return (
        f"SELECT venue, arrive AS moment, {sign} AS n, folded_to FROM ({stays}) s "
        "WHERE leave > arrive UNION ALL "
        f"SELECT venue, leave, {-sign}, folded_to FROM ({stays}) s WHERE leave > arrive"
    )


def events_apply_sql(
    sources: list[tuple[str, int]], where: str = "TRUE", t: CheckinTable = CHECKIN_TABLE
) -> list[str]:
    """The statement adding the events of the rows of each (relation, sign) to the count:
    those before the fold mark to the base, the others to their minute.

    One statement, so one snapshot reads the mark for both halves. As two statements, a fold
    committed between them moved the mark past an event that the first had left for the
    minutes and the second then left for the base: the event was in neither. An event left
    for a minute the fold has already passed is still read (every minute row before a read's
    minute is summed) and the next fold takes it into the base.

    The minutes are written first and the base after (PostgreSQL runs a WITH's writes that
    nothing reads once the main statement is done), the order a fold takes its rows in, so a
    writer and a fold do not wait on each other in a circle."""
    events = " UNION ALL ".join(_events_sql(rel, sign, where, t) for rel, sign in sources)
    base, minute = base_table(t), minute_table(t)
    return [
        f"WITH e AS MATERIALIZED ({events}), "
        f'to_base AS (INSERT INTO "{base}" (venue_id, people) SELECT venue, sum(n) FROM e '
        "WHERE moment < folded_to GROUP BY venue HAVING sum(n) <> 0 ORDER BY venue "
        f'ON CONFLICT (venue_id) DO UPDATE SET people = "{base}".people + excluded.people) '
        f'INSERT INTO "{minute}" (at_minute, venue_id, delta) '
        "SELECT date_trunc('minute', moment), venue, sum(n) FROM e "
        "WHERE folded_to IS NULL OR moment >= folded_to "
        "GROUP BY 1, 2 HAVING sum(n) <> 0 ORDER BY 1, 2 "
        "ON CONFLICT (at_minute, venue_id) DO UPDATE SET "
        f'delta = "{minute}".delta + excluded.delta'
    ]


def _trigger_body(t: CheckinTable) -> str:
    def run(sources: list[tuple[str, int]]) -> str:
        return " ".join(f"{statement};" for statement in events_apply_sql(sources, t=t))

    return (
        "BEGIN "
        f"IF TG_OP = 'INSERT' THEN {run([('new_rows', 1)])} "
        f"ELSIF TG_OP = 'UPDATE' THEN {run([('old_rows', -1), ('new_rows', 1)])} "
        f"ELSE {run([('old_rows', -1)])} END IF; "
        "RETURN NULL; END"
    )


_EVENTS = {
    "INSERT": "REFERENCING NEW TABLE AS new_rows",
    "UPDATE": "REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows",
    "DELETE": "REFERENCING OLD TABLE AS old_rows",
}


def rollup_install_statements(t: CheckinTable = CHECKIN_TABLE) -> list[str]:
    """DDL (PostgreSQL, idempotent) of the three tables and the triggers; the counts are then
    filled by `occupancy_rollup_rebuild`."""
    mark, base, minute, table = mark_table(t), base_table(t), minute_table(t), t.table
    statements = [
        f'CREATE TABLE IF NOT EXISTS "{mark}" (id smallint PRIMARY KEY CHECK (id = 1), '
        "folded_to timestamptz, default_stay_minutes integer NOT NULL, "
        "window_minutes integer NOT NULL)",
        f'CREATE TABLE IF NOT EXISTS "{base}" (venue_id bigint PRIMARY KEY, '
        "people integer NOT NULL)",
        f'CREATE TABLE IF NOT EXISTS "{minute}" (at_minute timestamptz NOT NULL, '
        "venue_id bigint NOT NULL, delta integer NOT NULL, PRIMARY KEY (at_minute, venue_id))",
        f'CREATE OR REPLACE FUNCTION "{table}_occupancy_count"() RETURNS trigger '
        f"LANGUAGE plpgsql AS $$ {_trigger_body(t)} $$",
        # TRUNCATE (a test database's flush) empties the table: its count is empty too, and
        # valid at every instant again.
        f'CREATE OR REPLACE FUNCTION "{table}_occupancy_empty"() RETURNS trigger '
        f'LANGUAGE plpgsql AS $$ BEGIN TRUNCATE "{base}", "{minute}"; '
        f'UPDATE "{mark}" SET folded_to = NULL; RETURN NULL; END $$',
    ]
    for event, referencing in _EVENTS.items():
        name = f"{table}_occupancy_{event.lower()}"
        statements += [
            f'DROP TRIGGER IF EXISTS "{name}" ON "{table}"',
            f'CREATE TRIGGER "{name}" AFTER {event} ON "{table}" {referencing} '
            f'FOR EACH STATEMENT EXECUTE FUNCTION "{table}_occupancy_count"()',
        ]
    statements += [
        f'DROP TRIGGER IF EXISTS "{table}_occupancy_truncate" ON "{table}"',
        f'CREATE TRIGGER "{table}_occupancy_truncate" AFTER TRUNCATE ON "{table}" '
        f'FOR EACH STATEMENT EXECUTE FUNCTION "{table}_occupancy_empty"()',
    ]
    return statements


def rollup_drop_statements(t: CheckinTable = CHECKIN_TABLE) -> list[str]:
    table = t.table
    triggers = [f"{table}_occupancy_{e.lower()}" for e in (*_EVENTS, "TRUNCATE")]
    return [
        *(f'DROP TRIGGER IF EXISTS "{name}" ON "{table}"' for name in triggers),
        f'DROP FUNCTION IF EXISTS "{table}_occupancy_count"()',
        f'DROP FUNCTION IF EXISTS "{table}_occupancy_empty"()',
        f'DROP TABLE IF EXISTS "{mark_table(t)}", "{base_table(t)}", "{minute_table(t)}"',
    ]


def _window_minutes() -> int:
    return venues_settings().occupancy_max_stay_hours * 60


@dataclass(frozen=True)
class RollupMark:
    folded_to: dt.datetime | None
    default_stay_minutes: int
    window_minutes: int

    def current(self) -> bool:
        """Computed with today's settings (a changed default stay or window needs a rebuild)."""
        return (self.default_stay_minutes, self.window_minutes) == (
            venues_settings().default_stay_minutes,
            _window_minutes(),
        )

    def answers(self, at: dt.datetime) -> bool:
        return self.current() and (self.folded_to is None or at >= self.folded_to)


def _installed() -> bool:
    return connection.vendor == "postgresql"


def rollup_mark() -> RollupMark | None:
    """The count's mark, or None where there is no count (SQLite, not built yet)."""
    if not _installed():
        return None
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT folded_to, default_stay_minutes, window_minutes "
            f'FROM "{mark_table()}" WHERE id = 1'
        )
        row = cursor.fetchone()
    return RollupMark(*row) if row else None


def minute_of(at: dt.datetime) -> dt.datetime:
    return at.replace(second=0, microsecond=0)


@transaction.atomic
def occupancy_rollup_rebuild(*, fold_to: dt.datetime | None) -> None:
    """Count again from the check-ins, with today's settings, folded up to `fold_to` (None:
    nothing folded). For a new count, changed settings, or rows loaded past the triggers.

    The two tables are locked first: a writer still running has its events in them already
    and is waited for; one that starts now waits, and adds its events to the new count."""
    mark, base, minute = mark_table(), base_table(), minute_table()
    t = CHECKIN_TABLE
    with connection.cursor() as cursor:
        cursor.execute(f'LOCK TABLE "{mark}", "{base}", "{minute}" IN EXCLUSIVE MODE')
        cursor.execute(f'TRUNCATE "{base}", "{minute}"')
        cursor.execute(
            f'INSERT INTO "{mark}" VALUES (1, %s, %s, %s) ON CONFLICT (id) DO UPDATE SET '
            "folded_to = excluded.folded_to, default_stay_minutes = "
            "excluded.default_stay_minutes, window_minutes = excluded.window_minutes",
            [fold_to, venues_settings().default_stay_minutes, _window_minutes()],
        )
        # A stay begun a window or more before the mark has both events before it: its +1
        # and -1 in the base cancel, so it is not read at all.
        where, params = "TRUE", []
        if fold_to is not None:
            where = f'r."{t.check_in}" >= %s'
            params = [fold_to - dt.timedelta(minutes=_window_minutes())]
        for statement in events_apply_sql([(f'"{t.table}"', 1)], where):
            # The filter is in the arrivals and in the departures.
            cursor.execute(statement, params + params)


@transaction.atomic
def occupancy_rollup_fold(*, to: dt.datetime) -> int:
    """Fold the minutes before `to` into the base (never backwards); returns the minute rows
    folded. Run by the job venues.checkin_occupancy."""
    to = minute_of(to)
    mark, base, minute = mark_table(), base_table(), minute_table()
    with connection.cursor() as cursor:
        # The row lock makes two folds take turns; writers do not take it.
        cursor.execute(
            f'UPDATE "{mark}" SET folded_to = %s WHERE id = 1 '
            "AND (folded_to IS NULL OR folded_to < %s)",
            [to, to],
        )
        if cursor.rowcount != 1:
            return 0
        cursor.execute(
            f'WITH gone AS (DELETE FROM "{minute}" WHERE at_minute < %s RETURNING venue_id, delta) '
            f'INSERT INTO "{base}" (venue_id, people) SELECT venue_id, sum(delta) FROM gone '
            "GROUP BY venue_id ORDER BY venue_id "
            f'ON CONFLICT (venue_id) DO UPDATE SET people = "{base}".people + excluded.people',
            [to],
        )
        folded = cursor.rowcount
        # A venue back to nobody inside needs no row; one a writer holds is left for the
        # next fold rather than waited for (the writer may be waiting for this fold's rows).
        cursor.execute(
            f'DELETE FROM "{base}" WHERE venue_id IN (SELECT venue_id FROM "{base}" '
            "WHERE people = 0 FOR UPDATE SKIP LOCKED)"
        )
    return folded


def occupancy_rollup_keep(*, now: dt.datetime) -> int:
    """The job's work: rebuild a count that is missing or has other settings than today's,
    else fold up to now - FANGKONG_VENUE_OCCUPANCY_FOLD_LAG_MINUTES. Returns 1 if it did
    either."""
    if not _installed():
        return 0
    to = minute_of(now - dt.timedelta(minutes=venues_settings().occupancy_fold_lag_minutes))
    found = rollup_mark()
    if found is None or not found.current():
        occupancy_rollup_rebuild(fold_to=to)
        return 1
    return 1 if occupancy_rollup_fold(to=to) else 0


@dataclass(frozen=True)
class Screen:
    """Keep only the venues that may be over their limit: those holding more than
    floor(approved capacity × `ratios[category]`), and every venue of `checked` (those with
    a limit of their own, which the caller works out)."""

    ratios: dict[str, Decimal]
    checked: list[int]


def rollup_counts(
    *,
    at: dt.datetime,
    scope_sql: str = "",
    scope_params: list[Any] | None = None,
    screen: Screen | None = None,
) -> dict[int, int] | None:
    """People inside each venue with anyone inside at `at`, from the count; None when the
    count cannot answer for `at` (the caller counts stays). `scope_sql` restricts the venues:
    a condition on the column `{venue}`, e.g. " AND {venue} IN (SELECT ...)"; `screen`
    leaves out the venues that cannot be over their limit."""
    found = rollup_mark()
    if found is None or not found.answers(at):
        return None
    t = CHECKIN_TABLE
    table = f'"{t.table}"'
    venue = f'"{t.venue_id}"'
    check_in, check_out = f'"{t.check_in}"', f'"{t.check_out}"'
    start = minute_of(at)
    stay = dt.timedelta(minutes=found.default_stay_minutes)
    window = dt.timedelta(minutes=found.window_minutes)

    def scoped(sql: str, values: list[Any], column: str) -> tuple[str, list[Any]]:
        if not scope_sql:
            return sql, values
        return sql + scope_sql.replace("{venue}", column), values + list(scope_params or [])

    base_sql, base_params = scoped(
        f'SELECT venue_id, people AS n FROM "{base_table()}" WHERE TRUE', [], "venue_id"
    )
    minute_sql, minute_params = scoped(
        f'SELECT venue_id, delta FROM "{minute_table()}" WHERE at_minute < %s',
        [start],
        "venue_id",
    )
    # The events of at's own minute, up to at, come from the stays themselves: arrivals in
    # [start, at], and departures in [start, at] in three disjoint sets by what ends the stay
    # (its check-out, the default stay, the window), each one short range of an index that
    # holds every column read.
    # A stay without check-out ends after the default stay, or at the window if that is
    # shorter; with a zero default stay it never began.
    open_ends_by_stay = dt.timedelta(0) < stay < window
    open_counts = f"{check_out} IS NULL" if stay > dt.timedelta(0) else "FALSE"
    open_ends_by_window = f" OR {check_out} IS NULL" if stay >= window else ""
    events = [
        scoped(
            f"SELECT {venue}, 1 FROM {table} WHERE {check_in} >= %s AND {check_in} <= %s "
            f"AND ({open_counts} OR {check_out} > {check_in})",
            [start, at],
            venue,
        ),
        scoped(
            f"SELECT {venue}, -1 FROM {table} WHERE {check_out} >= %s AND {check_out} <= %s "
            f"AND {check_out} > {check_in} AND {check_out} < {check_in} + %s",
            [start, at, window],
            venue,
        ),
        scoped(
            f"SELECT {venue}, -1 FROM {table} WHERE {check_in} >= %s AND {check_in} <= %s "
            f"AND ({check_out} >= {check_in} + %s{open_ends_by_window})",
            [start - window, at - window, window],
            venue,
        ),
    ]
    if open_ends_by_stay:
        events.append(
            scoped(
                f"SELECT {venue}, -1 FROM {table} WHERE {check_out} IS NULL "
                f"AND {check_in} >= %s AND {check_in} <= %s",
                [start - stay, at - stay],
                venue,
            )
        )
    sql = (
        f"SELECT venue_id, sum(n) FROM ({base_sql} UNION ALL {minute_sql} UNION ALL "
        + " UNION ALL ".join(part for part, _ in events)
        + ") x (venue_id, n) GROUP BY venue_id HAVING sum(n) > 0"
    )
    params = [
        *base_params,
        *minute_params,
        *(value for _, values in events for value in values),
    ]
    if screen is not None:
        sql, params = _screened(sql, params, screen)
    with transaction.atomic(), connection.cursor() as cursor:
        # The plan is a few index ranges and one hash of some 200,000 rows at a city's
        # peak: compiling it (JIT) costs more than it saves, and the hash must not spill.
        cursor.execute("SET LOCAL jit = off")
        cursor.execute("SET LOCAL work_mem = '64MB'")
        # Its estimates of the groups are far off (a few hundred for 100,000 venues): a
        # parallel plan then sorts and merges what one hash does faster, and the screen's
        # join would look up the venues one by one instead of hashing them.
        cursor.execute("SET LOCAL max_parallel_workers_per_gather = 0")
        cursor.execute("SET LOCAL enable_nestloop = off")
        cursor.execute(sql, params)
        return {int(venue_id): int(people) for venue_id, people in cursor.fetchall()}


def _screened(sql: str, params: list[Any], screen: Screen) -> tuple[str, list[Any]]:
    """`sql`'s (venue, people) rows that `screen` keeps: a thousand rows leave the database
    instead of a city's hundred thousand."""
    meta = Venue._meta
    table = f'"{meta.db_table}"'
    key, category, capacity = (
        f'v."{meta.get_field(name).column}"'  # type: ignore[union-attr]
        for name in ("id", "category", "approved_capacity")
    )
    ratios = list(screen.ratios.items())
    values = ", ".join(["(%s, %s::numeric)"] * len(ratios)) or "(NULL, NULL::numeric)"
    screened = (
        f"SELECT c.venue_id, c.people FROM ({sql}) c (venue_id, people) "
        f"JOIN {table} v ON {key} = c.venue_id "
        f"LEFT JOIN (VALUES {values}) r (category, ratio) ON r.category = {category} "
        f"WHERE c.venue_id = ANY(%s) OR r.ratio IS NULL OR c.people > floor({capacity} * r.ratio)"
    )
    return screened, [*params, *(v for pair in ratios for v in pair), screen.checked]
