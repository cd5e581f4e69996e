"""`trace`: contacts of one case (or a batch of cases) from a check-in file.

Pure functions so that the platform's `fangkong trace` management command can forward argv
without a database: `add_trace_arguments` + `run_trace`, or `main` for a whole argv.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import io
import os
import sys
import tempfile
from collections.abc import Iterator, Sequence
from datetime import date, datetime, timedelta, tzinfo
from pathlib import Path
from typing import TextIO
from zoneinfo import ZoneInfoNotFoundError

import pyarrow as pa

from fangkong.analytics.checkin_files import InvalidCheckinsError, load_checkins
from fangkong.analytics.contact_csv import write_contacts
from fangkong.analytics.timestamps import (
    DEFAULT_ZONE,
    TimestampError,
    TimestampStyle,
    datetime_from_us,
    parse_timestamp,
    zone_named,
)
from fangkong.analytics.tracing import (
    CaseQuery,
    TracingEngine,
    TracingParams,
    file_engine,
    file_engine_names,
    trace_batch,
)

EXIT_OK = 0
EXIT_INVALID_INPUT = 2
SPARK_ENGINE = "spark"
# Without --engine a run picks by its number of cases. A few cases run on `one-shot`, which
# picks out per case the stays the case can reach; more run on `duckdb`, which sorts every
# stay once and then answers each case in milliseconds. Both give the contract's output
# (the conformance test checks each); the limit is where they cost about the same on the
# benchmark city (bench/README.md, one-shot trace). An engine named is always used.
ONE_SHOT_ENGINE = "one-shot"
MANY_CASES_ENGINE = "duckdb"
ONE_SHOT_MAX_CASES = 8


def add_trace_arguments(
    parser: argparse.ArgumentParser, *, default_zone: str = DEFAULT_ZONE
) -> None:
    defaults = TracingParams()
    parser.add_argument(
        "--events", required=True, type=Path, help="check-in CSV/Parquet file or folder"
    )
    single = parser.add_argument_group("one case")
    single.add_argument("--case", dest="case_id", help="person_id of the case")
    single.add_argument("--onset", type=date.fromisoformat, help="onset or sampling date")
    single.add_argument("--isolated-at", help="when the case was isolated (ISO timestamp)")
    parser.add_argument("--cases", type=Path, help="batch mode: CSV with case_id,onset,isolated_at")
    parser.add_argument("--lookback-days", type=int, default=defaults.lookback_days)
    parser.add_argument(
        "--min-overlap",
        type=float,
        default=defaults.min_overlap / timedelta(minutes=1),
        metavar="MIN",
        help="minutes of shared time that make a contact",
    )
    parser.add_argument(
        "--default-stay",
        type=float,
        default=defaults.default_stay / timedelta(minutes=1),
        metavar="MIN",
        help="minutes assumed when check_out is empty",
    )
    parser.add_argument("--degree", type=int, choices=(1, 2), default=defaults.degree)
    parser.add_argument("--skip-invalid", action="store_true", help="skip and count bad rows")
    parser.add_argument(
        "--engine",
        help=f"one of {file_engine_names()}; default {ONE_SHOT_ENGINE} for up to "
        f"{ONE_SHOT_MAX_CASES} cases, {MANY_CASES_ENGINE} for more",
    )
    parser.add_argument(
        "--spark-master",
        metavar="URL",
        help="with --engine spark: the Spark master (spark://host:7077, yarn, local[4], ...); "
        "default local[*], or spark-submit's master when run under spark-submit",
    )
    parser.add_argument("--zone", default=default_zone, help="zone of timestamps without offset")
    parser.add_argument("--out", type=Path, help="write the CSV here instead of stdout")


class UsageError(Exception):
    pass


def _cases(options: argparse.Namespace, zone: tzinfo) -> tuple[list[CaseQuery], bool]:
    if options.cases is not None:
        if options.case_id is not None or options.onset is not None:
            raise UsageError("use either --cases or --case/--onset, not both")
        return read_cases(options.cases, zone), True
    if options.case_id is None or options.onset is None:
        raise UsageError("--case and --onset are required (or --cases FILE)")
    return [CaseQuery(options.case_id, options.onset, _moment(options.isolated_at, zone))], False


def _moment(text: str | None, zone: tzinfo) -> datetime | None:
    if not text:
        return None
    try:
        value, _ = parse_timestamp(text, zone)
    except TimestampError:
        raise UsageError(f"unparsable timestamp {text!r}") from None
    return datetime_from_us(value, zone)


def read_cases(path: Path, zone: tzinfo) -> list[CaseQuery]:
    try:
        handle = path.open(newline="", encoding="utf-8-sig")
    except OSError as exc:
        raise UsageError(f"{path}: {exc.strerror}") from None
    cases, problems = [], []
    with handle:
        for row, record in enumerate(csv.DictReader(handle), start=1):
            case_id, onset = record.get("case_id"), record.get("onset")
            try:
                if not case_id or not onset:
                    raise ValueError("missing case_id or onset")
                day = date.fromisoformat(onset)
                cases.append(CaseQuery(case_id, day, _moment(record.get("isolated_at"), zone)))
            except (ValueError, UsageError) as exc:
                problems.append(f"  row {row}: {exc}")
    if problems:
        raise UsageError(f"{path}: invalid case rows:\n" + "\n".join(problems[:10]))
    return cases


def _start_spark(master: str | None) -> None:
    """Starts the process's Spark session with the master asked for (the engine then uses
    it), so that a missing pyspark or Java, or an unreachable master, is a usage error
    before anything is written."""
    from fangkong.analytics.spark_engine import SparkUnavailable, spark_session

    try:
        spark_session(master)
    except SparkUnavailable as exc:
        raise UsageError(str(exc)) from None


def _spark_over_archive(
    path: Path, zone: tzinfo, skip_invalid: bool
) -> tuple[TracingEngine, TimestampStyle, int] | None:
    """The Spark engine straight over a check-in archive (its root or `checkins` folder of
    day files): the cluster reads and validates the days, the driver never holds them (a
    city's archive would not fit). None for other input, which the validator reads first."""
    from fangkong.analytics.spark_engine import SparkEngine, day_files_folder, typed_style

    folder = day_files_folder(path)
    if folder is None or typed_style(sorted(folder.glob("*.parquet"))) is None:
        return None
    engine = SparkEngine.from_path(path, zone=zone, skip_invalid=skip_invalid)
    assert engine.style is not None
    return engine, engine.style, engine.skipped


def run_trace(options: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    """Run from parsed options; nothing is written to stdout or --out unless all went well."""
    with _system_allocator():
        return _run_trace(options, stdout, stderr)


@contextlib.contextmanager
def _system_allocator() -> Iterator[None]:
    """Arrow's columns from the C library's allocator while tracing: with Arrow's default
    (mimalloc) a trace of a 5 M-stay file spent 1.1-1.5 s in the kernel, with this one
    0.4-0.5 s (2 cores; bench/README.md, one-shot trace). A trace allocates a few big
    columns and ends, so a pool that keeps memory for reuse has little to gain."""
    previous = pa.default_memory_pool()
    pa.set_memory_pool(pa.system_memory_pool())
    try:
        yield
    finally:
        pa.set_memory_pool(previous)


def _run_trace(options: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    try:
        zone = zone_named(options.zone)
        params = TracingParams(
            lookback_days=options.lookback_days,
            min_overlap=timedelta(minutes=options.min_overlap),
            default_stay=timedelta(minutes=options.default_stay),
            degree=options.degree,
        )
        if options.engine is not None:
            file_engine(options.engine)  # an unknown name is a usage error before reading
        spark_master = getattr(options, "spark_master", None)
        if spark_master is not None and options.engine != SPARK_ENGINE:
            raise UsageError(f"--spark-master goes with --engine {SPARK_ENGINE}")
        cases, batch = _cases(options, zone)
        archive = None
        if options.engine == SPARK_ENGINE:
            _start_spark(spark_master)
            archive = _spark_over_archive(options.events, zone, options.skip_invalid)
        if archive is None:
            records = load_checkins(options.events, zone=zone, skip_invalid=options.skip_invalid)
            style, skipped = records.style, records.skipped
        else:
            engine, style, skipped = archive
    except InvalidCheckinsError as exc:
        stderr.write(f"trace: {exc}\n")
        return EXIT_INVALID_INPUT
    except (UsageError, ValueError, KeyError, ZoneInfoNotFoundError) as exc:
        message = exc.args[0] if exc.args else exc
        stderr.write(f"trace: {message}\n")
        return EXIT_INVALID_INPUT
    if skipped:
        stderr.write(f"trace: skipped {skipped} invalid check-in rows\n")
    if archive is None:
        engine = file_engine(_engine_name(options.engine, len(cases)))(records, zone)
    results = trace_batch(engine, cases, params)
    text = io.StringIO()
    write_contacts(text, results, style, batch=batch)
    if options.out is None:
        stdout.write(text.getvalue())
    else:
        write_whole(options.out, text.getvalue())
    return EXIT_OK


def _engine_name(named: str | None, case_count: int) -> str:
    if named is not None:
        return named
    return ONE_SHOT_ENGINE if case_count <= ONE_SHOT_MAX_CASES else MANY_CASES_ENGINE


def write_whole(path: Path, text: str) -> None:
    # Readers of --out never see a half-written file: write beside it, then rename.
    handle, temporary = tempfile.mkstemp(dir=path.parent or Path("."), prefix=f".{path.name}.")
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as out:
            out.write(text)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def build_parser(prog: str = "trace") -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=prog, description="Close and secondary contacts of cases from check-in records."
    )
    add_trace_arguments(parser)
    return parser


def main(
    argv: Sequence[str] | None = None,
    stdout: TextIO | None = None,
    stderr: TextIO | None = None,
) -> int:
    """argv without the program name: `trace --events ... --case ... --onset ...`."""
    args = list(sys.argv[1:] if argv is None else argv)
    out, err = stdout or sys.stdout, stderr or sys.stderr
    if not args or args[0] != "trace":
        err.write("usage: trace --events PATH (--case ID --onset DATE | --cases FILE) ...\n")
        return EXIT_INVALID_INPUT
    parser = build_parser()
    try:
        old = sys.stdout, sys.stderr
        sys.stdout, sys.stderr = out, err  # argparse prints usage and errors to sys.*
        try:
            options = parser.parse_args(args[1:])
        finally:
            sys.stdout, sys.stderr = old
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else EXIT_INVALID_INPUT
    return run_trace(options, out, err)
