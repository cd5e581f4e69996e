"""`fangkong people retention [--dry-run]` and `fangkong people export-subject --id-number N`.

`retention` anonymises every person due (released or closed more than
FANGKONG_PERSON_RETENTION_DAYS ago), each in its own transaction: kill it and run it again.
`export-subject` writes everything the platform holds about one person as JSON (PIPL access
request), audited.
"""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from tqdm import tqdm

from fangkong.accounts.models import User
from fangkong.core.request_context import Origin, origin_scope
from fangkong.people.identity import normalize_id_number
from fangkong.people.models import IdType, Person
from fangkong.people.retention import persons_due, retention_cutoff, retention_run
from fangkong.people.subject_export import subject_document, subject_json


def _moment(raw: str) -> dt.datetime:
    try:
        moment = dt.datetime.fromisoformat(raw)
    except ValueError as error:
        raise CommandError(f"--now: not an ISO date-time: {raw!r}") from error
    return moment if timezone.is_aware(moment) else timezone.make_aware(moment)


class Command(BaseCommand):
    help = "Personal data over time: retention (anonymise the persons due) and subject export."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        retention = actions.add_parser(
            "retention", help="anonymise persons released or closed past the retention period"
        )
        retention.add_argument("--dry-run", action="store_true", help="count, change nothing")
        retention.add_argument("--now", type=_moment, default=None, help="ISO, for testing")
        retention.add_argument("--no-progress", action="store_true")
        export = actions.add_parser(
            "export-subject", help="everything held about one person, as JSON"
        )
        export.add_argument("--id-number", required=True)
        export.add_argument("--id-type", choices=IdType.values, default=IdType.RESIDENT_ID)
        export.add_argument("--output", type=Path, default=None, help="file (default: stdout)")
        export.add_argument("--as", dest="username", default=None, help="recorded as exporter")

    def handle(self, *args: Any, **options: Any) -> None:
        with origin_scope(Origin(channel="cli", label=f"people {options['action']}")):
            if options["action"] == "retention":
                self._retention(options)
            else:
                self._export(options)

    def _retention(self, options: dict[str, Any]) -> None:
        now = options["now"] or timezone.now()
        cutoff = timezone.localtime(retention_cutoff(now))
        if options["dry_run"]:
            due = persons_due(now=now).count()
            self.stdout.write(
                f"截至 {cutoff:%Y-%m-%d %H:%M} 前解除或结案的人员：{due} 人待匿名化（未修改）。"
            )
            return

        def progress(ids: Iterator[int], total: int) -> Iterator[int]:
            return iter(
                tqdm(
                    ids,
                    total=total,
                    desc="匿名化",
                    unit="人",
                    file=sys.stderr,
                    disable=options["no_progress"],
                )
            )

        totals = retention_run(now=now, progress=progress)
        self.stdout.write(
            f"已匿名化 {totals.persons} 人（截至 {cutoff:%Y-%m-%d %H:%M} 前解除或结案）。"
        )
        for name, rows in sorted(totals.rows.items()):
            self.stdout.write(f"  {name:<28} {rows} 行")

    def _export(self, options: dict[str, Any]) -> None:
        by = None
        if options["username"]:
            by = User.objects.filter(username=options["username"], is_active=True).first()
            if by is None:
                raise CommandError(f"找不到用户：{options['username']}")
        person = Person.objects.filter(
            id_type=options["id_type"],
            id_number=normalize_id_number(options["id_type"], options["id_number"]),
        ).first()
        if person is None:
            raise CommandError("没有该证件号码的人员。")
        text = subject_json(subject_document(person=person, by=by))
        output: Path | None = options["output"]
        if output is None:
            self.stdout.write(text)
        else:
            output.write_text(text, encoding="utf-8")
            self.stderr.write(f"已写入 {output}")
