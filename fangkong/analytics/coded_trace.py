"""One trace over coded stays (persons and venues as dense integer codes), shared by the
engines that hold their stays in memory (duckdb_engine, memory_engine): the same two passes
of the contract whatever holds the arrays."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import tzinfo

import numpy as np

from fangkong.analytics.stay_index import NO_END, Exposures, Probes
from fangkong.analytics.tracing import (
    CaseQuery,
    ControlTimes,
    TraceResult,
    TracingParams,
    control_times_us,
)

# (persons, window starts, window ends) -> their clipped stays
StaysOf = Callable[[np.ndarray, np.ndarray, np.ndarray], Probes]
# (probes, excluded persons) -> first exposure per person
ExposuresOf = Callable[[Probes, np.ndarray], Exposures]


def trace_coded(
    *,
    case: CaseQuery,
    params: TracingParams,
    zone: tzinfo,
    control_times: ControlTimes | None,
    case_code: int | None,
    stays_of: StaysOf,
    exposures_of: ExposuresOf,
    person_ids: Sequence[str],
    venue_ids: Sequence[str],
    person_key: np.ndarray | None = None,
) -> TraceResult:
    """person_ids / venue_ids: code -> id; person_key: code -> rank in id order, when codes
    themselves are not in id order (None: they are)."""
    if case_code is None:
        return TraceResult.from_unsorted(case.case_id, zone, [])
    window_start, window_end = case.window_us(params, zone)
    case_codes = np.array([case_code], dtype=np.int64)
    probes = stays_of(
        case_codes,
        np.array([window_start], dtype=np.int64),
        np.array([NO_END if window_end is None else window_end], dtype=np.int64),
    )
    close = exposures_of(probes, case_codes)
    columns = [(close, 1)]
    if params.degree == 2 and len(close.person):
        controls = control_times_us(control_times, zone)
        ends = np.array(
            [controls.get(person_ids[c], NO_END) for c in close.person.tolist()], dtype=np.int64
        )
        probes = stays_of(close.person, close.exposure, ends)
        excluded = np.concatenate((case_codes, close.person))
        columns.append((exposures_of(probes, excluded), 2))
    person = np.concatenate([found.person for found, _ in columns])
    degree = np.concatenate(
        [np.full(len(found.person), degree, dtype=np.int8) for found, degree in columns]
    )
    exposure = np.concatenate([found.exposure for found, _ in columns])
    venue = np.concatenate([found.venue for found, _ in columns])
    via = np.concatenate([found.via for found, _ in columns])
    # Ranked in id order, this is the contract's output order.
    order = np.lexsort((person if person_key is None else person_key[person], exposure, degree))
    return TraceResult(
        case_id=case.case_id,
        zone=zone,
        person_ids=[person_ids[p] for p in person[order].tolist()],
        degrees=degree[order],
        exposures_us=exposure[order],
        venue_ids=[venue_ids[v] for v in venue[order].tolist()],
        vias=[person_ids[v] for v in via[order].tolist()],
    )
