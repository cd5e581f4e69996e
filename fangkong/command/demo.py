"""The command area's demo: notice No. 33 (the night the bars, KTVs and stadiums were
tightened), the six work teams and a month of their rota, supervised tasks in every status,
a month of unit reports (some late, some missing) and the notifications all that produced.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth.hashers import make_password
from django.core.exceptions import ValidationError
from django.db import transaction

from fangkong.accounts.models import User
from fangkong.accounts.roles import Role
from fangkong.command.measures import REPORT_CUTOFF, RISK_LEVEL, report_cutoff
from fangkong.command.models import (
    MissingReport,
    ReportKind,
    Rota,
    Shift,
    Task,
    TeamMember,
    UnitReport,
)
from fangkong.command.selectors.reports import profile_figures, reporting_units, unit_profile
from fangkong.command.services.notices import (
    MeasureLine,
    notice_create,
    notice_mark_read,
    notice_publish,
    notices_activate,
    notices_chase_unread,
)
from fangkong.command.services.snapshots import figure_snapshots_take
from fangkong.command.services.tasks import (
    milestones_escalate_overdue,
    milestones_remind_due,
    task_accept,
    task_issue,
    task_report_progress,
    task_return,
    task_submit,
)
from fangkong.command.services.teams import rota_create, rota_publish, team_create
from fangkong.demo.context import DemoContext
from fangkong.jurisdictions.models import Level, ResponsibilityKind, ResponsibleUnit
from fangkong.policy.kinds import measure_kind, measure_kinds

ORDER = 50
DAYS = 30
TASKS = 60
MEMBERS_PER_TEAM = 5
TEAMS = [
    ("综合协调", "统筹协调、信息汇总、会议组织、通告起草"),
    ("流调溯源", "病例流行病学调查、密接判定、溯源分析"),
    ("隔离管控", "集中隔离点管理、居家健康监测、转运"),
    ("医疗救治", "定点医院收治、医疗资源调度、院感防控"),
    ("物资保障", "防护物资、生活物资、检测试剂储备与调拨"),
    ("督查指导", "四不两直督查、问题交办、整改销号"),
]
TASK_TITLES = [
    "重点场所限流措施落实情况自查", "中风险地区来返人员排查", "集中隔离点三区两通道整改",
    "农贸市场从业人员核酸检测", "KTV、酒吧停业整顿核查", "居家健康监测人员上门走访",
    "快递物流从业人员健康监测", "医疗机构预检分诊督查", "学校开学前疫情防控准备",
    "养老机构封闭管理检查", "冷链食品追溯排查", "社区卡口值守情况检查",
]  # fmt: skip
TIGHTENED = ["bar", "ktv", "stadium"]


def _applies(line: MeasureLine) -> bool:
    """Whether a measure of another area's kind can be set as written here: the demo leaves
    out what that area (if merged) names or values differently, instead of failing."""
    try:
        kind = measure_kind(line.kind)
        if line.subject not in {s for s, _label in kind.subjects()}:
            return False
        kind.parse(line.subject, line.value)
    except (KeyError, ValidationError):
        return False
    return True


def _notices(ctx: DemoContext, units: list[ResponsibleUnit]) -> Any:
    hq = ctx.users[Role.HQ_ADMIN]
    registered = {k.key for k in measure_kinds()}
    day33 = ctx.today - dt.timedelta(days=8)
    first_district = ctx.districts[0]
    community = ctx.communities[0]
    notices = [
        (
            31,
            "关于调整全市部分地区疫情风险等级的通告",
            "根据疫情防控形势，经市疫情防控应急指挥部研究决定，自即日起调整部分地区风险等级。",
            ctx.at(day33 - dt.timedelta(days=3), 12),
            [MeasureLine(RISK_LEVEL, community.code, "medium")],
        ),
        (
            32,
            "关于规范全市疫情防控日报告和零报告制度的通告",
            "各责任单位每日16:00前报送当日疫情防控情况，无新增情况的报送零报告。",
            ctx.at(day33 - dt.timedelta(days=2), 0),
            [MeasureLine(REPORT_CUTOFF, "", "16:00")],
        ),
        (
            33,
            "关于进一步加强娱乐场所和体育场馆疫情防控工作的通告",
            "为有效防控德尔塔变异株疫情传播风险，经市疫情防控应急指挥部研究决定：\n"
            "一、即日20:00起，全市酒吧、KTV、体育场馆限流至核定容量的50%。\n"
            "二、各场所严格落实扫码、测温、戴口罩等措施。\n"
            "三、各区、各部门按照属地管理原则加强督查，对违规场所依法处理。",
            ctx.at(day33, 20),
            [
                MeasureLine("venues.capacity_tier", category, "tightened")
                for category in TIGHTENED
                if "venues.capacity_tier" in registered
            ]
            + [MeasureLine(RISK_LEVEL, first_district.code, "medium")],
        ),
    ]
    readers = {u.unit_id: u for u in User.objects.filter(unit__isnull=False).order_by("-pk")}
    created = []
    for number, title, body, effective_at, measures in notices:
        issued = min(effective_at - dt.timedelta(hours=2), ctx.now)
        notice = notice_create(
            number=number,
            title=title,
            body=body,
            effective_at=effective_at,
            measures=[m for m in measures if _applies(m)],
            by=hq,
        )
        notice_publish(notice=notice, by=hq, at=issued)
        for unit in units:
            reader = readers.get(unit.pk)
            if reader is not None and ctx.rng.random() < 0.85:
                notice_mark_read(notice=notice, by=reader, at=issued + dt.timedelta(hours=1))
        created.append(notice)
    notices_activate(ctx.now)
    notices_chase_unread(ctx.now)
    return created[-1]


def _team_members(ctx: DemoContext, count: int) -> list[User]:
    """Team members who appear on the rota; they log in through the HQ's accounts, so the demo
    gives them no password of their own (creating hundreds of hashed passwords is slow)."""
    rows = []
    for index in range(count):
        identity = ctx.new_identity(min_age=25, max_age=58)
        rows.append(
            User(
                username=f"team{index + 1:03d}",
                full_name=identity.name,
                role=Role.HQ_ADMIN if index % MEMBERS_PER_TEAM == 0 else Role.INSPECTOR,
                jurisdiction=ctx.city,
                unit=ctx.hq_unit,
                phone=identity.phone,
                password=make_password(None),
            )
        )
    return User.objects.bulk_create(rows)


def _unit_liaisons(ctx: DemoContext, units: list[ResponsibleUnit]) -> None:
    """Every reporting unit gets a liaison (联络员) who receives its notices and tasks; like
    the team members they have no password of their own in the demo."""
    staffed = set(User.objects.filter(unit__isnull=False).values_list("unit_id", flat=True))
    rows = []
    for unit in units:
        if unit.pk in staffed:
            continue
        identity = ctx.new_identity(min_age=25, max_age=58)
        rows.append(
            User(
                username=f"unit{unit.pk:05d}",
                full_name=identity.name,
                role=Role.UNIT_REPORTER,
                jurisdiction=unit.jurisdiction,
                unit=unit,
                phone=identity.phone,
                password=make_password(None),
            )
        )
    User.objects.bulk_create(rows)


def _teams_and_rota(ctx: DemoContext) -> None:
    hq = ctx.users[Role.HQ_ADMIN]
    members = _team_members(ctx, len(TEAMS) * MEMBERS_PER_TEAM)
    first_day = ctx.today - dt.timedelta(days=DAYS - 1)
    for t, (name, duties) in enumerate(TEAMS):
        people = members[t * MEMBERS_PER_TEAM : (t + 1) * MEMBERS_PER_TEAM]
        team = team_create(name=name, duties=duties, leader=people[0], order=t, by=hq)
        TeamMember.objects.bulk_create(
            TeamMember(team=team, user=person, post="值班员") for person in people[1:]
        )
        # Weekly rotas over the month: a day shift and a night shift, each person on duty two
        # days in five, so the rest rules hold; the coming week's rota is still a draft.
        start = first_day
        while start <= ctx.today + dt.timedelta(days=6):
            end = start + dt.timedelta(days=6)
            rota = rota_create(team=team, starts_on=start, ends_on=end, by=hq)
            shifts = []
            for offset in range(7):
                day = start + dt.timedelta(days=offset)
                n = (day - first_day).days
                day_person = people[n % MEMBERS_PER_TEAM]
                night_person = people[(n + 2) % MEMBERS_PER_TEAM]
                shifts.append(
                    Shift(
                        rota=rota,
                        user=day_person,
                        starts_at=ctx.at(day, 8),
                        ends_at=ctx.at(day, 20),
                        post="白班",
                    )
                )
                shifts.append(
                    Shift(
                        rota=rota,
                        user=night_person,
                        starts_at=ctx.at(day, 20),
                        ends_at=ctx.at(day, 8) + dt.timedelta(days=1),
                        post="夜班",
                    )
                )
            Shift.objects.bulk_create(shifts)
            if end < ctx.today + dt.timedelta(days=1) or start <= ctx.today:
                rota_publish(rota=rota, by=hq)
            start = end + dt.timedelta(days=1)
    # The inspection team's next rota keeps one inspector on for eight days running: the page
    # flags it before anyone can publish it.
    latest = Rota.objects.filter(team__name="督查指导").order_by("-starts_on").first()
    inspector = latest.team.memberships.order_by("pk").last() if latest is not None else None
    if latest is not None and inspector is not None:
        nxt = rota_create(
            team=latest.team,
            starts_on=latest.ends_on + dt.timedelta(days=1),
            ends_on=latest.ends_on + dt.timedelta(days=8),
            by=hq,
        )
        Shift.objects.bulk_create(
            Shift(
                rota=nxt,
                user=inspector.user,
                starts_at=ctx.at(nxt.starts_on + dt.timedelta(days=d), 9),
                ends_at=ctx.at(nxt.starts_on + dt.timedelta(days=d), 18),
                post="督查",
            )
            for d in range(8)
        )


def _tasks(ctx: DemoContext, units: list[ResponsibleUnit], notice: Any) -> None:
    hq = ctx.users[Role.HQ_ADMIN]
    owners = [
        u
        for u in units
        if u.kind != ResponsibilityKind.TERRITORY or u.jurisdiction.level != Level.COMMUNITY
    ]
    owners += ctx.rng.sample(
        [u for u in units if u.jurisdiction.level == Level.COMMUNITY], k=min(20, len(units))
    )
    reporter_unit = ctx.users[Role.UNIT_REPORTER].unit
    workers = {u.unit_id: u for u in User.objects.filter(unit__isnull=False, is_active=True)}
    statuses = ["issued", "in_progress", "submitted", "done", "done", "returned", "in_progress"]
    for index in range(ctx.scaled(TASKS, minimum=10)):
        status = statuses[index % len(statuses)]
        unit = reporter_unit if index < 3 and reporter_unit is not None else ctx.rng.choice(owners)
        individual = index % 11 == 5
        if status in ("issued", "in_progress", "returned") and ctx.rng.random() < 0.8:
            # Most open work was pushed down in the last days and is still within its time.
            issued = ctx.now - dt.timedelta(days=ctx.rng.randint(1, 5), hours=ctx.rng.randint(0, 8))
            deadline = ctx.now + dt.timedelta(
                days=ctx.rng.randint(1, 6), hours=ctx.rng.randint(0, 8)
            )
        else:
            issued = ctx.now - dt.timedelta(
                days=ctx.rng.randint(8, DAYS - 2), hours=ctx.rng.randint(0, 8)
            )
            deadline = issued + dt.timedelta(days=ctx.rng.randint(3, 7))
        milestones = [
            ("制定工作方案", issued + dt.timedelta(days=1)),
            ("完成排查（检查）", issued + (deadline - issued) / 2),
            ("整改销号并报送佐证", deadline - dt.timedelta(hours=2)),
        ]
        owner_user = ctx.users[Role.INSPECTOR] if individual else None
        task = task_issue(
            title=TASK_TITLES[index % len(TASK_TITLES)]
            + (f"（{unit.jurisdiction.name}）" if unit else ""),
            goal="对照通告要求逐项落实，发现问题立即整改，按节点报送进展和佐证材料。",
            responsibility=ResponsibilityKind.INDIVIDUAL if individual else unit.kind,
            owner_unit=None if individual else unit,
            owner_user=owner_user,
            deadline=deadline,
            milestones=milestones,
            source=notice if index % 4 == 0 else None,
            by=hq,
            at=issued,
        )
        worker = owner_user or workers.get(task.owner_unit_id or 0)
        if status == "issued" or worker is None:
            continue
        steps = list(task.milestones.all())
        finished = (
            len(steps) if status in ("submitted", "done", "returned") else ctx.rng.randint(0, 2)
        )
        for step in steps[:finished]:
            when = min(step.due_at - dt.timedelta(hours=ctx.rng.randint(-6, 10)), ctx.now)
            task_report_progress(
                task=task,
                text=f"{step.title}：已完成。",
                milestone=step,
                milestone_done=True,
                by=worker,
                at=when,
            )
        if status == "in_progress" and finished == 0:
            task_report_progress(
                task=task,
                text="已部署，正在推进。",
                by=worker,
                at=min(issued + dt.timedelta(hours=5), ctx.now),
            )
        if status in ("submitted", "done", "returned"):
            submitted = min(deadline - dt.timedelta(hours=1), ctx.now - dt.timedelta(hours=3))
            task_submit(task=task, text="已按要求完成，佐证材料见附件。", by=worker, at=submitted)
            if status == "done":
                task_accept(
                    task=task, note="验收通过。", by=hq, at=submitted + dt.timedelta(hours=2)
                )
            elif status == "returned":
                task_return(
                    task=task,
                    reason="佐证材料不全，请补充现场照片。",
                    by=hq,
                    at=submitted + dt.timedelta(hours=2),
                )
    # The jobs ran every day of the month: overdue milestones were escalated on the day they
    # fell overdue, not all today.
    for offset in range(DAYS - 1, -1, -1):
        moment = ctx.at(ctx.today - dt.timedelta(days=offset), 8, 30)
        milestones_escalate_overdue(min(moment, ctx.now))
    milestones_remind_due(ctx.now)


FIGURE_RANGES = {
    "people_held": (20, 180), "new_admitted": (0, 30), "released": (0, 25), "new_abnormal": (0, 2),
    "staff_on_duty": (8, 30), "patients_in_care": (5, 60), "new_admissions": (0, 8),
    "discharged": (0, 5), "beds_free": (10, 120), "staff_tests": (50, 400),
    "home_monitoring": (0, 40), "visits_done": (10, 120), "tests_done": (200, 3000),
    "new_arrivals": (0, 15), "inspections": (5, 60), "issues_found": (0, 8), "issues_fixed": (0, 8),
    "checkpoints": (2, 12), "staff_checked": (20, 300),
}  # fmt: skip
NEEDS = ["需增派采样人员", "防护物资（N95口罩）告急", "需协调隔离房间", "需补充核酸采样管", ""]


def _reports(ctx: DemoContext, units: list[ResponsibleUnit]) -> None:
    """A month of reports from every unit: most on time, some late (zero reports mostly),
    a few missing; today only those who report early have reported by 10:00, and never the
    demo reporter's own unit (on a day the draw had it file a daily report, the zero report
    of the walkthrough was refused)."""
    profiles = {u.pk: unit_profile(u) for u in units}
    figures = {p: [f.key for f in profile_figures(p)] for p in set(profiles.values())}
    reporter = ctx.users[Role.UNIT_REPORTER]
    rows: list[UnitReport] = []
    missing: list[MissingReport] = []
    for offset in range(DAYS - 1, -1, -1):
        day = ctx.today - dt.timedelta(days=offset)
        cutoff = report_cutoff(day)
        for unit in units:
            roll = ctx.rng.random()
            if offset == 0:
                # The demo's reporter files today's report in the walkthrough: it is left open.
                if roll < 0.35 and unit.pk != reporter.unit_id:
                    at = ctx.at(day, 8) + dt.timedelta(minutes=ctx.rng.randint(0, 110))
                else:
                    continue
            elif roll < 0.04 or (unit.pk == reporter.unit_id and offset == 3):
                missing.append(
                    MissingReport(unit=unit, day=day, detected_at=cutoff + dt.timedelta(minutes=5))
                )
                continue
            elif roll < 0.09:
                at = cutoff + dt.timedelta(minutes=ctx.rng.randint(10, 240))
                missing.append(
                    MissingReport(
                        unit=unit,
                        day=day,
                        detected_at=cutoff + dt.timedelta(minutes=5),
                        resolved_at=at,
                    )
                )
            else:
                at = cutoff - dt.timedelta(minutes=ctx.rng.randint(20, 420))
            profile = profiles[unit.pk]
            zero = profile not in ("site", "hospital") and ctx.rng.random() < 0.3
            values = (
                {}
                if zero
                else {k: ctx.rng.randint(*FIGURE_RANGES.get(k, (0, 10))) for k in figures[profile]}
            )
            rows.append(
                UnitReport(
                    unit=unit,
                    day=day,
                    kind=ReportKind.ZERO if zero else ReportKind.DAILY,
                    profile=profile,
                    figures=values,
                    needs="" if zero or ctx.rng.random() < 0.85 else ctx.rng.choice(NEEDS),
                    submitted_at=at,
                    submitted_by=reporter if unit.pk == reporter.unit_id else None,
                    cutoff_at=cutoff,
                    late=at > cutoff,
                )
            )
    UnitReport.objects.bulk_create(rows, batch_size=2000)
    MissingReport.objects.bulk_create(missing, batch_size=2000)


@transaction.atomic
def build(ctx: DemoContext) -> None:
    units = list(reporting_units().order_by("pk"))
    _unit_liaisons(ctx, units)
    notice = _notices(ctx, units)
    _teams_and_rota(ctx)
    _tasks(ctx, units, notice)
    _reports(ctx, units)
    # The snapshot job ran every day: the dashboard's trends cover the whole month.
    for offset in range(DAYS - 1, -1, -1):
        day = ctx.today - dt.timedelta(days=offset)
        figure_snapshots_take(day=day, at=min(ctx.at(day, 23, 55), ctx.now))
    ctx.shared["command"] = {"notice": notice.pk, "tasks": Task.objects.count()}
