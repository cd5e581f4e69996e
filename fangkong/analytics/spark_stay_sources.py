"""Where a pass of the Spark engine reads its stays: a data set read once and cached by the
executors, or the check-in archive's day files, pruned per pass by their Parquet footers.

A day file is read only when its footer statistics (first and last check-in, last
check-out, whether some stay has none) say it can hold a stay of the pass's window, so a
stay begun days earlier still counts and other days are not opened.
"""

from __future__ import annotations

import contextlib
import threading
import weakref
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime, tzinfo
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyarrow.parquet as pq

from fangkong.analytics.checkin_archive import ARCHIVE_SCHEMA, SUBDIR
from fangkong.analytics.checkin_files import (
    CHECK_OUT,
    checkin_files,
    style_of_offsets,
    typed_offset,
)
from fangkong.analytics.spark_checkin_reading import read_checkins
from fangkong.analytics.timestamps import instant_us

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, SparkSession

ARCHIVE_STYLE = style_of_offsets({typed_offset(ARCHIVE_SCHEMA.field("check_in").type.tz)})


class StaySource:
    """Where a pass reads its stays."""

    def between(
        self,
        low: int,
        high: int | None,
        default_stay_us: int,
        *,
        persons: Collection[str] | None = None,
    ) -> tuple[DataFrame, int | None]:
        """Stays (person, venue, check_in, check_out), at least all that may overlap
        [low, high) (the pass filters them exactly), and a time no check-in among them is
        later than (None: unknown). `persons`: the pass's sources; a source may leave out
        stays at venues none of them visited in the window (no pair can form there)."""
        raise NotImplementedError

    def close(self) -> None:
        """Releases what the source holds on the cluster."""


def _valid(frame: DataFrame) -> DataFrame:
    return frame.where("valid").drop("valid")


def _release(frame: DataFrame) -> None:
    with contextlib.suppress(Exception):  # best effort: the session may be gone already
        frame.unpersist()


class CachedStays(StaySource):
    """A data set read once and kept by the executors (memory, spilling to disk); the job
    that fills the cache counts its valid and invalid rows and finds its latest check-in."""

    def __init__(self, frame: DataFrame) -> None:
        self.frame = frame.persist()
        self._release = weakref.finalize(self, _release, self.frame)
        self._release.atexit = False
        counts = self.frame.selectExpr(
            "count_if(valid) AS kept",
            "count_if(NOT valid) AS invalid",
            "max(CASE WHEN valid THEN check_in END) AS latest",
        ).first()
        assert counts is not None
        self.kept, self.invalid = int(counts["kept"]), int(counts["invalid"])
        self.latest: int | None = counts["latest"]

    def between(
        self,
        low: int,
        high: int | None,
        default_stay_us: int,
        *,
        persons: Collection[str] | None = None,
    ) -> tuple[DataFrame, int | None]:
        return _valid(self.frame), self.latest

    def close(self) -> None:
        self._release()


@dataclass(frozen=True, slots=True)
class _Span:
    """What a Parquet file's footer says of its stays: check-ins in [first_in, last_in],
    check-outs up to last_out, and whether some have none (they end default_stay later)."""

    first_in: int
    last_in: int
    last_out: int | None
    open_stays: bool

    def may_overlap(self, low: int, high: int | None, default_stay_us: int) -> bool:
        ends = [self.last_out] if self.last_out is not None else []
        if self.open_stays:
            ends.append(self.last_in + default_stay_us)
        if not ends:
            return False
        return max(ends) > low and (high is None or self.first_in < high)


def _statistic_us(value: Any, zone: tzinfo) -> int | None:
    if isinstance(value, datetime):
        return instant_us(value, zone)
    return None


