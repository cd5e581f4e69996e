"""Helpers the demo builders share."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.utils import timezone

from fangkong.demo.context import DemoContext
from fangkong.people.models import Person


def latest_moment(ctx: DemoContext) -> dt.datetime:
    """The demo's present, but never later than the real present."""
    return min(ctx.now, timezone.now())


def pick(ctx: DemoContext, pool: list[int], count: int) -> list[Person]:
    chosen = [pool.pop(ctx.rng.randrange(len(pool))) for _ in range(min(count, len(pool)))]
    by_pk = Person.objects.in_bulk(chosen)
    return [by_pk[pk] for pk in chosen]


def weighted(ctx: DemoContext, mix: Sequence[tuple[str, int]]) -> str:
    values, weights = zip(*mix, strict=True)
    return str(ctx.rng.choices(values, weights)[0])
