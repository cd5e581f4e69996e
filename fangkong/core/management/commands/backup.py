"""`fangkong backup --output DIR|FILE`: the database and the uploaded files in one archive
(see fangkong.core.backup). A directory gets a time-stamped file name."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from fangkong.core.backup import BackupError, backup_create


class Command(BaseCommand):
    help = "Back up the database (pg_dump or SQLite's backup API) and the uploaded files."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--output", type=Path, required=True, help="a directory or an archive file (.tar)"
        )
        parser.add_argument("--database", default="default", help="the DATABASES alias")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            result = backup_create(output=options["output"], using=options["database"])
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            f"备份完成：{result.path}（{result.vendor}，文件 {result.files} 个，"
            f"{result.size / 1_048_576:.1f} MB）"
        )
