"""The sorted arrays of one archived day of check-ins, written once next to the archive as
.npy files and memory-mapped back, so every process tracing the city shares one copy of
them through the page cache instead of each holding the city in its own memory.

A day's index is a StayIndex (stay_index.py) over day-local codes: persons and venues are
numbered 0.. in the order of their int64 ids in that day, and the two sorted id arrays kept
beside it turn the platform's ids into that day's codes (and back) by binary search.

The archive's day files belong to `checkin_archive` (another module); the one function that
reads them here is `_read_day_file` (DESIGN16: `<root>/checkins/<YYYY-MM-DD>.parquet`).
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import uuid
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from fangkong.analytics.checkin_archive import archived_days, day_path
from fangkong.analytics.stay_index import StayIndex, venue_time_order

INDEX_FORMAT = 1
_META = "meta.json"


def archive_day_files(root: Path) -> dict[date, Path]:
    """The archive's complete day files (a `.partial` being written is not one)."""
    return {day: day_path(root, day) for day in archived_days(root)}


def _read_day_file(path: Path) -> dict[str, np.ndarray]:
    """person, venue, start, end (µs since the epoch; end = start where there is no check-out)
    and has_end of one archive day file (checkin_archive's format; only the columns tracing
    needs are read)."""
    table = pq.read_table(path, columns=["person_id", "venue_id", "check_in", "check_out"])
    us = pa.timestamp("us", tz="UTC")
    start = table.column("check_in").cast(us).cast(pa.int64()).to_numpy()
    out = table.column("check_out").cast(us).cast(pa.int64())
    has_end = pc.is_valid(out).to_numpy(zero_copy_only=False)
    end = np.where(has_end, out.fill_null(0).to_numpy(), start)
    return {
        "person": table.column("person_id").to_numpy().astype(np.int64, copy=False),
        "venue": table.column("venue_id").to_numpy().astype(np.int64, copy=False),
        "start": start.astype(np.int64, copy=False),
        "end": end.astype(np.int64, copy=False),
        "has_end": has_end.astype(bool, copy=False),
    }


def _file_identity(path: Path) -> dict[str, Any]:
    """What says whether an index still belongs to a day file: its size and mtime, and the
    archive's own checksum (rows and id sum in the Parquet metadata)."""
    stat = path.stat()
    metadata = pq.read_metadata(path).metadata or {}
    return {
        "size": stat.st_size,
        "mtime_ns": stat.st_mtime_ns,
        "rows": metadata.get(b"fangkong.rows", b"").decode(),
        "id_sum": metadata.get(b"fangkong.id_sum", b"").decode(),
    }


def _identity_holds(meta: dict[str, Any], path: Path) -> bool:
    stat = path.stat()
    if meta.get("size") == stat.st_size and meta.get("mtime_ns") == stat.st_mtime_ns:
        return True
    # Copied or touched (a restore from backup): same content if the archive's checksum says so.
    current = _file_identity(path)
    return bool(current["rows"]) and all(
        meta.get(name) == current[name] for name in ("size", "rows", "id_sum")
    )


@dataclass
class DayIndex:
    """One archived day, memory-mapped: its StayIndex over day-local codes and the ids."""

    day: date
    index: StayIndex
    persons: np.ndarray  # sorted int64 person ids; position = the day's person code
    venues: np.ndarray  # sorted int64 venue ids; position = the day's venue code
    min_start: int
    max_closed_end: int
    max_open_start: int
    folder: Path
    file_stat: tuple[int, int]  # size and mtime of the day file the index was checked against

    def still_matches(self, parquet: Path) -> bool:
        """The day file is the one the index was opened for (a stat, no read)."""
        try:
            stat = parquet.stat()
        except OSError:
            return False
        return (stat.st_size, stat.st_mtime_ns) == self.file_stat

    def latest_end(self, default_stay: int) -> int:
        """No stay of the day ends later (open stays last `default_stay`)."""
        return max(self.max_closed_end, self.max_open_start + default_stay)

    def person_codes(self, persons: np.ndarray) -> np.ndarray:
        """Day codes of persons; len(self.persons) (no stay that day) where absent."""
        return _codes(self.persons, persons)

    def venue_codes(self, venues: np.ndarray) -> np.ndarray:
        return _codes(self.venues, venues)


def _codes(ids: np.ndarray, wanted: np.ndarray) -> np.ndarray:
    where = np.searchsorted(ids, wanted)
    found = where < len(ids)
    found[found] = ids[where[found]] == wanted[found]
    return np.where(found, where, len(ids)).astype(np.int64)


def _narrow(values: np.ndarray) -> np.ndarray:
    # Day codes fit 32 bits; a third less disk and page cache for the two code columns.
    return values.astype(np.int32) if values.dtype == np.int64 else values


