"""`fangkong quarantine_batch --site NAME FILE`: take in a batch from an XLSX/CSV file.

The whole file is checked first; errors name the row and column and nothing is written.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from fangkong.core.errors import Conflict
from fangkong.core.request_context import Origin, origin_scope
from fangkong.core.tabular import TableRejected, read_table
from fangkong.quarantine.models import Site
from fangkong.quarantine.services.batch_import import BATCH_COLUMNS, batch_import


class Command(BaseCommand):
    help = "Take in a batch at a quarantine site from an XLSX or CSV file (all or nothing)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--site", required=True, help="the site's name")
        parser.add_argument("--source", default="", help="where the batch comes from")
        parser.add_argument(
            "--arrived-at",
            type=dt.datetime.fromisoformat,
            default=None,
            help="arrival time, e.g. 2021-07-28T10:00 (default: now)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            site = Site.objects.get(name=options["site"])
        except Site.DoesNotExist as error:
            raise CommandError(f"没有名为「{options['site']}」的隔离点") from error
        arrived_at = options["arrived_at"]
        if arrived_at is not None and timezone.is_naive(arrived_at):
            arrived_at = timezone.make_aware(arrived_at)
        path: Path = options["file"]
        with origin_scope(Origin(channel="cli", label=f"quarantine_batch {path.name}")):
            try:
                with path.open("rb") as handle:
                    rows = read_table(handle, path.name, BATCH_COLUMNS)
                result = batch_import(
                    site=site,
                    rows=rows,
                    filename=path.name,
                    arrived_at=arrived_at,
                    source=options["source"],
                    by=None,
                )
            except TableRejected as rejected:
                for row_error in rejected.errors:
                    self.stderr.write(str(row_error))
                raise CommandError("名单有误，未入住任何人") from rejected
            except (ValidationError, Conflict) as error:
                raise CommandError(str(error)) from error
        self.stdout.write(self.style.SUCCESS(f"{result.batch}：已入住 {len(result.placements)} 人"))
        for placement in sorted(result.placements, key=lambda p: (p.room.floor, p.room.number)):
            self.stdout.write(f"  {placement.room.number}\t{placement.person.name}")
