"""The distributed engine: Apache Spark (PySpark) over check-in files or the day archive.

Built for a cluster: the check-ins never come to the driver. Each pass of the contract
(docs/spec/contact-tracing.md) is one Spark SQL query (`_PASS`):

1. the sources' stays (the case's, or the close contacts') are clipped to their windows:
   the small side (the probes);
2. every stay is put into each (venue, hour) bin it touches (`explode(sequence(...))`; a
   stay of three hours lands in three or four bins); the city's side only at the probes'
   venues (a broadcast join with each venue's probe span) and only over the hours where a
   pair's exposure can fall, so a check-out forgotten for weeks costs few bins;
3. the city's binned stays join the probes' bins (broadcast) on (venue, hour) and keep the
   pairs whose overlap is at least min_overlap (half-open intervals, default_stay for a
   missing check-out), persons to exclude removed by a broadcast anti-join;
4. a pair meets in every hour both stays share; it is kept only in the hour where its
   exposure `max(start_P, start_C)` falls, so each pair counts once (the dedupe);
5. per person, the smallest (exposure, via, venue_id) is the first exposure with the
   contract's tie-breaks (Spark compares strings by their UTF-8 bytes: code point order,
   the order of Python's str and of every other engine).

Only the contacts come back to the driver: degree 2 starts from them (their windows and the
excluded persons go back to the cluster as small broadcast tables, through Arrow). The day
archive (`checkin_archive`, one Parquet file per day) is pruned per pass: a day file is read
only when its footer statistics (first and last check-in, last check-out) say it can hold a
stay of the pass's window, so a stay begun days earlier still counts and other days are not
read. Everything runs as SQL: executors run no Python.

One SparkSession per process (`spark_session`), created on first use: `local[*]` by default,
the master of spark-submit under spark-submit, or the master given.
"""

from __future__ import annotations

import contextlib
import csv
import os
import re
import shutil
import threading
import weakref
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, tzinfo
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyarrow as pa
import pyarrow.parquet as pq

from fangkong.analytics.checkin_archive import ARCHIVE_SCHEMA, SUBDIR
from fangkong.analytics.checkin_files import (
    CHECK_OUT,
    REQUIRED_COLUMNS,
    CheckinRecords,
    InvalidCheckinsError,
    checkin_files,
    style_of_offsets,
    typed_offset,
)
from fangkong.analytics.stay_index import NO_END
from fangkong.analytics.timestamps import DEFAULT_ZONE, TimestampStyle, instant_us, zone_named
from fangkong.analytics.tracing import (
    CaseQuery,
    ControlTimes,
    TraceResult,
    TracingParams,
    control_times_us,
    register_file_engine,
)

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, SparkSession

DEFAULT_MASTER = "local[*]"
BIN_US = 3_600_000_000  # one hour: stays meet in (venue, hour) bins

# Every session: no web UI or console progress bars (a CLI's stderr is for its own
# messages), and timestamps without a zone read as UTC wall clock (the engine converts
# local times itself, with the deployment's zone).
SESSION_SETTINGS = {
    "spark.ui.enabled": "false",
    "spark.ui.showConsoleProgress": "false",
    "spark.sql.session.timeZone": "UTC",
}
# A local master (tests, one machine): few shuffle partitions for small data, a modest
# driver heap, and the loopback address (no dependence on the host name resolving).
LOCAL_SETTINGS = {
    "spark.sql.shuffle.partitions": "4",
    "spark.driver.memory": "1g",
    "spark.driver.bindAddress": "127.0.0.1",
    "spark.driver.host": "127.0.0.1",
}

# No stays at all: an empty table of columns (not of NULL literals, which the optimizer
# would fold into the hour bins' sequence() before it sees there are no rows).
_NO_STAYS = pa.schema(
    [
        ("person", pa.string()),
        ("venue", pa.string()),
        ("check_in", pa.int64()),
        ("check_out", pa.int64()),
        ("valid", pa.bool_()),
    ]
)
# The accepted texts (timestamps.parse_timestamp) in Java's regex dialect: ASCII digits.
_TIMESTAMP_TEXT = (
    r"^([0-9]{4}-[0-9]{2}-[0-9]{2})[T ]([0-9]{2}:[0-9]{2}:[0-9]{2}(?:[.][0-9]{1,6})?)"
    r"(Z|[+-][0-9]{2}:[0-9]{2})?$"
)
_WALL_CLOCK_FORMAT = "yyyy-MM-dd HH:mm:ss[.SSSSSS]XXX"
_PLAIN_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


