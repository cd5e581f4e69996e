"""Reading and validating check-in files beyond what the CLI tests show."""

from __future__ import annotations

import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from fangkong.analytics.checkin_files import InvalidCheckinsError, load_checkins
from fangkong.analytics.timestamps import DEFAULT_ZONE, instant_us, zone_named

ZONE = zone_named(DEFAULT_ZONE)


def typed_parquet(path: Path, rows: list[tuple]) -> Path:
    persons, venues, ins, outs = zip(*rows, strict=True)
    pq.write_table(
        pa.table(
            {
                "person_id": pa.array(persons, pa.string()),
                "venue_id": pa.array(venues, pa.string()),
                "check_in": pa.array(ins, pa.timestamp("s")),
                "check_out": pa.array(outs, pa.timestamp("s")),
            }
        ),
        path,
    )
    return path


def test_typed_parquet_rows_are_validated_like_csv_rows(tmp_path: Path):
    path = typed_parquet(
        tmp_path / "events.parquet",
        [
            ("a", "v", datetime(2021, 7, 28, 10), None),
            (None, "v", datetime(2021, 7, 28, 10), None),
            ("b", "v", None, None),
            ("c", "v", datetime(2021, 7, 28, 10), datetime(2021, 7, 28, 9)),
        ],
    )
    with pytest.raises(InvalidCheckinsError) as failure:
        load_checkins(path, zone=ZONE)
    assert [(row.row, row.reason) for row in failure.value.rows] == [
        (2, "missing person_id"),
        (3, "missing check_in"),
        (4, "check_out earlier than check_in"),
    ]
    kept = load_checkins(path, zone=ZONE, skip_invalid=True)
    assert (len(kept), kept.skipped) == (1, 3)


def test_naive_parquet_timestamps_are_local_time_of_the_zone(tmp_path: Path):
    path = typed_parquet(tmp_path / "e.parquet", [("a", "v", datetime(2021, 7, 28, 8), None)])
    records = load_checkins(path, zone=ZONE)
    assert records.check_in_us.tolist() == [instant_us(datetime(2021, 7, 28, 8), ZONE)]
    assert instant_us(datetime(2021, 7, 28, 8), ZONE) == instant_us(
        datetime.fromisoformat("2021-07-28T00:00:00+00:00"), ZONE
    )


def test_vectorised_local_time_matches_zoneinfo_across_a_daylight_saving_change(tmp_path: Path):
    zone = zone_named("Europe/Berlin")
    moments = [datetime(2021, 3, 28, h, 30) for h in (0, 1, 3, 4)] + [datetime(2021, 10, 31, 2, 30)]
    path = typed_parquet(tmp_path / "e.parquet", [("a", "v", m, None) for m in moments])
    records = load_checkins(path, zone=zone)
    assert records.check_in_us.tolist() == [instant_us(m, zone) for m in moments]


@pytest.mark.parametrize(
    "text",
    [
        "2021-07-28",
        "2021-07-28T19:05",
        "2021-07-28T19:05:00+0800",
        "28/07/2021 19:05:00",
        "2021-02-30T10:00:00",
    ],
)
def test_timestamps_outside_the_accepted_iso_forms_are_unparsable(tmp_path: Path, text: str):
    path = tmp_path / "e.csv"
    path.write_text(f"person_id,venue_id,check_in,check_out\na,v,{text},\n")
    with pytest.raises(InvalidCheckinsError, match="unparsable check_in"):
        load_checkins(path, zone=ZONE)


def test_a_file_without_the_required_columns_is_refused(tmp_path: Path):
    path = tmp_path / "e.csv"
    path.write_text("person,venue,check_in\n")
    with pytest.raises(InvalidCheckinsError, match="person_id"):
        load_checkins(path, zone=ZONE)


def test_the_package_never_imports_django():
    modules = [
        "fangkong.analytics.cli",
        "fangkong.analytics.duckdb_engine",
        "fangkong.analytics.sql_engine",
        "fangkong.analytics.sql_schema",
    ]
    code = f"import sys; [__import__(m) for m in {modules!r}]; print('django' in sys.modules)"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "False"
