"""The disk engine over the conformance test's stays: some days as archive day files (the
format of DESIGN16: int64 ids, UTC microsecond timestamps, sorted by venue and check-in,
the archive's metadata), the rest in a tracked live table read by a MemoryEngine. The
Spark engine reads the same day files (`write_archive`).

The platform's ids are integers while the conformance test's are texts, so each text id is
given an integer whose decimal text sorts where the text does ("10" before "9"): the
contract's "smallest id" tie-breaks then pick the same stays, and an adapter turns the
engine's answers back into the test's ids.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from fangkong.analytics.disk_engine import DiskEngine
from fangkong.analytics.memory_engine import MemoryEngine
from fangkong.analytics.timestamps import DEFAULT_ZONE, instant_us, zone_named
from fangkong.analytics.tracing import (
    CaseQuery,
    ControlTimes,
    TraceResult,
    TracingEngine,
    TracingParams,
)

ZONE = zone_named(DEFAULT_ZONE)
# Decimal texts in increasing text order, deliberately not in numeric order.
_TEXT_ORDERED_IDS = [
    "1", "10", "100", "1000", "11", "12", "2", "20", "25", "3", "30", "4", "5", "50", "6",
    "7", "70", "8", "9", "90", "95", "99",
]  # fmt: skip
Row = tuple[str, str, int, int | None]  # person, venue, check_in_us, check_out_us
LiveFactory = Callable[[Sequence[Row], Path], MemoryEngine]


class IdNames:
    """Text ids <-> integer ids in the same text order."""

    def __init__(self, texts: Sequence[str]) -> None:
        ordered = sorted(set(texts))
        if len(ordered) > len(_TEXT_ORDERED_IDS):
            raise ValueError("more ids than the test's integer names")
        self.number = dict(zip(ordered, _TEXT_ORDERED_IDS, strict=False))
        self.text = {number: text for text, number in self.number.items()}

    def __call__(self, text: str) -> str:
        return self.number.get(text, "99999")  # an id nobody has


def write_archive_day(
    root: Path,
    day: date,
    rows: Sequence[tuple[int, int, int, int | None]],
    *,
    first_id: int = 1,
) -> Path:
    """One archive day file as checkin_archive writes it: (person, venue, in_us, out_us),
    record ids from `first_id` on."""
    folder = root / "checkins"
    folder.mkdir(parents=True, exist_ok=True)
    ordered = sorted(rows, key=lambda row: (row[1], row[2]))
    ids = list(range(first_id, first_id + len(ordered)))
    us = pa.timestamp("us", tz="UTC")
    table = pa.table(
        {
            "id": pa.array(ids, type=pa.int64()),
            "person_id": pa.array([r[0] for r in ordered], type=pa.int64()),
            "venue_id": pa.array([r[1] for r in ordered], type=pa.int64()),
            "check_in": pa.array([r[2] for r in ordered], type=pa.int64()).cast(us),
            "check_out": pa.array([r[3] for r in ordered], type=pa.int64()).cast(us),
            "source": pa.array(["test"] * len(ordered), type=pa.string()),
            "source_record_id": pa.array([None] * len(ordered), type=pa.string()),
        }
    )
    table = table.replace_schema_metadata(
        {
            "fangkong.day": day.isoformat(),
            "fangkong.rows": str(len(ordered)),
            "fangkong.id_sum": str(sum(ids) % 2**63),
        }
    )
    path = folder / f"{day.isoformat()}.parquet"
    partial = path.with_name(path.name + ".partial")
    pq.write_table(table, partial, compression="zstd")
    partial.rename(path)
    return path


class NamedEngine:
    """An engine over the archive (disk, Spark) asked and answering in the test's text ids."""

    def __init__(self, engine: TracingEngine, persons: IdNames, venues: IdNames) -> None:
        self.engine = engine
        self.zone = engine.zone
        self.persons, self.venues = persons, venues

    def trace(
        self, case: CaseQuery, params: TracingParams, *, control_times: ControlTimes | None = None
    ) -> TraceResult:
        asked = CaseQuery(self.persons(case.case_id), case.onset, case.isolated_at)
        controls = (
            None
            if control_times is None
            else {self.persons(str(p)): moment for p, moment in control_times.items()}
        )
        found = self.engine.trace(asked, params, control_times=controls)
        return TraceResult(
            case_id=case.case_id,
            zone=found.zone,
            person_ids=[self.persons.text[p] for p in found.person_ids],
            degrees=found.degrees,
            exposures_us=found.exposures_us,
            venue_ids=[self.venues.text[v] for v in found.venue_ids],
            vias=[self.persons.text[p] for p in found.vias],
        )


def archive_rows_by_day(
    stays: Sequence[Any],
) -> tuple[IdNames, IdNames, dict[date, list[tuple[int, int, int, int | None]]]]:
    """stays: (person, venue, check_in, check_out) with naive local times, as the archive
    holds them: integer ids, UTC microseconds, one list per local day of check-in."""
    persons = IdNames([s[0] for s in stays])
    venues = IdNames([s[1] for s in stays])
    rows_by_day: dict[date, list[tuple[int, int, int, int | None]]] = {}
    for person, venue, check_in, check_out in stays:
        rows_by_day.setdefault(check_in.date(), []).append(
            (
                int(persons(person)),
                int(venues(venue)),
                instant_us(check_in, ZONE),
                None if check_out is None else instant_us(check_out, ZONE),
            )
        )
    return persons, venues, rows_by_day


def write_archive(root: Path, stays: Sequence[Any]) -> tuple[IdNames, IdNames]:
    """Every day of `stays` an archive day file under `root`."""
    persons, venues, rows_by_day = archive_rows_by_day(stays)
    for day, rows in rows_by_day.items():
        write_archive_day(root, day, rows)
    return persons, venues


def build_disk_engine(
    stays: Sequence[Any],
    folder: Path,
    *,
    live: LiveFactory | None,
) -> NamedEngine:
    """stays: (person, venue, check_in, check_out) with naive local times. Without `live`
    every day is an archive file; with it the earlier half of the days are files and the
    rest live rows, and the live table also holds junk on the archived days (stays of
    nobody-else at the same venues and times), which the engine must not count: the
    archive is the truth for its days."""
    persons, venues, rows_by_day = archive_rows_by_day(stays)
    days = sorted(rows_by_day)
    archived = days if live is None else days[: len(days) // 2]
    root = folder / "archive"
    for day in archived:
        write_archive_day(root, day, rows_by_day[day])
    engine = None
    if live is not None:
        live_rows: list[Row] = []
        for day in days:
            for person, venue, start, end in rows_by_day[day]:
                if day in archived:
                    live_rows.append((str(1_000_000 + person), str(venue), start, end))
                else:
                    live_rows.append((str(person), str(venue), start, end))
        engine = live(live_rows, folder)
    return NamedEngine(DiskEngine(root, live=engine, zone=ZONE), persons, venues)


def local(moment: datetime) -> int:
    return instant_us(moment, ZONE)


def index_days(engine: DiskEngine) -> list[str]:
    return sorted(p.name for p in engine.index_dir.iterdir() if not p.name.startswith("."))


def as_array(values: Sequence[int]) -> np.ndarray:
    return np.array(values, dtype=np.int64)
