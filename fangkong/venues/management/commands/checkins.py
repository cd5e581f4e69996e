"""`fangkong checkins import FILE`: ingest a file of check-ins (CSV, XLSX or JSON); other
actions (`ingest`, `partitions`, `retention`, `archive`) live in checkins_actions/.

The whole file is checked first; a bad record is named (row and column) and nothing is
written, unless --skip-invalid. Resending a file changes nothing (idempotent by record id).
Progress goes to stderr.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from fangkong.accounts.models import User
from fangkong.core.request_context import Origin, origin_scope
from fangkong.core.tabular import TableRejected, read_table
from fangkong.venues.management.checkins_actions import archive, ingest, partitions, retention
from fangkong.venues.models import CheckInSource
from fangkong.venues.services.ingest import INGEST_COLUMNS, checkin_ingest

STAGES = {"validate": "校验", "write": "写入"}
# Actions in modules of their own (checkins_actions/), each with add_parser() and run().
ACTIONS = {"archive": archive, "ingest": ingest, "partitions": partitions, "retention": retention}


class Command(BaseCommand):
    help = "Import check-ins (场所扫码记录) from a CSV, XLSX or JSON file."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        importing = actions.add_parser("import", help="import a file of check-ins")
        importing.add_argument("file", type=Path)
        importing.add_argument(
            "--source",
            choices=CheckInSource.values,
            default=CheckInSource.IMPORT,
            help="the sending system (record ids are unique per source); default: import",
        )
        importing.add_argument(
            "--skip-invalid",
            action="store_true",
            help="store the valid records and list the bad ones instead of refusing the file",
        )
        importing.add_argument(
            "--user", help="username recorded as the importer in the audit trail"
        )
        importing.add_argument("--no-progress", action="store_true")
        for action in ACTIONS.values():
            action.add_parser(actions)

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] in ACTIONS:
            return ACTIONS[options["action"]].run(self, options)
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"找不到文件：{path}")
        by = None
        if options["user"]:
            by = User.objects.filter(username=options["user"], is_active=True).first()
            if by is None:
                raise CommandError(f"找不到用户：{options['user']}")
        bars: dict[str, tqdm[Any]] = {}

        def progress(stage: str, done: int, total: int) -> None:
            if options["no_progress"]:
                return
            bar = bars.get(stage)
            if bar is None:
                bar = bars[stage] = tqdm(
                    total=total, desc=STAGES.get(stage, stage), unit="条", file=sys.stderr
                )
            bar.update(done - bar.n)

        try:
            records = self._read(path)
            with origin_scope(Origin(channel="cli", label=f"checkins import {path.name}")):
                result = checkin_ingest(
                    records=records,
                    source=options["source"],
                    by=by,
                    skip_invalid=options["skip_invalid"],
                    filename=path.name,
                    progress=progress,
                )
        except TableRejected as rejected:
            for error in rejected.errors[:50]:
                self.stderr.write(str(error))
            raise CommandError(
                f"文件未导入（{len(rejected.errors)} 处错误），未写入任何记录：{rejected}"
            ) from rejected
        finally:
            for bar in bars.values():
                bar.close()
        for error in result.skipped[:50]:
            self.stderr.write(f"已跳过 {error}")
        self.stdout.write(
            f"导入完成：收到 {result.received} 条，新增 {result.created} 条，"
            f"已存在 {result.existing} 条，补全离场 {result.completed} 条，"
            f"跳过 {len(result.skipped)} 条，新建人员 {result.persons_created} 人。"
        )

    def _read(self, path: Path) -> list[Any]:
        if path.suffix.lower() == ".json":
            try:
                data = json.loads(path.read_text(encoding="utf-8"))
            except (UnicodeDecodeError, json.JSONDecodeError) as error:
                raise CommandError(f"无法读取 JSON：{error}") from error
            records = data.get("records") if isinstance(data, dict) else data
            if not isinstance(records, list):
                raise CommandError('JSON 应为记录数组，或 {"records": [...]}')
            return records
        with path.open("rb") as handle:
            return list(read_table(handle, path.name, INGEST_COLUMNS))