def build_day_index(day: date, parquet: Path, folder: Path) -> Path:
    """Writes the day's index into `folder` atomically: built in a private folder beside it
    and renamed into place, so a reader never sees half an index and two processes building
    the same day at once both end with one complete index (the later rename loses)."""
    identity = _file_identity(parquet)
    stays = _read_day_file(parquet)
    persons, person = np.unique(stays["person"], return_inverse=True)
    venues, venue = np.unique(stays["venue"], return_inverse=True)
    order = venue_time_order(venue, stays["start"])
    index = StayIndex(
        person=person[order].astype(np.int64),
        venue=venue[order].astype(np.int64),
        start=stays["start"][order],
        end=stays["end"][order],
        has_end=stays["has_end"][order],
        n_persons=len(persons),
        n_venues=len(venues),
    )
    start, end, has_end = stays["start"], stays["end"], stays["has_end"]
    meta = {
        "format": INDEX_FORMAT,
        "day": day.isoformat(),
        **identity,
        "base_s": index.base_s,
        "n_persons": len(persons),
        "n_venues": len(venues),
        "min_start": int(start.min()) if len(start) else 0,
        "max_closed_end": int(end[has_end].max()) if has_end.any() else 0,
        "max_open_start": int(start[~has_end].max()) if (~has_end).any() else 0,
    }
    folder.parent.mkdir(parents=True, exist_ok=True)
    building = folder.parent / f".{folder.name}.{os.getpid()}.{uuid.uuid4().hex[:8]}"
    building.mkdir()
    try:
        arrays = {"persons": persons, "venues": venues, **index.arrays()}
        for name, values in arrays.items():
            if name in ("p_venue",) or name.endswith("_person"):
                values = _narrow(values)
            np.save(building / f"{name}.npy", np.ascontiguousarray(values))
        # meta.json last: an index folder without it is never read.
        (building / _META).write_text(json.dumps(meta))
        _replace_folder(building, folder)
    finally:
        shutil.rmtree(building, ignore_errors=True)
    return folder


def _replace_folder(new: Path, target: Path) -> None:
    try:
        os.rename(new, target)
        return
    except OSError:
        pass
    # A folder is already there (stale, or built by another process just now): move it
    # aside, put ours in; a reader still mapping the old files keeps them until it closes.
    aside = target.parent / f".{target.name}.old.{uuid.uuid4().hex[:8]}"
    with contextlib.suppress(OSError):
        os.rename(target, aside)
    # If another process put its own in between, that one is as good.
    with contextlib.suppress(OSError):
        os.rename(new, target)
    shutil.rmtree(aside, ignore_errors=True)


def open_day_index(day: date, parquet: Path, folder: Path) -> DayIndex | None:
    """The day's index if it exists and still belongs to the day file, else None."""
    try:
        meta = json.loads((folder / _META).read_text())
    except (OSError, ValueError):
        return None
    try:
        if meta.get("format") != INDEX_FORMAT or not _identity_holds(meta, parquet):
            return None
        stat = parquet.stat()
    except OSError:
        return None
    arrays = {path.stem: _mapped(path) for path in folder.glob("*.npy")}
    index = StayIndex.from_arrays(
        arrays,
        base_s=int(meta["base_s"]),
        n_persons=int(meta["n_persons"]),
        n_venues=int(meta["n_venues"]),
    )
    return DayIndex(
        day=day,
        index=index,
        persons=arrays["persons"],
        venues=arrays["venues"],
        min_start=int(meta["min_start"]),
        max_closed_end=int(meta["max_closed_end"]),
        max_open_start=int(meta["max_open_start"]),
        folder=folder,
        file_stat=(stat.st_size, stat.st_mtime_ns),
    )


def _mapped(path: Path) -> np.ndarray:
    try:
        return np.load(path, mmap_mode="r")
    except ValueError:  # an empty array cannot be mapped
        return np.load(path)


def day_index(day: date, parquet: Path, index_root: Path) -> DayIndex:
    """The day's index, built first if missing or stale."""
    folder = index_root / day.isoformat()
    found = open_day_index(day, parquet, folder)
    if found is None:
        build_day_index(day, parquet, folder)
        found = open_day_index(day, parquet, folder)
    if found is None:
        raise RuntimeError(f"the index of {parquet} could not be built in {folder}")
    return found


def remove_stale_indexes(index_root: Path, days: set[date]) -> None:
    """Index folders of days no longer in the archive (dropped by retention) go too."""
    if not index_root.is_dir():
        return
    for entry in os.scandir(index_root):
        try:
            day = date.fromisoformat(entry.name)
        except ValueError:
            continue
        if day not in days:
            shutil.rmtree(entry.path, ignore_errors=True)
