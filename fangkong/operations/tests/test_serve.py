"""`fangkong serve` (make demo): the web server and the worker as children, stopped together by
Ctrl-C, and neither left running when the other dies. Run as a real process on a SQLite file."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

pytestmark = pytest.mark.sqlite_pass

PORT = 8811


def _gone(pid: int) -> bool:
    try:
        os.killpg(pid, 0)  # each child leads its own process group
    except ProcessLookupError:
        return True
    return False


@pytest.fixture
def serve(tmp_path: Path) -> Iterator[tuple[subprocess.Popen[str], dict[str, int]]]:
    env = {
        **os.environ,
        "DEBUG": "1",
        "FANGKONG_VAR_DIR": str(tmp_path),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'serve.sqlite3'}",
        "PYTHONPATH": str(Path(__file__).resolve().parents[3]),
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "fangkong", "serve", f"127.0.0.1:{PORT}", "--noreload"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    pids: dict[str, int] = {}
    assert process.stdout is not None
    while len(pids) < 2:
        name, _, pid = process.stdout.readline().partition(" pid ")
        assert pid, "serve did not start its children"
        pids[name] = int(pid)
    time.sleep(1)  # both children past their start-up
    try:
        yield process, pids
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        for child in pids.values():
            if not _gone(child):
                os.killpg(child, signal.SIGKILL)


def test_ctrl_c_stops_the_web_server_and_the_worker(serve):
    process, pids = serve
    assert not _gone(pids["web"]) and not _gone(pids["worker"])
    process.send_signal(signal.SIGINT)
    assert process.wait(timeout=15) == 0
    assert _gone(pids["web"]) and _gone(pids["worker"])


def test_when_the_worker_dies_the_web_server_is_stopped_too(serve):
    process, pids = serve
    os.killpg(pids["worker"], signal.SIGKILL)
    assert process.wait(timeout=15) != 0
    assert _gone(pids["web"]) and _gone(pids["worker"])
