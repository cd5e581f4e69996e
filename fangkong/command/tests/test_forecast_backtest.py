"""The backtest of the preparedness forecast (`fangkong forecast-backtest`) on a synthetic history
with a known growth.

The history: 35 days of an outbreak in liangxi growing at a steady rate (doubling every 14 days,
four onsets a day at the start), each case found on its onset day and admitted that morning for
14 days, each bringing one close contact placed that evening for a 10-day observation. Rows
are written straight to the tables (bulk inserts: the services would take seconds for the ~2,000
rows, and what is tested is the forecast's reading of them, not the writes).

The bound: on such a history, the forecast made at the end of each of the last 10 scoreable days
misses the cases of each of the next 7 days by less than 10 % on average (MAPE), and the rooms
and beds by less than 5 %. (Measured: cases 1.7–3.0 %, the rounding of a dozen onsets a day;
rooms and beds 0–1.3 %, growing with the horizon.)
"""

from __future__ import annotations

import datetime as dt
import math
from io import StringIO
from typing import Generic, TypeVar

import pytest
from django.core.management import call_command
from django.utils import timezone

from fangkong.cases.models import (
    Case,
    CaseClassification,
    Contact,
    ContactCategory,
    ContactSource,
    ContactStatus,
)
from fangkong.command.forecast_backtest import backtest
from fangkong.command.forecasting import preparedness_forecast
from fangkong.hospitals.models import (
    Admission,
    AdmissionOutcome,
    AdmissionSource,
    Bed,
    BedStay,
    BedStayEnd,
    ClinicalClassification,
    HospitalKind,
    WardKind,
)
from fangkong.hospitals.services.facilities import hospital_create, ward_create
from fangkong.people.models import Person
from fangkong.quarantine.models import ObservationCategory, Placement, PlacementEnd, Room
from fangkong.quarantine.services.sites import rooms_create, site_create
from fangkong.testing.identities import resident_id

HISTORY_DAYS = 35
START_PER_DAY = 4
DOUBLING_DAYS = 14
QUARANTINE_DAYS = 10
ADMISSION_DAYS = 14
Place = TypeVar("Place")
BOUNDS = {"cases": 0.10, "rooms": 0.05, "beds": 0.05}


