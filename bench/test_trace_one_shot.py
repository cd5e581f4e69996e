"""The one-shot trace benchmark runs end to end on a tiny city (not timed, only exercised):
both processes run and write the same contacts, or run() raises."""

from __future__ import annotations

from pathlib import Path

from bench.city import CityShape, city_file
from bench.trace_one_shot import pick, report, run

TINY = CityShape(stays=20_000, people=2_000, venues=200, days=21, seed=7)


def test_the_trace_process_and_the_plain_script_write_the_same_contacts(tmp_path: Path):
    parquet = city_file(TINY, tmp_path)
    cases = pick(parquet, 3, TINY.seed)
    assert [case.label for case in cases] == ["median", "big"]
    assert cases[1].contacts > cases[0].contacts
    figures = run(parquet, cases[1:], 1, sides=("plain", "module"), warm_up=False)
    assert set(figures.seconds) == {
        (form, "big", side) for form in ("parquet", "csv") for side in ("plain", "module")
    }
    table = report(figures)
    assert "| csv | big |" in table and "`module` trace" in table
