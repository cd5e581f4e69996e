"""A trace or a few from check-in files without preparing for any more: per trace, only
the stays the case can reach are picked out of the validated columns, and the contract's
matching (coded_trace over a StayIndex) runs over those alone.

DuckDBEngine sorts every stay of the data set once, which pays off over many traces; for a
one-shot `trace` that sort was most of the time, and the contract written as one SQL query
won. Here each trace takes, with vectorised filters over the columns as they were read:

1. the case's stays;
2. the stays at the venues of the case's clipped stays that may overlap them there: an
   index over 1 and 2 gives the close contacts exactly, since every stay that can qualify
   against the case is in it;
3. for degree 2, the close contacts' stays, and the stays at their venues that may overlap
   them there: an index over all of it gives the whole trace (degree 1 again, and degree
   2) exactly as DuckDBEngine gives it, since again every stay that can qualify is in it,
   and every stay of every person traced from.

DuckDB was measured for the filters too, over the Parquet file itself (predicate pushdown)
and over the columns in memory: a case's venues and contacts are on every page of a city's
file, so each filtered scan of the file cost about one whole read of it, and DuckDB's scan
of Arrow columns converts every string it passes; Arrow's own kernels over the columns were
several times quicker (bench/README.md, one-shot trace).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import tzinfo

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from fangkong.analytics.checkin_files import CheckinRecords
from fangkong.analytics.coded_trace import trace_coded
from fangkong.analytics.stay_index import NO_END, StayIndex, venue_time_order
from fangkong.analytics.timestamps import DEFAULT_ZONE, zone_named
from fangkong.analytics.tracing import (
    CaseQuery,
    ControlTimes,
    TraceResult,
    TracingParams,
    control_times_us,
    register_file_engine,
)

NAME = "one-shot"


@dataclass(frozen=True, slots=True)
class _Stays:
    """Some of the stays: ids, instants, end meaningful only where has_end."""

    person: pa.Array
    venue: pa.Array
    start: np.ndarray
    end: np.ndarray
    has_end: np.ndarray

    def __add__(self, other: _Stays) -> _Stays:
        return _Stays(
            pa.concat_arrays([self.person, other.person]),
            pa.concat_arrays([self.venue, other.venue]),
            np.concatenate((self.start, other.start)),
            np.concatenate((self.end, other.end)),
            np.concatenate((self.has_end, other.has_end)),
        )

    def clipped(
        self, low: np.ndarray, high: np.ndarray, default_stay: int, min_overlap: int
    ) -> pa.Table:
        """Each stay clipped to its own [low, high), if it can still make a contact, as
        (venue_id, start, end): what StayIndex.stays_of makes of them."""
        end = np.where(self.has_end, self.end, self.start + default_stay)
        start, end = np.maximum(self.start, low), np.minimum(end, high)
        keep = end - start >= min_overlap
        return pa.table(
            {"venue_id": self.venue.filter(pa.array(keep)), "start": start[keep], "end": end[keep]}
        )


class OneShotEngine:
    """Over validated check-in records, as they were read; nothing prepared in advance."""

    name = NAME

    def __init__(self, records: CheckinRecords, *, zone: tzinfo | None = None) -> None:
        self.zone = zone if zone is not None else zone_named(DEFAULT_ZONE)
        self.style = records.style
        self._records = records

    def trace(
        self,
        case: CaseQuery,
        params: TracingParams,
        *,
        control_times: ControlTimes | None = None,
    ) -> TraceResult:
        d, m = params.default_stay_us, params.min_overlap_us
        window_start, window_end = case.window_us(params, self.zone)
        stays = self._take(pc.equal(self._records.person_ids, case.case_id))
        n = len(stays.start)
        reach = stays.clipped(
            np.full(n, window_start, dtype=np.int64),
            np.full(n, NO_END if window_end is None else window_end, dtype=np.int64),
            d,
            m,
        )
        near = self._near(reach, [case.case_id], params)
        if params.degree == 1:
            return self._trace(stays + near, case, params, control_times)
        close = self._trace(
            stays + near, case, dataclasses.replace(params, degree=1), control_times
        )
        if len(close) == 0:
            return self._trace(stays + near, case, params, control_times)
        close_ids = pa.array(close.person_ids, pa.string())
        contacts = self._take(pc.is_in(self._records.person_ids, value_set=close_ids))
        which = np.asarray(pc.index_in(contacts.person, value_set=close_ids), dtype=np.int64)
        controls = control_times_us(control_times, self.zone)
        ends = np.array([controls.get(p, NO_END) for p in close.person_ids], dtype=np.int64)
        reach = pa.concat_tables(
            [reach, contacts.clipped(close.exposures_us[which], ends[which], d, m)]
        )
        # Everyone traced from was taken whole above; the rest is whoever may meet them.
        near = self._near(reach, [case.case_id, *close.person_ids], params)
        return self._trace(stays + contacts + near, case, params, control_times)

    def _take(self, chosen: pa.Array) -> _Stays:
        return self._rows(np.flatnonzero(np.asarray(chosen, dtype=bool)))

    def _rows(self, rows: np.ndarray) -> _Stays:
        records = self._records
        positions = pa.array(rows)
        return _Stays(
            person=records.person_ids.take(positions),
            venue=records.venue_ids.take(positions),
            start=records.check_in_us[rows],
            end=records.check_out_us[rows],
            has_end=records.has_check_out[rows],
        )

    def _near(self, reach: pa.Table, read: list[str], params: TracingParams) -> _Stays:
        """Stays of people not in `read` at the venues of `reach` that may share
        min_overlap with one of those clipped stays. Each venue's span is enough to ask
        for: a qualifying stay starts at least min_overlap before the latest end there, and
        ends at least min_overlap after the earliest start."""
        spans = reach.group_by("venue_id").aggregate([("start", "min"), ("end", "max")])
        records, m = self._records, params.min_overlap_us
        span = pc.index_in(records.venue_ids, value_set=spans.column("venue_id"))
        rows = np.flatnonzero(np.asarray(pc.is_valid(span), dtype=bool))
        which = np.asarray(span.take(pa.array(rows)), dtype=np.int64)
        start = records.check_in_us[rows]
        end = np.where(
            records.has_check_out[rows],
            records.check_out_us[rows],
            start + params.default_stay_us,
        )
        low = np.asarray(spans.column("start_min"), dtype=np.int64)[which]
        high = np.asarray(spans.column("end_max"), dtype=np.int64)[which]
        rows = rows[(start <= high - m) & (end >= low + m)]
        taken = self._rows(rows)
        unread = ~np.asarray(
            pc.is_in(taken.person, value_set=pa.array(read, pa.string())), dtype=bool
        )
        return _Stays(
            taken.person.filter(pa.array(unread)),
            taken.venue.filter(pa.array(unread)),
            taken.start[unread],
            taken.end[unread],
            taken.has_end[unread],
        )

    def _trace(
        self,
        stays: _Stays,
        case: CaseQuery,
        params: TracingParams,
        control_times: ControlTimes | None,
    ) -> TraceResult:
        # Codes in id order (Arrow sorts strings by their UTF-8 bytes, which is code point
        # order, as Python compares them), so tie-breaks on codes are tie-breaks on ids.
        person_ids = pc.unique(stays.person).sort()
        venue_ids = pc.unique(stays.venue).sort()
        person = np.asarray(pc.index_in(stays.person, value_set=person_ids), dtype=np.int64)
        venue = np.asarray(pc.index_in(stays.venue, value_set=venue_ids), dtype=np.int64)
        order = venue_time_order(venue, stays.start)
        index = StayIndex(
            person=person[order],
            venue=venue[order],
            start=stays.start[order],
            end=stays.end[order],
            has_end=stays.has_end[order],
            n_persons=len(person_ids),
            n_venues=len(venue_ids),
        )
        case_code = pc.index(person_ids, case.case_id).as_py()
        d, m = params.default_stay_us, params.min_overlap_us
        return trace_coded(
            case=case,
            params=params,
            zone=self.zone,
            control_times=control_times,
            case_code=None if case_code < 0 else case_code,
            stays_of=lambda who, low, high: index.stays_of(who, low, high, d, m),
            exposures_of=lambda probes, excluded: index.exposures(probes, excluded, d, m),
            person_ids=person_ids.to_pylist(),
            venue_ids=venue_ids.to_pylist(),
        )


def _from_records(records: CheckinRecords, zone: tzinfo) -> OneShotEngine:
    return OneShotEngine(records, zone=zone)


register_file_engine(NAME, _from_records)
