"""The benchmark code runs end to end on a tiny city (not timed, only exercised)."""

from __future__ import annotations

from pathlib import Path

import pyarrow.parquet as pq

from bench.city import CityShape, city_file
from bench.run import report, run

TINY = CityShape(stays=20_000, people=2_000, venues=200, days=21, seed=7)


def test_the_generator_is_deterministic_and_leaves_a_fifth_of_check_outs_empty(tmp_path: Path):
    first = pq.read_table(city_file(TINY, tmp_path / "a"))
    second = pq.read_table(city_file(TINY, tmp_path / "b"))
    assert first.equals(second)
    assert first.num_rows == TINY.stays
    missing = first.column("check_out").null_count / first.num_rows
    assert 0.18 < missing < 0.22


def test_the_runner_times_every_engine_and_agrees_with_the_plain_query(tmp_path: Path):
    lines: list[str] = []
    timings = run(TINY, 3, 1, lines.append, data_dir=tmp_path, use_postgres=False)
    engines = sorted({name for name, _, _ in timings.seconds} - {"plain"})
    assert engines == ["duckdb", "memory-sqlite", "sql-sqlite"]
    assert len(timings.seconds) == 4 * 2 * 3  # (plain + 3 engines) x 2 degrees x 3 cases
    assert any(count > 0 for count in timings.contacts.values())
    table = report(timings, engines)
    assert "### Degree 2" in table
