"""The platform-trace benchmark runs end to end on a tiny city (not timed, only exercised)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.cases_trace import report, run

pytestmark = pytest.mark.django_db


def test_the_trace_benchmark_loads_a_city_and_times_the_service_beside_the_engine(tmp_path: Path):
    lines: list[str] = []
    timings = run(20_000, 3, 1, lines.append, seed=7, data_dir=tmp_path)
    assert len(timings) == 3
    assert any(t.close > 0 for t in timings)
    assert all(t.service_ms >= 0 and t.engine_ms >= 0 for t in timings)
    assert "trace from the page" in report(timings, "sqlite")
    assert lines and "loaded 20,000 check-ins" in lines[0]