def _moment(day: dt.date, hour: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


class _Pool(Generic[Place]):
    """Places (rooms, beds) handed out and taken back on the day they are freed."""

    def __init__(self, places: list[Place]) -> None:
        self.free = list(places)
        self.back: dict[dt.date, list[Place]] = {}

    def take(self, day: dt.date, until: dt.date | None) -> Place:
        for freed in [d for d in self.back if d <= day]:
            self.free.extend(self.back.pop(freed))
        place = self.free.pop(0)
        if until is not None:
            self.back.setdefault(until, []).append(place)
        return place


@pytest.fixture
def history(liangxi):
    today = timezone.localdate()
    site = site_create(name="翠苑酒店", jurisdiction=liangxi, by=None)
    rooms_create(site=site, floors=[1, 2, 3, 4, 5], per_floor=80, by=None)
    hospital = hospital_create(
        name="市第五人民医院", kind=HospitalKind.DESIGNATED, jurisdiction=liangxi, by=None
    )
    ward_create(hospital=hospital, name="隔离病区", kind=WardKind.ISOLATION, beds=500, by=None)
    rooms = _Pool(list(Room.objects.filter(site=site).order_by("pk")))
    beds = _Pool(list(Bed.objects.filter(ward__hospital=hospital).order_by("pk")))
    first = today - dt.timedelta(days=HISTORY_DAYS)
    plan = [
        (first + dt.timedelta(days=t), round(START_PER_DAY * 2 ** (t / DOUBLING_DAYS)))
        for t in range(HISTORY_DAYS)
    ]
    total = sum(n for _, n in plan)
    persons = Person.objects.bulk_create(
        Person(
            name=f"人员{i}",
            id_number=resident_id(dt.date(1940, 1, 1) + dt.timedelta(days=i), sequence=1),
            home_jurisdiction=liangxi,
        )
        for i in range(2 * total)
    )
    cases, admissions, stays, placements, contacts = [], [], [], [], []
    index = 0
    for day, count in plan:
        for _ in range(count):
            patient, contact = persons[index], persons[index + 1]
            index += 2
            case = Case(
                person=patient,
                number=f"WX-T-{index}",
                classification=CaseClassification.CONFIRMED,
                onset_date=day,
                detected_at=_moment(day, 8),
                reported_at=_moment(day, 9),
                jurisdiction=liangxi,
            )
            cases.append(case)
            discharged = day + dt.timedelta(days=ADMISSION_DAYS)
            done = discharged < today
            admissions.append(
                Admission(
                    person=patient,
                    hospital=hospital,
                    source=AdmissionSource.CASE,
                    case=case,
                    admitted_at=_moment(day, 10),
                    classification=ClinicalClassification.MILD,
                    ended_at=_moment(discharged, 10) if done else None,
                    outcome=AdmissionOutcome.DISCHARGED if done else "",
                )
            )
            stays.append(
                BedStay(
                    admission=admissions[-1],
                    bed=beds.take(day, discharged),
                    started_at=_moment(day, 10),
                    ended_at=_moment(discharged, 10) if done else None,
                    end_reason=BedStayEnd.DISCHARGED if done else "",
                )
            )
            released = day + dt.timedelta(days=QUARANTINE_DAYS)
            out = released < today
            placements.append(
                Placement(
                    person=contact,
                    room=rooms.take(day, released),
                    category=ObservationCategory.CLOSE_CONTACT,
                    starts_at=_moment(day, 18),
                    ended_at=_moment(released, 10) if out else None,
                    end_reason=PlacementEnd.RELEASED if out else "",
                    observation_ends_on=released,
                )
            )
            contacts.append(
                Contact(
                    case=case,
                    person=contact,
                    degree=1,
                    via=patient,
                    category=ContactCategory.HOUSEHOLD,
                    source=ContactSource.INTERVIEW,
                    status=ContactStatus.RELEASED if out else ContactStatus.UNDER_CONTROL,
                    identified_at=_moment(day, 12),
                    controlled_at=_moment(day, 18),
                    released_at=_moment(released, 10) if out else None,
                    placement=placements[-1],
                )
            )
    Case.objects.bulk_create(cases)
    Admission.objects.bulk_create(admissions)
    BedStay.objects.bulk_create(stays)
    Placement.objects.bulk_create(placements)
    Contact.objects.bulk_create(contacts)
    return today


def test_the_forecast_of_a_steady_outbreak_stays_within_the_bound_seven_days_ahead(history):
    result = backtest(days=10, horizon=7)
    assert len(result.origins) == 10 and len(result.errors) == 7
    for error in result.errors:
        assert error.compared == {"cases": 10, "rooms": 10, "beds": 10}
        for resource, value in error.mape.items():
            assert value is not None and value < BOUNDS[resource], (error.horizon, resource, value)
    # The growth the forecasts saw is the outbreak's own.
    growth = preparedness_forecast(at=_moment(result.origins[-1], 23)).growth
    assert growth.rate_low < math.log(2) / DOUBLING_DAYS < growth.rate_high


def test_the_command_prints_the_error_per_horizon_day(history):
    out = StringIO()
    call_command(
        "forecast_backtest", "--days", "3", "--horizon", "2", stdout=out, stderr=StringIO()
    )
    lines = out.getvalue().splitlines()
    assert "(3 days)" in lines[0] and "the whole city" in lines[0]
    assert lines[1].split() == ["days", "ahead", "cases", "MAPE", "rooms", "MAPE", "beds", "MAPE"]
    assert [line.split()[0] for line in lines[2:]] == ["1", "2"]
    assert all(cell.endswith("%") for line in lines[2:] for cell in line.split()[1:])
