"""Periodic work of the hospital area, run by `fangkong jobs run` (each in its own transaction).

Every job looks at the state of the world and brings alerts and records in line with it, so it
is safe to kill and to rerun; each returns how many things it changed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.db import transaction
from django.utils import timezone

from fangkong.hospitals.models import Hospital
from fangkong.hospitals.selectors.staff import overdue_count_by_hospital
from fangkong.hospitals.services.discharge import monitoring_close_expired
from fangkong.hospitals.services.staff import staff_tests_overdue_sync
from fangkong.hospitals.services.supplies import stock_recheck_all
from fangkong.operations.job_runner import register_jobs


@transaction.atomic
def flag_overdue_staff_tests(now: dt.datetime) -> int:
    """One alert per hospital with staff whose nucleic-acid test is overdue; cleared after."""
    overdue = overdue_count_by_hospital(today=timezone.localtime(now).date())
    return sum(
        staff_tests_overdue_sync(hospital=hospital, overdue=overdue.get(hospital.pk, 0), by=None)
        for hospital in Hospital.objects.select_related("jurisdiction", "unit").order_by("pk")
    )


@transaction.atomic
def recheck_low_stock(now: dt.datetime) -> int:
    """Low-stock alerts for every stock below its safety level, cleared where it recovered."""
    return stock_recheck_all(by=None)


@transaction.atomic
def close_expired_monitoring(now: dt.datetime) -> int:
    """Health monitoring after discharge whose last day has passed is complete."""
    return monitoring_close_expired(today=timezone.localtime(now).date(), by=None)


JOBS: list[tuple[str, Callable[[dt.datetime], int]]] = [
    ("hospitals.staff_tests_overdue", flag_overdue_staff_tests),
    ("hospitals.low_stock", recheck_low_stock),
    ("hospitals.monitoring_end", close_expired_monitoring),
]


def register() -> None:
    register_jobs("hospitals", JOBS)
