"""What the tracing area does when other areas speak (signals from the quarantine and the
venues areas).

Imported by CasesConfig.ready(); the receivers connect here, next to the signals they need,
so the app config imports only this area's own modules.

A positive test in a site (`positive_result`) is not acted on here: the quarantine area
flags that person's secondary contacts for review, the case list shows the positive until an
investigator registers the case (selectors/site_positives.py), and that registration upgrades
their contacts in every list (services/upgrades.py)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from django.db.models import Exists, OuterRef
from django.dispatch import receiver

from fangkong.analytics.disk_index import day_index
from fangkong.cases.engines import configured_engine_name, disk_index_root
from fangkong.cases.models import ItineraryEntry
from fangkong.cases.services.control import contacts_release_with, contacts_take_control
from fangkong.quarantine.models import PlacementEnd
from fangkong.quarantine.signals import placement_ended, placement_started
from fangkong.venues.models import CheckIn
from fangkong.venues.signals import checkins_day_archived, checkins_day_removed


@receiver(placement_started, dispatch_uid="fangkong.cases.placement_started")
def on_placement_started(sender: Any, *, placement: Any, by: Any = None, **kwargs: Any) -> None:
    contacts_take_control(placement=placement, by=by)


@receiver(placement_ended, dispatch_uid="fangkong.cases.placement_ended")
def on_placement_ended(sender: Any, *, placement: Any, by: Any = None, **kwargs: Any) -> None:
    if placement.end_reason == PlacementEnd.RELEASED:
        contacts_release_with(placement=placement, by=by)


@receiver(checkins_day_removed, dispatch_uid="fangkong.cases.checkins_day_removed")
def on_checkins_day_removed(sender: Any, **kwargs: Any) -> None:
    """A day of check-ins left the database (retention, the archive): itinerary entries taken
    from them keep their venue and times and lose the link, which no database constraint
    clears (the check-in table is partitioned). Entries are few; each is one key lookup."""
    ItineraryEntry.objects.filter(checkin__isnull=False).exclude(
        Exists(CheckIn.objects.filter(pk=OuterRef("checkin_id")))
    ).update(checkin=None)


@receiver(checkins_day_archived, dispatch_uid="fangkong.cases.checkins_day_archived")
def on_checkins_day_archived(sender: Any, *, day: dt.date, path: Path, **kwargs: Any) -> None:
    """Build the disk engine's index of a day just archived, here in the archive job (tens of
    seconds for a city's day) rather than in the first web worker that traces over it."""
    if configured_engine_name() == "disk":
        day_index(day, path, disk_index_root())
