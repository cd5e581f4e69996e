"""The machinery of the demo outbreak (demo.py tells the story): the story's check-ins,
registering and investigating its cases, working through a case's list, placing contacts in
free quarantine rooms when the city has sites (at home otherwise), and keeping people who
are held from scanning venue codes."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Count, Max, Q
from django.utils import timezone

from fangkong.accounts.models import User
from fangkong.accounts.roles import Role
from fangkong.cases.demo_people import StoryPeople
from fangkong.cases.models import Case, Contact, ContactDegree, ContactStatus
from fangkong.cases.services.cases import case_register
from fangkong.cases.services.contacts import (
    contact_confirm,
    contact_control_record,
    contact_dismiss,
    contact_notify,
    contact_place,
    free_rooms,
)
from fangkong.cases.services.investigations import (
    investigation_complete,
    investigation_update,
    itinerary_add,
    itinerary_from_checkins,
)
from fangkong.core.errors import Conflict
from fangkong.demo.context import DemoContext
from fangkong.people.custody import current_place
from fangkong.people.models import Person
from fangkong.quarantine.models import Placement, PlacementEnd, Site, SiteStatus
from fangkong.quarantine.services.placements import placement_end
from fangkong.venues.models import CheckIn, CheckInSource, Venue, VenueCategory

HOME = "居家隔离（门磁、社区网格员每日上门）"
SECONDARIES_WORKED = 120


class Story:
    def __init__(self, ctx: DemoContext, people: StoryPeople, venues: dict[str, Venue]) -> None:
        self.ctx = ctx
        self.people = people
        self.venues = venues
        self.present = min(ctx.now, timezone.now() - dt.timedelta(minutes=5))
        self.investigator: User | None = ctx.users.get(Role.INVESTIGATOR)
        self.officer: User | None = ctx.users.get(Role.DISTRICT_OFFICER)
        self.rooms = _RoomPicker()

    def day(self, offset: int, hour: int, minute: int = 0) -> dt.datetime:
        return self.ctx.at(self.ctx.today + dt.timedelta(days=offset), hour, minute)

    def ago(self, hours: float) -> dt.datetime:
        return self.present - dt.timedelta(hours=hours)

    # --- check-ins ------------------------------------------------------------------------
    def scans(self) -> None:
        p, v = self.people, self.venues
        rows: list[tuple[Person, str, tuple[int, int, int], tuple[int, int, int] | None]] = [
            (p.a, "bar", (-6, 20, 0), (-6, 23, 30)),
            (p.b[0], "bar", (-6, 20, 30), (-6, 23, 45)),
            (p.b[1], "bar", (-6, 21, 0), None),
            (p.b[2], "bar", (-6, 22, 0), (-6, 23, 0)),
            (p.b[3], "bar", (-6, 19, 30), (-6, 20, 40)),
            (p.b[4], "bar", (-6, 22, 40), (-6, 23, 50)),
            (p.b[5], "bar", (-6, 21, 15), (-6, 22, 15)),
            (p.brief[0], "bar", (-6, 23, 20), (-6, 23, 50)),
            (p.brief[1], "bar", (-6, 19, 50), (-6, 20, 30)),
            (p.a, "market", (-4, 8, 0), (-4, 8, 30)),
            (p.b[1], "market", (-4, 8, 5), (-4, 8, 45)),
            (p.b[2], "market", (-5, 8, 0), (-5, 8, 40)),
            (p.b[3], "restaurant", (-4, 18, 0), (-4, 19, 30)),
            (p.b[4], "market", (-5, 17, 0), (-5, 17, 40)),
            (p.b[5], "restaurant", (-5, 19, 0), (-5, 20, 30)),
            (p.b[0], "restaurant", (-5, 12, 0), (-5, 13, 30)),
            (p.c[0], "restaurant", (-5, 12, 5), (-5, 13, 20)),
            (p.c[1], "restaurant", (-5, 12, 10), (-5, 13, 0)),
            (p.c[2], "restaurant", (-5, 12, 30), (-5, 13, 30)),
            (p.c[0], "ktv", (-4, 19, 0), (-4, 22, 30)),
            (p.d[0], "ktv", (-4, 19, 30), (-4, 22, 0)),
            (p.d[1], "ktv", (-4, 20, 0), (-4, 23, 0)),
        ]
        CheckIn.objects.bulk_create(
            CheckIn(
                person=person,
                venue=v[venue],
                check_in=self.day(*start),
                check_out=self.day(*end) if end else None,
                source=CheckInSource.VENUE_CODE,
            )
            for person, venue, start, end in rows
        )

    def quiet(self, person_id: int, since: dt.datetime, until: dt.datetime | None = None) -> None:
        """Nobody held in a site, a hospital or at home scans a venue code: the background
        scans the venues demo gave this resident for that time are taken back."""
        held = CheckIn.objects.filter(person_id=person_id, check_in__gte=since)
        if until is not None:
            held = held.filter(check_in__lt=until)
        held.delete()
        CheckIn.objects.filter(person_id=person_id, check_in__lt=since, check_out__gt=since).update(
            check_out=since
        )

    def quiet_held(self) -> None:
        """Nobody scans while in a quarantine site or a hospital (the venues demo drew the
        check-ins before those areas placed anyone)."""
        since = self.day(-30, 0)
        placed = (
            Placement.objects.filter(Q(ended_at__isnull=True) | Q(ended_at__gt=since))
            .order_by("pk")
            .values_list("person_id", "starts_at", "ended_at")
        )
        for person_id, starts, ends in placed:
            self.quiet(person_id, starts, ends)
        patients = self.ctx.shared.get("hospitals", {}).get("patients", [])
        for person in Person.objects.filter(pk__in=patients).order_by("pk"):
            place = current_place(person)
            if place is not None and place.since is not None:
                self.quiet(person.pk, place.since)

    def quiet_controlled(self, case: Case) -> None:
        for contact in Contact.objects.filter(case=case, controlled_at__isnull=False):
            assert contact.controlled_at is not None
            self.quiet(contact.person_id, contact.controlled_at, contact.released_at)

    # --- the cases --------------------------------------------------------------------------
    def register(self, person: Person, **fields: Any) -> Case:
        return case_register(person=person, by=self.investigator, **fields)

    def investigate(self, case: Case, *, complete_at: dt.datetime | None, source: str) -> None:
        investigation = case.investigation
        investigation_update(
            investigation=investigation,
            investigator=self.investigator,
            likely_source=source,
            summary="",
            by=self.investigator,
            at=case.reported_at or case.detected_at,
        )
        itinerary_from_checkins(investigation=investigation, by=self.investigator)
        if complete_at is None:
            return
        found = case.detected_at or complete_at
        itinerary_add(
            investigation=investigation,
            starts_at=found - dt.timedelta(hours=30),
            ends_at=found - dt.timedelta(hours=20),
            place="家中",
            activity="居家",
            companions="家人",
            by=self.investigator,
        )
        investigation_update(
            investigation=investigation,
            investigator=self.investigator,
            likely_source=source,
            summary="活动轨迹已核实，密接、次密接已全部判定并推送属地管控。",
            by=self.investigator,
        )
        investigation_complete(investigation=investigation, by=self.investigator, at=complete_at)

    def control(self, contact: Contact, at: dt.datetime) -> None:
        """Into a free quarantine room when the city has one, at home otherwise."""
        contact = Contact.objects.get(pk=contact.pk)
        if not contact.awaits_control:
            return
        if self.rooms.place(contact, at, by=self.officer):
            return
        contact_control_record(contact=contact, note=HOME, at=at, by=self.officer)

    def work_through(
        self,
        case: Case,
        *,
        confirm_at: dt.datetime,
        notify_at: dt.datetime,
        control_at: dt.datetime | None,
        rng: random.Random,
        behind: int = 0,
    ) -> None:
        """Confirm, dismiss or leave each proposal, then notify and control the confirmed;
        the story's own people always go the whole way, a few others stay behind."""
        story = self.people.story_ids
        infected = set(Case.objects.infected().values_list("person_id", flat=True))
        contacts = list(
            Contact.objects.filter(case=case, status=ContactStatus.PROPOSED).order_by(
                "degree", "first_exposure", "person_id"
            )
        )
        # Secondaries beyond the first few dozen are still being checked (a big list).
        room_for = self.ctx.scaled(SECONDARIES_WORKED, minimum=12)
        for index, contact in enumerate(contacts):
            if contact.person_id in self.people.brief_ids:
                continue  # on the list, still to be checked
            if contact.degree == ContactDegree.SECONDARY and contact.person_id not in story:
                if room_for <= 0:
                    continue
                room_for -= 1
            if contact.person_id in infected:
                held = contact_confirm(contact=contact, at=confirm_at, by=self.investigator)
                if held.awaits_control:
                    contact_control_record(
                        contact=held,
                        note="已确诊，定点医院隔离治疗",
                        at=confirm_at,
                        by=self.officer,
                    )
            elif contact.person_id not in story and (
                contact.degree == ContactDegree.SECONDARY and index % 9 == 4
            ):
                contact_dismiss(
                    contact=contact,
                    reason="经核实为场所员工代扫码，本人未到场",
                    at=confirm_at,
                    by=self.investigator,
                )
            elif (
                contact.person_id in story
                or contact.degree == ContactDegree.CLOSE
                or rng.random() < 0.85
            ):
                contact_confirm(contact=contact, at=confirm_at, by=self.investigator)
        for contact in Contact.objects.filter(case=case, status=ContactStatus.IDENTIFIED):
            contact_notify(contact=contact, note="电话通知本人", at=notify_at, by=self.officer)
        if control_at is None:
            return
        waiting = sorted(
            Contact.objects.filter(case=case, status=ContactStatus.NOTIFIED),
            key=lambda c: (c.person_id not in story, c.degree, c.pk),
        )
        # `behind` of them stay on the overdue list: the district has not reached them yet.
        for contact in waiting[: max(1, len(waiting) - behind)]:
            self.control(contact, control_at + dt.timedelta(minutes=contact.degree * 40))
        self.quiet_controlled(case)