class SparkUnavailable(RuntimeError):
    """pyspark or Java is missing, or Spark would not start with the master asked for."""


# ---------------------------------------------------------------- the session


_session_lock = threading.Lock()
_session: SparkSession | None = None
_session_master: str | None = None


def spark_session(
    master: str | None = None, *, config: Mapping[str, str] | None = None
) -> SparkSession:
    """The process's SparkSession, created on first call (a JVM holds one SparkContext).

    master: a Spark master URL (`local[*]`, `spark://host:7077`, `yarn`, `k8s://...`).
    None: spark-submit's master when the process runs under spark-submit, else `local[*]`.
    Asking for another master once the session runs raises SparkUnavailable. config: more
    settings for the session, applied when this call creates it (the tests' fast start).
    """
    global _session, _session_master
    with _session_lock:
        if _session is not None:
            if master is not None and master != _session_master:
                raise SparkUnavailable(
                    f"Spark already runs with master {_session_master!r}, not {master!r}"
                )
            return _session
        try:
            from pyspark.sql import SparkSession
        except ImportError as exc:
            raise SparkUnavailable(
                "pyspark is not installed (pip install 'fangkong[spark]')"
            ) from exc
        # Under spark-submit (or the pyspark shell) the JVM is already there.
        under_submit = "PYSPARK_GATEWAY_PORT" in os.environ
        if not under_submit and shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
            raise SparkUnavailable("no Java runtime: install openjdk-17-jre-headless (make java)")
        if master is None and not under_submit:
            master = DEFAULT_MASTER
        builder = SparkSession.builder.appName("fangkong-trace")
        if master is not None:
            builder = builder.master(master)
        settings = dict(SESSION_SETTINGS)
        if master is not None and master.startswith("local"):
            settings.update(LOCAL_SETTINGS)
        settings.update(config or {})
        for key, value in settings.items():
            builder = builder.config(key, value)
        try:
            session = builder.getOrCreate()
        except Exception as exc:  # py4j and the JVM raise many kinds; all mean "no Spark"
            raise SparkUnavailable(f"Spark did not start (master {master!r}): {exc}") from exc
        _session, _session_master = session, session.sparkContext.master
        return session


# ---------------------------------------------------------------- reading check-ins


def _zone_id(zone: tzinfo) -> str:
    """The zone as Java names it: an IANA key, else the fixed offset."""
    key = getattr(zone, "key", None)
    if isinstance(key, str):
        return key
    offset = zone.utcoffset(None)
    if offset is None:
        raise ValueError(f"zone {zone!r} has neither a name nor a fixed offset")
    minutes = int(offset.total_seconds()) // 60
    sign = "-" if minutes < 0 else "+"
    return f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


def _text_instant_sql(text: str) -> str:
    """SQL for the epoch microseconds of a timestamp text as `timestamps.parse_timestamp`
    reads it, null where it would raise: naive texts are local time of :zone (fold 0, as
    Python's zoneinfo: Java resolves gaps and overlaps the same way), offsets must be under
    24 h, the date and time must exist (no February 30, no 24:00, no second 60, no year 0).
    Parameters :pattern, :wall_clock, :zone."""

    def part(group: int) -> str:
        return f"regexp_extract({text}, :pattern, {group})"

    wall = f"try_to_timestamp(concat({part(1)}, ' ', {part(2)}, '+00:00'), :wall_clock)"
    minutes = (
        f"(try_cast(substring({part(3)}, 2, 2) AS BIGINT) * 60"
        f" + try_cast(substring({part(3)}, 5, 2) AS BIGINT))"
    )
    sign = f"(CASE WHEN substring({part(3)}, 1, 1) = '-' THEN -1 ELSE 1 END)"
    return (
        f"CASE WHEN {text} RLIKE :pattern AND substring({text}, 1, 4) <> '0000' THEN"
        f" CASE {part(3)}"
        f" WHEN '' THEN unix_micros(to_utc_timestamp({wall}, :zone))"
        f" WHEN 'Z' THEN unix_micros({wall})"
        f" ELSE CASE WHEN {minutes} < 1440"
        f" THEN unix_micros({wall}) - {sign} * {minutes} * 60000000 END"
        f" END END"
    )


