"""`fangkong hospitals status` and `fangkong hospitals import-wards FILE --hospital NAME`."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from fangkong.accounts.models import User
from fangkong.core.request_context import Origin, origin_scope
from fangkong.core.tabular import TableRejected, read_table
from fangkong.hospitals.importing import WARD_COLUMNS, ward_import
from fangkong.hospitals.models import Hospital
from fangkong.hospitals.selectors.figures import hospital_figures
from fangkong.hospitals.selectors.hospitals import hospital_list

EXIT_REJECTED = 2


class Command(BaseCommand):
    help = "Hospital figures on the terminal; ward layouts imported from CSV/XLSX."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        status = actions.add_parser("status", help="beds, patients and alerts figures")
        status.add_argument("--as", dest="username", required=True, help="whose view to show")
        status.add_argument("--hospital", default="", help="one hospital by name")
        status.add_argument("--day", type=dt.date.fromisoformat, default=None)
        wards = actions.add_parser("import-wards", help="create wards and beds from a table")
        wards.add_argument("file", type=Path)
        wards.add_argument("--hospital", required=True, help="the hospital's name")
        wards.add_argument("--as", dest="username", required=True, help="recorded as this user")

    def _user(self, username: str) -> User:
        try:
            return User.objects.get(username=username, is_active=True)
        except User.DoesNotExist as error:
            raise CommandError(f"没有用户 {username}") from error

    def _hospitals(self, user: User, name: str) -> list[Hospital]:
        hospitals = hospital_list(viewer=user)
        if name:
            hospitals = hospitals.filter(name=name)
            if not hospitals.exists():
                raise CommandError(f"没有可查看的医院「{name}」")
        return list(hospitals)

    def handle(self, *args: Any, **options: Any) -> None:
        user = self._user(options["username"])
        with origin_scope(Origin(channel="cli", label=f"hospitals {options['action']}")):
            if options["action"] == "status":
                self._status(user, options["hospital"], options["day"] or timezone.localdate())
            else:
                self._import_wards(user, options["hospital"], options["file"])

    def _status(self, user: User, name: str, day: dt.date) -> None:
        figures = hospital_figures(hospitals=self._hospitals(user, name), day=day)
        self.stdout.write(f"{day:%Y-%m-%d}")
        for figure in figures.figures():
            mark = " !" if figure.alert else ""
            self.stdout.write(f"  {figure.label:<14}{figure.value:>8} {figure.unit}{mark}")
        self.stdout.write("  病区类型        床位    占用    空闲")
        for bed in figures.beds:
            if bed.total:
                self.stdout.write(f"  {bed.label:<12}{bed.total:>8}{bed.occupied:>8}{bed.free:>8}")

    def _import_wards(self, user: User, name: str, path: Path) -> None:
        (hospital,) = self._hospitals(user, name)
        if not user.can("hospitals.manage"):
            raise CommandError(f"用户 {user.username} 无权设置病区")
        if not path.exists():
            raise CommandError(f"找不到文件 {path}")
        try:
            with path.open("rb") as file:
                rows = read_table(file, path.name, WARD_COLUMNS)
            record = ward_import(hospital=hospital, rows=rows, filename=path.name, by=user)
        except TableRejected as rejected:
            for error in rejected.errors[:50]:
                self.stderr.write(str(error))
            self.stderr.write("未导入任何数据。")
            sys.exit(EXIT_REJECTED)
        self.stdout.write(f"导入完成：{hospital.name} 新增病区 {record.created} 个。")
