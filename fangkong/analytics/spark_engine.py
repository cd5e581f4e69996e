"""The distributed engine: Apache Spark (PySpark) over check-in files or the day archive.

Built for a cluster: the check-ins never come to the driver. Each pass of the contract is
one Spark SQL query for all the cases traced together (`spark_passes`): a batch of a
thousand cases is two queries, degree 1 and degree 2, not two thousand. A single trace is
the batch of one. Only the contacts come back to the driver: degree 2 starts from them
(their windows and the excluded persons go back to the cluster as small broadcast tables,
through Arrow).

Where the stays come from (`spark_stay_sources`): files read once by the cluster
(`spark_checkin_reading`, exactly as the validator reads them) and cached by the
executors, or the archive's day files, pruned per pass by their footers. Everything runs
as SQL: executors run no Python. One SparkSession per process (`spark_session`).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, tzinfo
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from fangkong.analytics.checkin_archive import SUBDIR
from fangkong.analytics.checkin_files import CheckinRecords, InvalidCheckinsError, checkin_files
from fangkong.analytics.spark_checkin_reading import read_checkins, typed_style
from fangkong.analytics.spark_passes import Exclusion, Window, first_exposures
from fangkong.analytics.spark_platform_stays import ArchiveAndTable
from fangkong.analytics.spark_session import SparkUnavailable, spark_session
from fangkong.analytics.spark_stay_sources import (
    ARCHIVE_STYLE,
    ArchiveDays,
    CachedStays,
    StaySource,
    day_files_folder,
)
from fangkong.analytics.sql_dialects import CheckinTable
from fangkong.analytics.sql_engine import DIALECTS, detect_dialect
from fangkong.analytics.sql_window_reads import WindowReader
from fangkong.analytics.stay_index import NO_END
from fangkong.analytics.timestamps import DEFAULT_ZONE, TimestampStyle, zone_named
from fangkong.analytics.tracing import (
    CaseQuery,
    ControlTimes,
    TraceResult,
    TracingParams,
    control_times_us,
    register_file_engine,
)

# The names the CLI and the tests take from here, wherever they are defined.
__all__ = ["SparkEngine", "SparkUnavailable", "day_files_folder", "spark_session", "typed_style"]


class SparkEngine:
    """Tracing by Spark over check-in files (CSV/Parquet, file or folder) or the day archive.

    `SparkEngine(records)` (what `file_engine("spark")` builds) reads the files `records`
    came from on the cluster and checks that it keeps exactly the rows the validator kept;
    `from_path` reads and validates on the cluster alone; `over_archive` traces over an
    archive's day files. Plain files are read once and cached by the executors; day files
    are read per pass, only the days the pass can reach.
    """

    name = "spark"
    # How the input's timestamps were written (None: not known without reading the texts),
    # and how many invalid rows were skipped.
    style: TimestampStyle | None
    skipped: int

    def __init__(
        self,
        records: CheckinRecords,
        *,
        zone: tzinfo | None = None,
        master: str | None = None,
    ) -> None:
        self.zone = zone if zone is not None else zone_named(DEFAULT_ZONE)
        self.spark = spark_session(master)
        self.style, self.skipped = records.style, records.skipped
        self._stays = self._records_source(records)

    def _records_source(self, records: CheckinRecords) -> StaySource:
        if records.source is None:
            # Rows made in this process: they are on the driver already, so they are
            # handed to the cluster as they are.
            table = pa.table(
                {
                    "person": records.person_ids.cast(pa.string()),
                    "venue": records.venue_ids.cast(pa.string()),
                    "check_in": pa.array(records.check_in_us, type=pa.int64()),
                    "check_out": pa.array(
                        records.check_out_us, type=pa.int64(), mask=~records.has_check_out
                    ),
                }
            )
            table = table.append_column("valid", pa.array([True] * len(table)))
            return CachedStays(self.spark.createDataFrame(table))
        source = Path(records.source)
        folder = day_files_folder(source)
        if folder is not None:
            days = ArchiveDays(self.spark, folder, self.zone)
            count = days.between(-(2**62), None, 0)[0].count()
            stays: StaySource = days
        else:
            cached = CachedStays(
                read_checkins(self.spark, checkin_files(source), source, self.zone)
            )
            count, stays = cached.kept, cached
        if count != len(records):
            stays.close()
            raise RuntimeError(
                f"{source}: Spark reads {count} valid check-ins where the validator kept "
                f"{len(records)}; the files changed meanwhile, or the readers disagree"
            )
        return stays

    @classmethod
    def from_path(
        cls,
        path: Path | str,
        *,
        zone: tzinfo | None = None,
        skip_invalid: bool = False,
        master: str | None = None,
    ) -> SparkEngine:
        """Check-in files read and validated by the cluster alone (nothing is read on the
        driver but file headers and footers). Invalid rows are counted (one pass over all
        files) and raise InvalidCheckinsError unless skipped (checkin_files.load_checkins
        names them). An archive's root or `checkins` folder is traced day file by day file."""
        engine = cls.__new__(cls)
        engine.zone = zone if zone is not None else zone_named(DEFAULT_ZONE)
        engine.spark = spark_session(master)
        path = Path(path)
        files = checkin_files(path)
        folder = day_files_folder(path)
        engine.style = typed_style(files)
        frame = read_checkins(engine.spark, files, path, engine.zone)
        if folder is not None:
            engine._stays = ArchiveDays(engine.spark, folder, engine.zone)
            engine.skipped = int(frame.where("NOT valid").count())
        else:
            cached = CachedStays(frame)
            engine._stays, engine.skipped = cached, cached.invalid
        if engine.skipped and not skip_invalid:
            engine.close()
            raise InvalidCheckinsError(
                f"{path}: {engine.skipped} invalid check-in rows (`trace` with another "
                f"engine names them; --skip-invalid skips them)"
            )
        return engine

    @classmethod
    def over_archive(
        cls, root: Path | str, *, zone: tzinfo | None = None, master: str | None = None
    ) -> SparkEngine:
        """The archive `<root>/checkins/<YYYY-MM-DD>.parquet` (checkin_archive), which the
        platform writes valid: nothing is read before a trace."""
        engine = cls.__new__(cls)
        engine.zone = zone if zone is not None else zone_named(DEFAULT_ZONE)
        engine.spark = spark_session(master)
        engine.style, engine.skipped = ARCHIVE_STYLE, 0
        engine._stays = ArchiveDays(engine.spark, Path(root) / SUBDIR, engine.zone)
        return engine

    @classmethod
    def over_platform(
        cls,
        root: Path | str,
        connection: Any,
        *,
        table: CheckinTable,
        zone: tzinfo | None = None,
        master: str | None = None,
    ) -> SparkEngine:
        """The platform's check-ins: the archive under `root` read by the cluster, and the
        rows of the live `table` a pass can meet, read through `connection` (a DB-API
        connection to SQLite or PostgreSQL, within its caller's transaction)."""
        engine = cls.over_archive(root, zone=zone, master=master)
        assert isinstance(engine._stays, ArchiveDays)
        dialect = DIALECTS[detect_dialect(connection)](table)
        engine._stays = ArchiveAndTable(
            engine.spark, engine._stays, WindowReader(connection, dialect)
        )
        return engine

    def close(self) -> None:
        """Frees the cached stays on the executors (also done when the engine is dropped)."""
        self._stays.close()

    def __enter__(self) -> SparkEngine:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def days_for(self, case: CaseQuery, params: TracingParams) -> list[date] | None:
        """The archive days degree 1 of `case` reads (None: not an archive)."""
        if not isinstance(self._stays, ArchiveDays):
            return None
        low, high = case.window_us(params, self.zone)
        return self._stays.days_for(low, high, params.default_stay_us)

    # ------------------------------------------------------------------ tracing

    def trace(
        self,
        case: CaseQuery,
        params: TracingParams,
        *,
        control_times: ControlTimes | None = None,
    ) -> TraceResult:
        return self.trace_many([case], params, control_times=control_times)[0]

    def trace_many(
        self,
        cases: Sequence[CaseQuery],
        params: TracingParams,
        *,
        control_times: ControlTimes | None = None,
    ) -> list[TraceResult]:
        """Every case traced as on its own, ordered by case_id (`tracing.trace_batch`), in
        one Spark query per degree. control_times end the degree-2 windows of close
        contacts of every case."""
        ordered = sorted(cases, key=lambda case: case.case_id)
        if not ordered:
            return []
        windows: list[Window] = []
        excluded: list[Exclusion] = []
        for number, case in enumerate(ordered):
            start, end = case.window_us(params, self.zone)
            windows.append((number, case.case_id, start, NO_END if end is None else end))
            excluded.append((number, case.case_id))
        close = first_exposures(self.spark, self._stays, windows, excluded, params)
        found = [_with_degree(close, 1)]
        if params.degree == 2 and close.num_rows:
            controls = control_times_us(control_times, self.zone)
            numbers = close.column("case_no").to_pylist()
            persons = close.column("person").to_pylist()
            exposures = close.column("exposure").to_pylist()
            contact_windows = [
                (number, person, exposure, controls.get(person, NO_END))
                for number, person, exposure in zip(numbers, persons, exposures, strict=True)
            ]
            excluded += zip(numbers, persons, strict=True)
            second = first_exposures(self.spark, self._stays, contact_windows, excluded, params)
            found.append(_with_degree(second, 2))
        return _results(ordered, self.zone, pa.concat_tables(found))


