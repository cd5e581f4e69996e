"""The embedded analytics engine: DuckDB loads, encodes and sorts the check-in files once;
traces are then answered from the sorted arrays (fangkong.analytics.stay_index)."""

from __future__ import annotations

from datetime import tzinfo
from importlib import import_module
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa

from fangkong.analytics.checkin_files import CheckinRecords, load_checkins
from fangkong.analytics.coded_trace import trace_coded
from fangkong.analytics.stay_index import StayIndex
from fangkong.analytics.timestamps import DEFAULT_ZONE, zone_named
from fangkong.analytics.tracing import (
    CaseQuery,
    ControlTimes,
    TraceResult,
    TracingParams,
    register_file_engine,
)

_ENCODE_AND_SORT = """
CREATE TEMP TABLE persons AS
    SELECT person_id, (row_number() OVER (ORDER BY person_id) - 1)::BIGINT AS code
    FROM (SELECT DISTINCT person_id FROM stays);
CREATE TEMP TABLE venues AS
    SELECT venue_id, (row_number() OVER (ORDER BY venue_id) - 1)::BIGINT AS code
    FROM (SELECT DISTINCT venue_id FROM stays);
"""
# Codes follow byte order of the UTF-8 ids, which is code point order: the same order as
# Python's str comparison, so tie-breaks on codes equal tie-breaks on the ids.
_SORTED_STAYS = """
SELECT p.code AS person, v.code AS venue, s.check_in_us, s.check_out_us, s.has_check_out
FROM stays s JOIN persons p USING (person_id) JOIN venues v USING (venue_id)
ORDER BY v.code, s.check_in_us
"""


class DuckDBEngine:
    """Prepared once over a whole check-in data set, then fast for any number of traces."""

    name = "duckdb"

    def __init__(self, records: CheckinRecords, *, zone: tzinfo | None = None) -> None:
        self.zone = zone if zone is not None else zone_named(DEFAULT_ZONE)
        self.style = records.style
        table = pa.table(
            {
                "person_id": records.person_ids,
                "venue_id": records.venue_ids,
                "check_in_us": records.check_in_us,
                "check_out_us": records.check_out_us,
                "has_check_out": records.has_check_out,
            }
        )
        with duckdb.connect() as con:
            con.register("stays", table)
            con.execute(_ENCODE_AND_SORT)
            persons = con.sql("SELECT person_id FROM persons ORDER BY code").to_arrow_table()
            venues = con.sql("SELECT venue_id FROM venues ORDER BY code").to_arrow_table()
            stays = con.sql(_SORTED_STAYS).fetchnumpy()
        self._person_ids: list[str] = persons.column(0).to_pylist()
        self._venue_ids: list[str] = venues.column(0).to_pylist()
        self._person_code = {person: code for code, person in enumerate(self._person_ids)}
        self._index = StayIndex(
            person=np.asarray(stays["person"], dtype=np.int64),
            venue=np.asarray(stays["venue"], dtype=np.int64),
            start=np.asarray(stays["check_in_us"], dtype=np.int64),
            end=np.asarray(stays["check_out_us"], dtype=np.int64),
            has_end=np.asarray(stays["has_check_out"], dtype=bool),
            n_persons=len(self._person_ids),
            n_venues=len(self._venue_ids),
        )

    @classmethod
    def from_path(
        cls, path: Path | str, *, zone: tzinfo | None = None, skip_invalid: bool = False
    ) -> DuckDBEngine:
        zone = zone if zone is not None else zone_named(DEFAULT_ZONE)
        return cls(load_checkins(path, zone=zone, skip_invalid=skip_invalid), zone=zone)

    def trace(
        self,
        case: CaseQuery,
        params: TracingParams,
        *,
        control_times: ControlTimes | None = None,
    ) -> TraceResult:
        m, d = params.min_overlap_us, params.default_stay_us
        return trace_coded(
            case=case,
            params=params,
            zone=self.zone,
            control_times=control_times,
            case_code=self._person_code.get(case.case_id),
            stays_of=lambda persons, low, high: self._index.stays_of(persons, low, high, d, m),
            exposures_of=lambda probes, excluded: self._index.exposures(probes, excluded, d, m),
            person_ids=self._person_ids,
            venue_ids=self._venue_ids,
        )


def _from_records(records: CheckinRecords, zone: tzinfo) -> DuckDBEngine:
    return DuckDBEngine(records, zone=zone)


register_file_engine("duckdb", _from_records)
# The one-shot engine registers itself; imported here so that `trace --engine
# one-shot` finds it wherever the built-in engines are loaded.
import_module("fangkong.analytics.one_shot")
