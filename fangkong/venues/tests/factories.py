"""The test city's venues, and many persons at once for occupancy and ingest tests (valid IDs,
computed check digits). The venues are built here so that another area's tests (command's
notice No. 33) meet the same bars as the venues area's own."""

from __future__ import annotations

import datetime as dt

from fangkong.accounts.models import User
from fangkong.jurisdictions.models import Jurisdiction
from fangkong.people.models import Person
from fangkong.testing.identities import resident_id
from fangkong.venues.models import CheckIn, CheckInSource, Venue, VenueCategory
from fangkong.venues.services.venues import venue_create


def liangxi_bar(community: Jurisdiction, manager: User | None, **fields: object) -> Venue:
    """梁溪酒吧: a bar of 100 in 健康社区, managed by the cast's venue manager."""
    return venue_create(
        name="梁溪酒吧",
        category=VenueCategory.BAR,
        jurisdiction=community,
        approved_capacity=100,
        manager=manager,
        by=None,
        **fields,  # type: ignore[arg-type]
    )


def canal_bar(community: Jurisdiction) -> Venue:
    """运河清吧: a second, smaller bar in the same community."""
    return venue_create(
        name="运河清吧",
        category=VenueCategory.BAR,
        jurisdiction=community,
        approved_capacity=40,
        by=None,
    )


def hubin_ktv(community: Jurisdiction) -> Venue:
    """湖滨KTV: a KTV of 200 in 湖滨社区 (binhu)."""
    return venue_create(
        name="湖滨KTV",
        category=VenueCategory.KTV,
        jurisdiction=community,
        approved_capacity=200,
        by=None,
    )


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
