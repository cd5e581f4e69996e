"""The demo city's texture at full scale: how many contacts tracing a random resident proposes,
and what the venues hold right now.

    FANGKONG_VAR_DIR=/tmp/fk-demo DATABASE_URL=sqlite:////tmp/fk-demo/demo.sqlite3 \\
        python -m bench.demo_texture [--residents 50] [--rebuild] [--today YYYY-MM-DD]

Builds the full demo city into the configured database when it is empty (or with --rebuild,
which erases it), timing the build; then traces `--residents` residents drawn at random
(seeded) as a case's page would trace them (the platform's engine and rules, degree 2, onset
the demo's today, the window open to now) and prints the distribution of close and secondary
contacts; and counts the venues with someone inside now and those over their limit.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fangkong.settings")

SEED = 15


@dataclass(frozen=True)
class Traced:
    person_id: int
    close: int
    secondary: int


def trace_residents(person_ids: list[int], onset: dt.date) -> list[Traced]:
    from zoneinfo import ZoneInfo

    from django.conf import settings

    from fangkong.analytics.tracing import CaseQuery
    from fangkong.cases.engines import platform_engine, platform_params

    engine = platform_engine()
    params = platform_params(degree=2)
    found: list[Traced] = []
    for pk in person_ids:
        result = engine.trace(CaseQuery(str(pk), onset, None), params)
        degrees = [degree for _person, degree, *_rest in result.rows()]
        found.append(Traced(pk, degrees.count(1), degrees.count(2)))
    assert ZoneInfo(settings.TIME_ZONE) == engine.zone
    return found


def _timed_steps() -> list[tuple[str, float]]:
    """Time each area's demo step of the next build (the build prints no timings)."""
    from fangkong.demo.management.commands import demo

    timings: list[tuple[str, float]] = []
    original = demo.area_steps

    def timed(step: Callable[[Any], None], name: str) -> Callable[[Any], None]:
        def run(ctx: Any) -> None:
            began = time.process_time()
            step(ctx)
            timings.append((name, time.process_time() - began))

        run.__name__ = step.__name__
        return run

    def steps() -> list[Any]:
        return [
            (order, area, timed(build, f"{area}.{build.__name__}"))
            for order, area, build in original()
        ]

    demo.area_steps = steps
    return timings


def _spread(values: list[int]) -> str:
    ordered = sorted(values)
    tenth = ordered[len(ordered) // 10]
    ninetieth = ordered[(len(ordered) * 9) // 10]
    return (
        f"min {ordered[0]}, p10 {tenth}, median {statistics.median(ordered):g}, "
        f"p90 {ninetieth}, max {ordered[-1]}"
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--residents", type=int, default=50)
    parser.add_argument("--rebuild", action="store_true")
    parser.add_argument("--today", type=dt.date.fromisoformat, default=None)
    args = parser.parse_args(argv)

    import django

    django.setup()

    from django.core.management import call_command
    from django.utils import timezone

    from fangkong.accounts.scope import CITY
    from fangkong.demo.clock import held_persons, live_checkins
    from fangkong.people.models import Person
    from fangkong.venues.models import CheckIn
    from fangkong.venues.selectors.occupancy import occupancy_by_venue, over_limit_in_scope

    call_command("migrate", verbosity=0)
    if args.rebuild or not Person.objects.exists():
        options: dict[str, object] = {"no_progress": True, "verbosity": 0, "force": True}
        if args.today is not None:
            options["today"] = args.today
        steps = _timed_steps()
        began, cpu = time.perf_counter(), time.process_time()
        call_command("demo", **options)
        print(
            f"full demo build: {time.perf_counter() - began:.0f} s "
            f"({time.process_time() - cpu:.0f} s of CPU in this process)"
        )
        print("  CPU: " + ", ".join(f"{name} {seconds:.0f} s" for name, seconds in steps))
    # The demo's today: the day of the build's own last check-in (not the demo clock's).
    last = (
        CheckIn.objects.filter(source_record_id__isnull=True)
        .order_by("-check_in")
        .values_list("check_in", flat=True)
        .first()
    )
    assert last is not None, "the demo city has no check-ins"
    onset = args.today or timezone.localdate(last)
    # Residents who can be out: a case or a contact in quarantine has no check-ins of now.
    held = held_persons()
    residents = [
        pk for pk in Person.objects.order_by("pk").values_list("pk", flat=True) if pk not in held
    ]
    chosen = random.Random(SEED).sample(residents, min(args.residents, len(residents)))
    began = time.perf_counter()
    traced = trace_residents(chosen, onset)
    took = time.perf_counter() - began
    print(
        f"{CheckIn.objects.count():,} check-ins, {len(residents):,} residents not held; "
        f"{len(traced)} random residents traced (onset {onset}, degree 2) in {took:.1f} s"
    )
    print(f"  close contacts:     {_spread([t.close for t in traced])}")
    print(f"  secondary contacts: {_spread([t.secondary for t in traced])}")
    print(f"  with no close contact: {sum(1 for t in traced if t.close == 0)}")
    now = timezone.now()
    began = time.perf_counter()
    sent = live_checkins(now)
    print(f"one demo clock run at now: {sent} records sent in {time.perf_counter() - began:.1f} s")
    zone = timezone.get_current_timezone()
    moments = [dt.datetime.combine(onset, dt.time(h, 15), tzinfo=zone) for h in (12, 21)]
    for moment in [m for m in moments if m < now] + [now]:
        inside = occupancy_by_venue(at=moment)
        over = over_limit_in_scope(CITY, at=moment)
        print(
            f"at {timezone.localtime(moment):%Y-%m-%d %H:%M}: {sum(inside.values())} people "
            f"inside {len(inside)} venues, {len(over)} over their limit"
        )


if __name__ == "__main__":
    main()
