"""Quarantine: how long a site's heavy moments take on the configured database.

A 120-room hotel takes in a batch of 120 people (households on one floor), samples and
reports them in rounds (dual sampling at the end), releases them together, and the HQ reads
the figures of 30 such sites. Run with `python -m bench quarantine_site` (a throwaway SQLite
database unless DATABASE_URL names another; PostgreSQL: a database you may drop).
"""

from __future__ import annotations

import datetime as dt
import os
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager

SITES_FOR_FIGURES = 30
ROOMS = (list(range(3, 13)), 12)  # floors, rooms per floor: 120 rooms
LABS = ("市疾控中心", "金域医学检验所")


@contextmanager
def _timed(label: str, results: list[tuple[str, float]]) -> Iterator[None]:
    start = time.perf_counter()
    yield
    results.append((label, time.perf_counter() - start))


def _setup() -> None:
    if "DATABASE_URL" not in os.environ:
        folder = tempfile.mkdtemp(prefix="fangkong-bench-")
        os.environ["DATABASE_URL"] = f"sqlite:///{folder}/bench.sqlite3"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fangkong.settings")
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0, interactive=False)


def _run(results: list[tuple[str, float]]) -> None:
    from django.db.models import Exists, OuterRef

    from fangkong.jurisdictions.models import Level
    from fangkong.jurisdictions.services import jurisdiction_create
    from fangkong.people.models import Person
    from fangkong.quarantine.models import NucleicAcidTest, Placement, Sample, SampleResult, Site
    from fangkong.quarantine.selectors.figures import site_numbers
    from fangkong.quarantine.services.batches import IntakeEntry, batch_intake
    from fangkong.quarantine.services.release import placements_release
    from fangkong.quarantine.services.sampling import lab_results_record, sampling_round_record
    from fangkong.quarantine.services.sites import rooms_create, site_create
    from fangkong.testing.identities import resident_id

    tz = dt.timezone(dt.timedelta(hours=8))
    city = jurisdiction_create(code="320200", name="无锡市", level="city", parent=None, by=None)
    district = jurisdiction_create(
        code="320213", name="梁溪区", level=Level.DISTRICT, parent=city, by=None
    )
    floors, per_floor = ROOMS
    sites = []
    for index in range(SITES_FOR_FIGURES):
        site = site_create(name=f"测试酒店{index:02d}", jurisdiction=district, by=None)
        rooms_create(site=site, floors=floors, per_floor=per_floor, by=None)
        sites.append(site)
    people = Person.objects.bulk_create(
        Person(
            name=f"人员{i:05d}",
            id_number=resident_id(dt.date(1950, 1, 1) + dt.timedelta(days=i), sequence=3),
        )
        for i in range(SITES_FOR_FIGURES * 120)
    )
    arrival = dt.datetime(2021, 7, 28, 10, tzinfo=tz)

    def intake(site: Site, chunk: list[Person]) -> None:
        entries = [
            IntakeEntry(
                person=p,
                category="close_contact",
                last_exposure_at=arrival - dt.timedelta(days=1),
                household=f"H{i // 3}" if i < 30 else "",
            )
            for i, p in enumerate(chunk)
        ]
        batch_intake(site=site, entries=entries, arrived_at=arrival, by=None)

    with _timed("批次入住 120 人（一个事务，自动分房）", results):
        intake(sites[0], people[:120])
    for index, site in enumerate(sites[1:], start=1):
        intake(site, people[index * 120 : (index + 1) * 120])

    site = sites[0]
    due_days = sorted(
        set(
            NucleicAcidTest.objects.filter(placement__room__site=site).values_list(
                "due_on", flat=True
            )
        )
    )

    def test_day(day: dt.date) -> None:
        due = list(
            NucleicAcidTest.objects.open()
            .filter(placement__room__site=site, due_on=day)
            .annotate(sampled=Exists(Sample.objects.filter(test=OuterRef("pk"))))
            .filter(sampled=False)
        )
        sampled_at = dt.datetime.combine(day, dt.time(8), tzinfo=tz)
        sampling_round_record(tests=due, sampled_at=sampled_at, lab=LABS[0], by=None)
        dual = [t for t in due if t.dual_sampling]
        if dual:
            sampling_round_record(tests=dual, sampled_at=sampled_at, lab=LABS[1], by=None)
        pending = list(Sample.objects.filter(test__in=due).pending())
        lab_results_record(
            samples=pending,
            result=SampleResult.NEGATIVE,
            result_at=sampled_at + dt.timedelta(hours=6),
            by=None,
        )

    with _timed("一轮采样并录入 120 份阴性结果", results):
        test_day(due_days[0])
    for day in due_days[1:]:
        test_day(day)
    end = Placement.objects.filter(room__site=site).order_by("-observation_ends_on").first()
    assert end is not None and end.observation_ends_on is not None
    release_at = dt.datetime.combine(end.observation_ends_on, dt.time(16), tzinfo=tz)
    with _timed("整批解除 120 人（逐人核验）", results):
        released = placements_release(
            placements=list(Placement.objects.active().filter(room__site=site)),
            released_at=release_at,
            by=None,
        )
    assert len(released.released) == 120, released.blocked
    now = arrival + dt.timedelta(days=2)
    with _timed(f"{SITES_FOR_FIGURES} 个隔离点的全部指标", results):
        site_numbers(sites, day=now.date(), now=now)


def main() -> None:
    _setup()
    results: list[tuple[str, float]] = []
    _run(results)
    from django.db import connection

    print(f"数据库：{connection.vendor}")
    for label, seconds in results:
        print(f"  {seconds * 1000:8.0f} ms  {label}")


if __name__ == "__main__":
    main()
