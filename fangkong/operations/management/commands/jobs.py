"""`fangkong jobs run` (cron, every few minutes) and `fangkong jobs list`."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from fangkong.operations.job_runner import registered_jobs, run_jobs


def _moment(raw: str) -> dt.datetime:
    try:
        moment = dt.datetime.fromisoformat(raw)
    except ValueError as error:
        raise CommandError(f"--now: not an ISO date-time: {raw!r}") from error
    return moment if timezone.is_aware(moment) else timezone.make_aware(moment)


class Command(BaseCommand):
    help = "Run every area's periodic jobs (escalations, reminders, notice activation...)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        run = sub.add_parser("run", help="run the jobs once, each in its own transaction")
        run.add_argument(
            "--now", type=_moment, default=None, help="the moment to run as (ISO, for testing)"
        )
        run.add_argument(
            "--only", action="append", default=None, help="a job or area name (repeatable)"
        )
        sub.add_parser("list", help="list the jobs that would run")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "list":
            for job in registered_jobs():
                self.stdout.write(job.name)
            return
        now = options["now"] or timezone.now()
        outcomes = run_jobs(now, only=options["only"])
        failed = 0
        self.stdout.write(f"jobs at {timezone.localtime(now):%Y-%m-%d %H:%M:%S}:")
        for outcome in outcomes:
            if outcome.error:
                failed += 1
                self.stdout.write(self.style.ERROR(f"  {outcome.name:<40} FAILED {outcome.error}"))
            else:
                self.stdout.write(f"  {outcome.name:<40} {outcome.done}")
        if failed:
            raise CommandError(f"{failed} job(s) failed; the others completed")
