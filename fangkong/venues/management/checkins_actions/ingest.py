"""`fangkong checkins ingest FILE|DIR`: the fast bulk path (CSV, Parquet) for a city's day.

A directory takes every CSV and Parquet file in it in name order, each file its own
transaction and import record (so a rerun after a kill redoes only the file that was cut).
Each file is checked whole; a bad row is named and nothing of that file is written, unless
--skip-invalid. Resending a file adds nothing. A progress bar goes to stderr.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from fangkong.accounts.models import User
from fangkong.core.request_context import Origin, origin_scope
from fangkong.core.tabular import TableRejected
from fangkong.venues.models import CheckInSource
from fangkong.venues.services.checkin_bulk import checkin_bulk_ingest
from fangkong.venues.services.checkin_bulk_read import ingest_files


def add_parser(actions: Any) -> None:
    ingest: CommandParser = actions.add_parser(
        "ingest", help="bulk-ingest a CSV or Parquet file, or a directory of them"
    )
    ingest.add_argument("path", type=Path)
    ingest.add_argument(
        "--source",
        choices=CheckInSource.values,
        default=CheckInSource.IMPORT,
        help="the sending system (record ids are unique per source); default: import",
    )
    ingest.add_argument(
        "--skip-invalid",
        action="store_true",
        help="store the valid records and list the bad ones instead of refusing the file",
    )
    ingest.add_argument("--user", help="username recorded as the importer in the audit trail")
    ingest.add_argument("--no-progress", action="store_true")


def run(command: BaseCommand, options: dict[str, Any]) -> None:
    path: Path = options["path"]
    if not path.exists():
        raise CommandError(f"找不到文件：{path}")
    files = ingest_files(path)
    if not files:
        raise CommandError(f"目录中没有 CSV 或 Parquet 文件：{path}")
    by = None
    if options["user"]:
        by = User.objects.filter(username=options["user"], is_active=True).first()
        if by is None:
            raise CommandError(f"找不到用户：{options['user']}")
    for file in files:
        bar = tqdm(desc=file.name, unit="条", file=sys.stderr, disable=options["no_progress"])

        def progress(rows: int, bar: tqdm[Any] = bar) -> None:
            bar.update(rows - bar.n)

        try:
            with origin_scope(Origin(channel="cli", label=f"checkins ingest {file.name}")):
                result = checkin_bulk_ingest(
                    chunks=file,
                    source=options["source"],
                    by=by,
                    skip_invalid=options["skip_invalid"],
                    progress=progress,
                )
        except TableRejected as rejected:
            for error in rejected.errors[:50]:
                command.stderr.write(str(error))
            raise CommandError(
                f"{file.name} 未导入（{len(rejected.errors)} 处错误），未写入任何记录：{rejected}"
            ) from rejected
        except ValidationError as error:
            raise CommandError(f"{file.name} 未导入：{'；'.join(error.messages)}") from error
        finally:
            bar.close()
        for skipped in result.skipped[:50]:
            command.stderr.write(f"已跳过 {skipped}")
        command.stdout.write(
            f"{file.name} 导入完成：收到 {result.received} 条，新增 {result.created} 条，"
            f"已存在 {result.existing} 条，补全离场 {result.completed} 条，"
            f"跳过 {len(result.skipped)} 条，新建人员 {result.persons_created} 人。"
        )
