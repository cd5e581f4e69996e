"""`fangkong trace`: contacts of a case from a check-in file, exactly as docs/spec says.

A thin wrapper over `fangkong.analytics.cli`: it never touches the database, so it works from
a plain `pip install .` with nothing configured. The defaults are the deployment's settings.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from fangkong.analytics.cli import EXIT_OK, add_trace_arguments, run_trace
from fangkong.cases.conf import cases_settings


class Command(BaseCommand):
    help = "Find close and secondary contacts of a case in a check-in file (CSV or Parquet)."
    requires_system_checks: list[str] = []
    requires_migrations_checks = False

    def add_arguments(self, parser: CommandParser) -> None:
        add_trace_arguments(parser, default_zone=settings.TIME_ZONE)
        parser.set_defaults(
            lookback_days=cases_settings().trace_lookback_days,
            min_overlap=float(cases_settings().trace_min_overlap_minutes),
            default_stay=float(cases_settings().trace_default_stay_minutes),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        # The CSV must reach stdout byte for byte, so bypass Django's line-ending wrapper.
        stdout = getattr(self.stdout, "_out", sys.stdout)
        stderr = getattr(self.stderr, "_out", sys.stderr)
        status = run_trace(argparse.Namespace(**options), stdout, stderr)
        if status != EXIT_OK:
            sys.exit(status)