def _footer_span(path: Path, zone: tzinfo) -> _Span | None:
    """None when the footer lacks the statistics (the file is then always read)."""
    metadata = pq.ParquetFile(path).metadata
    names = [metadata.schema.column(i).name for i in range(metadata.num_columns)]
    if "check_in" not in names:
        return None
    start_at = names.index("check_in")
    end_at = names.index(CHECK_OUT) if CHECK_OUT in names else None
    first_in: int | None = None
    last_in: int | None = None
    last_out: int | None = None
    open_stays = end_at is None
    for group in range(metadata.num_row_groups):
        row_group = metadata.row_group(group)
        if row_group.num_rows == 0:
            continue
        starts = row_group.column(start_at).statistics
        if starts is None or not starts.has_min_max:
            return None
        low, high = _statistic_us(starts.min, zone), _statistic_us(starts.max, zone)
        if low is None or high is None:
            return None
        first_in = low if first_in is None else min(first_in, low)
        last_in = high if last_in is None else max(last_in, high)
        if end_at is None:
            continue
        ends = row_group.column(end_at).statistics
        if ends is None or not ends.has_null_count:
            return None
        if ends.null_count:
            open_stays = True
        if ends.null_count < row_group.num_rows:
            if not ends.has_min_max:
                return None
            out = _statistic_us(ends.max, zone)
            if out is None:
                return None
            last_out = out if last_out is None else max(last_out, out)
    if first_in is None or last_in is None:
        return _Span(0, 0, None, False)  # no rows: never read
    return _Span(first_in, last_in, last_out, open_stays)


def archive_day_files(folder: Path) -> dict[date, Path]:
    """`<YYYY-MM-DD>.parquet` files of a folder (`.partial` files and others are not days)."""
    found: dict[date, Path] = {}
    if not folder.is_dir():
        return found
    for entry in folder.iterdir():
        if entry.suffix != ".parquet" or not entry.is_file():
            continue
        try:
            found[date.fromisoformat(entry.stem)] = entry
        except ValueError:
            continue
    return found


def day_files_folder(path: Path) -> Path | None:
    """The folder of day files when `path` is an archive (its root or its `checkins`
    folder) and every file checkin_files would read there is a day file; else None."""
    if not path.is_dir():
        return None
    for folder in (path / SUBDIR, path):
        days = archive_day_files(folder)
        if days and sorted(days.values()) == checkin_files(path):
            return folder
    return None


class ArchiveDays(StaySource):
    """The archive's day files, listed again for every pass (days arrive and leave) and
    read only when their footer says they can hold a stay of the pass."""

    def __init__(self, spark: SparkSession, folder: Path, zone: tzinfo) -> None:
        self.spark, self.folder, self.zone = spark, folder, zone
        self._spans: dict[Path, tuple[tuple[int, int], _Span | None]] = {}
        self._lock = threading.Lock()

    def _span(self, path: Path) -> _Span | None:
        stat = path.stat()
        stamp = (stat.st_size, stat.st_mtime_ns)
        with self._lock:
            known = self._spans.get(path)
            if known is not None and known[0] == stamp:
                return known[1]
        span = _footer_span(path, self.zone)
        with self._lock:
            self._spans[path] = (stamp, span)
        return span

    def days_for(self, low: int, high: int | None, default_stay_us: int) -> list[date]:
        """The days whose file a pass over [low, high) reads."""
        chosen = []
        for day, path in sorted(archive_day_files(self.folder).items()):
            try:
                span = self._span(path)
            except FileNotFoundError:
                continue  # removed by retention meanwhile
            if span is None or span.may_overlap(low, high, default_stay_us):
                chosen.append(day)
        return chosen

    def between(
        self,
        low: int,
        high: int | None,
        default_stay_us: int,
        *,
        persons: Collection[str] | None = None,
    ) -> tuple[DataFrame, int | None]:
        days = self.days_for(low, high, default_stay_us)
        files = [self.folder / f"{day.isoformat()}.parquet" for day in days]
        spans = [self._spans.get(path, (None, None))[1] for path in files]
        latest = None if None in spans else max((s.last_in for s in spans if s), default=None)
        return _valid(read_checkins(self.spark, files, self.folder, self.zone)), latest
