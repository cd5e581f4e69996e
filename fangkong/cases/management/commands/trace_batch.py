"""`fangkong trace-batch`: many cases traced in one job, one contact table with each row's case.

    fangkong trace-batch --day 2021-07-28 [--degree 1|2] [--again] [--out FILE]
        the day's new cases over the platform's check-ins; each case's findings are proposed
        as one trace run of that case (the case page shows it), the table is the evidence
    fangkong trace-batch --cases FILE [--degree 1|2] [--out FILE]
        a list of index persons (case_id = the platform's person id, onset, isolated_at),
        e.g. a 协查 list already matched to the registry; nothing is recorded
    fangkong trace-batch --cases FILE --events PATH [any option of `trace`]
        over check-in files, no database: the same as `fangkong trace --cases FILE`

The configured engine (FANGKONG_TRACE_ENGINE) traces the batch: Spark as one job per degree
for all cases, the others case by case over what they hold.
"""

from __future__ import annotations

import datetime as dt
import io
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from fangkong.analytics.cli import UsageError, read_cases, write_whole
from fangkong.analytics.contact_csv import write_contacts
from fangkong.analytics.timestamps import TimestampStyle
from fangkong.analytics.tracing import TraceResult
from fangkong.cases.engines import platform_engine, platform_params
from fangkong.cases.management.commands.trace import Command as TraceCommand
from fangkong.cases.services.trace_batches import trace_batch_run, traces_together

# Platform times are written with the deployment zone's offset: the table leaves the
# platform, and a naive time would not say which reading was meant.
PLATFORM_STYLE = TimestampStyle(mixed=True)


class Command(BaseCommand):
    help = "Trace many cases in one job: a day's new cases, or a list of index persons."

    def run_from_argv(self, argv: list[str]) -> None:
        if "--events" in argv or any(arg.startswith("--events=") for arg in argv):
            TraceCommand().run_from_argv([argv[0], "trace", *argv[2:]])
            return
        super().run_from_argv(argv)

    def add_arguments(self, parser: CommandParser) -> None:
        which = parser.add_mutually_exclusive_group(required=True)
        which.add_argument("--day", type=dt.date.fromisoformat, help="the day's new cases")
        which.add_argument(
            "--cases", type=Path, help="CSV of index persons: case_id,onset,isolated_at"
        )
        parser.add_argument("--degree", type=int, choices=(1, 2))
        parser.add_argument(
            "--again", action="store_true", help="with --day: also the cases already traced"
        )
        parser.add_argument("--out", type=Path, help="write the contact table here")

    def handle(self, *args: Any, **options: Any) -> None:
        results = self._day(options) if options["day"] is not None else self._listed(options)
        text = io.StringIO()
        write_contacts(text, results, PLATFORM_STYLE, batch=True)
        if options["out"] is None:
            getattr(self.stdout, "_out", sys.stdout).write(text.getvalue())
        else:
            write_whole(options["out"], text.getvalue())

    def _day(self, options: dict[str, Any]) -> list[TraceResult]:
        def progress(message: str) -> None:
            self.stderr.write(message)

        outcome = trace_batch_run(
            day=options["day"],
            by=None,
            degree=options["degree"],
            again=options["again"],
            progress=progress,
        )
        for case in outcome.without_onset:
            self.stderr.write(f"skipped {case.number}: no onset or sampling date")
        if outcome.already_traced:
            self.stderr.write(
                f"skipped {len(outcome.already_traced)} cases traced by an earlier batch "
                "(--again traces them again)"
            )
        self.stderr.write(
            f"{len(outcome.runs)} cases traced in {outcome.trace_ms} ms "
            f"({outcome.traced_alone} alone), "
            f"{sum(run.proposed for run in outcome.runs)} contacts proposed"
        )
        return sorted(outcome.results, key=lambda result: result.case_id)

    def _listed(self, options: dict[str, Any]) -> list[TraceResult]:
        engine = platform_engine()
        try:
            cases = read_cases(options["cases"], engine.zone)
        except UsageError as exc:
            raise CommandError(str(exc)) from None
        batch = traces_together(cases, platform_params(degree=options["degree"]), engine)
        return [batch.results[case_id] for case_id in sorted(batch.results)]
