"""The demo city's month before today: a Delta wave, as a Jiangsu city lived it in 2021.

The wave's index case was found 29 days before the demo's today; for a fortnight a few cases a
day followed, then the wave took the Delta pace, doubling in five or six days. Each day:

- the close contacts placed a week earlier who tested positive in their site are cases, taken
  to the designated hospital in a closed-loop transfer;
- the other cases are found in the community (fever clinics, screening, mass testing), most of
  them confirmed with an onset a few days earlier, some asymptomatic; each is reported,
  investigated, and its close contacts are named in the interview, told, and placed in a free
  room of the wave's sites (at home when there is none), most within the 12 hours, some late;
- the sites take their rounds of tests and release those whose period is over.

All through the cases and quarantine services; hospitals/demo/history.py admits the cases.
The wave's people are residents nothing else in the demo holds; a miniature keeps its shape.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from collections import defaultdict
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from fangkong.accounts.models import User
from fangkong.accounts.roles import Role
from fangkong.cases.demo_story import HOME
from fangkong.cases.models import Case, Contact, ContactCategory, ContactDegree
from fangkong.cases.services.cases import case_register
from fangkong.cases.services.contacts import (
    contact_add,
    contact_control_record,
    contact_notify,
    contact_place,
    contact_release,
)
from fangkong.cases.services.investigations import (
    investigation_complete,
    investigation_update,
    itinerary_add,
)
from fangkong.demo.context import DemoContext
from fangkong.facilities.models import ClosedLoopStint, Hospital
from fangkong.jurisdictions.models import Jurisdiction
from fangkong.people.models import Person
from fangkong.quarantine.demo_history import (
    SiteDays,
    free_room,
    last_day_readings,
    wave_sites_create,
)
from fangkong.quarantine.models import Placement, Site
from fangkong.quarantine.services.transfers import transfer_decide, transfer_depart
from fangkong.venues.models import CheckIn

ORDER = 45  # after the story (its people are taken), before the hospitals' history
DAYS = 29  # the wave's days: T-29 to yesterday
EARLY_DAYS = 15  # a few cases a day, doubling in about ten days ...
EARLY_START, EARLY_DOUBLING = 1.2, 10.0
LATE_DOUBLING = 5.5  # ... then the Delta pace, over the last fortnight
# A miniature keeps at least this share of the wave, and a case on every day of its last
# fortnight, so that its trend still has a shape.
MINIATURE_SHARE = 0.15
CONTACTS = (2, 7)  # close contacts named for a case found in the community
COMMUNITY_LEAST = 0.35  # the least share of a day's cases found in the community
POSITIVE_IN_SITE = 0.2  # the share of placed contacts who test positive in their site
POSITIVE_DAYS = (5, 6, 6, 6, 8, 9, 11)  # days after arrival (from the fifth: tracing is done)
CONTROL_LATE = 0.12  # the share of contacts put under control after the 12 hours
DISTRICT_WEIGHTS = (3, 2, 4, 1, 1, 0.5, 0.5)  # by the demo's districts: Huishan the worst
FOUND = (
    ("发热门诊就诊，核酸阳性", 0.9),  # how, and the share of them confirmed
    ("社区重点人群核酸筛查阳性", 0.5),
    ("全员核酸检测混采阳性，单管复核阳性", 0.3),
)
MASS_TESTING_FROM = 10  # days before today: the rounds of mass testing began
OTHERS = (
    (ContactCategory.WORKPLACE, "同一办公室工作"), (ContactCategory.OTHER, "棋牌室同桌"),
    (ContactCategory.MEAL_ENTERTAINMENT, "发病前共同就餐"),
    (ContactCategory.VEHICLE, "同乘一辆车，未全程佩戴口罩"),
)  # fmt: skip


def expected_cases(index: int) -> float:
    """New cases expected on the wave's day `index` (0: its first) in the full demo city."""
    if index < EARLY_DAYS:
        return EARLY_START * 2 ** (index / EARLY_DOUBLING)
    turn = EARLY_START * 2 ** (EARLY_DAYS / EARLY_DOUBLING)
    return turn * 2 ** ((index - EARLY_DAYS) / LATE_DOUBLING)


