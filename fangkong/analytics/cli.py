"""`trace`: contacts of one case (or a batch of cases) from a check-in file.

Pure functions so that the platform's `fangkong trace` management command can forward argv
without a database: `add_trace_arguments` + `run_trace`, or `main` for a whole argv.
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import sys
import tempfile
from collections.abc import Sequence
from datetime import date, datetime, timedelta, tzinfo
from pathlib import Path
from typing import TextIO
from zoneinfo import ZoneInfoNotFoundError

from fangkong.analytics.checkin_files import InvalidCheckinsError, load_checkins
from fangkong.analytics.contact_csv import write_contacts
from fangkong.analytics.timestamps import (
    DEFAULT_ZONE,
    TimestampError,
    datetime_from_us,
    parse_timestamp,
    zone_named,
)
from fangkong.analytics.tracing import (
    CaseQuery,
    TracingParams,
    file_engine,
    file_engine_names,
    trace_batch,
)

EXIT_OK = 0
EXIT_INVALID_INPUT = 2
DEFAULT_ENGINE = "duckdb"


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
    parser.add_argument("--engine", default=DEFAULT_ENGINE, help=f"one of {file_engine_names()}")
    parser.add_argument("--zone", default=default_zone, help="zone of timestamps without offset")
    parser.add_argument("--out", type=Path, help="write the CSV here instead of stdout")


class _UsageError(Exception):
    pass


def _cases(options: argparse.Namespace, zone: tzinfo) -> tuple[list[CaseQuery], bool]:
    if options.cases is not None:
        if options.case_id is not None or options.onset is not None:
            raise _UsageError("use either --cases or --case/--onset, not both")
        return _read_cases(options.cases, zone), True
    if options.case_id is None or options.onset is None:
        raise _UsageError("--case and --onset are required (or --cases FILE)")
    return [CaseQuery(options.case_id, options.onset, _moment(options.isolated_at, zone))], False


def _moment(text: str | None, zone: tzinfo) -> datetime | None:
    if not text:
        return None
    try:
        value, _ = parse_timestamp(text, zone)
    except TimestampError:
        raise _UsageError(f"unparsable timestamp {text!r}") from None
    return datetime_from_us(value, zone)


def _read_cases(path: Path, zone: tzinfo) -> list[CaseQuery]:
    try:
        handle = path.open(newline="", encoding="utf-8-sig")
    except OSError as exc:
        raise _UsageError(f"{path}: {exc.strerror}") from None
    cases, problems = [], []
    with handle:
        for row, record in enumerate(csv.DictReader(handle), start=1):
            case_id, onset = record.get("case_id"), record.get("onset")
            try:
                if not case_id or not onset:
                    raise ValueError("missing case_id or onset")
                day = date.fromisoformat(onset)
                cases.append(CaseQuery(case_id, day, _moment(record.get("isolated_at"), zone)))
            except (ValueError, _UsageError) as exc:
                problems.append(f"  row {row}: {exc}")
    if problems:
        raise _UsageError(f"{path}: invalid case rows:\n" + "\n".join(problems[:10]))
    return cases


def run_trace(options: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    """Run from parsed options; nothing is written to stdout or --out unless all went well."""
    try:
        zone = zone_named(options.zone)
        params = TracingParams(
            lookback_days=options.lookback_days,
            min_overlap=timedelta(minutes=options.min_overlap),
            default_stay=timedelta(minutes=options.default_stay),
            degree=options.degree,
        )
        factory = file_engine(options.engine)
        cases, batch = _cases(options, zone)
        records = load_checkins(options.events, zone=zone, skip_invalid=options.skip_invalid)
    except InvalidCheckinsError as exc:
        stderr.write(f"trace: {exc}\n")
        return EXIT_INVALID_INPUT
    except (_UsageError, ValueError, KeyError, ZoneInfoNotFoundError) as exc:
        message = exc.args[0] if exc.args else exc
        stderr.write(f"trace: {message}\n")
        return EXIT_INVALID_INPUT
    if records.skipped:
        stderr.write(f"trace: skipped {records.skipped} invalid check-in rows\n")
    engine = factory(records, zone)
    results = trace_batch(engine, cases, params)
    text = io.StringIO()
    write_contacts(text, results, records.style, batch=batch)
    if options.out is None:
        stdout.write(text.getvalue())
    else:
        _write_whole(options.out, text.getvalue())
    return EXIT_OK


def _write_whole(path: Path, text: str) -> None:
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
