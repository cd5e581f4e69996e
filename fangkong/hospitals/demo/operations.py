"""Supplies with a realistic burn rate, staff with their screening, incidents."""

from __future__ import annotations

import datetime as dt

from fangkong.accounts.roles import Role
from fangkong.demo.context import DemoContext
from fangkong.facilities.models import ClosedLoopStint
from fangkong.hospitals.demo.common import latest_moment, pick, weighted
from fangkong.hospitals.demo.plans import (
    ALREADY_OVERDUE,
    NO5,
    STAFF_MIX,
    SUPPLIES,
    UNTRAINED,
    HospitalPlan,
)
from fangkong.hospitals.models import (
    ClosedLoopStatus,
    ExposureKind,
    Hospital,
    HospitalStatus,
    NucleicAcidResult,
    ScreeningPost,
    StaffMember,
    StaffRole,
    SupplyItem,
    TrainingTopic,
    WardKind,
)
from fangkong.hospitals.services.staff import (
    exposure_follow_up_add,
    exposure_incident_close,
    exposure_incident_report,
    staff_add,
    staff_test_record,
    training_record_add,
)
from fangkong.hospitals.services.supplies import (
    stock_issue,
    stock_receive,
    stock_set_safety,
    supply_item_create,
)


def catalogue() -> list[SupplyItem]:
    return [
        supply_item_create(code=code, name=name, category=category, grade=grade, unit=unit, by=None)
        for code, name, category, grade, unit, _safety, _use in SUPPLIES
    ]


def stock(ctx: DemoContext, hospital: Hospital, items: list[SupplyItem], patients: int) -> None:
    by = ctx.users.get(Role.HOSPITAL_STAFF) if hospital.name == NO5 else None
    beds = sum(w.beds.count() for w in hospital.wards.all())
    wards = list(hospital.wards.filter(kind__in=[WardKind.ISOLATION, WardKind.ICU]))
    latest = latest_moment(ctx)
    start = latest - dt.timedelta(days=10)
    for item, (code, _name, _c, _g, _u, safety_per_100, use_per_10) in zip(
        items, SUPPLIES, strict=True
    ):
        safety = max(1, round(safety_per_100 * beds / 100))
        daily = round(use_per_10 * patients / 10)
        stock_set_safety(hospital=hospital, item=item, safety_stock=safety, by=by)
        # Ten days ago the supplies team stocked every hospital at 1.5 to 2 times its safety
        # level; at No. 5 the N95 masks went faster than planned and are now below it.
        received = round(safety * ctx.rng.uniform(1.5, 2.0)) + daily * 10
        if hospital.name == NO5 and code == "MASK-N95":
            received = safety + daily * 10 - max(1, safety // 5)
        stock_receive(
            hospital=hospital,
            item=item,
            quantity=received,
            at=start,
            counterparty="市疫情防控指挥部物资保障组",
            by=by,
        )
        if not daily or not wards:
            continue
        for offset in range(1, 11):
            at = start + dt.timedelta(days=offset)
            if at > latest:
                break
            stock_issue(
                hospital=hospital,
                item=item,
                quantity=daily,
                at=at,
                ward=ctx.rng.choice(wards),
                counterparty="病区护士长",
                by=by,
            )


def staff(ctx: DemoContext, hospital: Hospital, plan: HospitalPlan, pool: list[int]) -> None:
    wards = list(hospital.wards.all())
    clinical_wards = [w for w in wards if w.kind != WardKind.GENERAL] or wards
    latest = latest_moment(ctx)
    members = []
    for person in pick(ctx, pool, ctx.scaled(plan.staff, minimum=6)):
        role = weighted(ctx, STAFF_MIX)
        in_ward = role in (StaffRole.DOCTOR, StaffRole.NURSE, StaffRole.CLEANER) and clinical_wards
        # Someone drawn who already works inside a site's closed loop stays outside this one.
        receiving = (
            hospital.status == HospitalStatus.RECEIVING
            and not ClosedLoopStint.objects.open().filter(person=person).exists()
        )
        member = staff_add(
            hospital=hospital,
            person=person,
            role=role,
            ward=ctx.rng.choice(clinical_wards) if in_ward else None,
            closed_loop=ClosedLoopStatus.IN_LOOP
            if receiving and in_ward
            else ClosedLoopStatus.ROUTINE,
            on_duty_since=(latest - dt.timedelta(days=ctx.rng.randint(15, 40))).date(),
            by=None,
        )
        members.append(member)
        days_back = (
            0 if member.screening_post == ScreeningPost.ISOLATION_WARD else ctx.rng.randint(0, 1)
        )
        if ctx.rng.random() < ALREADY_OVERDUE:
            days_back += 2  # the due day went by without a test
        sampled = ctx.at(latest.date() - dt.timedelta(days=days_back), 7, ctx.rng.randint(0, 59))
        if sampled > latest:
            sampled -= dt.timedelta(days=1)
        staff_test_record(
            staff=member, sampled_at=sampled, result=NucleicAcidResult.NEGATIVE, by=None
        )
        if ctx.rng.random() >= UNTRAINED:
            training_record_add(
                staff=member,
                topic=TrainingTopic.PPE,
                trained_on=member.on_duty_since,
                trainer="院感科",
                by=None,
            )
    if hospital.name == NO5 and len(members) >= 2:
        _incidents(ctx, hospital, members, latest)


def _incidents(
    ctx: DemoContext, hospital: Hospital, members: list[StaffMember], latest: dt.datetime
) -> None:
    by = ctx.users.get(Role.HOSPITAL_STAFF)
    closed = exposure_incident_report(
        hospital=hospital,
        staff=members[0],
        kind=ExposureKind.NEEDLE_STICK,
        occurred_at=latest - dt.timedelta(days=9, hours=3),
        description="为患者采血后回套针帽时被针头刺伤左手食指。",
        immediate_action="立即由近心端向远心端挤出伤口血液，流动水冲洗，碘伏消毒；上报院感科。",
        by=by,
    )
    exposure_follow_up_add(
        incident=closed,
        at=latest - dt.timedelta(days=8),
        note="核酸阴性，体温正常，单间隔离观察。",
        by=by,
    )
    exposure_incident_close(
        incident=closed,
        conclusion="隔离观察期满，连续核酸阴性，未感染。",
        at=latest - dt.timedelta(days=2),
        by=by,
    )
    exposure_incident_report(
        hospital=hospital,
        staff=members[1],
        kind=ExposureKind.PPE_BREACH,
        occurred_at=latest - dt.timedelta(hours=20),
        description="隔离病区脱卸防护服时发现右侧腋下破损约2厘米。",
        immediate_action="按流程规范脱卸，手卫生，更换防护用品；暂停红区工作，单间隔离观察。",
        by=by,
    )