def _instant_sql(column: str, kind: str) -> str:
    """SQL for a check_in / check_out column of any type as epoch microseconds (null:
    unusable)."""
    if kind == "timestamp":  # an instant (Parquet isAdjustedToUTC)
        return f"unix_micros({column})"
    if kind == "timestamp_ntz":  # wall clock of the deployment's zone
        # Its wall clock counted from 1970-01-01 00:00, then read in :zone (no cast through
        # the session's time zone).
        wall = f"timestampdiff(MICROSECOND, TIMESTAMP_NTZ'1970-01-01 00:00:00', {column})"
        return f"unix_micros(to_utc_timestamp(timestamp_micros({wall}), :zone))"
    return _text_instant_sql(f"CAST({column} AS STRING)")


def _normalised(
    spark: SparkSession,
    frame: DataFrame,
    columns: dict[str, str | None],
    kinds: dict[str, str],
    zone_id: str,
) -> DataFrame:
    """(person, venue, check_in, check_out, valid) from a frame whose contract columns are
    `columns[name]` (None: absent; plain names) of Spark type names `kinds[name]`; `valid`
    says whether checkin_files would keep the row."""

    def text(name: str) -> str:
        source = columns.get(name)
        return "CAST(NULL AS STRING)" if source is None else f"CAST(`{source}` AS STRING)"

    start = columns["check_in"]
    assert start is not None
    end = columns.get(CHECK_OUT)
    if end is None:
        end_instant, end_given = "CAST(NULL AS BIGINT)", "false"
    else:
        end_instant = _instant_sql(f"`{end}`", kinds[CHECK_OUT])
        end_given = f"(`{end}` IS NOT NULL AND CAST(`{end}` AS STRING) <> '')"
    query = f"""
        SELECT person, venue, check_in, CASE WHEN end_given THEN check_out END AS check_out,
            coalesce(length(person) > 0, false) AND coalesce(length(venue) > 0, false)
            AND check_in IS NOT NULL AND (NOT end_given OR check_out IS NOT NULL)
            AND coalesce(check_out >= check_in, true) AS valid
        FROM (
            SELECT {text("person_id")} AS person, {text("venue_id")} AS venue,
                {_instant_sql(f"`{start}`", kinds["check_in"])} AS check_in,
                {end_instant} AS check_out, {end_given} AS end_given
            FROM {{frame}}
        )
    """
    args = {"pattern": _TIMESTAMP_TEXT, "wall_clock": _WALL_CLOCK_FORMAT, "zone": zone_id}
    return spark.sql(query, args=args, frame=frame)


def _csv_header(path: Path, source: str) -> list[str]:
    with path.open(newline="", encoding="utf-8-sig") as handle:
        header = next(csv.reader(handle), None)
    if header is None:
        raise InvalidCheckinsError(f"{source}: empty file, expected a header")
    missing = [name for name in REQUIRED_COLUMNS if name not in header]
    if missing:
        raise InvalidCheckinsError(f"{source}: header lacks {', '.join(missing)}")
    return header


def _csv_names(header: Sequence[str]) -> list[str]:
    """Spark's names for a header's fields: the header's own when they are plain and
    distinct (Spark then finds them in the file's first line and says nothing), else c0, c1,
    ... (fields are taken by position either way)."""
    plain = all(_PLAIN_NAME.fullmatch(name) for name in header)
    if plain and len(set(header)) == len(header):
        return list(header)
    return [f"c{i}" for i in range(len(header))]


