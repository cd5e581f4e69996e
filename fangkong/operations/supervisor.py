"""`fangkong serve`'s supervision: the web server and the worker as child processes, stopped
together. Each child leads a process group of its own, so that stopping it also stops what it
started (runserver's autoreloader runs the server in a grandchild)."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from types import FrameType


@dataclass
class Child:
    name: str
    process: subprocess.Popen[bytes]


def start(name: str, argv: Sequence[str]) -> Child:
    return Child(name, subprocess.Popen(list(argv), start_new_session=True))


def _signal_group(child: Child, signum: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(child.process.pid, signum)


def stop_all(children: Sequence[Child], *, grace_seconds: float) -> None:
    """SIGTERM to every child's group, then SIGKILL to what is left after the grace period."""
    for child in children:
        _signal_group(child, signal.SIGTERM)
    deadline = time.monotonic() + grace_seconds
    for child in children:
        with contextlib.suppress(subprocess.TimeoutExpired):
            child.process.wait(timeout=max(0.0, deadline - time.monotonic()))
    for child in children:
        # The group too: a grandchild may outlive its parent.
        _signal_group(child, signal.SIGKILL)
        child.process.wait()


def supervise(
    children: Sequence[Child],
    *,
    grace_seconds: float = 10.0,
    poll_seconds: float = 0.2,
    say: Callable[[str], None] = print,
) -> int:
    """Wait until SIGINT/SIGTERM or until one child ends, then stop them all. The exit status:
    0 when asked to stop, else that of the child that ended."""
    stopping: list[int] = []

    def ask_to_stop(signum: int, frame: FrameType | None) -> None:
        stopping.append(signum)

    previous = {
        signum: signal.signal(signum, ask_to_stop) for signum in (signal.SIGINT, signal.SIGTERM)
    }
    status = 0
    try:
        while not stopping:
            ended = next((c for c in children if c.process.poll() is not None), None)
            if ended is not None:
                status = ended.process.returncode or 1
                say(
                    f"{ended.name} stopped (status {ended.process.returncode}); stopping the others"
                )
                break
            time.sleep(poll_seconds)
        else:
            say("stopping…")
    finally:
        stop_all(children, grace_seconds=grace_seconds)
        for signum, handler in previous.items():
            signal.signal(signum, handler)
    return status
