"""Reading and validating check-in files beyond what the CLI tests show."""

from __future__ import annotations

import subprocess
import sys
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from fangkong.analytics import checkin_files
from fangkong.analytics.checkin_columns import (
    constant_utc_offset_us,
    local_to_instants,
    parse_timestamp_column,
    read_csv_columns,
)
from fangkong.analytics.checkin_files import InvalidCheckinsError, load_checkins
from fangkong.analytics.timestamps import (
    DEFAULT_ZONE,
    TimestampError,
    instant_us,
    naive_local_us_to_instants,
    parse_timestamp,
    zone_named,
)

ZONE = zone_named(DEFAULT_ZONE)
UTC_ZONE = zone_named("UTC")


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


# ---------------------------------------------------------------- CSV files read at once

TRICKY_TIMESTAMPS = [
    "2021-07-28T19:05:00",
    "2021-07-28 19:05:00",
    "2021-07-28T19:05:00Z",
    "2021-07-28T19:05:00+08:00",
    "2021-07-28T19:05:00-03:30",
    "2021-07-28T19:05:00-00:00",
    "2021-07-28T19:05:00+23:59",
    "2021-07-28T19:05:00.5",
    "2021-07-28T19:05:00.123456+08:00",
    "2020-02-29T00:00:00",
    "0001-01-01T00:00:00",
    "9999-12-31T23:59:59",
    "0001-01-01T00:00:00+08:00",
    "9999-12-31T23:59:59-08:00",
    # Each invalid the way Python says so (the form, the calendar, the offset's range).
    "2021-02-29T00:00:00",
    "1900-02-29T00:00:00",
    "0000-01-01T00:00:00",
    "2021-07-28T24:00:00",
    "2021-07-28T23:60:00",
    "2021-07-28T23:59:60",
    "2021-07-28t19:05:00",
    "2021-07-28T19:05:00+24:00",
    "2021-07-28T19:05:00+08:60",
    "2021-07-28T19:05:00+0800",
    "2021-07-28T19:05+08:00",
    "2021-07-28T19:05:0Z",
    "2021-07-28T19:05:00 ",
    " 2021-07-28T19:05:0",
    "2021-7-28T19:05:00",
    "2021-07-28T19:05:00.",
    "2021-07-28T19:05:00.1234567",
    "+021-07-28T19:05:00",
    "2021-07-28T19:0٥:00",
]


@pytest.mark.parametrize("zone_name", ["Asia/Shanghai", "Europe/Berlin", "UTC"])
def test_a_timestamp_column_reads_each_text_as_parse_timestamp_does(zone_name: str):
    zone = zone_named(zone_name)
    for text in TRICKY_TIMESTAMPS:
        column = pa.array(["2021-07-28T10:00:00", text, None, ""])
        found = parse_timestamp_column(column, zone)
        try:
            expected = parse_timestamp(text, zone)
        except TimestampError:
            assert found is None, text
            continue
        assert found is not None, text
        assert found.present.tolist() == [True, True, False, False]
        assert found.us[1] == expected[0], text
        assert found.offsets == {None, expected[1]}, text


def test_local_time_becomes_instants_as_day_by_day_across_offset_changes():
    rng = np.random.default_rng(3)
    for zone_name, first in [
        ("Europe/Berlin", datetime(2021, 3, 20)),  # a change inside: day by day
        ("Asia/Shanghai", datetime(1991, 1, 1)),  # one offset since: a subtraction
        ("Asia/Shanghai", datetime(1986, 4, 1)),  # daylight saving then
    ]:
        zone = zone_named(zone_name)
        base = instant_us(first, UTC_ZONE)
        local = base + rng.integers(0, 20 * 86_400_000_000, size=500)
        assert np.array_equal(
            local_to_instants(local, zone), naive_local_us_to_instants(local, zone)
        )
    assert (
        constant_utc_offset_us(zone_named("Asia/Shanghai"), base, base + 10**12) == 8 * 3600 * 10**6
    )
    assert constant_utc_offset_us(zone_named("Europe/Berlin"), base, base + 10**14) is None


