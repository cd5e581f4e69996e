"""`fangkong trace` as users run it: a separate process, no database configured.

The process never sees the database of the test run (DATABASE_URL is removed), so these tests
would run the same way twice: they run in the SQLite pass of `make test` only.
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest

DATA = Path(__file__).resolve().parents[2] / "analytics" / "tests" / "data"
REPO = Path(__file__).resolve().parents[3]

pytestmark = pytest.mark.sqlite_pass


def _run(
    args: list[str],
    cwd: Path,
    *,
    env_extra: dict[str, str] | None = None,
    command: list[str] | None = None,
) -> subprocess.CompletedProcess[bytes]:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE", "FANGKONG_VAR_DIR")
    }
    env["HOME"] = str(cwd)
    env.update(env_extra or {})
    return subprocess.run(
        [*(command or [sys.executable, "-m", "fangkong"]), *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        timeout=120,
        check=False,
    )


def test_the_spec_example_prints_exactly_the_expected_contacts(tmp_path):
    result = _run(
        [
            "trace",
            "--events",
            str(DATA / "example-events.csv"),
            "--case",
            "case1",
            "--onset",
            "2021-07-30",
        ],
        tmp_path,
    )
    assert result.returncode == 0, result.stderr.decode()
    assert result.stdout == (DATA / "example-contacts.csv").read_bytes()


def test_invalid_rows_exit_with_status_2_naming_them_and_print_nothing(tmp_path):
    events = tmp_path / "events.csv"
    events.write_text(
        "person_id,venue_id,check_in,check_out\n"
        "a,v,2021-07-28T20:00:00,2021-07-28T22:00:00\n"
        "b,v,not-a-time,\n"
        "c,v,2021-07-28T21:00:00,2021-07-28T20:00:00\n",
        encoding="utf-8",
    )
    result = _run(
        ["trace", "--events", str(events), "--case", "a", "--onset", "2021-07-30"], tmp_path
    )
    assert result.returncode == 2
    assert result.stdout == b""
    message = result.stderr.decode()
    assert "2" in message and "3" in message


@pytest.mark.slow
def test_an_installed_wheel_traces_with_no_database_and_no_checkout(tmp_path):
    """What `pip install .` gives: the package from its wheel, run from an empty folder."""
    wheels = tmp_path / "wheels"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--quiet",
            "--no-deps",
            "--wheel-dir",
            str(wheels),
            str(REPO),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    target = tmp_path / "site"
    wheel = next(wheels.glob("fangkong-*.whl"))
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--quiet",
            "--no-deps",
            "--target",
            str(target),
            str(wheel),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    empty = tmp_path / "elsewhere"
    empty.mkdir()
    result = _run(
        [
            "trace",
            "--events",
            str(DATA / "example-events.csv"),
            "--case",
            "case1",
            "--onset",
            "2021-07-30",
        ],
        empty,
        env_extra={"PYTHONPATH": str(target)},
        command=[sys.executable, str(target / "bin" / "fangkong")],
    )
    assert result.returncode == 0, result.stderr.decode()
    assert result.stdout == (DATA / "example-contacts.csv").read_bytes()
    assert not (empty / "var").exists()  # nothing written into the user's working folder
