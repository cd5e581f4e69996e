"""Exposures for many probes at once: the database reads candidate stays, NumPy matches them.

Tracing a second degree sends thousands of probe stays, many at the same popular venues at
overlapping times. Matching them in SQL yields one row per (probe, stay) pair, millions for
an outbreak, which the database then sorts to keep each person's first exposure. Here the
probes' search ranges are merged per (venue, stay class) first, so the database returns each
candidate stay once, straight from the tracing index; the pairs are then formed and ranked
in memory by the same sorted-array matcher the DuckDB engine uses (stay_index.py), on the
candidates alone. The rules are unchanged: candidates are a superset, the matcher is exact.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from fangkong.analytics.sql_dialects import (
    _CLASS_SLACK_US,
    OPEN_STAY_CLASS,
    STAY_CLASS_BOUNDS_S,
    Probe,
    SqlDialect,
)
from fangkong.analytics.stay_index import Probes, StayIndex
from fangkong.analytics.timestamps import MICROS_PER_SECOND

Fetch = Callable[[str, dict[str, Any]], list[tuple[Any, ...]]]
SearchRange = tuple[Any, int, int, int]  # venue as stored, stay class, lowest and highest check-in


def _class_reach_us(default_stay_us: int) -> list[tuple[int, int]]:
    """(stay class, longest stay of that class) as in the tracing index."""
    return [(OPEN_STAY_CLASS, default_stay_us)] + [
        (i, bound * MICROS_PER_SECOND + _CLASS_SLACK_US)
        for i, bound in enumerate(STAY_CLASS_BOUNDS_S, start=1)
    ]


def search_ranges(probes: Sequence[Probe], overlap_us: int, stay_us: int) -> list[SearchRange]:
    """Per venue and stay class, the check-in ranges that can hold a qualifying stay for some
    probe, merged where they touch so that no stay is read twice."""
    raw: dict[tuple[str, int], list[tuple[int, int, Any]]] = {}
    for probe in probes:
        high = probe.end_us - overlap_us
        for stay_class, longest in _class_reach_us(stay_us):
            if stay_class == OPEN_STAY_CLASS and stay_us < overlap_us:
                continue  # an open stay lasts default_stay: too short to ever qualify
            # A second of slack below: SQLite's timestamps are text, compared to the second.
            low = probe.start_us + overlap_us - longest - MICROS_PER_SECOND
            if high >= low:
                key = (str(probe.venue), stay_class)
                raw.setdefault(key, []).append((low, high, probe.venue))
    merged: list[SearchRange] = []
    for (_venue, stay_class), spans in raw.items():
        spans.sort(key=lambda span: span[0])
        low, high, venue = spans[0]
        for next_low, next_high, _same in spans[1:]:
            if next_low > high:
                merged.append((venue, stay_class, low, high))
                low, high = next_low, next_high
            else:
                high = max(high, next_high)
        merged.append((venue, stay_class, low, high))
    return merged


def _codes(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Dense codes in the text order of the ids (the contract's order of opaque ids)."""
    texts = values.astype(str)
    unique, codes = np.unique(texts, return_inverse=True)
    return unique, codes.astype(np.int64)


def exposures_from_candidates(
    fetch: Fetch,
    dialect: SqlDialect,
    probes: Sequence[Probe],
    overlap_us: int,
    stay_us: int,
) -> list[tuple[Any, ...]]:
    """The same rows as the dialect's `exposures` query: (person as stored, person_id,
    exposure_us, venue_id, via) per exposed person, in order of (exposure, person_id)."""
    ranges = search_ranges(probes, overlap_us, stay_us)
    if not ranges:
        return []
    sql, args = dialect.candidate_stays(ranges)
    stays = fetch(sql, args)
    if not stays:
        return []
    persons, venues, starts, ends = zip(*stays, strict=True)
    n_stays, n_probes = len(stays), len(probes)
    # Persons and vias share one code space; venues of stays and probes another.
    raw_persons = np.array([*persons, *(p.via for p in probes)], dtype=object)
    person_text, person_code = _codes(raw_persons)
    venue_text, venue_code = _codes(np.array([*venues, *(p.venue for p in probes)], dtype=object))
    start = np.fromiter(starts, dtype=np.int64, count=n_stays)
    has_end = np.fromiter((end is not None for end in ends), dtype=bool, count=n_stays)
    end = np.fromiter(
        (s if e is None else e for s, e in zip(starts, ends, strict=True)),
        dtype=np.int64,
        count=n_stays,
    )
    stay_venue = venue_code[:n_stays]
    order = np.lexsort((start, stay_venue))
    index = StayIndex(
        person=person_code[:n_stays][order],
        venue=stay_venue[order],
        start=start[order],
        end=end[order],
        has_end=has_end[order],
        n_persons=len(person_text),
        n_venues=len(venue_text),
    )
    found = index.exposures(
        Probes(
            venue=venue_code[n_stays:],
            start=np.fromiter((p.start_us for p in probes), dtype=np.int64, count=n_probes),
            end=np.fromiter((p.end_us for p in probes), dtype=np.int64, count=n_probes),
            via=person_code[n_stays:],
        ),
        np.empty(0, dtype=np.int64),
        stay_us,
        overlap_us,
    )
    # Codes follow text order, so (exposure, code) is the contract's output order.
    ranked = np.lexsort((found.person, found.exposure))
    raw_of_code = np.empty(len(person_text), dtype=object)
    raw_of_code[person_code] = raw_persons
    person, via = found.person[ranked], found.via[ranked]
    return list(
        zip(
            raw_of_code[person].tolist(),
            person_text[person].tolist(),
            found.exposure[ranked].tolist(),
            venue_text[found.venue[ranked]].tolist(),
            person_text[via].tolist(),
            strict=True,
        )
    )