def _poisson(rng: random.Random, mean: float) -> int:
    limit, count, product = math.exp(-mean), 0, rng.random()
    while product > limit:
        count += 1
        product *= rng.random()
    return count


def _hours(low: float, high: float, rng: random.Random) -> dt.timedelta:
    return dt.timedelta(minutes=round(rng.uniform(low, high) * 60))


@dataclass
class _Residents:
    """Residents nothing else in the demo holds, by district, in a seeded order."""

    by_district: dict[int, list[Person]] = field(default_factory=dict)
    district_of: dict[int, int] = field(default_factory=dict)  # person -> district

    @classmethod
    def of(cls, ctx: DemoContext, rng: random.Random) -> _Residents:
        taken = set(Placement.objects.values_list("person_id", flat=True))
        taken |= set(Case.objects.values_list("person_id", flat=True))
        taken |= set(Contact.objects.values_list("person_id", flat=True))
        taken |= set(ClosedLoopStint.objects.values_list("person_id", flat=True))
        taken |= set(ctx.shared.get("hospitals", {}).get("patients", []))
        paths = [(i, d.path) for i, d in enumerate(ctx.districts)]
        residents = cls({i: [] for i, _path in paths})
        people = Person.objects.filter(home_jurisdiction__isnull=False).select_related(
            "home_jurisdiction"
        )
        for person in people.order_by("pk"):
            home = person.home_jurisdiction
            if person.pk in taken or home is None:
                continue
            for index, path in paths:
                if home.path.startswith(path):
                    residents.by_district[index].append(person)
                    residents.district_of[person.pk] = index
        for people_of in residents.by_district.values():
            rng.shuffle(people_of)
        return residents

    def take(self, district: int, *, near: Jurisdiction | None = None) -> Person | None:
        """A resident of the district (of the same community as `near` when there is one),
        else of any district."""
        pool = self.by_district.get(district) or []
        for position, person in enumerate(pool):
            if near is None or person.home_jurisdiction_id == near.pk:
                return pool.pop(position)
        for people in self.by_district.values():
            if people:
                return people.pop(0)
        return None


