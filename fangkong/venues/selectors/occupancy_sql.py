"""Live occupancy of many venues at once, in SQL: the one read of the area that must stay fast
over millions of check-ins.

On PostgreSQL the count is kept as it changes (`venues.occupancy_rollup`) and read from there
whenever it can answer for t; otherwise, and on SQLite, the stays are counted.

A stay is inside at t when check_in <= t < end. Two disjoint parts are counted:

* stays without check-out, inside for the default stay: check_in in (t - default stay, t],
  one short range of the (check_in, venue, check_out) index;
* stays with a check-out after t, begun in (t - window, t]. Near the present the stays
  leaving after t are few, and the partial (check_out, check_in, venue) index finds them;
  further back the window of check-ins is the smaller range. PostgreSQL's planner picks
  the right index from its statistics; SQLite's cannot tell and is told (INDEXED BY).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import QuerySet
from django.utils import timezone

from fangkong.venues.checkin_table import CHECKIN_TABLE, checkin_columns
from fangkong.venues.models import Venue
from fangkong.venues.models.checkins import default_stay, occupancy_window
from fangkong.venues.occupancy_rollup import Screen, rollup_counts

CHECK_OUT_INDEX = "checkin_out_time"
CHECK_IN_INDEX = "checkin_time_venue"


def occupancy_counts(
    *,
    at: dt.datetime,
    venues: QuerySet[Venue] | None = None,
    kept: bool = True,
    screen: Screen | None = None,
) -> dict[int, int]:
    """People inside each venue with anyone inside at `at` (restricted to `venues`); from the
    kept count where it answers for `at`, unless `kept` is False (the benchmark's check).
    The kept count applies `screen` in the database; counting stays ignores it (the caller
    checks every venue's limit anyway)."""
    quote = connection.ops.quote_name
    table = quote(CHECKIN_TABLE.table)
    column = {field: quote(name) for field, name in checkin_columns().items()}
    venue, check_in, check_out = column["venue"], column["check_in"], column["check_out"]

    def moment(value: dt.datetime) -> Any:
        return connection.ops.adapt_datetimefield_value(value)

    scope_sql, scope_params = "", []
    if venues is not None:
        try:
            subquery, params = venues.order_by().values("pk").query.sql_with_params()
        except EmptyResultSet:  # a scope that holds no venue
            return {}
        scope_sql, scope_params = " AND {venue} IN (" + subquery + ")", list(params)
    found = (
        rollup_counts(at=at, scope_sql=scope_sql, scope_params=scope_params, screen=screen)
        if kept
        else None
    )
    if found is not None:
        return found
    scope_sql = scope_sql.replace("{venue}", venue)
    sqlite = connection.vendor == "sqlite"
    recent = timezone.now() - at < occupancy_window()
    # Left alone, SQLite skip-scans the (venue, check_in) index, ten times slower.
    by_check_in = f" INDEXED BY {CHECK_IN_INDEX}" if sqlite else ""
    leaving = f" INDEXED BY {CHECK_OUT_INDEX if recent else CHECK_IN_INDEX}" if sqlite else ""
    queries = [
        (
            f"SELECT {venue}, COUNT(*) FROM {table}{by_check_in} WHERE {check_out} IS NULL "
            f"AND {check_in} > %s AND {check_in} <= %s{scope_sql} GROUP BY {venue}",
            [moment(at - default_stay()), moment(at), *scope_params],
        ),
        (
            f"SELECT {venue}, COUNT(*) FROM {table}{leaving} WHERE {check_out} > %s "
            f"AND {check_in} > %s AND {check_in} <= %s{scope_sql} GROUP BY {venue}",
            [moment(at), moment(at - occupancy_window()), moment(at), *scope_params],
        ),
    ]
    counts: dict[int, int] = {}
    with connection.cursor() as cursor:
        for sql, values in queries:
            cursor.execute(sql, values)
            for venue_id, people in cursor.fetchall():
                counts[venue_id] = counts.get(venue_id, 0) + people
    return counts
