"""City-scale tracing without the city in memory: the archive's days through memory-mapped
per-day indexes (disk_index.py), the days still in the database through a MemoryEngine
copy of the live table kept current by change tracking (memory_engine.py).

The archive is a prefix of days: a day leaves the database only after its file is complete,
so from the newest archived day back the files are the truth, and after it the table. Live
rows of archived days (a dropped partition fires no delete trigger, so the copy may still
hold them) are retired from the copy rather than counted twice; they would change nothing
(an exact duplicate never does) but they must go when retention removes the day's file.

Persons and venues are the platform's int64 ids throughout, not codes: the days and the
live copy each number ids their own way, and binary searches translate. The contract's
"smallest id" tie-breaks compare ids as text (ids are opaque; the other engines compare
str(id)), which `text_order_key` reproduces with integer arithmetic.
"""

from __future__ import annotations

import threading
from datetime import date, datetime, time, timedelta, tzinfo
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from fangkong.analytics.disk_index import (
    DayIndex,
    archive_day_files,
    day_index,
    remove_stale_indexes,
)
from fangkong.analytics.exposures_by_id import first_exposures_by_id, id_texts, text_order_key
from fangkong.analytics.stay_index import NO_END, Exposures, Probes
from fangkong.analytics.timestamps import DEFAULT_ZONE, instant_us, zone_named
from fangkong.analytics.tracing import (
    CaseQuery,
    ControlTimes,
    TraceResult,
    TracingParams,
    control_times_us,
)

if TYPE_CHECKING:
    from fangkong.analytics.memory_copy import Codes, CopyIndex
    from fangkong.analytics.memory_engine import MemoryEngine

_ABSENT = np.int64(1 << 62)  # a code no index holds: "no stays here"
_NOT_AN_ID = np.iinfo(np.int64).min


def _int_ids(raw: list[Any]) -> np.ndarray:
    if all(type(value) is int for value in raw):
        return np.array(raw, dtype=np.int64)
    # A text-keyed table (tests): ids that are no integer's text cannot be asked for.
    return np.array([_int_or_none(value) for value in raw], dtype=np.int64)


def _int_or_none(value: Any) -> int:
    try:
        number = int(value)
    except (ValueError, TypeError):
        return int(_NOT_AN_ID)
    return number if str(number) == str(value) else int(_NOT_AN_ID)


def _concat_probes(found: list[Probes]) -> Probes:
    if not found:
        empty = np.empty(0, dtype=np.int64)
        return Probes(empty, empty, empty, empty)
    return Probes(
        *(
            np.concatenate([getattr(p, name) for p in found]).astype(np.int64)
            for name in Probes.__slots__
        )
    )


class _LiveIds:
    """Platform ids <-> the live copy's codes, kept beside its `Codes` (which only grows
    between rebuilds: ids first seen after a build are looked up by its dict)."""

    def __init__(self, codes: Codes) -> None:
        self.codes = codes
        self._raw = _int_ids(codes.raw)
        self._built = len(self._raw)
        order = np.argsort(self._raw, kind="stable")
        self._sorted, self._code_of_sorted = self._raw[order], order.astype(np.int64)
        self._tail = np.empty(0, dtype=np.int64)

    def codes_of(self, ids: np.ndarray) -> np.ndarray:
        size = len(self._sorted)
        codes = np.full(len(ids), _ABSENT, dtype=np.int64)
        found = np.zeros(len(ids), dtype=bool)
        if size:
            where = np.minimum(np.searchsorted(self._sorted, ids), size - 1)
            found = self._sorted[where] == ids
            codes[found] = self._code_of_sorted[where[found]]
        if len(self.codes) > self._built:
            code_of = self.codes.code_of
            for i in np.flatnonzero(~found).tolist():
                late = code_of.get(str(int(ids[i])))
                if late is not None:
                    codes[i] = late
        return codes

    def ids_of(self, codes: np.ndarray) -> np.ndarray:
        if len(self.codes) > self._built + len(self._tail):
            self._tail = _int_ids(self.codes.raw[self._built :])
        if len(self._tail) == 0:
            return self._raw[codes]
        return np.concatenate((self._raw, self._tail))[codes]