def _with_degree(found: pa.Table, degree: int) -> pa.Table:
    return found.append_column("degree", pa.array([degree] * found.num_rows, type=pa.int8()))


def _results(cases: Sequence[CaseQuery], zone: tzinfo, found: pa.Table) -> list[TraceResult]:
    """One TraceResult per case (case_no: its place in `cases`) in output order. Arrow
    orders strings by their UTF-8 bytes: code point order, as Python's str."""
    found = found.take(
        pc.sort_indices(
            found,
            sort_keys=[
                ("case_no", "ascending"),
                ("degree", "ascending"),
                ("exposure", "ascending"),
                ("person", "ascending"),
            ],
        )
    )
    bounds = np.searchsorted(found.column("case_no").to_numpy(), np.arange(len(cases) + 1))
    results = []
    for number, case in enumerate(cases):
        rows = found.slice(bounds[number], bounds[number + 1] - bounds[number])
        results.append(
            TraceResult(
                case_id=case.case_id,
                zone=zone,
                person_ids=rows.column("person").to_pylist(),
                degrees=rows.column("degree").to_numpy().astype(np.int8),
                exposures_us=rows.column("exposure").to_numpy().astype(np.int64),
                venue_ids=rows.column("venue").to_pylist(),
                vias=rows.column("via").to_pylist(),
            )
        )
    return results


def _from_records(records: CheckinRecords, zone: tzinfo) -> SparkEngine:
    return SparkEngine(records, zone=zone)


register_file_engine("spark", _from_records)
