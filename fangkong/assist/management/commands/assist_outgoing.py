"""`fangkong assist_outgoing`: put the contacts our tracing found who live in another city on
that city's draft list (the periodic job does the same for the contacts since its last run).
Safe to rerun: a contact already on a list is not added again."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from fangkong.assist.services.outgoing_lists import outgoing_drafts_from_contacts
from fangkong.core.request_context import Origin, origin_scope


class Command(BaseCommand):
    help = "Draft outgoing assist requests for contacts found since a time who live elsewhere."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--since",
            help="contacts created at or after this time (ISO 8601, local time if no offset); "
            "default: the last --days days",
        )
        parser.add_argument("--days", type=int, default=1, help="default window in days (1)")

    def handle(self, *args: Any, **options: Any) -> None:
        now = timezone.now()
        if options["since"]:
            try:
                since = dt.datetime.fromisoformat(options["since"])
            except ValueError as error:
                raise CommandError(f"--since: {error}") from error
            if timezone.is_naive(since):
                since = timezone.make_aware(since)
        else:
            since = now - dt.timedelta(days=options["days"])
        with origin_scope(Origin(channel="cli", label="assist_outgoing")):
            added = outgoing_drafts_from_contacts(since=since, at=now, by=None)
        self.stdout.write(f"{added} row(s) added to draft outgoing lists")