def _read_csv_group(
    spark: SparkSession, paths: Sequence[Path], header: Sequence[str], zone_id: str
) -> DataFrame:
    """CSV files sharing one header, read as checkin_files reads them: every field text,
    fields found by the header's first occurrence of each name, by position (a byte order
    mark or a repeated name changes nothing), RFC 4180 quotes (a doubled quote is a quote),
    line breaks inside quoted fields."""
    from pyspark.sql.types import StringType, StructField, StructType

    names = _csv_names(header)
    schema = StructType([StructField(name, StringType()) for name in names])
    frame = spark.read.csv(
        [str(path) for path in paths],
        schema=schema,
        header=True,
        enforceSchema=True,
        escape='"',
        multiLine=True,
        mode="PERMISSIVE",
        encoding="UTF-8",
    )
    columns = {
        name: (names[header.index(name)] if name in header else None)
        for name in (*REQUIRED_COLUMNS, CHECK_OUT)
    }
    kinds = dict.fromkeys(columns, "string")
    return _normalised(spark, frame, columns, kinds, zone_id)


def _spark_kind(data_type: Any) -> str:
    return str(data_type.typeName())


def _read_parquet_group(spark: SparkSession, paths: Sequence[Path], zone_id: str) -> DataFrame:
    """Parquet files of one schema: typed timestamps are instants (with a zone) or local
    wall clock (without), texts are parsed; ids of any type are compared as their text."""
    frame = spark.read.parquet(*[str(path) for path in paths])
    present = set(frame.columns)
    columns = {name: (name if name in present else None) for name in (*REQUIRED_COLUMNS, CHECK_OUT)}
    kinds = {
        field.name: _spark_kind(field.dataType)
        for field in frame.schema.fields
        if field.name in columns
    }
    return _normalised(spark, frame, columns, kinds, zone_id)


def _parquet_signature(path: Path, source: str) -> tuple[tuple[str, str], ...]:
    schema = pq.read_schema(path)
    missing = [name for name in REQUIRED_COLUMNS if name not in schema.names]
    if missing:
        raise InvalidCheckinsError(f"{source}: columns lack {', '.join(missing)}")
    return tuple(
        (name, str(schema.field(name).type))
        for name in (*REQUIRED_COLUMNS, CHECK_OUT)
        if name in schema.names
    )


def read_checkins(
    spark: SparkSession, files: Sequence[Path], root: Path, zone: tzinfo
) -> DataFrame:
    """(person, venue, check_in, check_out, valid) over CSV and Parquet files, read by the
    cluster; files of one header (CSV) or one schema (Parquet) are read together."""
    zone_id = _zone_id(zone)
    csv_groups: dict[tuple[str, ...], list[Path]] = {}
    parquet_groups: dict[tuple[tuple[str, str], ...], list[Path]] = {}
    for file in files:
        source = str(file.relative_to(root)) if root.is_dir() else file.name
        if file.suffix.lower() == ".parquet":
            parquet_groups.setdefault(_parquet_signature(file, source), []).append(file)
        else:
            csv_groups.setdefault(tuple(_csv_header(file, source)), []).append(file)
    frames = [
        _read_csv_group(spark, paths, list(header), zone_id) for header, paths in csv_groups.items()
    ] + [_read_parquet_group(spark, paths, zone_id) for paths in parquet_groups.values()]
    if not frames:
        return spark.createDataFrame(_NO_STAYS.empty_table())
    result = frames[0]
    for frame in frames[1:]:
        result = result.unionByName(frame)
    return result


# ---------------------------------------------------------------- where the stays come from


class _Stays:
    """Where a pass reads its stays."""

    def between(
        self, low: int, high: int | None, default_stay_us: int
    ) -> tuple[DataFrame, int | None]:
        """Stays (person, venue, check_in, check_out), at least all that may overlap
        [low, high) (the pass filters them exactly), and a time no check-in among them is
        later than (None: unknown)."""
        raise NotImplementedError

    def close(self) -> None:
        """Releases what the source holds on the cluster."""


def _valid(frame: DataFrame) -> DataFrame:
    return frame.where("valid").drop("valid")


def _release(frame: DataFrame) -> None:
    with contextlib.suppress(Exception):  # best effort: the session may be gone already
        frame.unpersist()


