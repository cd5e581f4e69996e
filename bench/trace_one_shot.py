"""A whole `trace` process against a plain DuckDB script of the contract, side by side:
`python -m bench.trace_one_shot [--stays N] [--repeat 5]`.

Each side is a process of its own that reads the check-in file, traces one case to degree 2
and writes the contacts CSV, timed by the wall clock from start to exit:

- `module`: `python -m fangkong.analytics trace ...` (no Django);
- `fangkong`: `fangkong trace ...`, the platform's management command (Django starts first);
- `plain`: a Python process that loads the file into DuckDB and runs the contract as one
  query (bench/plain_query.py DEGREE_2), writing the CSV with DuckDB's COPY.

The file is the synthetic city of bench/city.py as Parquet, and the same stays as CSV with
the contract's timestamp texts. The cases: the median of a random sample of people seen in
the window (by contacts found), and the person with most check-ins in the window (a big
trace). The sides run in turn, several times, after one unmeasured run each (the page cache
holds the file for all), and every output must be byte-for-byte the plain script's.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

SIDES = ("plain", "module", "fangkong")
FORMATS = ("parquet", "csv")
# Given to both trace commands, so that the platform's settings cannot make them differ.
CONTRACT_OPTIONS = ["--degree", "2", "--lookback-days", "4", "--min-overlap", "15"]
CONTRACT_OPTIONS += ["--default-stay", "60", "--zone", "Asia/Shanghai"]


@dataclass(frozen=True)
class Case:
    label: str
    person: str
    onset: str
    isolated_at: str
    contacts: int = 0


@dataclass
class Figures:
    seconds: dict[tuple[str, str, str], float] = field(default_factory=dict)  # format, case, side
    cases: list[Case] = field(default_factory=list)


def csv_twin(parquet: Path) -> Path:
    """The same stays as CSV with the contract's timestamp texts, written on first use."""
    path = parquet.with_suffix(".csv")
    if not path.exists():
        import duckdb

        partial = path.with_suffix(".csv.tmp")
        iso = "'%Y-%m-%dT%H:%M:%S'"
        duckdb.sql(
            f"COPY (SELECT person_id, venue_id, strftime(check_in, {iso}) AS check_in, "
            f"strftime(check_out, {iso}) AS check_out FROM read_parquet('{parquet}')) "
            f"TO '{partial}' (HEADER)"
        )
        partial.rename(path)
    return path