class _RoomPicker:
    """Free rooms of the sites in use, one person each, never back into a room's past."""

    def __init__(self) -> None:
        self.free = [
            room
            for site in Site.objects.filter(status=SiteStatus.IN_USE).order_by("name")
            for room in free_rooms(site)
        ]

    def place(self, contact: Contact, at: dt.datetime, *, by: User | None) -> bool:
        while self.free:
            room = self.free.pop(0)
            last = Placement.objects.filter(room=room).aggregate(last=Max("ended_at"))["last"]
            if last is not None and last > at:
                continue
            try:
                contact_place(contact=contact, room=room, at=at, by=by)
            except (ValidationError, Conflict):
                continue
            return True
        return False


def _ordinary(candidates: list[Venue], rng: random.Random, busier: float = 0.5) -> Venue | None:
    """A venue of ordinary trade (by default the median one; `busier` picks a higher rank),
    so that the story is neither alone nor lost in the crowd of the city's busiest places."""
    if not candidates:
        return None
    visits = dict(
        CheckIn.objects.filter(venue__in=candidates)
        .values_list("venue_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    busy = sorted((v for v in candidates if visits.get(v.pk)), key=lambda v: (visits[v.pk], v.pk))
    if not busy:
        return rng.choice(sorted(candidates, key=lambda v: v.pk))
    return busy[min(len(busy) - 1, int(len(busy) * busier))]


def venues_for(ctx: DemoContext, rng: random.Random) -> dict[str, Venue] | None:
    bars = list(Venue.objects.filter(pk__in=ctx.shared.get("venues", {}).get("bars", [])))
    home = ctx.districts[0] if ctx.districts else None
    local = [b for b in bars if home is not None and b.jurisdiction.path.startswith(home.path)]
    bar = _ordinary(local or bars, rng)
    if bar is None:
        return None
    area = (bar.jurisdiction.district() or bar.jurisdiction).path
    chosen = {"bar": bar}
    for key, category, busier in (
        ("restaurant", VenueCategory.RESTAURANT, 0.8),
        ("ktv", VenueCategory.KTV, 0.5),
        ("market", VenueCategory.MARKET, 0.8),
    ):
        nearby = list(Venue.objects.filter(category=category, jurisdiction__path__startswith=area))
        anywhere = nearby or list(Venue.objects.filter(category=category))
        chosen[key] = _ordinary(anywhere, rng, busier) or bar
    return chosen


def controlled_at(person: Person) -> dt.datetime | None:
    held = Contact.objects.filter(person=person, controlled_at__isnull=False).order_by(
        "controlled_at"
    )
    first = held.first()
    return first.controlled_at if first is not None else None


def transfer(person: Person, at: dt.datetime) -> None:
    """A positive in a site goes to the designated hospital (closed-loop transfer)."""
    placement = Placement.objects.filter(person=person, ended_at__isnull=True).first()
    if placement is not None and placement.starts_at <= at:
        placement_end(placement=placement, ended_at=at, reason=PlacementEnd.TRANSFERRED, by=None)
