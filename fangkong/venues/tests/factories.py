"""Many persons at once for occupancy and ingest tests (valid IDs, computed check digits)."""

from __future__ import annotations

import datetime as dt

from fangkong.people.models import Person
from fangkong.testing.identities import resident_id
from fangkong.venues.models import CheckIn, CheckInSource, Venue


def persons(count: int, *, start: int = 0) -> list[Person]:
    base = dt.date(1970, 1, 1)
    return Person.objects.bulk_create(
        Person(
            name=f"访客{start + i}",
            id_number=resident_id(
                base + dt.timedelta(days=(start + i) // 1000), sequence=(start + i) % 1000
            ),
            phone=f"+86139{start + i:08d}",
        )
        for i in range(count)
    )


def crowd(venue: Venue, people: list, *, at: dt.datetime, minutes_ago: int = 10) -> list[CheckIn]:
    """Everyone in `people` checked in `minutes_ago` before `at`, without a check-out."""
    return CheckIn.objects.bulk_create(
        CheckIn(
            person=p,
            venue=venue,
            check_in=at - dt.timedelta(minutes=minutes_ago),
            source=CheckInSource.MANUAL,
        )
        for p in people
    )
