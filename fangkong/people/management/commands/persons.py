"""`fangkong persons import FILE` and `fangkong persons export FILE`."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from fangkong.accounts.models import User
from fangkong.core.audit import audit_read_many
from fangkong.core.request_context import Origin, origin_scope
from fangkong.core.tabular import TableRejected, read_table
from fangkong.core.tabular_export import ExportStamp, csv_lines, xlsx_write
from fangkong.people.exporting import person_export_header, person_export_rows
from fangkong.people.importing import PERSON_COLUMNS, person_import
from fangkong.people.models import Person
from fangkong.people.selectors import disclosure_for, person_list

EXIT_REJECTED = 2


class Command(BaseCommand):
    help = "Import persons from CSV/XLSX (all or nothing) or export them."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        importing = actions.add_parser("import", help="import a CSV or XLSX file")
        importing.add_argument("file", type=Path)
        importing.add_argument(
            "--as", dest="username", required=True, help="the user the import is recorded under"
        )
        exporting = actions.add_parser("export", help="export to .csv or .xlsx")
        exporting.add_argument("file", type=Path)
        exporting.add_argument(
            "--as",
            dest="username",
            required=True,
            help="whose view (jurisdiction, masking) to export",
        )
        exporting.add_argument("--search", default="")

    def _user(self, username: str) -> User:
        try:
            return User.objects.get(username=username, is_active=True)
        except User.DoesNotExist as error:
            raise CommandError(f"没有用户 {username}") from error

    def handle(self, *args: Any, **options: Any) -> None:
        user = self._user(options["username"])
        path: Path = options["file"]
        with origin_scope(Origin(channel="cli", label=f"persons {options['action']}")):
            if options["action"] == "import":
                self._import(path, user)
            else:
                self._export(path, user, options["search"])

    def _import(self, path: Path, user: User) -> None:
        if not path.exists():
            raise CommandError(f"找不到文件 {path}")
        try:
            with path.open("rb") as file:
                rows = read_table(file, path.name, PERSON_COLUMNS)
            result = person_import(rows=rows, filename=path.name, by=user)
        except TableRejected as rejected:
            for error in rejected.errors[:50]:
                self.stderr.write(str(error))
            if len(rejected.errors) > 50:
                self.stderr.write(f"……共 {len(rejected.errors)} 处错误")
            self.stderr.write("未导入任何数据。")
            sys.exit(EXIT_REJECTED)
        self.stdout.write(
            f"导入完成：{result.record.rows} 行，新增 {result.record.created} 人，"
            f"已登记 {result.existing} 人。"
        )

    def _export(self, path: Path, user: User, search: str) -> None:
        queryset = person_list(viewer=user, search=search)
        rows = person_export_rows(queryset, disclosure=disclosure_for(user, full=True))
        fmt = path.suffix.lower().lstrip(".")
        if fmt not in ("csv", "xlsx"):
            raise CommandError("导出文件须以 .csv 或 .xlsx 结尾")
        # Audited like a download from the page, under the user whose view is exported.
        audit_read_many(
            by=user,
            action="person.export",
            model=Person,
            detail={
                "format": fmt,
                "filename": path.name,
                "filter": {"q": search},
                "rows": queryset.count(),
            },
        )
        if fmt == "xlsx":
            with path.open("wb") as file:
                stamp = ExportStamp.now(user)
                xlsx_write(file, person_export_header(), rows, title="人员名单", stamp=stamp)
        else:
            with path.open("w", encoding="utf-8", newline="") as text:
                text.writelines(csv_lines(person_export_header(), rows))
        self.stdout.write(f"已导出到 {path}")
