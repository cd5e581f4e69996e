"""`fangkong checkins partitions`: create the check-in partitions of today and the days ahead
(what the job venues.checkin_partitions_ahead does) and list the days the database holds."""

from __future__ import annotations

import argparse
from typing import Any

from django.core.management.base import BaseCommand
from django.db import connection
from django.utils import timezone

from fangkong.venues.checkin_days import (
    checkin_days_in_database,
    checkin_partitions_ensure,
    partition_days_ahead,
)
from fangkong.venues.checkin_partitions import default_partition, partition_name


def add_parser(actions: Any) -> None:
    actions.add_parser(
        "partitions",
        help="create the day partitions of today and the days ahead, and list the days held",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )


def _estimates() -> dict[str, int]:
    """Rows per partition as PostgreSQL's statistics estimate them (counting a day of a
    city would read it all)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname, reltuples::bigint FROM pg_class WHERE relname LIKE %s",
            [default_partition().removesuffix("default") + "%"],
        )
        # -1: never analysed yet (a partition just created)
        return {str(name): int(rows) for name, rows in cursor.fetchall()}


def run(command: BaseCommand, options: dict[str, Any]) -> None:
    if connection.vendor != "postgresql":
        command.stdout.write("SQLite 不分区：扫码记录在一张表中。")
    created = checkin_partitions_ensure(days=partition_days_ahead(timezone.localdate()))
    if created:
        command.stdout.write("新建分区：" + "、".join(day.isoformat() for day in created))
    elif connection.vendor == "postgresql":
        command.stdout.write("今日及预建天数的分区均已存在。")
    days = checkin_days_in_database()
    command.stdout.write(f"数据库中共 {len(days)} 天的扫码记录：")
    estimates = _estimates() if connection.vendor == "postgresql" else {}
    for day in days:
        rows = estimates.get(partition_name(day))
        size = "" if rows is None else "  未统计" if rows < 0 else f"  约 {rows} 条"
        command.stdout.write(f"  {day.isoformat()}{size}")
    if connection.vendor == "postgresql":
        default_rows = max(estimates.get(default_partition(), 0), 0)
        command.stdout.write(f"默认分区（无对应日分区的记录）：约 {default_rows} 条")
