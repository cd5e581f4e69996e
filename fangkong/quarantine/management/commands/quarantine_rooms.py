"""`fangkong quarantine_rooms --site NAME --floors 3-12 --per-floor 12`: lay out rooms."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from fangkong.core.errors import Conflict
from fangkong.core.request_context import Origin, origin_scope
from fangkong.quarantine.forms import RoomsForm
from fangkong.quarantine.models import RoomKind, Site
from fangkong.quarantine.services.sites import rooms_create


class Command(BaseCommand):
    help = "Add rooms to a quarantine site, floor by floor (hotel numbering: 301, 302...)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--site", required=True, help="the site's name")
        parser.add_argument("--floors", required=True, help="e.g. 3-12 or 3,5,6-8")
        parser.add_argument("--per-floor", type=int, required=True)
        parser.add_argument("--kind", default=RoomKind.SINGLE, choices=RoomKind.values)
        parser.add_argument("--skip", default="", help="last digits to avoid, e.g. 4")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            site = Site.objects.get(name=options["site"])
        except Site.DoesNotExist as error:
            raise CommandError(f"没有名为「{options['site']}」的隔离点") from error
        form = RoomsForm(
            {
                "floors": options["floors"],
                "per_floor": options["per_floor"],
                "kind": options["kind"],
                "skip_digits": options["skip"],
            }
        )
        if not form.is_valid():
            raise CommandError(
                "; ".join(f"{k}: {' '.join(str(m) for m in v)}" for k, v in form.errors.items())
            )
        with origin_scope(Origin(channel="cli", label="quarantine_rooms")):
            try:
                rooms = rooms_create(site=site, by=None, **form.cleaned_data)
            except (ValidationError, Conflict) as error:
                raise CommandError(str(error)) from error
        self.stdout.write(self.style.SUCCESS(f"{site.name}：已添加 {len(rooms)} 间房"))