class _CachedStays(_Stays):
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
        self, low: int, high: int | None, default_stay_us: int
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


class _ArchiveDays(_Stays):
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
        self, low: int, high: int | None, default_stay_us: int
    ) -> tuple[DataFrame, int | None]:
        days = self.days_for(low, high, default_stay_us)
        files = [self.folder / f"{day.isoformat()}.parquet" for day in days]
        spans = [self._spans.get(path, (None, None))[1] for path in files]
        latest = None if None in spans else max((s.last_in for s in spans if s), default=None)
        return _valid(read_checkins(self.spark, files, self.folder, self.zone)), latest


def typed_style(files: Sequence[Path]) -> TimestampStyle | None:
    """How output timestamps are written for these files (checkin_files' rule), told from
    the Parquet schemas alone; None when a file has text timestamps (their texts tell)."""
    offsets: set[str | None] = set()
    for file in files:
        if file.suffix.lower() != ".parquet":
            return None
        schema = pq.read_schema(file)
        for name in ("check_in", CHECK_OUT):
            if name not in schema.names:
                continue
            kind = schema.field(name).type
            if not pa.types.is_timestamp(kind):
                return None
            offsets.add(typed_offset(kind.tz))
    return style_of_offsets(offsets)


ARCHIVE_STYLE = style_of_offsets({typed_offset(ARCHIVE_SCHEMA.field("check_in").type.tz)})


