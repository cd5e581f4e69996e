"""The venues area's part of a person's data over time (registered in VenuesConfig.ready):
what it removes when the person's retention period is over, and what it shows in the person's
own export.

Check-ins are the person's movements, so they are deleted: no briefing counts past stays (live
occupancy reads the last hours only), and a case file keeps what tracing found on its own rows
(a contact's venue and times, an itinerary entry's venue and times).
"""

from __future__ import annotations

from typing import Any

from fangkong.people.models import Person
from fangkong.people.subject_export import subject_rows
from fangkong.venues.models import CheckIn, Venue
from fangkong.venues.selectors.stays import archived_persons_stays


def checkins_erase(person: Person) -> int:
    deleted, _by_model = CheckIn.objects.filter(person=person).delete()
    return deleted


def checkins_of(person: Person) -> list[dict[str, Any]]:
    """The person's stays in the database and in the day archive (archived ones carry no
    receipt time or import batch: the archive keeps the stay, not the bookkeeping)."""
    stored = list(CheckIn.objects.filter(person=person).select_related("venue"))
    have = {stay.pk for stay in stored}
    archived = [
        stay
        for stay in archived_persons_stays([person.pk], start=None, end=None)
        if stay.pk not in have
    ]
    venues = Venue.objects.in_bulk({stay.venue_id for stay in archived})
    for stay in archived:
        stay.venue = venues[stay.venue_id]
    rows = sorted(stored + archived, key=lambda stay: (stay.check_in, stay.pk))
    return subject_rows(rows, labels=lambda c: {"venue_name": c.venue.name})


def register() -> None:
    from fangkong.people.retention import register_retention_step
    from fangkong.people.subject_export import register_subject_section

    register_retention_step("venues.checkins", checkins_erase)
    register_subject_section("venues.checkins", checkins_of)
