"""Time the hospital area's reads and writes on a city in a big wave.

30 hospitals × 10 wards × 50 beds (15,000 beds), 10,000 patients in hospital and 20,000
discharged before them (their bed stays and classifications are history the figures of past
days read), 3,000 staff and 600 stock lines. Each figure is the median of several calls.

    .venv/bin/python -m bench.hospitals_beds                 # a throwaway SQLite database
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/fangkong_bench_hospitals \\
        .venv/bin/python -m bench.hospitals_beds             # an empty PostgreSQL database
    .venv/bin/python -m bench.hospitals_beds --scale 0.1     # a quick look
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

WARD_KINDS = ["isolation"] * 7 + ["icu", "observation", "general"]


@dataclass(frozen=True)
class Shape:
    hospitals: int = 30
    wards: int = 10
    beds_per_ward: int = 50
    patients: int = 10_000
    discharged: int = 20_000
    staff_per_hospital: int = 100

    def scaled(self, factor: float) -> Shape:
        return Shape(
            hospitals=max(2, round(self.hospitals * factor)),
            wards=self.wards,
            beds_per_ward=self.beds_per_ward,
            patients=max(10, round(self.patients * factor)),
            discharged=max(10, round(self.discharged * factor)),
            staff_per_hospital=self.staff_per_hospital,
        )

    @property
    def beds(self) -> int:
        return self.hospitals * self.wards * self.beds_per_ward


@dataclass
class BenchCity:
    shape: Shape
    viewer: Any
    hospital_ids: list[int]
    ward_id: int
    item_id: int
    spare_person_ids: list[int]


def build(shape: Shape) -> BenchCity:
    """The city in the current database, with bulk inserts (this is a fixture, not a test of
    the services); the timed writes below go through the services."""
    from django.db import connection
    from django.utils import timezone

    from fangkong.accounts.models import User
    from fangkong.accounts.roles import Role
    from fangkong.hospitals.models import (
        Admission,
        AdmissionOutcome,
        AdmissionSource,
        Bed,
        BedStay,
        ClassificationChange,
        Hospital,
        StaffMember,
        Stock,
        SupplyItem,
        Ward,
    )
    from fangkong.jurisdictions.models import Jurisdiction, Level
    from fangkong.people.models import IdType, Person

    now = timezone.now()
    city = Jurisdiction.objects.create(
        code="320200", name="无锡市", level=Level.CITY, path="320200/"
    )
    viewer = User.objects.create(username="bench_hq", role=Role.HQ_ADMIN, jurisdiction=city)
    hospitals = Hospital.objects.bulk_create(
        Hospital(name=f"定点医院{n:02d}", jurisdiction=city) for n in range(shape.hospitals)
    )
    wards = Ward.objects.bulk_create(
        Ward(hospital=h, name=f"病区{w:02d}", kind=WARD_KINDS[w % len(WARD_KINDS)])
        for h in hospitals
        for w in range(shape.wards)
    )
    beds = Bed.objects.bulk_create(
        (
            Bed(ward=w, number=f"{b:03d}", position=b)
            for w in wards
            for b in range(1, shape.beds_per_ward + 1)
        ),
        batch_size=5000,
    )
    people = shape.patients + shape.discharged + shape.staff_per_hospital * shape.hospitals + 100
    persons = Person.objects.bulk_create(
        (
            Person(name=f"人员{n}", id_type=IdType.OTHER, id_number=f"BENCH{n:08d}")
            for n in range(people)
        ),
        batch_size=5000,
    )
    taken = [b for b in beds if b.ward.kind != "general"]
    admissions: list[Admission] = []
    for n in range(shape.discharged):
        admitted = now - dt.timedelta(days=20 + n % 10, minutes=n)
        admissions.append(
            Admission(
                person=persons[n],
                hospital_id=taken[n % len(taken)].ward.hospital_id,
                source=AdmissionSource.DIRECT,
                admitted_at=admitted,
                classification="mild",
                ended_at=admitted + dt.timedelta(days=14),
                outcome=AdmissionOutcome.DISCHARGED,
            )
        )
    for n in range(shape.patients):
        bed = taken[(n * 7) % len(taken)]
        admissions.append(
            Admission(
                person=persons[shape.discharged + n],
                hospital_id=bed.ward.hospital_id,
                source=AdmissionSource.DIRECT,
                admitted_at=now - dt.timedelta(days=n % 14, minutes=n % 600 + 1),
                classification=["asymptomatic", "mild", "moderate", "severe", "critical"][n % 5],
            )
        )
    admissions = Admission.objects.bulk_create(admissions, batch_size=5000)
    stays, changes = [], []
    for n, admission in enumerate(admissions):
        if admission.ended_at is not None:
            bed = taken[n % len(taken)]
        else:
            bed = taken[((n - shape.discharged) * 7) % len(taken)]
        stays.append(
            BedStay(
                admission=admission,
                bed=bed,
                started_at=admission.admitted_at,
                ended_at=admission.ended_at,
            )
        )
        changes.append(
            ClassificationChange(
                admission=admission,
                classification=admission.classification,
                changed_at=admission.admitted_at,
            )
        )
    BedStay.objects.bulk_create(stays, batch_size=5000)
    ClassificationChange.objects.bulk_create(changes, batch_size=5000)
    first_staff = shape.discharged + shape.patients
    StaffMember.objects.bulk_create(
        (
            StaffMember(
                hospital=h,
                person=persons[first_staff + i * shape.staff_per_hospital + s],
                role="nurse",
                ward=wards[i * shape.wards + s % shape.wards],
                screening_post="isolation_ward" if s % 2 else "other",
                on_duty_since=(now - dt.timedelta(days=30)).date(),
                last_tested_at=now - dt.timedelta(days=s % 4),
            )
            for i, h in enumerate(hospitals)
            for s in range(shape.staff_per_hospital)
        ),
        batch_size=5000,
    )
    items = SupplyItem.objects.bulk_create(
        SupplyItem(code=f"ITEM{n:02d}", name=f"物资{n}", category="ppe", unit="件")
        for n in range(20)
    )
    Stock.objects.bulk_create(
        Stock(
            hospital=h, item=i, quantity=10_000_000, safety_stock=1000 if i.pk % 3 else 20_000_000
        )
        for h in hospitals
        for i in items
    )
    spare = [p.pk for p in persons[first_staff + shape.staff_per_hospital * shape.hospitals :]]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")  # as autovacuum would after a load this size
    return BenchCity(shape, viewer, [h.pk for h in hospitals], wards[0].pk, items[0].pk, spare)


def median_ms(call: Callable[[], object], repeat: int) -> float:
    call()  # warm caches and plans once
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        call()
        samples.append(time.perf_counter() - started)
    return statistics.median(samples) * 1000


def measure(city: BenchCity, repeat: int) -> dict[str, float]:
    """Median milliseconds of each timed read and write."""
    from django.db import transaction
    from django.test import Client
    from django.utils import timezone

    from fangkong.hospitals.briefing import briefing_section
    from fangkong.hospitals.models import Hospital, Ward
    from fangkong.hospitals.selectors.beds import alternatives
    from fangkong.hospitals.selectors.figures import hospital_figures, hospital_rows
    from fangkong.hospitals.selectors.hospitals import ward_board
    from fangkong.hospitals.services.admissions import admission_create
    from fangkong.hospitals.services.supplies import stock_issue
    from fangkong.people.models import Person

    hospitals = list(Hospital.objects.filter(pk__in=city.hospital_ids))
    ward = Ward.objects.get(pk=city.ward_id)
    today = timezone.localdate()
    spare = iter(Person.objects.filter(pk__in=city.spare_person_ids).order_by("pk"))
    client = Client()
    client.force_login(city.viewer)

    def admit() -> None:
        admission_create(
            person=next(spare),
            hospital=hospitals[-1],
            ward_kind="general",
            classification="mild",
            admitted_at=timezone.now(),
            by=None,
        )

    def issue() -> None:
        stock_issue(
            hospital=hospitals[0],
            item=hospitals[0].stocks.get(item_id=city.item_id).item,
            quantity=1,
            at=timezone.now(),
            by=None,
        )

    timings = {
        "city figures, today": lambda: hospital_figures(hospitals=hospitals, day=today),
        "city figures, a week ago": lambda: hospital_figures(
            hospitals=hospitals, day=today - dt.timedelta(days=7)
        ),
        "overview rows (every hospital)": lambda: hospital_rows(hospitals=hospitals),
        "one hospital's figures": lambda: hospital_figures(hospitals=hospitals[:1], day=today),
        "bed board of a 50-bed ward": lambda: ward_board(viewer=city.viewer, ward=ward),
        "alternatives for an ICU bed": lambda: alternatives(kind="icu"),
        "briefing section": lambda: briefing_section(day=today),
        "overview page (GET, rendered)": lambda: client.get("/hospitals/overview/"),
        "admission to any free bed (write)": admit,
        "stock issue (write)": issue,
    }
    results = {}
    for name, call in timings.items():
        with transaction.atomic():  # writes roll back, so the city stays the same size
            results[name] = median_ms(call, repeat)
            transaction.set_rollback(True)
    return results


def report(shape: Shape, results: dict[str, float], vendor: str) -> str:
    lines = [
        f"{shape.hospitals} hospitals, {shape.beds:,} beds, {shape.patients:,} in hospital, "
        f"{shape.discharged:,} discharged, {shape.hospitals * shape.staff_per_hospital:,} staff "
        f"({vendor})",
        "",
        "| what | median |",
        "| --- | --- |",
    ]
    lines += [f"| {name} | {ms:.1f} ms |" for name, ms in results.items()]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--repeat", type=int, default=7)
    options = parser.parse_args()
    if "DATABASE_URL" not in os.environ:
        folder = tempfile.mkdtemp(prefix="fangkong-bench-")
        os.environ["DATABASE_URL"] = f"sqlite:///{folder}/bench.sqlite3"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fangkong.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    shape = Shape().scaled(options.scale)
    started = time.perf_counter()
    city = build(shape)
    print(f"built in {time.perf_counter() - started:.1f} s; load average {os.getloadavg()[0]:.1f}")
    print(report(shape, measure(city, options.repeat), connection.vendor))


if __name__ == "__main__":
    main()
