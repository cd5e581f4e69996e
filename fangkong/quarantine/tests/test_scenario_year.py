"""A year at one 120-room hotel: 17 batches, 2,039 people, one positive inside the site.

Every batch arrives when the previous one has left; the staff sample and test each day's
due tests in rounds (dual sampling at the end), release everyone whose period is over and
whose tests are all negative, and transfer the positive. The site's figures are then read
as the HQ would read them, and checked against what the simulation itself did.
"""

import datetime as dt
import random

import pytest
from django.db.models import Exists, OuterRef

from fangkong.facilities.models import Hospital
from fangkong.people.models import Person
from fangkong.quarantine.models import (
    NucleicAcidTest,
    ObservationCategory,
    ObservationPhase,
    Outcome,
    Placement,
    PlacementEnd,
    Sample,
    SampleResult,
)
from fangkong.quarantine.selectors.figures import site_numbers
from fangkong.quarantine.services.batches import IntakeEntry, batch_intake
from fangkong.quarantine.services.positives import review_flags_restart
from fangkong.quarantine.services.release import placements_release, release_blockers
from fangkong.quarantine.services.sampling import lab_results_record, sampling_round_record
from fangkong.quarantine.services.sites import rooms_create, site_create
from fangkong.quarantine.services.transfers import transfer_decide, transfer_depart
from fangkong.quarantine.tests.support import TZ
from fangkong.testing.identities import resident_id

BATCHES = 17
PEOPLE = 2_039
FLOORS = list(range(3, 13))  # 10 floors
ROOMS_PER_FLOOR = 12  # 120 rooms
FIRST_ARRIVAL = dt.date(2020, 8, 12)
BATCH_EVERY_DAYS = 21
LABS = ("市疾控中心", "金域医学检验所")


def _moment(day: dt.date, hour: int) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=TZ)


def _batch_sizes(rng: random.Random) -> list[int]:
    """17 sizes summing to 2,039 with none above the 120 rooms."""
    sizes = [ROOMS_PER_FLOOR * len(FLOORS)] * BATCHES
    while sum(sizes) > PEOPLE:
        sizes[rng.randrange(BATCHES)] -= 1
    return sizes


def _people(count: int, offset: int) -> list[Person]:
    return Person.objects.bulk_create(
        Person(
            name=f"观察{offset + i:04d}",
            id_number=resident_id(dt.date(1960, 1, 1) + dt.timedelta(days=offset + i), sequence=7),
        )
        for i in range(count)
    )


def _test_day(site, day: dt.date, worker) -> None:
    """The day's rounds: swab everyone due (a second lab for dual sampling), all negative
    except where the scenario says otherwise."""
    due = list(
        NucleicAcidTest.objects.open()
        .filter(placement__room__site=site, placement__ended_at__isnull=True, due_on=day)
        .annotate(sampled=Exists(Sample.objects.filter(test=OuterRef("pk"))))
        .filter(sampled=False)
    )
    if not due:
        return
    for lab in LABS:
        wanted = due if lab == LABS[0] else [t for t in due if t.dual_sampling]
        if wanted:
            sampling_round_record(tests=wanted, sampled_at=_moment(day, 8), lab=lab, by=worker)
    pending = list(Sample.objects.filter(test__in=due).pending())
    lab_results_record(
        samples=pending, result=SampleResult.NEGATIVE, result_at=_moment(day, 15), by=worker
    )


def _release_due(site, day: dt.date, worker) -> list[Placement]:
    """Everyone whose period ends today is released together; nobody may be held back."""
    due = list(Placement.objects.active().filter(room__site=site, observation_ends_on__lte=day))
    result = placements_release(placements=due, released_at=_moment(day, 16), by=worker)
    assert result.blocked == {}
    return result.released


