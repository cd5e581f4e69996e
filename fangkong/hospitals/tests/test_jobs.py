"""The periodic jobs keep the jobs contract: named for the area, and safe to rerun."""

import datetime as dt

from django.utils import timezone

from fangkong.hospitals.jobs import JOBS
from fangkong.hospitals.models import StaffRole
from fangkong.hospitals.services.staff import staff_add
from fangkong.hospitals.services.supplies import stock_set_safety, supply_item_create


def test_every_job_is_the_areas_and_a_second_run_changes_nothing(no5, no5_isolation, zhang_san):
    staff_add(
        hospital=no5,
        person=zhang_san,
        role=StaffRole.NURSE,
        ward=no5_isolation,
        on_duty_since=timezone.localdate() - dt.timedelta(days=10),
        by=None,
    )
    masks = supply_item_create(code="M", name="口罩", category="mask", unit="只", by=None)
    stock_set_safety(hospital=no5, item=masks, safety_stock=10, by=None)
    now = timezone.now()
    assert all(name.startswith("hospitals.") for name, _run in JOBS)
    first = {name: run(now) for name, run in JOBS}
    assert first["hospitals.staff_tests_overdue"] == 1
    assert {name: run(now) for name, run in JOBS} == {name: 0 for name, _run in JOBS}
