"""`fangkong checkins archive [--day D] [--dry-run]`: move the days older than
FANGKONG_CHECKIN_HOT_DAYS (never today) from the database into the Parquet day archive,
one day after another, with a progress bar per day. Killed, it is simply run again."""

from __future__ import annotations

import datetime as dt
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from fangkong.core.request_context import Origin, origin_scope
from fangkong.venues.services.checkin_archive import checkin_day_archive, checkin_days_due


def add_parser(actions: Any) -> None:
    parser = actions.add_parser("archive", help="move old days of check-ins to the archive")
    parser.add_argument("--day", type=dt.date.fromisoformat, help="only this day (YYYY-MM-DD)")
    parser.add_argument("--dry-run", action="store_true", help="list the days, move nothing")
    parser.add_argument("--no-progress", action="store_true")


def run(command: BaseCommand, options: dict[str, Any]) -> None:
    days = [options["day"]] if options["day"] else checkin_days_due()
    if not days:
        command.stdout.write("没有需要归档的日期。")
        return
    for day in days:
        bar = None
        if not options["no_progress"] and not options["dry_run"]:
            bar = tqdm(desc=day.isoformat(), unit="条", file=sys.stderr)

        def progress(done: int, total: int, bar: Any = bar) -> None:
            if bar is not None:
                bar.total = total
                bar.update(done - bar.n)

        try:
            with origin_scope(Origin(channel="cli", label="checkins archive")):
                result = checkin_day_archive(
                    day=day, by=None, dry_run=options["dry_run"], progress=progress
                )
        except ValueError as error:
            raise CommandError(str(error)) from error
        finally:
            if bar is not None:
                bar.close()
        verb = "待归档" if result.dry_run else ("已归档" if result.wrote_file else "已移出数据库")
        command.stdout.write(f"{day}：{verb} {result.rows} 条，文件 {result.bytes} 字节。")
