"""The Spark benchmark runs end to end on a tiny city, every side agreeing (not timed)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from bench.spark_trace import SIDES, report, run

pytestmark = [pytest.mark.spark, pytest.mark.sqlite_pass]


def test_the_spark_benchmark_times_every_side_on_the_same_output(tmp_path: Path):
    from fangkong.analytics.spark_engine import SparkUnavailable, spark_session

    try:
        spark_session()  # the process's session, whichever started it
    except SparkUnavailable as exc:
        if os.environ.get("CI") == "true":
            pytest.fail(f"the Spark engine is required in CI but unavailable: {exc}")
        pytest.skip(f"Spark unavailable: {exc}")
    lines: list[str] = []
    figures = run(20_000, 4, 1, lines.append, data_dir=tmp_path, master=None)
    assert sorted(figures.one_case) == sorted(figures.batch) == sorted(SIDES)
    assert figures.batch_cases == 4 and figures.batch_contacts > figures.contacts > 0
    assert "| batch of 4 cases, degree 2 |" in report(figures)
