"""The city-scale generator writes the archive's day format, and the plain baseline runs over
it (a tiny city; nothing timed)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import numpy as np
import pyarrow.parquet as pq

from bench.city_baseline import measure
from bench.city_scale import SCHEMA, CityScale, generate, write_cases

TINY = CityScale(persons=3_000, venues=600, per_day=6_000, seed=11, start=date(2026, 3, 30))


def test_day_files_have_the_archive_format_and_ids_increase_across_days(tmp_path: Path):
    generate(TINY, 2, tmp_path, log=False)
    first, second = (
        pq.read_table(tmp_path / "checkins" / f"2026-03-{day}.parquet") for day in ("30", "31")
    )
    for table, day in ((first, "2026-03-30"), (second, "2026-03-31")):
        assert table.schema.remove_metadata() == SCHEMA
        meta = table.schema.metadata
        ids = table.column("id").to_numpy()
        assert meta[b"fangkong.day"] == day.encode()
        assert int(meta[b"fangkong.rows"]) == table.num_rows
        assert int(meta[b"fangkong.id_sum"]) == int(ids.sum()) % 2**63
        key = table.column("venue_id").to_numpy() * 10**17 + table.column("check_in").to_numpy(
            zero_copy_only=False
        ).astype(np.int64)
        assert (np.diff(key) >= 0).all()
        local = table.column("check_in").to_numpy(zero_copy_only=False) + np.timedelta64(8, "h")
        assert (local.astype("datetime64[D]") == np.datetime64(day)).all()
    assert first.column("id").to_numpy().max() < second.column("id").to_numpy().min()
    all_ids = np.concatenate([first.column("id").to_numpy(), second.column("id").to_numpy()])
    assert (np.sort(all_ids) == np.arange(1, len(all_ids) + 1)).all()
    metadata = pq.ParquetFile(tmp_path / "checkins" / "2026-03-30.parquet").metadata
    assert metadata.row_group(0).column(0).compression == "ZSTD"


def test_a_city_is_the_same_whether_generated_at_once_or_day_by_day(tmp_path: Path):
    generate(TINY, 2, tmp_path / "at_once", log=False)
    generate(TINY, 1, tmp_path / "by_day", log=False)
    generate(TINY, 2, tmp_path / "by_day", log=False)
    for name in ("2026-03-30.parquet", "2026-03-31.parquet"):
        at_once = pq.read_table(tmp_path / "at_once" / "checkins" / name)
        assert at_once.equals(pq.read_table(tmp_path / "by_day" / "checkins" / name))


def test_the_baseline_traces_the_cases_over_the_day_files(tmp_path: Path):
    generate(TINY, 2, tmp_path, log=False)
    write_cases(TINY, 2, tmp_path, count=5, seed=3)
    cases = json.loads((tmp_path / "cases.json").read_text())["cases"]
    assert len(cases) == 5 and all(case["onset"] == "2026-03-31" for case in cases)
    result = measure(tmp_path, 3, "1GB")
    assert result["stays"] == sum(
        pq.ParquetFile(path).metadata.num_rows for path in (tmp_path / "checkins").iterdir()
    )
    assert result["degree1"]["contacts_max"] > 0
    assert result["degree2_median_case"]["contacts"] >= result["degree2_median_case"]["close"]
    assert result["occupancy_by_hour"]["rows"] > 0


def test_the_plot_reads_every_figure_of_the_results_file_and_skips_cities_not_run():
    from bench.city_plot import PANELS, points

    results = json.loads(
        (Path(__file__).parent / "results" / "city_scale-2026-12-03.json").read_text()
    )
    for _title, series in PANELS:
        for key, _label, _style in series:
            assert len(results[key]) == len(results["stays"])
    x, y = points(results, "plain_degree2_median_case")
    assert len(x) == len(y) == sum(v is not None for v in results["plain_degree2_median_case"])
    assert x == sorted(x)
