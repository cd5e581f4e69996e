"""The tracing area's test set-up: venues, check-ins, persons, cases and a quarantine site,
on top of the named cast (fangkong/testing/cast.py)."""

from __future__ import annotations

import csv
import datetime as dt
import itertools
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from fangkong.cases.models import Case, CaseClassification
from fangkong.cases.services.cases import case_register
from fangkong.jurisdictions.models import Jurisdiction
from fangkong.people.models import Person
from fangkong.people.services import person_register
from fangkong.quarantine.models import RoomKind, Site
from fangkong.quarantine.services.sites import rooms_create, site_create
from fangkong.testing.identities import mobile, resident_id
from fangkong.venues.models import CheckIn, Venue, VenueCategory

SHANGHAI = ZoneInfo("Asia/Shanghai")
EXAMPLE = Path(__file__).resolve().parents[2] / "analytics" / "tests" / "data"
_names = itertools.count(1)


def at(text: str) -> dt.datetime:
    """A local (Asia/Shanghai) moment written as in the spec: 2021-07-28T21:40."""
    return dt.datetime.fromisoformat(text).replace(tzinfo=SHANGHAI)


@pytest.fixture
def make_person(jiankang: Jurisdiction) -> Callable[..., Person]:
    def make(
        name: str | None = None, *, home: Jurisdiction | None = None, phone: str | None = None
    ) -> Person:
        return person_register(
            name=name or f"人员{next(_names)}",
            id_number=resident_id(dt.date(1990, 5, 1)),
            phone=phone if phone is not None else mobile(),
            home_jurisdiction=home or jiankang,
            by=None,
        ).person

    return make


@pytest.fixture
def make_venue(jiankang: Jurisdiction) -> Callable[..., Venue]:
    def make(name: str, category: str = VenueCategory.BAR) -> Venue:
        return Venue.objects.create(
            name=name, category=category, jurisdiction=jiankang, approved_capacity=100
        )

    return make


@pytest.fixture
def stay() -> Callable[..., CheckIn]:
    def make(person: Person, venue: Venue, check_in: str, check_out: str | None) -> CheckIn:
        return CheckIn.objects.create(
            person=person,
            venue=venue,
            check_in=at(check_in),
            check_out=at(check_out) if check_out else None,
        )

    return make


@pytest.fixture
def make_case(investigator: object) -> Callable[..., Case]:
    def make(
        person: Person,
        *,
        onset: str = "2021-07-30",
        detected: str = "2021-07-30T20:00",
        isolated: str | None = None,
        classification: str = CaseClassification.CONFIRMED,
        reported: str | None = None,
    ) -> Case:
        return case_register(
            person=person,
            classification=classification,
            detected_at=at(detected),
            onset_date=dt.date.fromisoformat(onset),
            reported_at=at(reported) if reported else None,
            isolated_at=at(isolated) if isolated else None,
            by=investigator,  # type: ignore[arg-type]
        )

    return make


@pytest.fixture
def site(liangxi: Jurisdiction) -> Site:
    """A hotel with six guest rooms on two floors and one staff room."""
    # Laid out by the quarantine area's own services, so its rules (zones, numbering) hold.
    hotel = site_create(name="锡惠大酒店", jurisdiction=liangxi, by=None)
    rooms_create(site=hotel, floors=[3, 4], per_floor=3, by=None)
    rooms_create(site=hotel, floors=[1], per_floor=1, kind=RoomKind.STAFF, by=None)
    return hotel


@dataclass
class SpecCity:
    """The spec's worked example (example-events.csv) as platform records."""

    persons: dict[str, Person]
    venues: dict[str, Venue]

    def name_of_person(self, pk: int) -> str:
        return next(name for name, p in self.persons.items() if p.pk == pk)

    def name_of_venue(self, pk: int) -> str:
        return next(name for name, v in self.venues.items() if v.pk == pk)


@pytest.fixture
def spec_city(make_person: Callable[..., Person], make_venue: Callable[..., Venue]) -> SpecCity:
    persons: dict[str, Person] = {}
    venues: dict[str, Venue] = {}
    with open(EXAMPLE / "example-events.csv", encoding="utf-8") as rows:
        for row in csv.DictReader(rows):
            person = persons.get(row["person_id"]) or make_person(row["person_id"])
            persons[row["person_id"]] = person
            venue = venues.get(row["venue_id"]) or make_venue(row["venue_id"])
            venues[row["venue_id"]] = venue
            CheckIn.objects.create(
                person=person,
                venue=venue,
                check_in=at(row["check_in"]),
                check_out=at(row["check_out"]) if row["check_out"] else None,
            )
    return SpecCity(persons=persons, venues=venues)
