"""The demo city's Delta wave in the quarantine sites: the hotels the HQ requisitioned for it,
a free room for each close contact the investigators find, and each site's day written through
the services the staff use: the morning sampling round, the intake round of the day's
arrivals, the lab's reports, the releases at 16:00 and the readings of the last day.

The wave itself (who is found when, and placed where) is told by the cases area's history
(cases/demo_history.py), which places its contacts through the cases services and calls these
for the sites. The wave has sites of its own so that no stay overlaps another in a room: the
year's batches (quarantine/demo.py) fill the older sites.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from django.db.models import Max, Q
from django.utils import timezone

from fangkong.accounts.models import User
from fangkong.demo.context import DemoContext
from fangkong.jurisdictions.models import ResponsibilityKind
from fangkong.jurisdictions.services import unit_create
from fangkong.quarantine.demo import LABS
from fangkong.quarantine.models import (
    NucleicAcidTest,
    ObservationPhase,
    Placement,
    PlacementEnd,
    ReportSource,
    Room,
    RoomKind,
    Sample,
    SampleResult,
    Site,
    Slot,
)
from fangkong.quarantine.services.observations import observation_record
from fangkong.quarantine.services.release import placements_release
from fangkong.quarantine.services.sampling import lab_results_record, sampling_round_record
from fangkong.quarantine.services.sites import rooms_create, site_create

MORNING_ROUND = (7, 30)
DUAL_ROUND = (7, 45)
RESULTS_AT = 16  # the lab's report and the releases
# The day's arrivals are swabbed on arrival day (the wave places nobody after 23:30).
INTAKE_ROUND = (23, 40)
INTAKE_RESULTS = 6  # ... and their results come in overnight
LOWEST_FLOOR = 2


@dataclass(frozen=True)
class WaveSite:
    name: str
    district: int  # index into the demo's districts
    address: str
    floors: int  # at full scale
    per_floor: int


# Hotels requisitioned in the districts where the wave is: rooms for several hundred contacts.
WAVE_SITES = [
    WaveSite("惠山堰桥宾馆", 2, "堰新路 58 号", 12, 16),
    WaveSite("锡山东亭大酒店", 1, "东亭中路 20 号", 12, 16),
    WaveSite("梁溪运河饭店", 0, "运河东路 35 号", 12, 16),
]


def wave_sites_create(
    ctx: DemoContext, rng: random.Random, *, scale: float, by: User | None
) -> list[Site]:
    """The wave's sites, in use, with as many floors as the wave's scale needs."""
    sites: list[Site] = []
    for plan in WAVE_SITES:
        district = ctx.districts[plan.district % len(ctx.districts)]
        unit = unit_create(
            name=f"{plan.name}集中隔离点工作专班",
            kind=ResponsibilityKind.ORGANISATION,
            jurisdiction=district,
            contact_name="钱护士长",
            by=by,
        )
        site = site_create(
            name=plan.name,
            jurisdiction=district,
            address=f"{district.name}{plan.address}",
            operating_unit=unit,
            contact_name="钱护士长",
            contact_phone="0510-8" + f"{rng.randint(0, 9_999_999):07d}",
            by=by,
        )
        floors = max(2, round(plan.floors * scale))
        rooms_create(
            site=site,
            floors=list(range(LOWEST_FLOOR, LOWEST_FLOOR + floors)),
            per_floor=plan.per_floor,
            skip_digits="4",
            by=by,
        )
        rooms_create(site=site, floors=[1], per_floor=4, kind=RoomKind.STAFF, by=by)
        sites.append(site)
    return sites


def free_room(sites: list[Site], at: dt.datetime) -> Room | None:
    """The first room of the sites (in their order, floor by floor) that holds nobody and
    whose last guest had left by `at`: the history never puts two people in a room at once."""
    for site in sites:
        room = (
            Room.objects.filter(site=site)
            .free()
            .annotate(last_left=Max("placements__ended_at"))
            .filter(Q(last_left__isnull=True) | Q(last_left__lte=at))
            .order_by("floor", "number")
            .first()
        )
        if room is not None:
            return room
    return None


class SiteDays:
    """Each wave site's day, in the order the day runs; nothing later than the present."""

    def __init__(
        self, ctx: DemoContext, rng: random.Random, sites: list[Site], *, by: User | None
    ) -> None:
        self.ctx, self.rng, self.sites, self.by = ctx, rng, sites, by
        self.present = min(ctx.now, timezone.now())

    def rounds(self, day: dt.date) -> None:
        """The morning round, the lab's report and the releases at 16:00."""
        for site in self.sites:
            self._morning(site, day)
            self._afternoon(site, day)

    def intake(self, day: dt.date) -> None:
        """The evening round of those who arrived after the morning one."""
        for site in self.sites:
            self._intake(site, day)

    def _due(self, site: Site, day: dt.date) -> list[NucleicAcidTest]:
        in_site = Q(placement__ended_at__isnull=True)
        at_home = Q(phase=ObservationPhase.HOME, placement__end_reason=PlacementEnd.RELEASED)
        return list(
            NucleicAcidTest.objects.open()
            .filter(in_site | at_home, placement__room__site=site, due_on=day)
            .filter(samples__isnull=True)
            .select_related("placement")
            .order_by("pk")
        )

    def _swab(self, tests: list[NucleicAcidTest], at: dt.datetime, second: dt.datetime) -> None:
        first_lab, second_lab = self.rng.sample(LABS, 2)
        sampling_round_record(tests=tests, sampled_at=at, lab=first_lab, by=self.by)
        dual = [t for t in tests if t.dual_sampling]
        if dual:
            sampling_round_record(tests=dual, sampled_at=second, lab=second_lab, by=self.by)

    def _report(self, tests: list[NucleicAcidTest], at: dt.datetime) -> None:
        pending = list(Sample.objects.filter(test__in=tests).pending())
        if pending and at <= self.present:
            lab_results_record(samples=pending, result=SampleResult.NEGATIVE, result_at=at, by=None)

    def _morning(self, site: Site, day: dt.date) -> None:
        at = self.ctx.at(day, *MORNING_ROUND)
        if at > self.present:
            return
        # Who was in the site at the round (at home: the released, for their home tests).
        due = [
            t
            for t in self._due(site, day)
            if t.phase == ObservationPhase.HOME or t.placement.starts_at <= at
        ]
        if due:
            self._swab(due, at, self.ctx.at(day, *DUAL_ROUND))
            self._report(due, self.ctx.at(day, RESULTS_AT))

    def _afternoon(self, site: Site, day: dt.date) -> None:
        at = self.ctx.at(day, RESULTS_AT)
        if at > self.present:
            return
        due = list(Placement.objects.active().filter(room__site=site, observation_ends_on__lte=day))
        if due:
            placements_release(placements=due, released_at=at, by=self.by)

    def _intake(self, site: Site, day: dt.date) -> None:
        at = self.ctx.at(day, *INTAKE_ROUND)
        if at > self.present:
            return
        arrived = [
            t
            for t in self._due(site, day)
            if t.phase == ObservationPhase.CENTRALIZED and t.placement.starts_at <= at
        ]
        if arrived:
            self._swab(arrived, at, at + dt.timedelta(minutes=15))
            self._report(arrived, self.ctx.at(day + dt.timedelta(days=1), INTAKE_RESULTS))


def last_day_readings(
    ctx: DemoContext, rng: random.Random, sites: list[Site], *, by: User | None
) -> None:
    """Yesterday's and this morning's readings of everyone in the wave's sites (a few have
    not reported yet this morning); nobody has a fever: the year's sites tell that story."""
    yesterday = ctx.today - dt.timedelta(days=1)
    present = min(ctx.now, timezone.now())
    slots = (
        (yesterday, Slot.MORNING, 8),
        (yesterday, Slot.EVENING, 19),
        (ctx.today, Slot.MORNING, 8),
    )
    for placement in Placement.objects.active().filter(room__site__in=sites).order_by("pk"):
        late = rng.random() < 0.05
        for day, slot, hour in slots:
            at = ctx.at(day, hour, rng.randint(0, 50))
            if at < placement.starts_at or at > present or (day == ctx.today and late):
                continue
            observation_record(
                placement=placement,
                day=day,
                slot=slot,
                temperature=f"36.{rng.randint(1, 8)}",
                source=rng.choice([ReportSource.SELF, ReportSource.SELF, ReportSource.STAFF]),
                at=at,
                by=by,
            )
