"""`fangkong worker`: runs the queued background tasks (traces, exports, briefing files,
imports) and, every FANGKONG_JOBS_INTERVAL_SECONDS, every area's periodic jobs. Run one or more
beside the web server (systemd, supervisor); of several, one runs each schedule tick. Ctrl-C
or SIGTERM stops it after the task in hand (twice: at once); killing it is safe
(operations/worker.py)."""

from __future__ import annotations

import logging
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from fangkong.operations.worker import FangkongWorker


class Command(BaseCommand):
    help = "Run the background tasks and the periodic jobs until stopped."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--no-jobs", action="store_true", help="run the queued tasks only, not the schedule"
        )
        parser.add_argument("--worker-id", default=None, help="a name unique among the workers")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["verbosity"] > 0:  # a line per jobs tick, through the console handler
            logging.getLogger("fangkong.operations").setLevel(logging.INFO)
        worker = FangkongWorker(worker_id=options["worker_id"], schedule=not options["no_jobs"])
        worker.configure_signals()
        self.stderr.write(f"worker {worker.worker_id} started (Ctrl-C to stop)")
        worker.run()
