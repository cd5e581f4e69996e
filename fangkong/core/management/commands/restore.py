"""`fangkong restore FILE [--force]`: put back what `fangkong backup` archived. Checks the
manifest and every checksum first; refuses another database vendor, and a database or file
folder that already holds data unless --force. Run `fangkong migrate` afterwards when the
archive comes from an older release."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from fangkong.core.backup import BackupError, backup_restore


class Command(BaseCommand):
    help = "Restore a backup archive made by `fangkong backup`."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("archive", type=Path)
        parser.add_argument(
            "--force", action="store_true", help="overwrite a database and folders holding data"
        )
        parser.add_argument("--database", default="default", help="the DATABASES alias")

    def handle(self, *args: Any, **options: Any) -> None:
        archive: Path = options["archive"]
        if not archive.is_file():
            raise CommandError(f"找不到备份文件：{archive}")
        try:
            manifest = backup_restore(
                archive=archive, force=options["force"], using=options["database"]
            )
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            f"恢复完成：{archive}（{manifest['vendor']}，备份于 {manifest['created_at']}，"
            f"文件 {len(manifest['checksums']) - 1} 个）"
        )
