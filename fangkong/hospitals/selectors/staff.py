"""The staff roster with each person's next test due, overdue flags, incidents and training.

A test is overdue once the day it was due has passed without one: with a schedule of every
`i` days, someone last tested on day L is due on L + i and overdue from L + i + 1. Someone never
tested counts from the day they came on duty.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import reduce
from operator import or_

from django.db.models import Count, Q
from django.utils import timezone

from fangkong.hospitals.conf import hospitals_settings
from fangkong.hospitals.models import (
    ExposureIncident,
    Hospital,
    IncidentStatus,
    ScreeningPost,
    StaffMember,
    TrainingRecord,
)
from fangkong.hospitals.models.staff import StaffMemberQuerySet


def test_interval_days(post: str) -> int:
    if post == ScreeningPost.ISOLATION_WARD:
        return int(hospitals_settings().staff_test_days_isolation)
    return int(hospitals_settings().staff_test_days_other)


def _midnight(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def overdue_q(today: dt.date) -> Q:
    """Active staff whose test is overdue on `today`, as one filter the roster index answers."""
    parts = []
    for post in ScreeningPost.values:
        latest_due = today - dt.timedelta(days=test_interval_days(post))
        parts.append(
            Q(screening_post=post)
            & (
                Q(last_tested_at__lt=_midnight(latest_due))
                | Q(last_tested_at__isnull=True, on_duty_since__lt=latest_due)
            )
        )
    return Q(left_on__isnull=True) & reduce(or_, parts)


def next_test_due(staff: StaffMember) -> dt.date:
    last = (
        timezone.localtime(staff.last_tested_at).date()
        if staff.last_tested_at is not None
        else staff.on_duty_since
    )
    return last + dt.timedelta(days=test_interval_days(staff.screening_post))


@dataclass(frozen=True)
class RosterRow:
    staff: StaffMember
    due: dt.date
    overdue: bool


def roster(
    *, hospital: Hospital, today: dt.date, ward_id: int | None = None, overdue_only: bool = False
) -> StaffMemberQuerySet:
    staff = StaffMember.objects.active().filter(hospital=hospital)
    if ward_id is not None:
        staff = staff.filter(ward_id=ward_id)
    if overdue_only:
        staff = staff.filter(overdue_q(today))
    return staff.select_related("person", "ward")


def roster_rows(members: list[StaffMember], *, today: dt.date) -> list[RosterRow]:
    rows = []
    for member in members:
        due = next_test_due(member)
        rows.append(RosterRow(member, due, today > due))
    return rows


def overdue_count_by_hospital(*, today: dt.date) -> dict[int, int]:
    rows = (
        StaffMember.objects.filter(overdue_q(today)).values("hospital_id").annotate(n=Count("pk"))
    )
    return {row["hospital_id"]: row["n"] for row in rows}


def open_incidents(*, hospital: Hospital) -> list[ExposureIncident]:
    return list(
        ExposureIncident.objects.filter(hospital=hospital)
        .exclude(status=IncidentStatus.CLOSED)
        .select_related("staff__person", "ward")
        .order_by("-occurred_at")
    )


def untrained_count(*, hospital: Hospital) -> int:
    """Active staff without a passed infection-control training on record."""
    trained = TrainingRecord.objects.filter(passed=True).values("staff_id")
    return StaffMember.objects.active().filter(hospital=hospital).exclude(pk__in=trained).count()
