# ruff: noqa: N999 - the command is spelled as the docs name it, `fangkong trace-worker`
"""`fangkong trace-worker`: runs the traces asked for from the web (cases.TraceRequest), one
after another, looking for new ones every FANGKONG_TRACE_WORKER_POLL_SECONDS. Run one or more
beside the web workers (systemd, supervisor); stop it any time: a trace it was running is
taken again, by this or another worker, after FANGKONG_TRACE_STALE_MINUTES, and writes
nothing twice. `--once` empties the queue and exits (cron, tests)."""

from __future__ import annotations

import signal
import threading
import time
from types import FrameType
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import DatabaseError, close_old_connections, connection
from django.utils import timezone

from fangkong.cases.conf import cases_settings
from fangkong.cases.services.trace_requests import trace_request_claim, trace_request_execute
from fangkong.core.request_context import Origin, origin_scope


class Command(BaseCommand):
    help = "Run queued traces (from the case pages and the API) until stopped."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="empty the queue, then exit")

    def handle(self, *args: Any, **options: Any) -> None:
        stopping = False

        def stop(signum: int, frame: FrameType | None) -> None:
            nonlocal stopping
            stopping = True  # finish the trace in hand, then stop

        # Signals reach the main thread only (call_command may run elsewhere, in tests).
        main = threading.current_thread() is threading.main_thread()
        previous = signal.signal(signal.SIGTERM, stop) if main else None
        try:
            with origin_scope(Origin(channel="job", label="trace-worker")):
                while not stopping:
                    if not self._step(once=options["once"]):
                        return
        finally:
            if main:
                signal.signal(signal.SIGTERM, previous)

    def _step(self, *, once: bool) -> bool:
        """Run one waiting trace, or wait for one; False when `--once` finds none."""
        if not connection.in_atomic_block:
            # A database restarted meanwhile: drop the broken connection, the next query
            # reconnects. (Inside a caller's transaction, as under tests, it must stay.)
            close_old_connections()
        try:
            request = trace_request_claim(now=timezone.now())
        except DatabaseError as error:  # down for now: try again, do not die
            self.stderr.write(f"trace-worker: database unavailable ({error}); waiting")
            time.sleep(cases_settings().trace_worker_poll_seconds)
            return True
        if request is None:
            if once:
                return False
            time.sleep(cases_settings().trace_worker_poll_seconds)
            return True
        self.stderr.write(f"trace request {request.pk}: case {request.case_id} …")
        done = trace_request_execute(request=request)
        self.stderr.write(f"trace request {done.pk}: {done.status} {done.error}".rstrip())
        return True