class DiskEngine:
    """Tracing over `<archive_dir>/checkins/<day>.parquet` (indexes built on first use into
    `index_dir`, by default `<archive_dir>/tracing_index`) plus, optionally, a MemoryEngine
    over the live table. Each trace first looks for new, changed and removed day files (a
    directory listing and a stat per day) and catches the live copy up."""

    name = "disk"

    def __init__(
        self,
        archive_dir: Path | str,
        *,
        live: MemoryEngine | None = None,
        index_dir: Path | str | None = None,
        zone: tzinfo | None = None,
    ) -> None:
        self.archive_dir = Path(archive_dir)
        self.index_dir = (
            Path(index_dir) if index_dir is not None else self.archive_dir / ("tracing_index")
        )
        self.live = live
        if zone is None:
            zone = live.zone if live is not None else zone_named(DEFAULT_ZONE)
        self.zone = zone
        self._lock = threading.Lock()
        self._days: dict[date, DayIndex] = {}
        self._live_from: int | None = None
        self._retired: dict[int, tuple[CopyIndex, int | None]] = {}
        self._person_ids: _LiveIds | None = None
        self._venue_ids: _LiveIds | None = None
        self.refresh()
        remove_stale_indexes(self.index_dir, set(self._days))

    # ------------------------------------------------------------------ keeping current

    def refresh(self) -> None:
        """Opens (building if need be) the indexes of new or changed day files and forgets
        days whose file is gone."""
        files = archive_day_files(self.archive_dir)
        days: dict[date, DayIndex] = {}
        for day in sorted(files):
            path = files[day]
            known = self._days.get(day)
            if known is None or not known.still_matches(path):
                known = day_index(day, path, self.index_dir)
            days[day] = known
        gone = set(self._days) - set(days)
        self._days = days
        if gone:
            remove_stale_indexes(self.index_dir, set(days))
        newest = max(days) if days else None
        self._live_from = (
            None
            if newest is None
            else instant_us(datetime.combine(newest + timedelta(days=1), time()), self.zone)
        )

    def _catch_up_live(self) -> None:
        live = self.live
        if live is None:
            return
        if self._live_from is None and any(
            cutoff is not None for _, cutoff in self._retired.values()
        ):
            self._rebuild_live()
        elif any(
            cutoff is not None and self._live_from is not None and self._live_from < cutoff
            for _, cutoff in self._retired.values()
        ):
            # The newest archived day went: its live rows were retired and must come back.
            self._rebuild_live()
        live = self.live
        assert live is not None
        live._catch_up()
        current = [copy for copy in (live._base, live._late) if copy is not None]
        self._retired = {id(copy): self._retired.get(id(copy), (copy, None)) for copy in current}
        for copy in current:
            _, done = self._retired[id(copy)]
            if self._live_from is not None and done != self._live_from:
                row, _, _, start, _, _ = copy.index.rows()
                archived = row[start < self._live_from]
                if len(archived):
                    copy.index.retire(archived)
            self._retired[id(copy)] = (copy, self._live_from)
        if self._person_ids is None or self._person_ids.codes is not live._persons:
            self._person_ids = _LiveIds(live._persons)
        if self._venue_ids is None or self._venue_ids.codes is not live._venues:
            self._venue_ids = _LiveIds(live._venues)

    def _rebuild_live(self) -> None:
        from fangkong.analytics.memory_engine import MemoryEngine

        old = self.live
        assert old is not None
        self.live = MemoryEngine(
            old.connection,
            dialect=old.dialect_name,
            table=old.t,
            zone=old.zone,
            compact_at=old.compact_at,
        )
        self._retired = {}

    def days(self) -> list[date]:
        """Archived days the engine traces over."""
        return sorted(self._days)

    # ------------------------------------------------------------------ tracing

    def trace(
        self,
        case: CaseQuery,
        params: TracingParams,
        *,
        control_times: ControlTimes | None = None,
    ) -> TraceResult:
        with self._lock:
            self.refresh()
            if self.live is None:
                return self._trace(case, params, control_times)
            with self.live._lock:
                self._catch_up_live()
                return self._trace(case, params, control_times)

    def _stays_of(
        self, persons: np.ndarray, low: np.ndarray, high: np.ndarray, params: TracingParams
    ) -> Probes:
        m, d = params.min_overlap_us, params.default_stay_us
        found: list[Probes] = []
        if len(persons) == 0:
            return _concat_probes(found)
        earliest, latest = int(low.min()), int(high.max())
        for day in self._days.values():
            if day.min_start >= latest or day.latest_end(d) <= earliest:
                continue
            probes = day.index.stays_of(day.person_codes(persons), low, high, d, m)
            found.append(
                Probes(
                    venue=day.venues[probes.venue],
                    start=probes.start,
                    end=probes.end,
                    via=day.persons[probes.via],
                )
            )
        if self.live is not None and self._person_ids and self._venue_ids:
            codes = self._person_ids.codes_of(persons)
            for index in self.live._indexes():
                if index.n_persons == 0:
                    continue  # an empty table's index has nobody to look up
                probes = index.stays_of(codes, low, high, d, m)
                found.append(
                    Probes(
                        venue=self._venue_ids.ids_of(probes.venue),
                        start=probes.start,
                        end=probes.end,
                        via=self._person_ids.ids_of(probes.via),
                    )
                )
        return _concat_probes(found)

    def _exposures(self, probes: Probes, excluded: np.ndarray, params: TracingParams) -> Exposures:
        m, d = params.min_overlap_us, params.default_stay_us
        found: list[Exposures] = []
        for day in self._days.values():
            # A stay of the day starts in [min_start, ...] and ends by latest_end.
            near = (probes.end - m >= day.min_start) & (probes.start + m <= day.latest_end(d))
            if not near.any():
                continue
            local = Probes(
                venue=day.venue_codes(probes.venue[near]),
                start=probes.start[near],
                end=probes.end[near],
                via=probes.via[near],
            )
            pairs = day.index.pairs(local, d, m)
            # Reduced day by day (the first exposure of a union is the first of the days'
            # first exposures): an outbreak's pairs are held one day at a time, not all.
            found.append(
                first_exposures_by_id(
                    [
                        Exposures(
                            day.persons[pairs.person],
                            pairs.exposure,
                            day.venues[pairs.venue],
                            pairs.via,
                        )
                    ],
                    excluded,
                )
            )
            del pairs
        if self.live is not None and self._person_ids and self._venue_ids and len(probes.venue):
            local = Probes(
                venue=self._venue_ids.codes_of(probes.venue),
                start=probes.start,
                end=probes.end,
                via=probes.via,
            )
            for index in self.live._indexes():
                if index.n_persons == 0:
                    continue
                pairs = index.pairs(local, d, m)
                venue_codes = pairs.venue
                found.append(
                    Exposures(
                        self._person_ids.ids_of(pairs.person),
                        pairs.exposure,
                        self._venue_ids.ids_of(venue_codes),
                        pairs.via,
                    )
                )
        return first_exposures_by_id(found, excluded)

    def _trace(
        self, case: CaseQuery, params: TracingParams, control_times: ControlTimes | None
    ) -> TraceResult:
        case_id = _int_or_none(case.case_id)
        if case_id == _NOT_AN_ID:
            return TraceResult.from_unsorted(case.case_id, self.zone, [])
        window_start, window_end = case.window_us(params, self.zone)
        case_ids = np.array([case_id], dtype=np.int64)
        probes = self._stays_of(
            case_ids,
            np.array([window_start], dtype=np.int64),
            np.array([NO_END if window_end is None else window_end], dtype=np.int64),
            params,
        )
        close = self._exposures(probes, case_ids, params)
        columns = [(close, 1)]
        if params.degree == 2 and len(close.person):
            controls = control_times_us(control_times, self.zone)
            ends = np.array(
                [controls.get(str(p), NO_END) for p in close.person.tolist()], dtype=np.int64
            )
            probes = self._stays_of(close.person, close.exposure, ends, params)
            excluded = np.concatenate((case_ids, close.person))
            columns.append((self._exposures(probes, excluded, params), 2))
        person = np.concatenate([found.person for found, _ in columns])
        degree = np.concatenate(
            [np.full(len(found.person), degree, dtype=np.int8) for found, degree in columns]
        )
        exposure = np.concatenate([found.exposure for found, _ in columns])
        venue = np.concatenate([found.venue for found, _ in columns])
        via = np.concatenate([found.via for found, _ in columns])
        major, minor = text_order_key(person)
        order = np.lexsort((minor, major, exposure, degree))
        return TraceResult(
            case_id=case.case_id,
            zone=self.zone,
            person_ids=[str(p) for p in person[order].tolist()],
            degrees=degree[order],
            exposures_us=exposure[order],
            venue_ids=id_texts(venue[order]),
            vias=id_texts(via[order]),
        )
