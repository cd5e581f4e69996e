"""`fangkong forecast-backtest`: how far the preparedness forecast was from what happened.

fangkong forecast-backtest --days 14 [--horizon 7] [--district ID] [--until YYYY-MM-DD]
    for each of the last 14 days d (the last one `horizon` days before --until, by default
    yesterday), the forecast made with the data known at the end of d against the cases,
    rooms and beds of d+1 ... d+horizon; prints the mean absolute percentage error per
    horizon day (fangkong/command/forecast_backtest.py)
"""

from __future__ import annotations

import datetime as dt
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from fangkong.command.forecast_backtest import backtest, backtest_table
from fangkong.jurisdictions.models import Jurisdiction, Level


class Command(BaseCommand):
    help = "Backtest the preparedness forecast: its error per horizon day over past days."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--days", type=int, required=True, help="how many days to forecast from"
        )
        parser.add_argument("--horizon", type=int, default=7, help="days ahead scored (default 7)")
        parser.add_argument("--district", type=int, help="a district's id (default: the city)")
        parser.add_argument(
            "--until", type=dt.date.fromisoformat, help="the last day scored (default: yesterday)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["days"] < 1:
            raise CommandError("--days must be at least 1")
        district = None
        if options["district"] is not None:
            district = Jurisdiction.objects.filter(
                pk=options["district"], level=Level.DISTRICT
            ).first()
            if district is None:
                raise CommandError(f"no district with id {options['district']}")
        try:
            result = backtest(
                days=options["days"],
                horizon=options["horizon"],
                district=district,
                until=options["until"],
                progress=lambda days: tqdm(days, desc="forecasts", file=sys.stderr),
            )
        except ValueError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(backtest_table(result))
