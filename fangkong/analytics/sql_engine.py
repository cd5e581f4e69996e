"""The relational engine: traces over a check-in table through a DB-API connection
(sqlite3 or psycopg 3), reading only index ranges (see sql_dialects for the indexes)."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from datetime import tzinfo
from typing import Any

from fangkong.analytics.checkin_files import CheckinRecords, iter_records
from fangkong.analytics.sql_dialects import (
    CheckinTable,
    PostgresDialect,
    Probe,
    SqlDialect,
    SqliteDialect,
    class_lower_bounds,
)
from fangkong.analytics.timestamps import DEFAULT_ZONE, zone_named
from fangkong.analytics.tracing import (
    CaseQuery,
    ControlTimes,
    TraceResult,
    TracingParams,
    control_times_us,
    register_file_engine,
)

_DIALECTS: dict[str, type[SqlDialect]] = {"sqlite": SqliteDialect, "postgresql": PostgresDialect}

# person -> (exposure_us, venue, via, person id as stored)
Best = dict[str, tuple[int, str, str, Any]]


def detect_dialect(connection: Any) -> str:
    if isinstance(connection, sqlite3.Connection):
        return "sqlite"
    if type(connection).__module__.startswith("psycopg"):
        return "postgresql"
    raise ValueError(f"cannot tell the SQL dialect of {type(connection).__name__}; pass dialect=")


class SqlEngine:
    """Contact tracing over a live check-in table.

    `connection` is a raw DB-API connection: `sqlite3.Connection` or `psycopg.Connection`
    (in Django: `django.db.connection.connection` after `ensure_connection()`). Queries are
    read-only and leave transaction control to the caller.
    """

    name = "sql"

    def __init__(
        self,
        connection: Any,
        *,
        dialect: str | None = None,
        table: CheckinTable | None = None,
        zone: tzinfo | None = None,
    ) -> None:
        self.connection = connection
        self.dialect = _DIALECTS[dialect or detect_dialect(connection)](table or CheckinTable())
        self.zone = zone if zone is not None else zone_named(DEFAULT_ZONE)
        if isinstance(self.dialect, PostgresDialect):
            self.dialect.learn_types(connection)

    def _fetch(self, sql: str, params: dict[str, Any]) -> list[tuple[Any, ...]]:
        cursor = self.connection.cursor()
        try:
            cursor.execute(sql, params)
            return list(cursor.fetchall())
        finally:
            cursor.close()

    def trace(
        self,
        case: CaseQuery,
        params: TracingParams,
        *,
        control_times: ControlTimes | None = None,
    ) -> TraceResult:
        d = self.dialect
        m, stay = params.min_overlap_us, params.default_stay_us
        low, high = case.window_us(params, self.zone)
        stays = self._fetch(d.case_stays_sql(), {"person": case.case_id, "high": d.timestamp(high)})
        probes = _clip(stays, {case.case_id: (low, high)}, stay, m)
        rows: list[tuple[str, int, int, str, str]] = []
        close = self._exposures(probes, params)
        close.pop(case.case_id, None)
        rows.extend((p, 1, e, venue, via) for p, (e, venue, via, _) in close.items())
        if params.degree == 2 and close:
            controls = control_times_us(control_times, self.zone)
            windows = {p: (e, controls.get(p)) for p, (e, _, _, _) in close.items()}
            source, args = d.contact_source(
                [(raw, d.timestamp(windows[p][1])) for p, (_, _, _, raw) in close.items()]
            )
            contact_stays = self._fetch(d.contact_stays_sql(source), args)
            second = self._exposures(_clip(contact_stays, windows, stay, m), params)
            for person in (case.case_id, *close):
                second.pop(person, None)
            rows.extend((p, 2, e, venue, via) for p, (e, venue, via, _) in second.items())
        return TraceResult.from_unsorted(case.case_id, self.zone, rows)

    def _exposures(self, probes: list[Probe], params: TracingParams) -> Best:
        if not probes:
            return {}
        d = self.dialect
        m, stay = params.min_overlap_us, params.default_stay_us
        rows = []
        for probe in probes:
            high = d.timestamp(probe.end_us - m)
            for stay_class, low in class_lower_bounds(probe.start_us, m, stay):
                rows.append(
                    (
                        probe.venue,
                        stay_class,
                        d.bounded_low(low),
                        high,
                        probe.start_us,
                        probe.end_us,
                        probe.via,
                    )
                )
        source, args = d.probe_source(rows)
        args.update(stay=stay, overlap=m)
        return {
            person: (int(exposure), venue, via, raw)
            for raw, person, exposure, venue, via in self._fetch(d.exposures_sql(source), args)
        }


def _clip(
    stays: Sequence[tuple[Any, ...]],
    windows: dict[str, tuple[int, int | None]],
    default_stay_us: int,
    min_overlap_us: int,
) -> list[Probe]:
    """Stays (person, venue, check_in_us, check_out_us|None) clipped to their person's window;
    those left shorter than min_overlap cannot make a contact and are dropped."""
    probes = []
    for person, venue, start, end in stays:
        low, high = windows[str(person)]
        stop = start + default_stay_us if end is None else end
        start, stop = max(start, low), stop if high is None else min(stop, high)
        if stop - start >= min_overlap_us:
            probes.append(Probe(venue, start, stop, person))
    return probes


def _file_engine(records: CheckinRecords, zone: tzinfo) -> SqlEngine:
    """`--engine sql` on a file: an in-memory SQLite table shaped like the platform's."""
    from fangkong.analytics.sql_schema import (
        create_checkin_table,
        create_tracing_indexes,
        insert_checkins,
    )

    connection = sqlite3.connect(":memory:")
    create_checkin_table(connection, "sqlite", id_type="text")
    insert_checkins(connection, "sqlite", iter_records(records))
    create_tracing_indexes(connection, "sqlite")
    return SqlEngine(connection, dialect="sqlite", zone=zone)


register_file_engine("sql", _file_engine)
