"""`fangkong assist_import FILE --from 南京市 --number X --received-at ISO [--province]`:
receive an assist list (协查函) from the sender's XLSX/CSV file.

The whole file is checked first; errors name the line and column and nothing is written. A
file imported again under the same sender and number adds only the rows not received before.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from fangkong.assist.importing import ASSIST_COLUMNS, assist_rows_from_table
from fangkong.assist.models import CounterpartKind
from fangkong.assist.services.intake import assist_request_receive
from fangkong.core.errors import Conflict
from fangkong.core.request_context import Origin, origin_scope
from fangkong.core.tabular import TableRejected, read_table


def _moment(raw: str) -> dt.datetime:
    moment = dt.datetime.fromisoformat(raw)
    return timezone.make_aware(moment) if timezone.is_naive(moment) else moment


class Command(BaseCommand):
    help = "Receive an assist list (协查函) from the sender's XLSX or CSV file (all or nothing)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--from", dest="counterpart", required=True, help="sender, e.g. 南京市")
        parser.add_argument("--number", required=True, help="the sender's request number")
        parser.add_argument(
            "--received-at",
            type=_moment,
            default=None,
            help="when the list was received, e.g. 2021-08-03T09:00 (default: now)",
        )
        parser.add_argument(
            "--province", action="store_true", help="the sender is the provincial platform"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        now = timezone.now()
        kind = CounterpartKind.PROVINCE if options["province"] else CounterpartKind.CITY
        with origin_scope(Origin(channel="cli", label=f"assist_import {path.name}")):
            try:
                with path.open("rb") as handle:
                    rows = assist_rows_from_table(read_table(handle, path.name, ASSIST_COLUMNS))
                result = assist_request_receive(
                    counterpart=options["counterpart"],
                    counterpart_kind=kind,
                    number=options["number"],
                    received_at=options["received_at"] or now,
                    rows=rows,
                    by=None,
                    at=now,
                    filename=path.name,
                )
            except OSError as error:
                raise CommandError(f"无法读取文件：{error}") from error
            except TableRejected as rejected:
                for row_error in rejected.errors:
                    self.stderr.write(str(row_error))
                raise CommandError("协查名单有误，未写入任何内容") from rejected
            except ValidationError as error:
                raise CommandError("；".join(error.messages)) from error
            except Conflict as error:
                raise CommandError(str(error)) from error
        request = result.request
        if not result.added:
            self.stdout.write(
                f"{request}：此前已收到，{result.unchanged} 行均已登记，未新增任何内容"
            )
            return
        verb = "收到协查函" if result.created else "补充协查函"
        self.stdout.write(self.style.SUCCESS(f"{verb} {request}：新增 {len(result.added)} 行"))
        lines = [
            ("此前已收到的行", result.unchanged),
            ("新登记人员", len(result.created_person_ids)),
            ("下发/并入核查任务（人）", result.tasks),
            ("已在管控、当即反馈（行）", result.answered),
            ("待人工核实（行）", result.manual),
        ]
        for label, count in lines:
            if count:
                self.stdout.write(f"  {label}：{count}")