def pick(parquet: Path, sample: int, seed: int) -> list[Case]:
    """The median case of a random sample (by contacts) and the most active person."""
    import numpy as np

    from bench.run import ZONE, pick_cases
    from fangkong.analytics.checkin_files import load_checkins
    from fangkong.analytics.one_shot import OneShotEngine
    from fangkong.analytics.tracing import CaseQuery, TracingParams

    records = load_checkins(parquet, zone=ZONE)
    engine = OneShotEngine(records, zone=ZONE)
    sampled = pick_cases(records, sample, seed)
    found = sorted((len(engine.trace(c, TracingParams())), c.case_id) for c in sampled)
    template = sampled[0]
    low, high = template.window_us(TracingParams(), ZONE)
    assert template.isolated_at is not None and high is not None
    seen = (records.check_in_us >= low) & (records.check_in_us < high)
    people, counts = np.unique(
        np.asarray(records.person_ids.filter(seen).to_pylist(), dtype=object), return_counts=True
    )
    busiest = str(people[np.argmax(counts)])
    big = CaseQuery(busiest, template.onset, template.isolated_at)
    median_contacts, median_person = found[len(found) // 2]
    onset, isolated = template.onset.isoformat(), template.isolated_at.isoformat()
    return [
        Case("median", median_person, onset, isolated, median_contacts),
        Case("big", busiest, onset, isolated, len(engine.trace(big, TracingParams()))),
    ]


def command(side: str, events: Path, case: Case, out: Path) -> list[str]:
    if side == "plain":
        arguments = [str(events), case.person, case.onset, case.isolated_at, str(out)]
        return [sys.executable, "-m", "bench.trace_one_shot", "--plain", *arguments]
    trace = ["trace", "--events", str(events), "--case", case.person, "--onset", case.onset]
    trace += ["--isolated-at", case.isolated_at, *CONTRACT_OPTIONS, "--out", str(out)]
    if side == "module":
        return [sys.executable, "-m", "fangkong.analytics", *trace]
    return [str(Path(sys.executable).parent / "fangkong"), *trace]


def plain_script(events: str, person: str, onset: str, isolated_at: str, out: str) -> None:
    """The baseline process: the file into a DuckDB table, the contract as one query."""
    import duckdb

    from bench.plain_query import DEGREE_2

    con = duckdb.connect()
    if events.endswith(".parquet"):
        source = f"read_parquet('{events}')"
    else:
        types = "{'person_id': 'VARCHAR', 'venue_id': 'VARCHAR', 'check_in': 'TIMESTAMP', "
        source = f"read_csv('{events}', header = true, columns = {types}'check_out': 'TIMESTAMP'}})"
    con.execute(f"CREATE TABLE checkins AS SELECT * FROM {source}")
    first_day = datetime.fromisoformat(onset) - timedelta(days=4)
    written = f"""
        SELECT person_id, degree, strftime(exposure, '%Y-%m-%dT%H:%M:%S') AS first_exposure,
               venue_id, via
        FROM ({DEGREE_2})"""
    con.execute(
        f"COPY ({written}) TO '{out}' (HEADER)",
        {
            "case_id": person,
            "window_start": first_day,
            "window_end": datetime.fromisoformat(isolated_at),
            "default_stay_us": 60 * 60 * 1_000_000,
            "min_overlap_us": 15 * 60 * 1_000_000,
        },
    )


def run(
    parquet: Path,
    cases: Sequence[Case],
    repeat: int,
    *,
    formats: Sequence[str] = FORMATS,
    sides: Sequence[str] = SIDES,
    warm_up: bool = True,
) -> Figures:
    figures = Figures(cases=list(cases))
    with tempfile.TemporaryDirectory() as scratch:
        for form in formats:
            events = parquet if form == "parquet" else csv_twin(parquet)
            for case in cases:
                outs = {side: Path(scratch) / f"{form}-{case.label}-{side}.csv" for side in sides}
                runs = [(side, command(side, events, case, outs[side])) for side in sides]
                samples = _interleaved(runs, repeat, warm_up)
                expected = outs["plain"].read_bytes() if "plain" in outs else None
                for side, out in outs.items():
                    if expected is not None and out.read_bytes() != expected:
                        raise AssertionError(f"{side} differs from the plain script: {form} {case}")
                for side, values in samples.items():
                    figures.seconds[(form, case.label, side)] = statistics.median(values)
    return figures


def _interleaved(
    runs: list[tuple[str, list[str]]], repeat: int, warm_up: bool
) -> dict[str, list[float]]:
    """Wall seconds per side; the sides take turns so that a busy moment of the (shared)
    machine slows each of them rather than one."""
    if warm_up:
        for _, argv in runs:
            subprocess.run(argv, check=True, capture_output=True)
    samples: dict[str, list[float]] = {side: [] for side, _ in runs}
    for _ in range(repeat):
        for side, argv in runs:
            began = time.perf_counter()
            subprocess.run(argv, check=True, capture_output=True)
            samples[side].append(time.perf_counter() - began)
    return samples


def report(figures: Figures) -> str:
    sides = sorted({side for _, _, side in figures.seconds}, key=SIDES.index)
    traces = [s for s in sides if s != "plain"]
    header = "| file | case | contacts | plain script | " + " | ".join(
        f"`{s}` trace (share of plain)" for s in traces
    )
    lines = [header + " |", "|" + "---|" * (4 + len(traces))]
    contacts = {case.label: case.contacts for case in figures.cases}
    for form, label in dict.fromkeys((f, c) for f, c, _ in figures.seconds):
        plain = figures.seconds[(form, label, "plain")]
        own = [figures.seconds[(form, label, side)] for side in traces]
        cells = [f"{seconds:.2f} s ({seconds / plain:.2f})" for seconds in own]
        lines.append(
            f"| {form} | {label} | {contacts[label]:,} | {plain:.2f} s | "
            + " | ".join(cells)
            + " |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None, out: Callable[[str], None] = print) -> None:
    arguments = sys.argv[1:] if argv is None else argv
    if arguments[:1] == ["--plain"]:
        plain_script(*arguments[1:])
        return
    from bench.city import CityShape, city_file

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--stays", type=int, default=CityShape.stays)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--sample", type=int, default=9, help="people sampled for the median")
    options = parser.parse_args(arguments)
    shape = CityShape(stays=options.stays)
    parquet = city_file(shape)
    cases = pick(parquet, options.sample, shape.seed)
    out(f"cases: {cases}")
    out(report(run(parquet, cases, options.repeat)))


if __name__ == "__main__":
    main()
