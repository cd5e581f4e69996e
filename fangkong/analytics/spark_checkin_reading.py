"""Check-in files (CSV, Parquet) read by the cluster exactly as the validator
(`checkin_files`) reads them on one machine: the same accepted timestamp texts, the same
refusals, the same fields. Everything is Spark SQL: executors run no Python.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Sequence
from datetime import tzinfo
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyarrow as pa
import pyarrow.parquet as pq

from fangkong.analytics.checkin_files import (
    CHECK_OUT,
    REQUIRED_COLUMNS,
    InvalidCheckinsError,
    style_of_offsets,
    typed_offset,
)
from fangkong.analytics.timestamps import TimestampStyle

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, SparkSession


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