# ---------------------------------------------------------------- the engine


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

    def _records_source(self, records: CheckinRecords) -> _Stays:
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
            return _CachedStays(self.spark.createDataFrame(table))
        source = Path(records.source)
        folder = day_files_folder(source)
        if folder is not None:
            days = _ArchiveDays(self.spark, folder, self.zone)
            count = days.between(-(2**62), None, 0)[0].count()
            stays: _Stays = days
        else:
            cached = _CachedStays(
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
            engine._stays = _ArchiveDays(engine.spark, folder, engine.zone)
            engine.skipped = int(frame.where("NOT valid").count())
        else:
            cached = _CachedStays(frame)
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
        engine._stays = _ArchiveDays(engine.spark, Path(root) / SUBDIR, engine.zone)
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
        if not isinstance(self._stays, _ArchiveDays):
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
        window_start, window_end = case.window_us(params, self.zone)
        found = self._first_exposures(
            [(case.case_id, window_start, NO_END if window_end is None else window_end)],
            [case.case_id],
            params,
        )
        rows = [(person, 1, exposure, venue, via) for person, exposure, venue, via in found]
        if params.degree == 2 and found:
            controls = control_times_us(control_times, self.zone)
            windows = [
                (person, exposure, controls.get(person, NO_END)) for person, exposure, _, _ in found
            ]
            excluded = [case.case_id, *(person for person, _, _, _ in found)]
            second = self._first_exposures(windows, excluded, params)
            rows += [(person, 2, exposure, venue, via) for person, exposure, venue, via in second]
        return TraceResult.from_unsorted(case.case_id, self.zone, rows)

    def _small_table(self, columns: dict[str, pa.Array]) -> DataFrame:
        # Through Arrow: the JVM reads it as it is, no Python worker is started for it.
        return self.spark.createDataFrame(pa.table(columns))

    def _first_exposures(
        self,
        windows: Sequence[tuple[str, int, int]],
        excluded: Sequence[str],
        params: TracingParams,
    ) -> list[tuple[str, int, str, str]]:
        """One pass: persons other than `excluded` sharing >= min_overlap with a stay of the
        sources (person, window start, window end) clipped to its window, each with its
        first (exposure, via, venue)."""
        m, d = params.min_overlap_us, params.default_stay_us
        low = min(start for _, start, _ in windows)
        high = max(end for _, _, end in windows)
        if high - low < m:
            return []
        sources = self._small_table(
            {
                "person": pa.array([w[0] for w in windows], type=pa.string()),
                "w0": pa.array([w[1] for w in windows], type=pa.int64()),
                "w1": pa.array([w[2] for w in windows], type=pa.int64()),
            }
        )
        excluded_persons = self._small_table({"person": pa.array(excluded, type=pa.string())})
        stays, latest = self._stays.between(low, None if high == NO_END else high, d)
        table = self.spark.sql(
            _PASS,
            args={
                "m": m,
                "d": d,
                "low": low,
                "high": high,
                "latest_bin": (NO_END if latest is None else latest) // BIN_US,
            },
            stays=stays,
            sources=sources,
            excluded=excluded_persons,
        ).toArrow()
        return list(
            zip(
                table.column("person").to_pylist(),
                table.column("exposure").to_pylist(),
                table.column("venue").to_pylist(),
                table.column("via").to_pylist(),
                strict=True,
            )
        )


def _hour(value: str) -> str:
    """SQL for the hour bin of epoch microseconds: exact floor division (as Python's //)."""
    return f"(({value}) - pmod({value}, {BIN_US})) div {BIN_US}"


# One pass (a str.format template: {stays} {sources} {excluded} are tables; :m :d :low :high
# :latest_bin parameters). `sources` (person, w0, w1): whose stays, clipped to [w0, w1),
# are the probes; `excluded`: persons who cannot be found.
#
# Only the hours where a pair's exposure can fall are exploded: the exposure is the later
# of the two check-ins, so a probe needs its hours up to the latest check-in read
# (:latest_bin) and a city stay its hours up to the latest probe check-in at its venue.
# A check-out forgotten for weeks therefore costs no more bins than the data has days.
_PASS = f"""
WITH stays AS (
    SELECT person, venue, check_in AS start_us,
        coalesce(check_out, check_in + :d) AS end_us
    FROM {{stays}}
    WHERE check_in < :high AND coalesce(check_out, check_in + :d) > :low
),
probes AS (
    SELECT /*+ BROADCAST(w) */ s.venue, s.person AS via,
        greatest(s.start_us, w.w0) AS p_start, least(s.end_us, w.w1) AS p_end
    FROM stays s JOIN {{sources}} w ON s.person = w.person
    WHERE least(s.end_us, w.w1) - greatest(s.start_us, w.w0) >= :m
),
probe_hours AS (
    SELECT venue, via, p_start, p_end,
        explode(sequence(
            {_hour("p_start")},
            greatest({_hour("p_start")}, least({_hour("p_end - 1")}, :latest_bin))
        )) AS bin
    FROM probes
),
probe_venues AS (
    SELECT venue, min(p_start) AS first_start, max(p_start) AS last_start,
        max(p_end) AS last_end
    FROM probes GROUP BY venue
),
others AS (
    SELECT /*+ BROADCAST(v), BROADCAST(x) */ s.person, s.venue, s.start_us, s.end_us,
        v.first_start, v.last_start
    FROM stays s JOIN probe_venues v ON s.venue = v.venue
        LEFT ANTI JOIN {{excluded}} x ON s.person = x.person
    WHERE s.end_us - s.start_us >= :m
        AND least(s.end_us, v.last_end) - greatest(s.start_us, v.first_start) >= :m
),
other_hours AS (
    SELECT person, venue, start_us, end_us,
        explode(sequence(
            {_hour("greatest(start_us, first_start)")},
            {_hour("least(end_us - 1, greatest(start_us, last_start))")}
        )) AS bin
    FROM others
),
pairs AS (
    SELECT /*+ BROADCAST(p) */ o.person, o.venue, p.via,
        greatest(o.start_us, p.p_start) AS exposure
    FROM other_hours o JOIN probe_hours p ON o.venue = p.venue AND o.bin = p.bin
    WHERE least(o.end_us, p.p_end) - greatest(o.start_us, p.p_start) >= :m
        -- a pair meets in every hour both stays share: counted in its exposure's hour
        AND o.bin = {_hour("greatest(o.start_us, p.p_start)")}
)
SELECT person, first.exposure AS exposure, first.venue AS venue, first.via AS via
FROM (
    SELECT person, min(struct(exposure, via, venue)) AS first FROM pairs GROUP BY person
)
"""


def _from_records(records: CheckinRecords, zone: tzinfo) -> SparkEngine:
    return SparkEngine(records, zone=zone)


register_file_engine("spark", _from_records)
