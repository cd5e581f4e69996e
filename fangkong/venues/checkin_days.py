"""The check-ins held in the database, by day: the API the ingest, the archive, retention and
the demo call (issue 16). A day is the local date of `check_in` in settings.TIME_ZONE.

PostgreSQL keeps one partition per day (`checkin_partitions.py`), so a day is created ahead
and removed whole (detach + drop: no row-by-row delete, no bloat, no vacuum). SQLite keeps
one table: creating a day is nothing, removing one is a single range DELETE. Both remove
the day's stays from every tracing engine: a dropped partition leaves its keys in the
removals table the memory engine reads, as row deletes do through their trigger.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from fangkong.accounts.models import User
from fangkong.analytics.sql_change_tracking import prune_removals_statements
from fangkong.core.audit import audit_write_many
from fangkong.operations.models import ScheduleLease
from fangkong.venues.checkin_partitions import (
    PARTITIONS_LOCK,
    default_days_sql,
    default_partition,
    foreign_keys_sql,
    in_range_sql,
    partition_create_statements,
    partition_day,
    partition_drop_statements,
    partition_name,
    partitions_sql,
)
from fangkong.venues.checkin_table import CHECKIN_TABLE
from fangkong.venues.conf import venues_settings
from fangkong.venues.models import CheckIn
from fangkong.venues.signals import checkins_day_removed


def checkin_day_bounds(day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """[start, end) of the day as aware datetimes in settings.TIME_ZONE."""
    zone = timezone.get_default_timezone()
    start = dt.datetime.combine(day, dt.time(0), tzinfo=zone)
    end = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(0), tzinfo=zone)
    return start, end


def _partitioned() -> bool:
    return connection.vendor == "postgresql"


def _rows(sql: str) -> list[tuple[object, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return list(cursor.fetchall())


def _partition_days() -> set[dt.date]:
    return {day for (name,) in _rows(partitions_sql()) if (day := partition_day(str(name)))}


def _default_count(day: dt.date) -> int:
    start, end = checkin_day_bounds(day)
    ((count,),) = _rows(
        f"SELECT count(*) FROM {in_range_sql(default_partition(), start, end, CHECKIN_TABLE)}"
    )
    return int(str(count))


def _lock() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [PARTITIONS_LOCK])


@transaction.atomic
def checkin_partitions_ensure(*, days: Iterable[dt.date]) -> list[dt.date]:
    """Create the partitions of `days` that are missing, moving rows of those days out of
    the DEFAULT partition into them; returns the days created (none on SQLite). Idempotent;
    concurrent callers take turns on an advisory lock."""
    wanted = sorted(set(days))
    if not _partitioned() or not wanted:
        return []
    _lock()
    missing = [day for day in wanted if day not in _partition_days()]
    if not missing:
        return []
    # Writers wait while the set changes (readers do not): no row of a missing day can reach
    # DEFAULT between taking that day's rows out of it and creating its partition.
    with connection.cursor() as cursor:
        cursor.execute(f'LOCK TABLE "{CHECKIN_TABLE.table}" IN SHARE ROW EXCLUSIVE MODE')
        for day in missing:
            start, end = checkin_day_bounds(day)
            for statement in partition_create_statements(
                day, start, end, move_default_rows=_default_count(day) > 0
            ):
                cursor.execute(statement)
    return missing


def checkin_days_in_database() -> list[dt.date]:
    """The days the database holds: PostgreSQL, those with a partition and those with rows in
    the DEFAULT partition; SQLite, those with rows."""
    if _partitioned():
        defaults = {
            day
            for (day,) in _rows(default_days_sql(settings.TIME_ZONE))
            if isinstance(day, dt.date)
        }
        return sorted(_partition_days() | defaults)
    # Hours, not days, from the database: SQLite stores UTC text and knows no time zone.
    column = CHECKIN_TABLE.check_in
    hours = _rows(
        f'SELECT DISTINCT substr("{column}", 1, 13) FROM "{CHECKIN_TABLE.table}" '
        f'WHERE "{column}" IS NOT NULL'
    )
    local = timezone.get_default_timezone()
    return sorted(
        {
            dt.datetime.strptime(str(hour), "%Y-%m-%d %H")
            .replace(tzinfo=dt.UTC)
            .astimezone(local)
            .date()
            for (hour,) in hours
        }
    )


@transaction.atomic
def checkin_day_remove(*, day: dt.date, reason: str, by: User | None) -> int:
    """Remove every check-in of the day from the database; returns how many there were.

    PostgreSQL detaches and drops the day's partition (rows of the day in DEFAULT are moved
    into one first); SQLite deletes the day's range in one statement. Audited with the day
    and the row count, and `checkins_day_removed` tells higher areas (cases clears the
    itinerary entries' link; the entries keep venue and times). A day not in the database
    removes nothing and records nothing."""
    start, end = checkin_day_bounds(day)
    if _partitioned():
        _lock()
        if _default_count(day):
            checkin_partitions_ensure(days=[day])
        if day not in _partition_days():
            return 0
        ((count,),) = _rows(f'SELECT count(*) FROM "{partition_name(day)}"')
        rows = int(str(count))
        # Rows written in this transaction (moved out of DEFAULT just now) have deferred
        # foreign-key checks pending, and PostgreSQL drops no table with pending events:
        # check them now, then defer again as Django declares them.
        keys = ", ".join(f'"{name}"' for (name,) in _rows(foreign_keys_sql()))
        with connection.cursor() as cursor:
            cursor.execute(f"SET CONSTRAINTS {keys} IMMEDIATE")
            for statement in partition_drop_statements(day):
                cursor.execute(statement)
            cursor.execute(f"SET CONSTRAINTS {keys} DEFERRED")
    else:
        day_rows = CheckIn.objects.filter(check_in__gte=start, check_in__lt=end)
        rows = day_rows.count()
        if not rows:
            return 0
        ops = connection.ops
        with connection.cursor() as cursor:
            cursor.execute(
                f'DELETE FROM "{CHECKIN_TABLE.table}" WHERE "{CHECKIN_TABLE.check_in}" >= %s '
                f'AND "{CHECKIN_TABLE.check_in}" < %s',
                [ops.adapt_datetimefield_value(start), ops.adapt_datetimefield_value(end)],
            )
    audit_write_many(
        by=by,
        action="checkin.day_remove",
        model=CheckIn,
        detail={"day": day.isoformat(), "rows": rows, "reason": reason},
    )
    checkins_day_removed.send(sender=CheckIn, day=day, rows=rows)
    return rows


def retention_cutoff(today: dt.date) -> dt.date:
    """The oldest day retention keeps: every stay of an earlier day is older than
    FANGKONG_CHECKIN_RETENTION_DAYS whatever the time of `today`."""
    return today - dt.timedelta(days=venues_settings().checkin_retention_days)


def retention_days_due(today: dt.date, days: Iterable[dt.date] | None = None) -> list[dt.date]:
    """The days retention removes on `today`: of `days` (e.g. the archive's day files), or
    by default of the days the database holds, those before `retention_cutoff(today)`."""
    cutoff = retention_cutoff(today)
    held = checkin_days_in_database() if days is None else days
    return sorted(day for day in set(held) if day < cutoff)


def partition_days_ahead(today: dt.date) -> list[dt.date]:
    """today .. today + FANGKONG_CHECKIN_PARTITIONS_AHEAD_DAYS: the days the job keeps ready."""
    ahead = venues_settings().checkin_partitions_ahead_days
    return [today + dt.timedelta(days=offset) for offset in range(ahead + 1)]


REMOVALS_PRUNE_SCHEDULE = "venues.checkin_removals_prune"


@transaction.atomic
def checkin_removals_prune(*, now: dt.datetime) -> int:
    """Forget the removals older than the previous prune, at most once every
    FANGKONG_CHECKIN_REMOVALS_KEEP_HOURS: a dropped day leaves all its keys in the removals
    table, which would otherwise grow by a day of check-ins every day. A tracing copy that has
    not caught up since the previous prune reloads (sql_change_tracking). Returns the
    removals forgotten."""
    keep = dt.timedelta(hours=venues_settings().checkin_removals_keep_hours)
    ScheduleLease.objects.get_or_create(name=REMOVALS_PRUNE_SCHEDULE)
    # One conditional UPDATE decides, so two callers at once prune once.
    due = ScheduleLease.objects.filter(name=REMOVALS_PRUNE_SCHEDULE).filter(
        Q(last_tick_at__isnull=True) | Q(last_tick_at__lte=now - keep)
    )
    if due.update(last_tick_at=now) != 1:
        return 0
    statements = prune_removals_statements(connection.vendor, CHECKIN_TABLE)
    with connection.cursor() as cursor:
        cursor.execute(statements[0])
        forgotten = max(cursor.rowcount, 0)
        for statement in statements[1:]:
            cursor.execute(statement)
    return forgotten