class Wave:
    def __init__(self, ctx: DemoContext, rng: random.Random, sites: list[Site]) -> None:
        self.ctx, self.rng, self.sites = ctx, rng, sites
        self.scale = max(ctx.scale, MINIATURE_SHARE)
        self.present = min(ctx.now, timezone.now())
        self.investigator: User | None = ctx.users.get(Role.INVESTIGATOR)
        self.officer: User | None = ctx.users.get(Role.DISTRICT_OFFICER)
        self.residents = _Residents.of(ctx, rng)
        self.days = SiteDays(ctx, rng, sites, by=ctx.users.get(Role.HQ_ADMIN))
        no5 = ctx.shared.get("hospitals", {}).get("no5")
        self.hospital = Hospital.objects.filter(pk=no5).first() if no5 else None
        self.positive_on: dict[dt.date, list[Placement]] = defaultdict(list)
        self.at_home: list[tuple[Contact, dt.datetime]] = []
        self.cases: list[Case] = []
        self.transfers: dict[int, int] = {}  # case -> its closed-loop transfer

    def run(self) -> None:
        first = self.ctx.today - dt.timedelta(days=DAYS)
        for index in range(DAYS + 1):
            day = first + dt.timedelta(days=index)
            found = self._positives_in_sites(day)
            if index < DAYS:
                wanted = _poisson(self.rng, expected_cases(index) * self.scale)
                if index == 0 or index >= DAYS - 14:
                    wanted = max(wanted, 1)
                # Some are found in the community every day, however many the sites found.
                for _n in range(max(wanted - found, round(wanted * COMMUNITY_LEAST))):
                    self._community_case(day, index)
            self.days.rounds(day)
            self.days.intake(day)
        for contact, until in self.at_home:
            if until <= self.present:
                contact_release(
                    contact=contact, at=until, note="14 天居家隔离期满，核酸均阴性", by=self.officer
                )

    # --- cases found in the community ------------------------------------------------------
    def _community_case(self, day: dt.date, index: int) -> None:
        rng = self.rng
        district = rng.choices(range(len(DISTRICT_WEIGHTS)), DISTRICT_WEIGHTS)[0]
        person = self.residents.take(district)
        if person is None:
            return
        detected = self.ctx.at(day, rng.randint(7, 21), rng.randint(0, 59))
        mass = (self.ctx.today - day).days <= MASS_TESTING_FROM
        note, confirmed_share = rng.choice(FOUND if mass else FOUND[:2])
        if index == 0:
            note, confirmed_share = "外地返锡人员，发热门诊就诊，核酸阳性", 1.0
        confirmed = rng.random() < confirmed_share
        late = rng.random() < 0.06
        case = case_register(
            person=person,
            classification="confirmed" if confirmed else "asymptomatic",
            detected_at=detected,
            onset_date=day - dt.timedelta(days=rng.randint(0, 3)) if confirmed else None,
            sampling_date=day,
            reported_at=detected + (_hours(2.5, 6, rng) if late else _hours(0.3, 1.7, rng)),
            isolated_at=detected,
            detection_note=note,
            by=self.investigator,
        )
        source = "外省关联疫情输入" if index == 0 else "本轮疫情社区传播，与既往病例关联待查"
        self._investigate(case, source=source, place="家中及工作单位")
        self.cases.append(case)
        for contact in self._contacts(case, person, detected):
            self._control(contact)

    def _contacts(self, case: Case, person: Person, detected: dt.datetime) -> list[Contact]:
        rng = self.rng
        count = max(1, round(rng.randint(*CONTACTS) * self.scale))
        household = min(count, rng.randint(1, 3))
        district = self.residents.district_of.get(person.pk, 0)
        home = person.home_jurisdiction
        contacts: list[Contact] = []
        for number in range(count):
            at = detected + _hours(2, 16, rng)
            if at > self.present:
                break
            near = home if number < household else None
            other = self.residents.take(district, near=near)
            if other is None:
                break
            if number < household:
                category, evidence = ContactCategory.HOUSEHOLD, "与病例共同居住"
                exposed = detected - _hours(1, 8, rng)
            else:
                category, evidence = rng.choice(OTHERS)
                exposed = detected - _hours(12, 72, rng)
            contacts.append(
                contact_add(
                    case=case,
                    person=other,
                    degree=ContactDegree.CLOSE,
                    category=category,
                    evidence=evidence,
                    last_exposure=exposed,
                    at=at,
                    by=self.investigator,
                )
            )
        return contacts

    def _control(self, contact: Contact) -> None:
        rng = self.rng
        assert contact.identified_at is not None
        late = rng.random() < CONTROL_LATE
        delay = _hours(13, 30, rng) if late else _hours(1.5, 11, rng)
        at = contact.identified_at + delay
        local = timezone.localtime(at)
        if local.hour == 23 and local.minute >= 30:  # after the sites' evening round
            at += dt.timedelta(minutes=40)
        told = contact.identified_at + min(_hours(0.3, 2, rng), delay / 2)
        if told > self.present:
            return
        contact = contact_notify(contact=contact, note="电话通知本人", at=told, by=self.officer)
        if at > self.present:
            return  # still waiting at the present: the pipeline the forecast counts
        room = free_room(self.sites, at)
        if room is None:
            contact_control_record(contact=contact, note=HOME, at=at, by=self.officer)
            exposed = contact.last_exposure or at
            until = self.ctx.at(timezone.localdate(exposed) + dt.timedelta(days=14), 18)
            self.at_home.append((contact, max(until, at)))
            return
        placement = contact_place(contact=contact, room=room, at=at, by=self.officer)
        if rng.random() < POSITIVE_IN_SITE:
            start = timezone.localdate(placement.starts_at)
            self.positive_on[start + dt.timedelta(days=rng.choice(POSITIVE_DAYS))].append(placement)

    # --- cases found in the sites ----------------------------------------------------------
    def _positives_in_sites(self, day: dt.date) -> int:
        found = 0
        for placement in self.positive_on.pop(day, []):
            placement.refresh_from_db()
            detected = self.ctx.at(day, 11, self.rng.randint(0, 59))
            ends = placement.observation_ends_on
            if placement.ended_at is not None or (ends is not None and day >= ends):
                continue
            if detected > self.present or self.hospital is None:
                continue
            self._positive_in_site(placement, day, detected)
            found += 1
        return found

    def _positive_in_site(self, placement: Placement, day: dt.date, detected: dt.datetime) -> None:
        rng = self.rng
        confirmed = rng.random() < 0.4
        stay = (day - timezone.localdate(placement.starts_at)).days + 1
        site, room = placement.room.site, placement.room.number
        case = case_register(
            person=placement.person,
            classification="confirmed" if confirmed else "asymptomatic",
            detected_at=detected,
            onset_date=day if confirmed else None,
            sampling_date=day,
            reported_at=detected + _hours(0.3, 1.5, rng),
            detection_note=f"集中隔离第 {stay} 天核酸检测阳性（{site.name} {room}）",
            by=self.investigator,
        )
        assert self.hospital is not None
        transfer = transfer_decide(
            placement=placement,
            hospital=self.hospital,
            decided_at=detected + dt.timedelta(minutes=30),
            reason="集中隔离期间核酸检测阳性",
            by=self.days.by,
        )
        transfer_depart(
            transfer=transfer,
            departed_at=detected + _hours(1, 2, rng),
            vehicle="苏B·120负压",
            by=self.days.by,
        )
        origin = Contact.objects.filter(person=placement.person).select_related("case").first()
        source = f"病例 {origin.case.number} 的密切接触者" if origin else "集中隔离期间检出"
        self._investigate(case, source=source, place=f"{site.name}（集中隔离）")
        self.cases.append(case)
        self.transfers[case.pk] = transfer.pk

    def _investigate(self, case: Case, *, source: str, place: str) -> None:
        rng = self.rng
        assert case.detected_at is not None and case.reported_at is not None
        investigation = investigation_update(
            investigation=case.investigation,
            investigator=self.investigator,
            likely_source=source,
            summary="",
            by=self.investigator,
            at=case.reported_at,
        )
        itinerary_add(
            investigation=investigation,
            starts_at=case.detected_at - dt.timedelta(days=2),
            ends_at=case.detected_at - dt.timedelta(hours=2),
            place=place,
            activity="发病前两天活动轨迹（经核实）",
            by=self.investigator,
        )
        done = case.reported_at + (
            _hours(25, 40, rng) if rng.random() < 0.08 else _hours(6, 20, rng)
        )
        if done > self.present:
            return
        investigation_update(
            investigation=investigation,
            investigator=self.investigator,
            likely_source=source,
            summary="活动轨迹已核实，密切接触者已判定并推送属地管控。",
            by=self.investigator,
        )
        investigation_complete(investigation=investigation, by=self.investigator, at=done)

    # --- nobody held scans a venue code ----------------------------------------------------
    def quiet(self) -> None:
        held: list[tuple[int, dt.datetime | None, dt.datetime | None]] = [
            (case.person_id, case.isolated_at or case.detected_at, None) for case in self.cases
        ]
        held += Contact.objects.filter(
            case__in=self.cases, controlled_at__isnull=False
        ).values_list("person_id", "controlled_at", "released_at")
        for person, since, until in held:
            if since is None:
                continue
            stays = CheckIn.objects.filter(person_id=person, check_in__gte=since)
            if until is not None:
                stays = stays.filter(check_in__lt=until)
            stays.delete()
            CheckIn.objects.filter(
                person_id=person, check_in__lt=since, check_out__gt=since
            ).update(check_out=since)


@transaction.atomic
def build(ctx: DemoContext) -> None:
    # A stream of its own, seeded from the shared one without drawing from it (as the story).
    rng = random.Random("wave:" + ",".join(str(n) for n in ctx.rng.getstate()[1][:8]))
    if not ctx.districts:
        return
    scale = max(ctx.scale, MINIATURE_SHARE)
    sites = wave_sites_create(ctx, rng, scale=scale, by=ctx.users.get(Role.HQ_ADMIN))
    wave = Wave(ctx, rng, sites)
    wave.run()
    wave.quiet()
    last_day_readings(ctx, rng, sites, by=wave.days.by)
    ctx.shared["cases_history"] = {
        "cases": [case.pk for case in wave.cases],
        "transfers": wave.transfers,
        "sites": [site.pk for site in sites],
    }
