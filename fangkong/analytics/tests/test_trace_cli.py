"""The `trace` command as the contract describes it, through its pure main()."""

from __future__ import annotations

import argparse
import io
import shutil
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pa_csv
import pyarrow.parquet as pq
import pytest

from fangkong.analytics.cli import (
    ONE_SHOT_MAX_CASES,
    _engine_name,
    add_trace_arguments,
    main,
    run_trace,
)

DATA = Path(__file__).parent / "data"
EVENTS = DATA / "example-events.csv"
EXAMPLE_ARGS = ["trace", "--events", str(EVENTS), "--case", "case1", "--onset", "2021-07-30"]


def run(args: list[str]) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    status = main(args, out, err)
    return status, out.getvalue(), err.getvalue()


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    "engine",
    [
        "duckdb",
        "one-shot",
        "sql",
        pytest.param("spark", marks=[pytest.mark.spark, pytest.mark.sqlite_pass]),
    ],
)
def test_the_spec_example_prints_exactly_the_example_contacts(
    engine: str, request: pytest.FixtureRequest
):
    options = ["--engine", engine]
    if engine == "spark":
        running = request.getfixturevalue("spark")  # skips without pyspark and Java
        options += ["--spark-master", running.sparkContext.master]
    status, out, err = run([*EXAMPLE_ARGS, *options])
    assert (status, err) == (0, "")
    assert out == (DATA / "example-contacts.csv").read_text()


def test_a_spark_master_goes_with_the_spark_engine_only():
    status, out, err = run([*EXAMPLE_ARGS, "--spark-master", "local[2]"])
    assert (status, out) == (2, "")
    assert err == "trace: --spark-master goes with --engine spark\n"


def test_degree_one_keeps_only_close_contacts():
    status, out, _ = run([*EXAMPLE_ARGS, "--degree", "1"])
    assert status == 0
    assert out.splitlines() == [
        "person_id,degree,first_exposure,venue_id,via",
        "p2,1,2021-07-28T21:40:00,barA,case1",
    ]


def test_a_case_isolated_before_the_shared_stay_has_no_contacts():
    status, out, _ = run([*EXAMPLE_ARGS, "--isolated-at", "2021-07-28T21:50:00"])
    assert status == 0
    assert out == "person_id,degree,first_exposure,venue_id,via\n"


def test_a_longer_min_overlap_drops_a_twenty_minute_contact():
    status, out, _ = run([*EXAMPLE_ARGS, "--min-overlap", "21"])
    assert (status, out) == (0, "person_id,degree,first_exposure,venue_id,via\n")


def test_out_writes_the_file_and_nothing_to_stdout(tmp_path: Path):
    target = tmp_path / "contacts.csv"
    status, out, _ = run([*EXAMPLE_ARGS, "--out", str(target)])
    assert (status, out) == (0, "")
    assert target.read_text() == (DATA / "example-contacts.csv").read_text()


def test_batch_mode_adds_case_id_and_sorts_by_it(tmp_path: Path):
    cases = write(
        tmp_path / "cases.csv",
        "case_id,onset,isolated_at\np2,2021-07-30,\ncase1,2021-07-30,2021-07-28T21:59:00\n",
    )
    status, out, err = run(["trace", "--events", str(EVENTS), "--cases", str(cases)])
    assert (status, err) == (0, "")
    lines = out.splitlines()
    assert lines[0] == "case_id,person_id,degree,first_exposure,venue_id,via"
    # case1 isolated at 21:59 still shares 19 minutes with p2 (21:40-21:59)
    assert lines[1] == "case1,p2,1,2021-07-28T21:40:00,barA,case1"
    assert [line.split(",")[0] for line in lines[1:]] == sorted(
        line.split(",")[0] for line in lines[1:]
    )
    assert "p2,case1,1,2021-07-28T21:40:00,barA,p2" in lines


def test_offset_timestamps_come_out_in_the_same_offset(tmp_path: Path):
    text = EVENTS.read_text().replace(":00,", ":00+08:00,").replace(":00\n", ":00+08:00\n")
    events = write(tmp_path / "events.csv", text)
    status, out, _ = run(
        ["trace", "--events", str(events), "--case", "case1", "--onset", "2021-07-30"]
    )
    assert status == 0
    assert "p2,1,2021-07-28T21:40:00+08:00,barA,case1" in out.splitlines()


def test_utc_timestamps_are_read_as_instants_and_written_in_utc(tmp_path: Path):
    events = write(
        tmp_path / "events.csv",
        "person_id,venue_id,check_in,check_out\n"
        "c,v,2021-07-28T12:00:00Z,2021-07-28T14:00:00Z\n"
        "p,v,2021-07-28T13:00:00Z,\n",
    )
    status, out, _ = run(["trace", "--events", str(events), "--case", "c", "--onset", "2021-07-29"])
    assert status == 0
    assert out.splitlines()[1] == "p,1,2021-07-28T13:00:00Z,v,c"


def test_a_file_mixing_naive_and_offset_timestamps_writes_local_time_with_offset(tmp_path: Path):
    events = write(
        tmp_path / "events.csv",
        "person_id,venue_id,check_in,check_out\n"
        "c,v,2021-07-28T20:00:00,2021-07-28T22:00:00\n"
        "p,v,2021-07-28T13:00:00Z,\n",  # 21:00 in Shanghai
    )
    status, out, _ = run(["trace", "--events", str(events), "--case", "c", "--onset", "2021-07-29"])
    assert status == 0
    assert out.splitlines()[1] == "p,1,2021-07-28T21:00:00+08:00,v,c"


