"""A person's life on the platform, for the retention and subject-export tests: 张三 visited a
bar, was found a close contact of 李四's case there, spent 14 days in a quarantine room with
morning temperatures and tests, and was released. The rows are written directly (the services
that write them are tested in their areas); `released_days_ago` sets when it all ended."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.utils import timezone

from fangkong.cases.models import (
    Case,
    CaseClassification,
    Contact,
    ContactCategory,
    ContactDegree,
    ContactSource,
    ContactStatus,
)
from fangkong.jurisdictions.models import Jurisdiction
from fangkong.people.models import Person
from fangkong.people.services import person_register
from fangkong.quarantine.models import (
    HealthObservation,
    NucleicAcidTest,
    ObservationCategory,
    ObservationPhase,
    Outcome,
    Placement,
    PlacementEnd,
    ReportSource,
    Sample,
    SampleResult,
    Slot,
)
from fangkong.quarantine.services.sites import rooms_create, site_create
from fangkong.specimens.models import Purpose, Specimen
from fangkong.testing.identities import mobile, resident_id
from fangkong.venues.models import CheckIn, Venue, VenueCategory


@dataclass
class Life:
    venue: Venue
    case: Case
    contact: Contact
    placement: Placement
    checkins: int
    observations: int
    tests: int


@pytest.fixture
def live(jiankang: Jurisdiction, li_si: Person) -> Callable[..., Life]:
    venue = Venue.objects.create(
        name="老地方酒吧", category=VenueCategory.BAR, jurisdiction=jiankang, approved_capacity=80
    )
    site = site_create(name="锡惠大酒店", jurisdiction=jiankang, by=None)
    rooms = iter(rooms_create(site=site, floors=[3, 5], per_floor=4, by=None))
    cases = iter(range(1, 100))

    def make(person: Person, *, released_days_ago: int | None) -> Life:
        now = timezone.now()
        released = now - dt.timedelta(days=released_days_ago or 0)
        start = released - dt.timedelta(days=14)
        exposure = start - dt.timedelta(days=1)
        for hours in (0, 30, 50):
            CheckIn.objects.create(
                person=person,
                venue=venue,
                check_in=exposure - dt.timedelta(hours=hours),
                check_out=exposure - dt.timedelta(hours=hours) + dt.timedelta(minutes=90),
            )
        index = next(cases)
        case = Case.objects.create(
            person=li_si if index == 1 else _case_person(jiankang),
            number=f"WX-2021-{index:04d}",
            classification=CaseClassification.CONFIRMED,
            # Found today (a late find): the index case is held, only the contact is due.
            detected_at=now,
            reported_at=now,
        )
        placement = Placement.objects.create(
            person=person,
            room=next(rooms),
            category=ObservationCategory.CLOSE_CONTACT,
            starts_at=start,
            last_exposure_at=exposure,
            ended_at=None if released_days_ago is None else released,
            end_reason="" if released_days_ago is None else PlacementEnd.RELEASED,
            home_monitoring_ends_on=None,
            report_token=f"token-{person.pk}-{index}",
        )
        contact = Contact.objects.create(
            case=case,
            person=person,
            degree=ContactDegree.CLOSE,
            via=case.person,
            first_exposure=exposure,
            last_exposure=exposure + dt.timedelta(minutes=90),
            venue=venue,
            category=ContactCategory.VENUE_CODE,
            source=ContactSource.CHECKIN,
            evidence="同时段在老地方酒吧",
            status=ContactStatus.UNDER_CONTROL
            if released_days_ago is None
            else ContactStatus.RELEASED,
            identified_at=exposure + dt.timedelta(hours=22),
            controlled_at=start,
            released_at=None if released_days_ago is None else released,
            control_note=f"已电话通知 {person.phone}",
            placement=placement,
        )
        for day in range(3):
            HealthObservation.objects.create(
                person=person,
                placement=placement,
                day=(start + dt.timedelta(days=day)).date(),
                slot=Slot.MORNING,
                temperature=Decimal("36.5"),
                source=ReportSource.SELF,
                recorded_at=start + dt.timedelta(days=day),
            )
        test = NucleicAcidTest.objects.create(
            placement=placement,
            phase=ObservationPhase.CENTRALIZED,
            day=1,
            due_on=start.date(),
            outcome=Outcome.NEGATIVE,
            concluded_at=start + dt.timedelta(hours=8),
        )
        specimen = Specimen.objects.create(
            person=person,
            purpose=Purpose.QUARANTINE_OBSERVATION,
            sampled_at=start + dt.timedelta(hours=1),
            lab="市疾控中心",
            result=SampleResult.NEGATIVE,
            result_at=start + dt.timedelta(hours=8),
        )
        Sample.objects.create(test=test, specimen=specimen)
        return Life(
            venue=venue,
            case=case,
            contact=contact,
            placement=placement,
            checkins=3,
            observations=3,
            tests=1,
        )

    return make


def _case_person(home: Jurisdiction) -> Person:
    return person_register(
        name="王五", id_number=resident_id(dt.date(1970, 1, 1)), home_jurisdiction=home, by=None
    ).person


@pytest.fixture
def new_person(jiankang: Jurisdiction) -> Callable[[str], Person]:
    def make(name: str) -> Person:
        return person_register(
            name=name, id_number=resident_id(), phone=mobile(), home_jurisdiction=jiankang, by=None
        ).person

    return make
