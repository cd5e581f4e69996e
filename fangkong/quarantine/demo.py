"""Demo quarantine sites: hotels with their floors, a year of batches run through the same
services the staff use (intake, sampling rounds, lab reports, releases), and today's picture:
a batch in observation, readings with a fever and a few missing, tests due, staff in the
closed loop, an inspection with a finding to fix.

The first site is the one of the issue: a 120-room hotel that has taken in 17 batches and
about 2,000 people in a year (at full scale). The demo user `site` works for it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from fangkong.accounts.models import User
from fangkong.accounts.roles import Role
from fangkong.demo.context import DemoContext
from fangkong.facilities.models import ClosedLoopStint, Hospital, HospitalStatus
from fangkong.jurisdictions.models import ResponsibilityKind
from fangkong.jurisdictions.services import unit_create
from fangkong.people.models import Person
from fangkong.quarantine.models import (
    ChecklistItem,
    NucleicAcidTest,
    ObservationCategory,
    ObservationPhase,
    Placement,
    PlacementEnd,
    ReviewFlag,
    ReviewKind,
    RoomKind,
    Sample,
    SampleResult,
    Shift,
    Site,
    SiteStatus,
    Slot,
    StaffRole,
    Symptom,
)
from fangkong.quarantine.services.batches import IntakeEntry, batch_intake
from fangkong.quarantine.services.checklist import finding_fix, inspection_record
from fangkong.quarantine.services.observations import observation_record
from fangkong.quarantine.services.positives import review_flag_upgrade, review_flags_restart
from fangkong.quarantine.services.release import placements_release
from fangkong.quarantine.services.sampling import lab_results_record, sampling_round_record
from fangkong.quarantine.services.sites import rooms_create, site_create
from fangkong.quarantine.services.staff import staff_enter, staff_rotate_out, staff_test_record
from fangkong.quarantine.services.transfers import transfer_decide, transfer_depart

ORDER = 30
LABS = ("市疾病预防控制中心", "金域医学检验所", "华大基因检测实验室")


@dataclass(frozen=True)
class SitePlan:
    name: str
    district: int  # index into the demo's districts
    address: str
    floors: range
    per_floor: int
    batches: int  # over the year, at full scale
    batch_size: int
    status: str = SiteStatus.IN_USE


SITES = [
    SitePlan("锡惠大酒店", 0, "学前街 168 号", range(3, 13), 12, 17, 120),
    SitePlan("太湖饭店", 3, "环湖路 2 号", range(2, 10), 10, 9, 78),
    SitePlan("新吴商务酒店", 4, "长江路 35 号", range(3, 9), 10, 6, 55),
    SitePlan("澄江临港大酒店", 5, "滨江中路 88 号", range(2, 7), 10, 0, 0, SiteStatus.STANDBY),
]
BATCH_EVERY_DAYS = 21
CURRENT_BATCH_DAY = 6  # the current batch arrived six days before today


def _moment(ctx: DemoContext, day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return ctx.at(day, hour, minute)


class _Pool:
    """Residents not yet used, drawn in a seeded order (a person is sent once a year)."""

    def __init__(self, ctx: DemoContext) -> None:
        ids = list(Person.objects.order_by("pk").values_list("pk", flat=True))
        ctx.rng.shuffle(ids)
        self.ids = ids

    def take(self, count: int) -> list[Person]:
        taken, self.ids = self.ids[:count], self.ids[count:]
        by_id = Person.objects.in_bulk(taken)
        return [by_id[pk] for pk in taken]

    def take_free(self, count: int) -> list[Person]:
        """The next `count` residents not inside another workplace's closed loop (a hospital's
        staff may have been drawn from the same residents), passing over the others."""
        taken: list[Person] = []
        while len(taken) < count and self.ids:
            busy = set(
                ClosedLoopStint.objects.open()
                .filter(person_id__in=self.ids[: count - len(taken)])
                .values_list("person_id", flat=True)
            )
            taken.extend(p for p in self.take(count - len(taken)) if p.pk not in busy)
        return taken


def _build_site(ctx: DemoContext, plan: SitePlan, hq: User | None) -> Site:
    district = ctx.districts[plan.district % len(ctx.districts)]
    unit = unit_create(
        name=f"{plan.name}集中隔离点工作专班",
        kind=ResponsibilityKind.ORGANISATION,
        jurisdiction=district,
        contact_name="孙护士长",
        by=hq,
    )
    site = site_create(
        name=plan.name,
        jurisdiction=district,
        address=f"{district.name}{plan.address}",
        operating_unit=unit,
        status=plan.status,
        contact_name="孙护士长",
        contact_phone="0510-8" + f"{ctx.rng.randint(0, 9_999_999):07d}",
        by=hq,
    )
    rooms_create(
        site=site, floors=list(plan.floors), per_floor=plan.per_floor, skip_digits="4", by=hq
    )
    rooms_create(site=site, floors=[1], per_floor=6, kind=RoomKind.STAFF, by=hq)
    return site


def _test_day(ctx: DemoContext, site: Site, day: dt.date, by: User | None) -> None:
    """The morning round for everyone due, a second lab where dual sampling is due; results
    the same afternoon (all negative: positives are placed on purpose)."""
    in_site = Q(placement__ended_at__isnull=True)
    at_home = Q(phase=ObservationPhase.HOME, placement__end_reason=PlacementEnd.RELEASED)
    due = list(
        NucleicAcidTest.objects.open().filter(
            in_site | at_home, placement__room__site=site, due_on=day, samples__isnull=True
        )
    )
    if not due:
        return
    first, second = ctx.rng.sample(LABS, 2)
    sampling_round_record(tests=due, sampled_at=_moment(ctx, day, 7, 30), lab=first, by=by)
    dual = [t for t in due if t.dual_sampling]
    if dual:
        sampling_round_record(tests=dual, sampled_at=_moment(ctx, day, 7, 45), lab=second, by=by)
    if _moment(ctx, day, 16) <= ctx.now:
        pending = list(Sample.objects.filter(test__in=due).pending())
        lab_results_record(
            samples=pending,
            result=SampleResult.NEGATIVE,
            result_at=_moment(ctx, day, 16),
            by=by,
        )


def _entries(ctx: DemoContext, people: list[Person], arrival: dt.date) -> list[IntakeEntry]:
    """Mostly close contacts, some of their secondary contacts, a few travellers; some
    households of two to four."""
    entries: list[IntakeEntry] = []
    closes: list[Person] = []
    household = 0
    index = 0
    while index < len(people):
        person = people[index]
        roll = ctx.rng.random()
        exposure = _moment(ctx, arrival - dt.timedelta(days=ctx.rng.randint(1, 3)), 19)
        if roll < 0.12 and index + 1 < len(people):
            size = min(ctx.rng.randint(2, 4), len(people) - index)
            household += 1
            for member in people[index : index + size]:
                entries.append(
                    IntakeEntry(
                        person=member,
                        category=ObservationCategory.CLOSE_CONTACT,
                        last_exposure_at=exposure,
                        household=f"H{household:03d}",
                        source="流调溯源专班",
                    )
                )
                closes.append(member)
            index += size
            continue
        if roll < 0.8 or not closes:
            entries.append(
                IntakeEntry(
                    person=person,
                    category=ObservationCategory.CLOSE_CONTACT,
                    last_exposure_at=exposure,
                    source="流调溯源专班",
                )
            )
            closes.append(person)
        elif roll < 0.95:
            entries.append(
                IntakeEntry(
                    person=person,
                    category=ObservationCategory.SECONDARY_CONTACT,
                    last_exposure_at=exposure + dt.timedelta(hours=2),
                    exposed_via=ctx.rng.choice(closes),
                    source="流调溯源专班",
                )
            )
        else:
            entries.append(
                IntakeEntry(
                    person=person,
                    category=ObservationCategory.INBOUND_TRAVELLER,
                    arrival_at=_moment(ctx, arrival, 6),
                    source="入境闭环转运",
                )
            )
        index += 1
    return entries


def _positive(
    ctx: DemoContext,
    site: Site,
    placement: Placement,
    day: dt.date,
    by: User | None,
    *,
    handled: bool,
) -> None:
    """A close contact positive on a test day. Handled: the floors around restarted, linked
    secondary contacts upgraded, the person transferred. Not handled (yesterday's): the
    alert, the review and the transfer wait for the staff."""
    test = NucleicAcidTest.objects.open().filter(placement=placement, due_on__gte=day).first()
    hospital = Hospital.objects.filter(status=HospitalStatus.RECEIVING).order_by("pk").first()
    if test is None or (handled and hospital is None):
        return  # without a hospital to take them, a past positive would hold a room forever
    NucleicAcidTest.objects.filter(pk=test.pk).update(due_on=day)
    [sample] = sampling_round_record(
        tests=[test], sampled_at=_moment(ctx, day, 7), lab=LABS[0], by=by
    )
    lab_results_record(
        samples=[sample], result=SampleResult.POSITIVE, result_at=_moment(ctx, day, 12), by=by
    )
    if not handled:
        return
    assert hospital is not None
    review_flags_restart(site=site, source_person=placement.person, at=_moment(ctx, day, 13), by=by)
    for flag in ReviewFlag.objects.filter(
        kind=ReviewKind.LINKED_POSITIVE, source_person=placement.person, resolved_at__isnull=True
    ):
        review_flag_upgrade(flag=flag, at=_moment(ctx, day, 13), by=by)
    transfer = transfer_decide(
        placement=placement,
        hospital=hospital,
        decided_at=_moment(ctx, day, 13),
        reason="核酸阳性",
        positive_sample=sample,
        by=by,
    )
    transfer_depart(
        transfer=transfer, departed_at=_moment(ctx, day, 14), vehicle="苏B·120负压", by=by
    )


def _run_year(ctx: DemoContext, site: Site, plan: SitePlan, pool: _Pool, by: User | None) -> None:
    count = ctx.scaled(plan.batches, minimum=2)
    first_arrival = ctx.today - dt.timedelta(
        days=CURRENT_BATCH_DAY + BATCH_EVERY_DAYS * (count - 1)
    )
    positive_batch = count // 3
    for number in range(count):
        arrival = first_arrival + dt.timedelta(days=BATCH_EVERY_DAYS * number)
        size = ctx.scaled(plan.batch_size - ctx.rng.randint(0, 8), minimum=3)
        people = pool.take(size)
        if not people:
            return
        result = batch_intake(
            site=site,
            entries=_entries(ctx, people, arrival),
            arrived_at=_moment(ctx, arrival, 10),
            source=f"第 {number + 1} 批 · 流调溯源专班",
            by=by,
        )
        last = number == count - 1
        end = ctx.today if last else arrival + dt.timedelta(days=BATCH_EVERY_DAYS - 1)
        day = arrival
        while day <= end:
            if number == positive_batch and day == arrival + dt.timedelta(days=3):
                _positive(ctx, site, result.placements[0], day, by, handled=True)
            if last and plan is SITES[0] and day == ctx.today - dt.timedelta(days=1):
                _positive(ctx, site, result.placements[-1], day, by, handled=False)
            _test_day(ctx, site, day, by)
            release_at = _moment(ctx, day, 16)
            if release_at <= ctx.now:
                due = list(
                    Placement.objects.active().filter(room__site=site, observation_ends_on__lte=day)
                )
                if due:
                    placements_release(placements=due, released_at=release_at, by=by)
            day += dt.timedelta(days=1)


def _readings(ctx: DemoContext, site: Site, by: User | None) -> None:
    """Yesterday's and this morning's readings: one fever last evening, a cough, and a few
    people who have not reported this morning."""
    present = list(Placement.objects.active().filter(room__site=site).order_by("pk"))
    if not present:
        return
    yesterday = ctx.today - dt.timedelta(days=1)
    feverish = present[len(present) // 2]
    coughing = present[len(present) // 3]
    missing = set(ctx.rng.sample([p.pk for p in present], min(len(present), 3)))
    for placement in present:
        for day, slot, hour in (
            (yesterday, Slot.MORNING, 8),
            (yesterday, Slot.EVENING, 19),
            (ctx.today, Slot.MORNING, 8),
        ):
            if day == ctx.today and placement.pk in missing:
                continue
            if day < timezone.localdate(placement.starts_at):
                continue
            fever = placement == feverish and slot == Slot.EVENING
            temperature = "37.8" if fever else f"36.{ctx.rng.randint(1, 8)}"
            observation_record(
                placement=placement,
                day=day,
                slot=slot,
                temperature=temperature,
                symptoms=[Symptom.COUGH] if placement == coughing and day == ctx.today else [],
                source=ctx.rng.choice(["self", "self", "staff"]),
                at=_moment(ctx, day, hour, ctx.rng.randint(0, 50)),
                by=by,
            )


def _staff(ctx: DemoContext, site: Site, pool: _Pool, by: User | None) -> None:
    roles = [
        (StaffRole.MEDICAL, 6), (StaffRole.MANAGEMENT, 2), (StaffRole.SECURITY, 4),
        (StaffRole.CLEANING, 4), (StaffRole.CATERING, 3), (StaffRole.LOGISTICS, 2),
        (StaffRole.LIAISON, 1),
    ]  # fmt: skip
    members = []
    for role, full in roles:
        for person in pool.take_free(ctx.scaled(full, minimum=1)):
            entered = ctx.now - dt.timedelta(days=ctx.rng.randint(5, 27), hours=2)
            members.append(
                staff_enter(
                    site=site,
                    person=person,
                    role=role,
                    shift=ctx.rng.choice(list(Shift)),
                    entered_at=entered,
                    by=by,
                )
            )
    for index, member in enumerate(members):
        day = member.entered_at
        # Everyone tested every other day, except the last one, who has missed a test.
        gap = dt.timedelta(days=2)
        missed = index == len(members) - 1
        stop = ctx.now - (dt.timedelta(days=4) if missed else dt.timedelta(hours=2))
        while day + gap <= stop:
            day += gap
            staff_test_record(
                member=member,
                sampled_at=day,
                lab=LABS[0],
                result=SampleResult.NEGATIVE,
                result_at=day + dt.timedelta(hours=6),
                by=by,
            )
    if len(members) > 2:
        staff_rotate_out(member=members[0], left_at=ctx.now - dt.timedelta(days=3), by=by)


def _inspections(ctx: DemoContext, site: Site, by: User | None) -> None:
    all_pass = {item.value: True for item in ChecklistItem}
    earlier = inspection_record(
        site=site,
        inspected_at=ctx.now - dt.timedelta(days=12, hours=1),
        results={**all_pass, ChecklistItem.WASTE_HANDLING: False},
        problems={ChecklistItem.WASTE_HANDLING: "医疗废物暂存点未张贴警示标识，转运记录不全"},
        note="四不两直暗访",
        by=by,
    )
    for finding in earlier.findings.all():
        finding_fix(
            finding=finding,
            note="已张贴标识，补齐交接登记",
            fixed_at=ctx.now - dt.timedelta(days=10),
            by=by,
        )
    inspection_record(
        site=site,
        inspected_at=ctx.now - dt.timedelta(days=1, hours=3),
        results={**all_pass, ChecklistItem.SEPARATE_CHANNELS: False},
        problems={ChecklistItem.SEPARATE_CHANNELS: "3 层清洁通道与污染通道交叉，需物理隔断"},
        by=by,
    )


@transaction.atomic
def build(ctx: DemoContext) -> None:
    hq = ctx.users.get(Role.HQ_ADMIN)
    staff_user = ctx.users.get(Role.SITE_STAFF)
    inspector = ctx.users.get(Role.INSPECTOR) or hq
    pool = _Pool(ctx)
    sites: list[Site] = []
    for plan in ctx.progress(SITES, "集中隔离点"):
        site = _build_site(ctx, plan, hq)
        sites.append(site)
        if plan.status != SiteStatus.IN_USE:
            continue
        by = staff_user if not sites[1:] else hq
        _run_year(ctx, site, plan, pool, by)
        _readings(ctx, site, by)
        _staff(ctx, site, pool, by)
        _inspections(ctx, site, inspector)
    if staff_user is not None and sites and sites[0].operating_unit is not None:
        # The demo's site staff work for the first site (they land on its page).
        User.objects.filter(pk=staff_user.pk).update(
            unit=sites[0].operating_unit, jurisdiction=sites[0].jurisdiction
        )
    ctx.shared["quarantine"] = {"sites": [s.pk for s in sites]}
