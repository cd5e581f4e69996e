"""The assist area's demo: ten days of 区域协查 in the 2021 Delta wave, through its services.

The Nanjing Lukou airport cluster, then Yangzhou's chess rooms, sent the city lists of people
to find: 南京市 (the same flight and cabin, then their secondary contacts), 扬州市 (people at
the cluster's venues), 张家界市 (the theatre show) and the province. Each list is received
as the sender wrote it: most people are our residents (a few already placed by our own
tracing, answered at once), some are new to the registry, one is on two lists (one task), a
few rows carry no identity (the manual queue; one is identified by hand). Community staff
verify most tasks in time: placed in a free room, at home, under monitoring, one gone to
Shanghai (forwarded there), one not found; the latest list is still being worked on, and a
province task past its twelve hours is escalated by the job (a 督办 task). Our own contacts
living elsewhere gather on drafts per city; the Nanjing list is sent and its reply matched
back. The risk-area list (Lukou high, Nanjing and Yangzhou medium, one lifted) and arrivals'
own reports (most matched, one typed, one from nowhere on the list) close the story.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import random
from dataclasses import dataclass

from django.db.models import Max, Q

from fangkong.accounts.roles import Role
from fangkong.assist import demo_elsewhere as elsewhere
from fangkong.assist.importing import AssistRowInput
from fangkong.assist.models import (
    AssistRequest,
    CounterpartKind,
    Outcome,
    RequestCategory,
    RowMatch,
    VerificationTask,
)
from fangkong.assist.selectors.tasks import free_rooms
from fangkong.assist.services.answers import assist_request_answer
from fangkong.assist.services.escalation import overdue_alerts_run, verification_tasks_escalate
from fangkong.assist.services.intake import assist_request_receive, assist_row_identify
from fangkong.assist.services.verification import verification_task_record
from fangkong.cases.models import Case, Contact
from fangkong.demo import geography
from fangkong.demo.context import DemoContext
from fangkong.facilities.models import ClosedLoopStint
from fangkong.jurisdictions.models import Jurisdiction
from fangkong.people.models import IdType, Person
from fangkong.people.services import person_register
from fangkong.quarantine.models import Placement, Room

ORDER = 48  # after the cases' and hospitals' history (their people taken), before command's
HOME_DISTRICT = "320214"  # 新吴区: the lists reach it, and one list does not


@dataclass(frozen=True)
class _List:
    counterpart: str
    kind: str
    number: str
    days_ago: int
    hour: int
    category: str
    place: str
    rows: int  # at full scale
    least: int  # in a miniature
    home: bool = True  # whether it names residents of the home district
    placed: int = 0  # residents already placed by our own tracing
    manual: int = 0  # rows without an identity
    by_phone: int = 0  # rows without an ID that name a resident's phone


LISTS = (
    _List("南京市", CounterpartKind.CITY, "宁协查〔2021〕117号", 10, 9,
          RequestCategory.CLOSE_CONTACT, "禄口机场T2航站楼，CA1859航班同舱", 40, 5,
          placed=2, manual=2),
    _List("南京市", CounterpartKind.CITY, "宁协查〔2021〕131号", 9, 15,
          RequestCategory.SECONDARY_CONTACT, "禄口机场保洁人员密接的共同居住者", 20, 3,
          home=False),
    _List("扬州市", CounterpartKind.CITY, "扬协查〔2021〕26号", 6, 11,
          RequestCategory.VENUE_EXPOSED, "扬州市邗江区蒋王街道某棋牌室", 30, 3, by_phone=1),
    _List("张家界市", CounterpartKind.CITY, "张防协〔2021〕9号", 5, 16,
          RequestCategory.VENUE_EXPOSED, "张家界市魅力湘西剧场（7月22日演出）", 12, 2),
    _List("江苏省疫情防控指挥部", CounterpartKind.PROVINCE, "苏防协查〔2021〕58号", 1, 19,
          RequestCategory.CLOSE_CONTACT, "扬州市广陵区汤汪乡某小区", 40, 4, placed=1, manual=1),
    _List("扬州市", CounterpartKind.CITY, "扬协查〔2021〕41号", 0, 7, RequestCategory.VENUE_EXPOSED,
          "扬州市邗江区某超市", 24, 3),
)  # fmt: skip
PROVINCE, LATEST_LIST = 4, 5  # the list with the overdue tasks; the one still being worked on
NOT_FOUND_TRIED = "三次电话无人接听，上门敲门无应答，物业称该户已出租、租客不详"


class _Residents:
    """Residents nothing else in the demo holds, by district, in a seeded order."""

    def __init__(self, ctx: DemoContext) -> None:
        taken = set(Placement.objects.values_list("person_id", flat=True))
        taken |= set(Case.objects.values_list("person_id", flat=True))
        taken |= set(Contact.objects.values_list("person_id", flat=True))
        taken |= set(ClosedLoopStint.objects.values_list("person_id", flat=True))
        taken |= set(VerificationTask.objects.values_list("person_id", flat=True))
        taken |= set(ctx.shared.get("hospitals", {}).get("patients", []))
        self.by_district: dict[str, list[Person]] = {d.code: [] for d in ctx.districts}
        paths = [(d.code, d.path) for d in ctx.districts]
        people = Person.objects.filter(home_jurisdiction__isnull=False).select_related(
            "home_jurisdiction"
        )
        for person in people.order_by("pk"):
            home = person.home_jurisdiction
            if person.pk in taken or home is None:
                continue
            code = next((c for c, path in paths if home.path.startswith(path)), None)
            if code is not None:
                self.by_district[code].append(person)
        for pool in self.by_district.values():
            ctx.rng.shuffle(pool)

    def take(self, code: str) -> Person | None:
        pool = self.by_district.get(code) or []
        return pool.pop() if pool else None


def _named(person: Person) -> dict[str, str]:
    """A registered person as a list names them."""
    return {
        "name": person.name,
        "id_number": person.id_number,
        "phone": person.phone,
        "address": person.address,
    }


class AssistStory:
    def __init__(self, ctx: DemoContext) -> None:
        self.ctx, self.rng = ctx, ctx.rng
        self.hq = ctx.users.get(Role.HQ_ADMIN)
        self.verifier = ctx.users.get(Role.DISTRICT_OFFICER)
        self.residents = _Residents(ctx)
        self.home = next(d for d in ctx.districts if d.code == HOME_DISTRICT)
        self.others = [d for d in ctx.districts if d.code != HOME_DISTRICT]
        self.placed = list(
            Placement.objects.filter(ended_at__isnull=True, companion_of__isnull=True)
            .select_related("person")
            .order_by("pk")
        )
        self.deferred: list[VerificationTask] = []  # the person on two lists, verified later
        self.left_city = self.not_found = False

    def at(self, days_ago: int, hour: int, minute: int = 0) -> dt.datetime:
        return self.ctx.at(self.ctx.today - dt.timedelta(days=days_ago), hour, minute)

    # --- incoming lists ----------------------------------------------------------------------
    def _districts(self, spec: _List, count: int) -> list[Jurisdiction]:
        """Whose residents a list names, row by row: the first row outside the home district
        (the route matrix's object out of its reach), then the home district and the others
        in turn."""
        order = [self.others[0], *([self.home] if spec.home else []), *self.others[1:]]
        return [order[n % len(order)] for n in range(count)]

    def _row(self, number: int, spec: _List, exposed: dt.datetime, **person: str) -> AssistRowInput:
        return AssistRowInput(
            line=number + 1,
            row_number=number,
            name=person.get("name", ""),
            id_type=IdType.RESIDENT_ID,
            id_number=person.get("id_number", ""),
            phone=person.get("phone", ""),
            address=person.get("address", ""),
            category=spec.category,
            exposure_place=spec.place,
            exposure_at=exposed,
            remark=person.get("remark", ""),
        )

    def _community(self, district: Jurisdiction) -> Jurisdiction:
        return self.rng.choice(
            [c for c in self.ctx.communities if c.path.startswith(district.path)]
        )

    def _address(self, community: Jurisdiction) -> str:
        rng = self.rng
        return f"{community.name}{rng.choice(geography.ROADS)}{rng.randint(1, 400)}号"

    def _newcomer(self, district: Jurisdiction) -> dict[str, str]:
        """Someone the registry does not know yet, living in one of the district's
        communities (the list gives the address)."""
        who = self.ctx.new_identity()
        return {**who.__dict__, "address": self._address(self._community(district))}

    def _someone(self, district: Jurisdiction) -> dict[str, str]:
        """A resident of the district nothing else holds, else a newcomer living there."""
        person = self.residents.take(district.code)
        if person is None:
            return self._newcomer(district)
        return _named(person)

    def _rows(
        self, spec: _List, received: dt.datetime, shared: Person | None
    ) -> list[AssistRowInput]:
        rng, ctx = self.rng, self.ctx
        exposed = received - dt.timedelta(days=rng.randint(2, 4), hours=rng.randint(0, 12))
        count = ctx.scaled(spec.rows, minimum=spec.least)
        people = [self._someone(district) for district in self._districts(spec, count)]
        # Residents our own tracing placed before the list came: answered at once.
        held = [p for p in self.placed if p.starts_at <= received][: spec.placed]
        people[1:1] = [_named(p.person) for p in held]
        self.placed = [p for p in self.placed if p not in held]
        if shared is not None:
            people.insert(2, _named(shared))
        people.append(self._newcomer(self.others[-1]))
        rows = [self._row(n, spec, exposed, **p) for n, p in enumerate(people, start=1)]
        for _n in range(spec.by_phone):
            # A row without ID: a resident found by phone, else (a miniature) the list's
            # newcomer written twice, found by the phone their first row registered.
            found = next((p for d in self.others if (p := self.residents.take(d.code))), None)
            known = _named(found) if found is not None else people[-1]
            rows.append(
                self._row(len(rows) + 1, spec, exposed, name=known["name"], phone=known["phone"])
            )
        for _n in range(spec.manual):
            stranger = ctx.new_identity(local=False)
            rows.append(
                self._row(len(rows) + 1, spec, exposed, name=stranger.name, remark="证件号码缺失")
            )
        return rows

    def receive(self, index: int, spec: _List, shared: Person | None) -> list[VerificationTask]:
        received = self.at(spec.days_ago, spec.hour, self.rng.randint(0, 40))
        result = assist_request_receive(
            counterpart=spec.counterpart,
            counterpart_kind=spec.kind,
            number=spec.number,
            received_at=received,
            rows=self._rows(spec, received, shared),
            by=self.hq,
            at=received + dt.timedelta(minutes=self.rng.randint(5, 25)),
        )
        ids = sorted({row.task_id for row in result.added if row.task_id is not None})
        return list(VerificationTask.objects.filter(pk__in=ids).order_by("pk"))

    # --- verification --------------------------------------------------------------------------
    def _room(self, at: dt.datetime) -> Room | None:
        """A free room (as the verification page offers them) whose last guest left by `at`."""
        return (
            free_rooms()
            .annotate(last_left=Max("placements__ended_at"))
            .filter(Q(last_left__isnull=True) | Q(last_left__lte=at))
            .first()
        )

    def _outcome(self, task: VerificationTask, category: str) -> str:
        if not self.left_city:
            self.left_city = True
            return Outcome.LEFT_CITY
        if category == RequestCategory.SECONDARY_CONTACT and not self.not_found:
            self.not_found = True
            return Outcome.NOT_FOUND
        if category in (RequestCategory.CLOSE_CONTACT, RequestCategory.SECONDARY_CONTACT):
            return Outcome.CENTRALIZED
        if category == RequestCategory.RISK_AREA_ARRIVAL:
            report = task.arrival_reports.order_by("pk").first()
            return (
                report.measure if report is not None and report.measure else Outcome.HOME_QUARANTINE
            )
        return Outcome.HEALTH_MONITORING if self.rng.random() < 0.6 else Outcome.HOME_QUARANTINE

    def verify(self, task: VerificationTask, category: str, at: dt.datetime) -> None:
        outcome = self._outcome(task, category)
        room = self._room(at) if outcome == Outcome.CENTRALIZED else None
        if outcome == Outcome.CENTRALIZED and room is None:
            outcome = Outcome.HOME_QUARANTINE  # the sites are full: at home until a room frees
        at_home = outcome in (Outcome.HOME_QUARANTINE, Outcome.HEALTH_MONITORING)
        left = outcome == Outcome.LEFT_CITY
        verification_task_record(
            task=task,
            reached=outcome != Outcome.NOT_FOUND,
            location=(task.person.address or "本市住址") if at_home else "",
            outcome=outcome,
            room=room,
            destination_city="上海市" if left else "",
            note="本人电话告知已于三天前返回上海工作" if left else "",
            tried=NOT_FOUND_TRIED if outcome == Outcome.NOT_FOUND else "",
            by=self.verifier,
            at=at,
        )

    def work(
        self, tasks: list[VerificationTask], category: str, hours: int, *, overdue: int = 0
    ) -> None:
        """Verify each task within its hours (some late), unless that time has not come yet;
        the last `overdue` are left past their time."""
        latest = self.ctx.now - elsewhere.LATEST
        for position, task in enumerate(tasks):
            if position >= len(tasks) - overdue:
                continue
            late = position == 1 and hours > 12
            spent = (
                self.rng.uniform(hours + 2, hours + 8)
                if late
                else self.rng.uniform(1.5, hours * 0.8)
            )
            at = task.created_at + dt.timedelta(minutes=round(spent * 60))
            if at <= latest:
                self.verify(task, category, at)

    # --- the story -------------------------------------------------------------------------
    def lists(self) -> list[AssistRequest]:
        received: list[AssistRequest] = []
        shared: Person | None = None
        for index, spec in enumerate(LISTS):
            tasks = self.receive(index, spec, shared if index == LATEST_LIST else None)
            hours = 12 if spec.category == RequestCategory.CLOSE_CONTACT else 24
            tasks = [t for t in tasks if t not in self.deferred]
            if index == PROVINCE:
                # One of its people is also on Yangzhou's next list: verified after it came.
                homed = [t for t in tasks if t.jurisdiction.path.startswith(self.home.path)]
                wait = homed[0] if homed else tasks[0]
                self.deferred.append(wait)
                shared = wait.person
                tasks = [t for t in tasks if t.pk != wait.pk]
                self.work(tasks, spec.category, hours, overdue=min(2, max(1, len(tasks) - 2)))
            else:
                self.work(tasks, spec.category, hours)
            received.append(
                AssistRequest.objects.get(counterpart=spec.counterpart, number=spec.number)
            )
        for task in self.deferred:
            self.verify(task, RequestCategory.CLOSE_CONTACT, self.at(0, 8, 30))
        return received

    def manual_queue(self, first: AssistRequest) -> None:
        """One row of the manual queue identified by hand the morning after, and verified."""
        row = first.rows.filter(match=RowMatch.NONE).order_by("row_number").first()
        if row is None:
            return
        at = self.at(LISTS[0].days_ago - 1, 9, 20)
        person = self.residents.take(self.home.code)
        if person is None:  # a miniature: the community registers them as it finds them
            community = self._community(self.home)
            person = person_register(
                **self.ctx.new_identity().__dict__,
                address=self._address(community),
                home_jurisdiction=community,
                by=self.verifier,
            ).person
        row = assist_row_identify(row=row, person=person, by=self.hq, at=at)
        if row.task is not None:
            self.verify(row.task, row.category, at + dt.timedelta(hours=3))

    def answers(self, received: list[AssistRequest]) -> None:
        # An interim answer to the first list, final answers to the ones all answered.
        assist_request_answer(request=received[0], by=self.hq, at=self.at(9, 8))
        for request, days_ago in ((received[1], 8), (received[2], 4), (received[3], 3)):
            assist_request_answer(request=request, by=self.hq, at=self.at(days_ago, 9))


def build(ctx: DemoContext) -> None:
    # A stream of its own, seeded from the shared one without drawing from it (as the cases'
    # wave): the areas built after this one (command's reports) draw what they drew before it.
    seed = ",".join(str(n) for n in ctx.rng.getstate()[1][:8])
    ctx = dataclasses.replace(ctx, rng=random.Random("assist:" + seed))
    story = AssistStory(ctx)
    areas = elsewhere.risk_areas(ctx, by=story.hq)
    received = story.lists()
    story.manual_queue(received[0])
    story.answers(received)
    elsewhere.outgoing(ctx, by=story.hq)
    elsewhere.arrivals(ctx, areas, home=story.home, verify=story.verify)
    # The jobs at the present: the province's tasks past their twelve hours escalate (a 督办
    # task each) and their district is alerted.
    verification_tasks_escalate(ctx.now)
    overdue_alerts_run(ctx.now)
