"""The quarantine cast: the 锡惠 hotel site in liangxi with three guest floors (3, 5 and 6:
the hotel has no 4th floor), its operating unit, site staff who work for it, and a hospital.

    floor 6: 601 602 603 604
    floor 5: 501 502 503 504
    floor 3: 301 302 303 304      (plus staff room 201 on floor 2, in the work zone)
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable

import pytest

from fangkong.accounts.models import User
from fangkong.facilities.models import Hospital
from fangkong.jurisdictions.models import Jurisdiction, ResponsibilityKind, ResponsibleUnit
from fangkong.jurisdictions.services import unit_create
from fangkong.people.models import Person
from fangkong.people.services import person_register
from fangkong.quarantine.models import ObservationCategory, Placement, RoomKind, Site
from fangkong.quarantine.services.placements import placement_start
from fangkong.quarantine.services.sites import rooms_create, site_create
from fangkong.quarantine.tests.support import T0, room
from fangkong.testing.identities import mobile, resident_id


@pytest.fixture
def site_unit(jiankang: Jurisdiction) -> ResponsibleUnit:
    return unit_create(
        name="锡惠大酒店隔离点工作专班",
        kind=ResponsibilityKind.ORGANISATION,
        jurisdiction=jiankang,
        by=None,
    )


@pytest.fixture
def site(jiankang: Jurisdiction, site_unit: ResponsibleUnit, hq_admin: User) -> Site:
    site = site_create(
        name="锡惠大酒店",
        jurisdiction=jiankang,
        address="梁溪区学前街 1 号",
        operating_unit=site_unit,
        by=hq_admin,
    )
    rooms_create(site=site, floors=[3, 5, 6], per_floor=4, by=hq_admin)
    rooms_create(site=site, floors=[2], per_floor=1, kind=RoomKind.STAFF, by=hq_admin)
    return site


@pytest.fixture
def worker(site_staff: User, site_unit: ResponsibleUnit) -> User:
    """The cast's site staff member, working for the site's operating unit."""
    User.objects.filter(pk=site_staff.pk).update(unit=site_unit)
    site_staff.refresh_from_db()
    return site_staff


@pytest.fixture
def hospital(city: Jurisdiction) -> Hospital:
    return Hospital.objects.create(name="无锡市第五人民医院", jurisdiction=city)


_names = itertools.count(1)


@pytest.fixture
def new_person(jiankang: Jurisdiction) -> Callable[..., Person]:
    def make(name: str | None = None, *, birth: dt.date = dt.date(1988, 5, 1)) -> Person:
        return person_register(
            name=name or f"观察{next(_names)}号",
            id_number=resident_id(birth, place="110101", sequence=next(_names) % 1000),
            phone=mobile(),
            home_jurisdiction=jiankang,
            by=None,
        ).person

    return make


@pytest.fixture
def place(site: Site, worker: User) -> Callable[..., Placement]:
    """Place a person in a room of the site as a close contact exposed the day before T0."""

    def make(
        person: Person,
        number: str,
        *,
        category: str = ObservationCategory.CLOSE_CONTACT,
        starts_at: dt.datetime = T0,
        exposed_at: dt.datetime | None = None,
        **extra: object,
    ) -> Placement:
        exposure = exposed_at or starts_at - dt.timedelta(days=1)
        return placement_start(
            person=person,
            room=room(site, number),
            category=category,
            starts_at=starts_at,
            last_exposure_at=None
            if category == ObservationCategory.INBOUND_TRAVELLER
            else exposure,
            arrival_at=exposure if category == ObservationCategory.INBOUND_TRAVELLER else None,
            by=worker,
            **extra,  # type: ignore[arg-type]
        )

    return make