def read_row_by_row(monkeypatch: pytest.MonkeyPatch, path: Path, skip: bool) -> object:
    with monkeypatch.context() as patch:
        patch.setattr(checkin_files, "read_csv_columns", lambda *args: None)
        return outcome(path, skip)


def outcome(path: Path, skip: bool) -> object:
    """What loading gives, comparable: the columns, the style and the count skipped, or
    the error's message."""
    try:
        records = load_checkins(path, zone=ZONE, skip_invalid=skip)
    except InvalidCheckinsError as exc:
        return str(exc)
    return (
        records.person_ids.to_pylist(),
        records.venue_ids.to_pylist(),
        records.check_in_us.tolist(),
        [
            end if has else None
            for end, has in zip(
                records.check_out_us.tolist(), records.has_check_out.tolist(), strict=True
            )
        ],
        records.style,
        records.skipped,
    )


VALID_STAMPS = [t for t in TRICKY_TIMESTAMPS[:14] if not t.startswith("9999")]
IDS = ["p1", "v", "p1 ", '"a,b"', '"x\ny"', 'a"b', '"c""d"', "店"]
FIELDS = st.sampled_from(["", " ", '"', '""', *IDS, *TRICKY_TIMESTAMPS])
COLUMN_FIELDS = {
    "person_id": st.sampled_from(IDS),
    "venue_id": st.sampled_from(IDS),
    "check_in": st.sampled_from(VALID_STAMPS),
    "check_out": st.sampled_from(["", '""', "9999-12-31T23:59:59"]),
}


@st.composite
def csv_texts(draw: st.DrawFn) -> str:
    """Mostly valid rows with quoting, blank lines and many timestamp forms; now and then
    a row of any fields, or of another length."""
    header = draw(
        st.sampled_from(
            [
                "person_id,venue_id,check_in,check_out",
                "venue_id,check_in,person_id",
                "x,check_in,person_id,venue_id,check_out",
            ]
        )
    )
    names = header.split(",")
    lines = [header]
    for _ in range(draw(st.integers(0, 6))):
        kind = draw(st.integers(0, 12))
        if kind == 0:
            lines.append("")  # a blank line, no row
        elif kind == 1:
            lines.append(",".join(draw(FIELDS) for _ in range(draw(st.integers(1, 6)))))
        elif kind == 2:
            lines.append(",".join(draw(FIELDS) for _ in names))
        else:
            lines.append(",".join(draw(COLUMN_FIELDS.get(n, FIELDS)) for n in names))
    ending = draw(st.sampled_from(["\n", "\r\n"]))
    return ending.join(lines) + draw(st.sampled_from(["", ending]))


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(text=csv_texts(), skip=st.booleans())
def test_a_csv_file_read_at_once_gives_what_the_row_reader_gives(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, text: str, skip: bool
):
    path = tmp_path / "events.csv"
    path.write_bytes(text.encode())
    answered: list[bool] = []

    def watched(*args: Any) -> Any:
        found = read_csv_columns(*args)
        answered.append(found is not None)
        return found

    with monkeypatch.context() as patch:
        patch.setattr(checkin_files, "read_csv_columns", watched)
        at_once = outcome(path, skip)
    assert at_once == read_row_by_row(monkeypatch, path, skip)
    event(f"read at once: {any(answered)}")


def test_a_valid_csv_file_is_read_without_the_row_loop(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    path = tmp_path / "events.csv"
    path.write_text(
        "person_id,venue_id,check_in,check_out\n"
        'a,v,2021-07-28T10:00:00,2021-07-28T11:00:00\n"b,2",v,2021-07-28T10:30:00,\n'
        "c,v,2021-07-28T10:30:00.5+08:00,\n"
    )
    expected = read_row_by_row(monkeypatch, path, False)
    monkeypatch.setattr(checkin_files._Collector, "add_text_row", None)
    assert outcome(path, False) == expected
    assert isinstance(expected, tuple) and expected[0] == ["a", "b,2", "c"]