BAD_EVENTS = (
    "person_id,venue_id,check_in,check_out\n"
    "case1,barA,2021-07-28T20:00:00,2021-07-28T22:00:00\n"
    ",barA,2021-07-28T21:00:00,\n"
    "p2,barA,2021-07-28T21:40:00,2021-07-28T23:00:00\n"
    "p3,barA,yesterday,\n"
    "p4,barA,2021-07-28T22:00:00,2021-07-28T21:00:00\n"
    "p5,,2021-07-28T22:00:00,\n"
    "p6,barA,,\n"
)


def test_invalid_rows_fail_with_status_2_naming_rows_and_reasons(tmp_path: Path):
    events = write(tmp_path / "events.csv", BAD_EVENTS)
    status, out, err = run(
        ["trace", "--events", str(events), "--case", "case1", "--onset", "2021-07-30"]
    )
    assert (status, out) == (2, "")
    assert "row 2: missing person_id" in err
    assert "row 4: unparsable check_in 'yesterday'" in err
    assert "row 5: check_out earlier than check_in" in err
    assert "row 6: missing venue_id" in err
    assert "row 7: missing check_in" in err
    assert "row 1:" not in err
    assert "row 3:" not in err


def test_invalid_rows_leave_no_output_file_behind(tmp_path: Path):
    events = write(tmp_path / "events.csv", BAD_EVENTS)
    target = tmp_path / "contacts.csv"
    status, _, _ = run(
        [
            "trace",
            "--events",
            str(events),
            "--case",
            "case1",
            "--onset",
            "2021-07-30",
            "--out",
            str(target),
        ]
    )
    assert status == 2
    assert list(tmp_path.iterdir()) == [events]


def test_skip_invalid_skips_and_counts_the_bad_rows(tmp_path: Path):
    events = write(tmp_path / "events.csv", BAD_EVENTS)
    status, out, err = run(
        [
            "trace",
            "--events",
            str(events),
            "--case",
            "case1",
            "--onset",
            "2021-07-30",
            "--skip-invalid",
        ]
    )
    assert status == 0
    assert "skipped 5 invalid check-in rows" in err
    assert out.splitlines()[1:] == ["p2,1,2021-07-28T21:40:00,barA,case1"]


def test_an_unparsable_onset_is_a_usage_error():
    status, out, err = run(
        ["trace", "--events", str(EVENTS), "--case", "case1", "--onset", "30/07/2021"]
    )
    assert (status, out) == (2, "")
    assert "--onset" in err


def test_missing_case_arguments_fail_without_output():
    status, out, err = run(["trace", "--events", str(EVENTS), "--onset", "2021-07-30"])
    assert (status, out) == (2, "")
    assert "--case" in err


def test_a_folder_of_files_is_read_as_one_data_set(tmp_path: Path):
    folder = tmp_path / "events"
    folder.mkdir()
    lines = EVENTS.read_text().splitlines()
    write(folder / "a.csv", "\n".join(lines[:5]) + "\n")
    write(folder / "b.csv", "\n".join([lines[0], *lines[5:]]) + "\n")
    status, out, _ = run(
        ["trace", "--events", str(folder), "--case", "case1", "--onset", "2021-07-30"]
    )
    assert status == 0
    assert out == (DATA / "example-contacts.csv").read_text()


def test_the_parser_pieces_work_inside_another_parser(tmp_path: Path):
    # The platform's management command adds the arguments to its own parser.
    parser = argparse.ArgumentParser(prog="fangkong trace")
    add_trace_arguments(parser)
    events = shutil.copy(EVENTS, tmp_path / "events.csv")
    options = parser.parse_args(
        ["--events", str(events), "--case", "case1", "--onset", "2021-07-30"]
    )
    out, err = io.StringIO(), io.StringIO()
    assert run_trace(options, out, err) == 0
    assert out.getvalue() == (DATA / "example-contacts.csv").read_text()


def test_without_an_engine_a_few_cases_run_one_shot_and_more_on_the_duckdb_index():
    assert _engine_name(None, 1) == _engine_name(None, ONE_SHOT_MAX_CASES) == "one-shot"
    assert _engine_name(None, ONE_SHOT_MAX_CASES + 1) == "duckdb"
    assert _engine_name("sql", 1) == "sql"
    assert _engine_name("one-shot", ONE_SHOT_MAX_CASES + 1) == "one-shot"


def test_a_batch_gives_the_same_contacts_on_both_plans(tmp_path: Path):
    onsets = ["2021-07-30", "2021-07-29", "2021-07-31"]
    rows = [f"{c},{d}," for c in ("case1", "p2", "p5", "p6") for d in onsets[: 1 + len(c) % 3]]
    assert len(rows) > ONE_SHOT_MAX_CASES
    cases = write(tmp_path / "cases.csv", "case_id,onset,isolated_at\n" + "\n".join(rows) + "\n")
    outputs = []
    for engine in ([], ["--engine", "one-shot"]):
        status, out, err = run(["trace", "--events", str(EVENTS), "--cases", str(cases), *engine])
        assert (status, err) == (0, "")
        outputs.append(out)
    assert outputs[0] == outputs[1]
    assert len(outputs[0].splitlines()) > 8


def test_a_typed_parquet_file_gives_the_example_contacts(tmp_path: Path):
    table = pa_csv.read_csv(
        EVENTS,
        convert_options=pa_csv.ConvertOptions(
            column_types={"check_in": pa.timestamp("s"), "check_out": pa.timestamp("s")}
        ),
    )
    events = tmp_path / "events.parquet"
    pq.write_table(table, events)
    status, out, err = run(["trace", "--events", str(events), *EXAMPLE_ARGS[3:]])
    assert (status, err) == (0, "")
    assert out == (DATA / "example-contacts.csv").read_text()
