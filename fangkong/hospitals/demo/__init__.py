"""The demo city's designated hospitals: wards and beds, patients with a clinical course,
supplies with a realistic burn rate, staff with their screening, and the demo users.

Every record goes through the area's services, so the demo's audit trail, alerts and figures
are what real use would produce. Times never pass the real present (services refuse results
from the future), whatever day the demo takes as today."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from fangkong.accounts.models import User
from fangkong.accounts.roles import Role
from fangkong.core.audit import audit_write, snapshot
from fangkong.demo.context import DemoContext
from fangkong.hospitals.demo import history
from fangkong.hospitals.demo.common import latest_moment
from fangkong.hospitals.demo.operations import catalogue, staff, stock
from fangkong.hospitals.demo.patients import admit_patients
from fangkong.hospitals.demo.plans import (
    HOSPITALS,
    NO5,
    HospitalPlan,
)
from fangkong.hospitals.jobs import flag_overdue_staff_tests
from fangkong.hospitals.measures import PREPAREDNESS_TARGET
from fangkong.hospitals.models import (
    Admission,
    Hospital,
)
from fangkong.hospitals.services.facilities import hospital_create, ward_create
from fangkong.jurisdictions.models import Jurisdiction, ResponsibilityKind
from fangkong.jurisdictions.services import unit_create
from fangkong.people.models import Person
from fangkong.policy.services import measure_set

ORDER = 20


def _street(district_name: str, street_name: str) -> Jurisdiction:
    return Jurisdiction.objects.get(name=street_name, parent__name=district_name)


def _hospital(ctx: DemoContext, plan: HospitalPlan) -> Hospital:
    assert ctx.hq_unit is not None
    health = ctx.hq_unit.children.get(name="市卫生健康委员会")
    street = _street(plan.district, plan.street)
    unit = unit_create(
        name=plan.name,
        kind=ResponsibilityKind.ORGANISATION,
        jurisdiction=street,
        parent=health,
        by=None,
    )
    hospital = hospital_create(
        name=plan.name,
        kind=plan.kind,
        status=plan.status,
        jurisdiction=street,
        unit=unit,
        address=plan.address,
        by=None,
    )
    for ward in plan.wards:
        ward_create(
            hospital=hospital,
            name=ward.name,
            kind=ward.kind,
            beds=ctx.scaled(ward.beds, minimum=4),
            bed_prefix=f"{ward.prefix}-",
            location=ward.location,
            by=None,
        )
    return hospital


def _give_users_their_hospital(ctx: DemoContext, hospital: Hospital) -> None:
    """The foundation made the hospital's demo users without a unit; No. 5 is theirs."""
    for role in (Role.HOSPITAL_STAFF, Role.DOCTOR):
        user = ctx.users.get(role)
        if user is None:
            continue
        before = snapshot(user, ["unit", "jurisdiction"])
        User.objects.filter(pk=user.pk).update(
            unit=hospital.unit, jurisdiction=hospital.jurisdiction
        )
        user.refresh_from_db()
        audit_write(
            by=None,
            action="user.update",
            obj=user,
            before=before,
            after=snapshot(user, ["unit", "jurisdiction"]),
        )


@transaction.atomic
def build(ctx: DemoContext) -> None:
    items = catalogue()
    pool = list(Person.objects.order_by("pk").values_list("pk", flat=True))
    hospitals: dict[str, int] = {}
    patients: list[int] = []
    for plan in ctx.progress(HOSPITALS, "定点医院"):
        hospital = _hospital(ctx, plan)
        hospitals[plan.name] = hospital.pk
        if plan.name == NO5:
            _give_users_their_hospital(ctx, hospital)
        patients.extend(admit_patients(ctx, hospital, plan, pool))
        active = Admission.objects.active().filter(hospital=hospital).count()
        stock(ctx, hospital, items, active)
        staff(ctx, hospital, plan, pool)
    latest = latest_moment(ctx)
    measure_set(
        kind=PREPAREDNESS_TARGET,
        subject="stock.MASK-N95",
        value=ctx.scaled(20_000, minimum=100),
        effective_at=latest - dt.timedelta(days=12),
        source="市疫情防控指挥部物资保障组：定点医院防护物资储备不少于30天用量",
        by=ctx.users.get(Role.HQ_ADMIN),
    )
    # Later areas: the hospitals by name (No. 5 takes the city's new cases), and the persons
    # who are or were patients (a tracing demo may give them cases; nobody should place them).
    # What the periodic jobs would have raised by now (overdue staff tests).
    flag_overdue_staff_tests(latest)
    ctx.shared["hospitals"] = {"hospitals": hospitals, "no5": hospitals[NO5], "patients": patients}


# The patients of the city's Delta wave, once the cases area has told it (demo/history.py).
STEPS = [(ORDER, build), (history.ORDER, history.build)]
