"""`fangkong serve [addr:port]`: the web server and `fangkong worker` (the queued tasks and the
periodic jobs) in one command, as `make demo` runs them. Ctrl-C (or SIGTERM) stops both; if one
of them stops, the other is stopped too. Under DEBUG the web server is runserver; otherwise
gunicorn (the `production` extra). In production run the two under systemd instead (README)."""

from __future__ import annotations

import importlib.util
import sys
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from fangkong.operations.supervisor import start, supervise


class Command(BaseCommand):
    help = "Run the web server and the worker together until Ctrl-C."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("addrport", nargs="?", default="127.0.0.1:8000")
        parser.add_argument("--noreload", action="store_true", help="runserver without reload")

    def handle(self, *args: Any, **options: Any) -> None:
        fangkong = [sys.executable, "-m", "fangkong"]
        if settings.DEBUG:
            web = [*fangkong, "runserver", options["addrport"]]
            if options["noreload"]:
                web.append("--noreload")
        elif importlib.util.find_spec("gunicorn") is not None:
            web = [sys.executable, "-m", "gunicorn", "fangkong.wsgi", "--bind", options["addrport"]]
        else:
            raise CommandError(
                "DEBUG is off and gunicorn is not installed (pip install '.[production]')"
            )
        children = [start("web", web), start("worker", [*fangkong, "worker"])]
        for child in children:
            self.stdout.write(f"{child.name} pid {child.process.pid}")
        self.stdout.flush()
        status = supervise(children, say=self.stdout.write)
        if status:
            raise CommandError(f"stopped: a child process ended with status {status}")