@pytest.mark.slow
def test_a_year_of_17_batches_and_2039_people_at_one_120_room_site(jiankang, worker, hq_admin):
    rng = random.Random(2021)
    site = site_create(
        name="太湖饭店", jurisdiction=jiankang, operating_unit=worker.unit, by=hq_admin
    )
    rooms_create(site=site, floors=FLOORS, per_floor=ROOMS_PER_FLOOR, by=hq_admin)
    hospital = Hospital.objects.create(name="市传染病医院", jurisdiction=jiankang)
    sizes = _batch_sizes(rng)
    placed = left = 0
    positive_batch, positive_day = 5, 3
    last_arrival = FIRST_ARRIVAL + dt.timedelta(days=BATCH_EVERY_DAYS * (BATCHES - 1))
    today = last_arrival + dt.timedelta(days=8)
    for number, size in enumerate(sizes, start=1):
        # Given a batch of close contacts (the last one also brings secondary contacts)
        arrival = FIRST_ARRIVAL + dt.timedelta(days=BATCH_EVERY_DAYS * (number - 1))
        people = _people(size, placed)
        secondaries = 20 if number == BATCHES else 0
        entries = [
            IntakeEntry(
                person=person,
                category=ObservationCategory.CLOSE_CONTACT,
                last_exposure_at=_moment(arrival - dt.timedelta(days=1), 20),
                household=f"户{i // 3}" if i < 30 else "",
            )
            for i, person in enumerate(people[: size - secondaries])
        ]
        entries += [
            IntakeEntry(
                person=person,
                category=ObservationCategory.SECONDARY_CONTACT,
                last_exposure_at=_moment(arrival - dt.timedelta(days=1), 21),
                exposed_via=people[i],
            )
            for i, person in enumerate(people[size - secondaries :])
        ]
        result = batch_intake(
            site=site, entries=entries, arrived_at=_moment(arrival, 10), by=worker
        )
        placed += len(result.placements)
        # When the days pass: tests every day, a positive in batch 5, releases when due
        end = today if number == BATCHES else arrival + dt.timedelta(days=BATCH_EVERY_DAYS - 1)
        day = arrival
        while day <= end:
            if number == positive_batch and day == arrival + dt.timedelta(days=positive_day):
                left += _positive_inside(site, result.placements[0], day, worker, hospital)
            _test_day(site, day, worker)
            left += len(_release_due(site, day, worker))
            day += dt.timedelta(days=1)
        if number < BATCHES:
            assert not Placement.objects.active().filter(room__site=site).exists(), number

    # Then the site reports the year as it happened
    numbers = site_numbers([site], day=today, now=_moment(today, 11))[0]
    assert numbers.batches == BATCHES
    assert numbers.people_served == PEOPLE == placed
    assert numbers.people_now == placed - left
    assert numbers.people_now == sizes[-1] - 20  # the secondary contacts' 7 days are over
    assert numbers.free_rooms == len(FLOORS) * ROOMS_PER_FLOOR - numbers.people_now
    # and nobody left with a test missing or positive
    released = Placement.objects.filter(room__site=site, end_reason=PlacementEnd.RELEASED)
    assert released.count() == left - 1
    unfinished = NucleicAcidTest.objects.filter(
        placement__in=released, phase=ObservationPhase.CENTRALIZED
    ).exclude(outcome=Outcome.NEGATIVE)
    assert not unfinished.exists()
    # and the people still there cannot be released before their period is over
    still = Placement.objects.active().filter(room__site=site).first()
    assert still is not None and release_blockers(placement=still, day=today)


def _positive_inside(site, placement, day, worker, hospital) -> int:
    """One close contact tests positive; the floors around restart; they are transferred."""
    test = NucleicAcidTest.objects.open().filter(placement=placement, due_on__gte=day).first()
    assert test is not None
    test.due_on = day
    test.save(update_fields=["due_on"])
    [sample] = sampling_round_record(
        tests=[test], sampled_at=_moment(day, 7), lab=LABS[0], by=worker
    )
    lab_results_record(
        samples=[sample], result=SampleResult.POSITIVE, result_at=_moment(day, 12), by=worker
    )
    restarted = review_flags_restart(
        site=site, source_person=placement.person, at=_moment(day, 13), by=worker
    )
    assert restarted > 0
    transfer = transfer_decide(
        placement=placement, hospital=hospital, decided_at=_moment(day, 13), reason="核酸阳性",
        positive_sample=sample, by=worker,
    )  # fmt: skip
    transfer_depart(transfer=transfer, departed_at=_moment(day, 14), by=worker)
    return 1
