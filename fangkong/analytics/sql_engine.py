"""The relational engine: traces over a check-in table through a DB-API connection
(sqlite3 or psycopg 3), reading only index ranges (see sql_dialects for the indexes)."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from datetime import tzinfo
from typing import Any

import numpy as np

from fangkong.analytics.checkin_files import CheckinRecords, iter_records
from fangkong.analytics.sql_candidate_matching import exposures_from_candidates
from fangkong.analytics.sql_dialects import (
    CheckinTable,
    PostgresDialect,
    Probe,
    SqlDialect,
    SqliteDialect,
    fetch_all,
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

DIALECTS: dict[str, type[SqlDialect]] = {"sqlite": SqliteDialect, "postgresql": PostgresDialect}


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
        self.dialect = DIALECTS[dialect or detect_dialect(connection)](table or CheckinTable())
        self.zone = zone if zone is not None else zone_named(DEFAULT_ZONE)
        if isinstance(self.dialect, PostgresDialect):
            self.dialect.learn_types(connection)

    def _fetch(self, sql: str, params: dict[str, Any]) -> list[tuple[Any, ...]]:
        return fetch_all(self.connection, sql, params)

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
        close = [row for row in self._exposures(probes, params) if row[1] != case.case_id]
        found = [close]
        if params.degree == 2 and close:
            controls = control_times_us(control_times, self.zone)
            windows = {
                person: (exposure, controls.get(person)) for _, person, exposure, *_ in close
            }
            source, args = d.contact_source(
                [(raw, d.timestamp(windows[person][1])) for raw, person, *_ in close]
            )
            contact_stays = self._fetch(d.contact_stays_sql(source), args)
            excluded = {case.case_id, *windows}
            probes = _clip(contact_stays, windows, stay, m)
            if d.matches_in_memory:
                second = exposures_from_candidates(self._fetch, d, probes, m, stay)
            else:
                second = self._exposures(probes, params)
            found.append([row for row in second if row[1] not in excluded])
        return TraceResult(
            case_id=case.case_id,
            zone=self.zone,
            person_ids=[row[1] for rows in found for row in rows],
            degrees=np.repeat(
                np.array([1, 2], dtype=np.int8)[: len(found)], [len(r) for r in found]
            ),
            exposures_us=np.array([row[2] for rows in found for row in rows], dtype=np.int64),
            venue_ids=[row[3] for rows in found for row in rows],
            vias=[row[4] for rows in found for row in rows],
        )

    def _exposures(self, probes: list[Probe], params: TracingParams) -> list[tuple[Any, ...]]:
        """(person as stored, person_id, exposure_us, venue_id, via) per exposed person,
        in output order (exposure, person_id)."""
        if not probes:
            return []
        sql, args = self.dialect.exposures(probes, params.min_overlap_us, params.default_stay_us)
        return self._fetch(sql, args)


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
