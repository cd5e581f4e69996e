"""`fangkong checkins retention [--dry-run]`: remove from the database and from the day archive
the days of check-ins older than FANGKONG_CHECKIN_RETENTION_DAYS (what the job
venues.checkin_retention does), each day whole and audited; --dry-run lists them and removes
nothing."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.utils import timezone

from fangkong.analytics.checkin_archive import archived_days
from fangkong.core.request_context import Origin, origin_scope
from fangkong.venues.checkin_days import (
    checkin_day_bounds,
    checkin_day_remove,
    retention_cutoff,
    retention_days_due,
)
from fangkong.venues.models import CheckIn
from fangkong.venues.services.checkin_archive import archive_root, checkin_archived_day_remove


def add_parser(actions: Any) -> None:
    retention = actions.add_parser(
        "retention", help="remove the days of check-ins older than the retention period"
    )
    retention.add_argument(
        "--dry-run", action="store_true", help="list the days due and remove nothing"
    )


def run(command: BaseCommand, options: dict[str, Any]) -> None:
    today = timezone.localdate()
    due = retention_days_due(today)
    archived_due = retention_days_due(today, archived_days(archive_root()))
    command.stdout.write(f"保留 {retention_cutoff(today).isoformat()} 及以后的扫码记录。")
    if not due and not archived_due:
        command.stdout.write("没有到期的日期。")
        return
    if options["dry_run"]:
        for day in due:
            start, end = checkin_day_bounds(day)
            rows = CheckIn.objects.filter(check_in__gte=start, check_in__lt=end).count()
            command.stdout.write(f"  将删除 {day.isoformat()}：{rows} 条")
        for day in archived_due:
            command.stdout.write(f"  将删除归档 {day.isoformat()}")
        command.stdout.write(
            f"试运行：数据库 {len(due)} 天、归档 {len(archived_due)} 天到期，未删除任何记录。"
        )
        return
    total = 0
    with origin_scope(Origin(channel="cli", label="checkins retention")):
        for day in due:
            # Its own transaction each (unlike the job): an interrupted run keeps what it removed.
            rows = checkin_day_remove(day=day, reason="retention", by=None)
            command.stdout.write(f"  已删除 {day.isoformat()}：{rows} 条")
            total += rows
        for day in archived_due:
            rows = checkin_archived_day_remove(day=day, reason="retention", by=None)
            command.stdout.write(f"  已删除归档 {day.isoformat()}：{rows} 条")
            total += rows
    command.stdout.write(
        f"完成：删除数据库 {len(due)} 天、归档 {len(archived_due)} 天，共 {total} 条扫码记录。"
    )
