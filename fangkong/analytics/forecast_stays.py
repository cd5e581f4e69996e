"""Stays in rooms and beds, the people in them now, the places there are, and how many are
present each day: the occupancy half of the preparedness forecast (`forecast.py` says the
model). Pure computation, no Django."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Stay:
    """How long a stay lasts: `survival[k]` is the share of those who entered on some day still
    there k days later (survival[0] is 1); past the end of the tuple, nobody is. The mean stay
    in days is the sum of the tuple."""

    survival: tuple[float, ...]

    @classmethod
    def fixed(cls, days: float) -> Stay:
        """Everyone stays `days` days (a fraction of a day leaves part way through the last)."""
        if days <= 0:
            return cls((1.0,))
        whole = math.floor(days)
        part = days - whole
        return cls(tuple([1.0] * whole + ([part] if part > 0 else [])))

    @classmethod
    def observed(cls, lengths: Sequence[float]) -> Stay:
        """The distribution of stays whose lengths (in days) are all known."""
        if not lengths:
            raise ValueError("no stay observed")
        longest = math.ceil(max(lengths))
        total = np.zeros(max(longest, 1))
        for length in lengths:
            total += np.clip(length - np.arange(total.size), 0.0, 1.0)
        shares = total / len(lengths)
        shares[0] = 1.0
        return cls(tuple(float(s) for s in shares))

    @classmethod
    def kaplan_meier(cls, *, ended: Sequence[int], ongoing: Sequence[int], tail: Stay) -> Stay:
        """Stays from what is known so far: `ended` holds the whole days each finished stay
        lasted (at least 1), `ongoing` the whole days each unfinished one has lasted so far
        (0: entered today). The Kaplan–Meier estimate holds as far as anyone has been
        followed; past that, those still there leave as `tail` would, given as long a stay."""
        ends = np.array([max(int(d), 1) for d in ended], dtype=int)
        ages = np.array([max(int(a), 0) for a in ongoing], dtype=int)
        if not ends.size and not ages.size:
            return tail
        followed = int(max(ends.max(initial=0), ages.max(initial=0)))
        survival = [1.0]
        for day in range(1, followed + 1):
            # At risk of leaving on `day`: known to be there the day before. Someone still
            # there today (age a) is known not to have left on any day up to a.
            at_risk = int((ends >= day).sum() + (ages >= day).sum())
            leaving = int((ends == day).sum())
            survival.append(survival[-1] * (1.0 - leaving / at_risk if at_risk else 1.0))
        last = survival[-1]
        if last > 0:
            rest = tail.after(followed)
            survival.extend(last * s for s in rest.survival[1:])
        while len(survival) > 1 and survival[-1] <= 0:
            survival.pop()
        return cls(tuple(survival))

    @classmethod
    def mixture(cls, parts: Sequence[tuple[float, Stay]]) -> Stay:
        """Stays drawn from several distributions in the given proportions (weights summing
        to anything positive)."""
        total = sum(w for w, _ in parts if w > 0)
        if total <= 0:
            return cls.fixed(0)
        longest = max(len(s.survival) for _, s in parts)
        mixed = [sum(w * stay.at(k) for w, stay in parts if w > 0) / total for k in range(longest)]
        return cls(tuple(mixed))

    def at(self, days: int) -> float:
        """The share still there `days` days after entering."""
        if days < 0:
            return 1.0
        return self.survival[days] if days < len(self.survival) else 0.0

    @property
    def mean(self) -> float:
        return float(sum(self.survival))

    def after(self, age: int) -> Stay:
        """The rest of a stay that has already lasted `age` whole days (today is its day
        `age`). Someone there longer than any stay known leaves at the end of the day."""
        now = self.at(age)
        if now <= 0:
            return Stay((1.0,))
        return Stay(tuple(self.at(age + k) / now for k in range(max(len(self.survival) - age, 1))))


@dataclass(frozen=True)
class Cohort:
    """People already in rooms or beds who entered together (or are due to leave together):
    `count` of them, `age` whole days into a stay distributed as `stay`."""

    count: float
    stay: Stay
    age: int = 0

    def present(self, day: int) -> float:
        """How many are still there `day` days from today."""
        return self.count * self.stay.after(self.age).at(day)


@dataclass(frozen=True)
class Reserve:
    """Places not usable yet: a standby site or hospital, usable from day `lead_days` on."""

    places: int
    lead_days: int


@dataclass(frozen=True)
class Capacity:
    """Places usable now (occupied and free alike), and the reserves that can be activated."""

    now: int
    reserves: tuple[Reserve, ...] = ()

    def on(self, day: int) -> int:
        return self.now + sum(r.places for r in self.reserves if r.lead_days <= day)

    @property
    def standby(self) -> int:
        return sum(r.places for r in self.reserves)


def occupancy(
    *, occupants: Sequence[Cohort], arrivals: Sequence[float], stay: Stay, horizon: int
) -> list[float]:
    """Expected people present on days 1..horizon: the occupants still there, and the arrivals
    of each day (arrivals[j - 1] on day j) still there given `stay`."""
    staying = [0.0] * horizon
    for cohort in occupants:
        rest = cohort.stay.after(cohort.age)
        for day in range(1, horizon + 1):
            staying[day - 1] += cohort.count * rest.at(day)
    return [
        staying[day - 1] + sum(arrivals[j - 1] * stay.at(day - j) for j in range(1, day + 1))
        for day in range(1, horizon + 1)
    ]


def whole(value: float) -> int:
    """Rounded half up: 2.5 people need 3 places."""
    return math.floor(value + 0.5)


def first_shortfall(needed: Sequence[int], available: Sequence[int]) -> int | None:
    """The first day (1-based) that needs more than there is, or None."""
    for day, (need, have) in enumerate(zip(needed, available, strict=True), start=1):
        if need > have:
            return day
    return None
