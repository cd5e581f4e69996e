"""Who the demo outbreak happens to: residents of the bar's district who are free (nobody in a
site or a hospital now, nobody already a case), and a household registered for the story."""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from fangkong.demo import geography
from fangkong.demo.context import DemoContext
from fangkong.jurisdictions.models import Jurisdiction
from fangkong.people.models import Person
from fangkong.people.services import person_register
from fangkong.quarantine.models import Placement


@dataclass
class StoryPeople:
    a: Person  # the index case
    b: list[Person]  # bar patrons with the case: close contacts; B1 and B2 fall ill
    brief: list[Person]  # at the bar too: one just after the case left, one staff scan
    c: list[Person]  # B1's lunch: secondary contacts of A; C1 falls ill
    d: list[Person]  # C1's KTV evening
    e: Person  # a suspected case, excluded
    f: Person  # an imported case three weeks ago
    household: list[Person] = field(default_factory=list)  # F's family
    family: list[Person] = field(default_factory=list)  # A's family

    @property
    def brief_ids(self) -> set[int]:
        return {p.pk for p in self.brief}

    @property
    def story_ids(self) -> set[int]:
        return {p.pk for p in [self.a, *self.b, *self.c, *self.d]}


def _unavailable(ctx: DemoContext) -> set[int]:
    from fangkong.cases.models import Case

    taken = set(Placement.objects.filter(ended_at__isnull=True).values_list("person_id", flat=True))
    taken |= set(Case.objects.values_list("person_id", flat=True))
    taken |= set(ctx.shared.get("hospitals", {}).get("patients", []))
    return taken


def _residents(
    ctx: DemoContext, rng: random.Random, district: Jurisdiction, count: int
) -> list[Person]:
    taken = _unavailable(ctx)
    home = district.district() or district
    local = [
        p
        for p in Person.objects.filter(home_jurisdiction__path__startswith=home.path).order_by("pk")
        if p.pk not in taken
    ]
    others = [
        p
        for p in Person.objects.exclude(home_jurisdiction__path__startswith=home.path).order_by(
            "pk"
        )
        if p.pk not in taken
    ]
    rng.shuffle(local)
    rng.shuffle(others)
    chosen = (local + others)[:count]
    if len(chosen) < count:
        raise RuntimeError("the demo city has too few free residents for the outbreak")
    return chosen


def _registered(ctx: DemoContext, community: Jurisdiction, address: str) -> Person:
    identity = ctx.new_identity()
    return person_register(
        name=identity.name,
        id_number=identity.id_number,
        phone=identity.phone,
        address=address,
        home_jurisdiction=community,
        by=None,
    ).person


def story_people(ctx: DemoContext, rng: random.Random, *, district: Jurisdiction) -> StoryPeople:
    pool = _residents(ctx, rng, district, 16)
    f = pool[14]
    community = f.home_jurisdiction or district
    address = f.address or f"{rng.choice(geography.ROADS)}{rng.randint(1, 300)}号"
    household = [_registered(ctx, community, address) for _ in range(3)]
    a = pool[0]
    a_home = a.home_jurisdiction or district
    a_address = a.address or f"{rng.choice(geography.ROADS)}{rng.randint(1, 300)}号"
    family = [_registered(ctx, a_home, a_address) for _ in range(2)]
    return StoryPeople(
        a=a,
        b=pool[1:7],
        brief=pool[7:9],
        c=pool[9:12],
        d=pool[12:14],
        e=pool[15],
        f=f,
        household=household,
        family=family,
    )
