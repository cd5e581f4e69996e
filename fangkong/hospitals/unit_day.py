"""What the hospitals area knows of a unit's day: the hospitals it answers for, for its daily
report (registered with `fangkong.operations.unit_days`)."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext as _

from fangkong.hospitals.models import Hospital, StaffTest
from fangkong.hospitals.selectors.figures import day_bounds, hospital_figures
from fangkong.jurisdictions.models import ResponsibleUnit
from fangkong.operations.unit_days import UnitDay, register_unit_day


def unit_day(*, unit: ResponsibleUnit, day: dt.date, at: dt.datetime) -> UnitDay | None:
    hospitals = list(Hospital.objects.filter(unit=unit))
    if not hospitals:
        return None
    numbers = hospital_figures(hospitals=hospitals, day=day)
    start, end = day_bounds(day)
    staff_tests = StaffTest.objects.filter(
        staff__hospital__in=hospitals,
        specimen__sampled_at__gte=start,
        specimen__sampled_at__lt=min(end, at),
    ).count()
    events = [
        phrase % {"n": count}
        for count, phrase in [
            (numbers.patients, _("%(n)s 名在院患者")),
            (numbers.admissions, _("%(n)s 名新收治患者")),
            (numbers.discharges, _("%(n)s 名出院患者")),
        ]
        if count
    ]
    return UnitDay(
        figures={
            "patients_in_care": numbers.patients,
            "new_admissions": numbers.admissions,
            "discharged": numbers.discharges,
            "beds_free": numbers.beds_free,
            "staff_tests": staff_tests,
        },
        events=events,
    )


def register() -> None:
    register_unit_day("hospitals", unit_day)
