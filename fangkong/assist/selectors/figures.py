"""The assist area's figures for a day: lists received and the people on them, how many were
verified within their limit, what is outstanding and overdue (by sender and by district),
lists sent out and answered, and arrivals from risk areas. The briefing, the dashboard (which
draws the briefing's sections) and the area's pages all read them from here.

"Verified within the limit" is defined once, here (`row_within_limit_q`,
`task_within_limit_q`), and every count of it uses those."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from fangkong.assist.models import (
    ArrivalReport,
    AssistRequest,
    AssistRow,
    Direction,
    RequestStatus,
    VerificationTask,
)
from fangkong.core.figures import Figure
from fangkong.jurisdictions.models import Jurisdiction


def row_within_limit_q() -> Q:
    """A row of an incoming list verified within its limit: answered at or before its due
    time, or its person's task verified by then (the answer may go back later)."""
    return Q(answered_at__lte=F("due_at")) | Q(task__verified_at__lte=F("due_at"))


def row_done_q(at: dt.datetime) -> Q:
    """A row whose person had been verified (or the row answered) by `at`."""
    return Q(answered_at__lte=at) | Q(task__verified_at__lte=at)


def task_within_limit_q() -> Q:
    """A verification task (an arrival's) verified by its due time."""
    return Q(verified_at__lte=F("due_at"))


def share(part: int, whole: int) -> Decimal:
    """Percent with one decimal; 100 when nothing was due (nothing was late)."""
    if whole == 0:
        return Decimal(100)
    return (Decimal(100) * part / whole).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class DayBounds:
    start: dt.datetime
    end: dt.datetime  # exclusive
    as_of: dt.datetime  # the day's end, or now for today


def day_bounds(day: dt.date, *, now: dt.datetime | None = None) -> DayBounds:
    start = timezone.make_aware(dt.datetime.combine(day, dt.time.min))
    end = start + dt.timedelta(days=1)
    return DayBounds(start, end, min(end, now or timezone.now()))


@dataclass(frozen=True)
class Breakdown:
    """One line of the by-sender or by-district table."""

    label: str
    received: int  # rows received on the day
    due: int  # rows due on the day (up to now for today)
    within_limit: int
    outstanding: int
    overdue: int

    @property
    def share(self) -> Decimal:
        return share(self.within_limit, self.due)


@dataclass(frozen=True)
class AssistFigures:
    day: dt.date
    requests_received: int
    rows_received: int
    persons_received: int
    due: int
    within_limit: int
    outstanding: int
    overdue: int
    lists_sent: int
    rows_replied: int
    lists_awaiting: int
    arrivals_reported: int
    arrivals_matched: int
    arrivals_overdue: int
    by_sender: list[Breakdown]
    by_district: list[Breakdown]

    @property
    def within_limit_share(self) -> Decimal:
        return share(self.within_limit, self.due)

    def figures(self) -> list[Figure]:
        return [
            Figure("assist.within_limit_share", _("按时核查率"), self.within_limit_share, "%"),
            Figure(
                "assist.requests_received", _("当日收到协查函"), self.requests_received, _("份")
            ),
            Figure("assist.persons_received", _("当日协查人员"), self.persons_received, _("人")),
            Figure("assist.due", _("当日到期应核查"), self.due, _("人")),
            Figure("assist.within_limit", _("按时核查"), self.within_limit, _("人")),
            Figure("assist.outstanding", _("待核查"), self.outstanding, _("人")),
            Figure(
                "assist.overdue", _("超时未核查"), self.overdue, _("人"), alert=self.overdue > 0
            ),
            Figure("assist.lists_sent", _("当日发出协查函"), self.lists_sent, _("份")),
            Figure("assist.rows_replied", _("当日收到对方反馈"), self.rows_replied, _("人")),
            Figure("assist.lists_awaiting", _("待对方反馈协查函"), self.lists_awaiting, _("份")),
            Figure("assist.arrivals_reported", _("当日来返报备"), self.arrivals_reported, _("人")),
            Figure(
                "assist.arrivals_matched", _("其中来自风险地区"), self.arrivals_matched, _("人")
            ),
            Figure(
                "assist.arrivals_overdue",
                _("来返人员超时未核查"),
                self.arrivals_overdue,
                _("人"),
                alert=self.arrivals_overdue > 0,
            ),
        ]


def _breakdown_counts(bounds: DayBounds) -> dict[str, Q]:
    """The filtered counts every line of a table takes, over the incoming rows."""
    received = Q(request__received_at__gte=bounds.start, request__received_at__lt=bounds.end)
    due = Q(due_at__gte=bounds.start, due_at__lt=bounds.as_of)
    outstanding = Q(due_at__isnull=False, request__received_at__lt=bounds.as_of) & ~row_done_q(
        bounds.as_of
    )
    return {
        "received": received,
        "due": due,
        "within_limit": due & row_within_limit_q(),
        "outstanding": outstanding,
        "overdue": outstanding & Q(due_at__lt=bounds.as_of),
    }


def _incoming_rows() -> QuerySet[AssistRow]:
    return AssistRow.objects.filter(request__direction=Direction.INCOMING)


def _counted(rows: QuerySet[AssistRow], bounds: DayBounds, *group: str) -> list[dict[str, int]]:
    counts = {name: Count("pk", filter=q) for name, q in _breakdown_counts(bounds).items()}
    if not group:
        return [rows.aggregate(**counts)]
    return list(rows.values(*group).annotate(**counts).order_by(*group))


def _interesting(line: dict[str, int]) -> bool:
    return any(line[k] for k in ("received", "due", "outstanding"))


def _by_sender(bounds: DayBounds) -> list[Breakdown]:
    lines = _counted(_incoming_rows(), bounds, "request__counterpart")
    return [
        Breakdown(
            label=str(line["request__counterpart"]),
            received=line["received"],
            due=line["due"],
            within_limit=line["within_limit"],
            outstanding=line["outstanding"],
            overdue=line["overdue"],
        )
        for line in lines
        if _interesting(line)
    ]


def _by_district(bounds: DayBounds) -> list[Breakdown]:
    """By the district of the task's community; rows with no task yet (the manual queue)
    and tasks in the city's own pool are a line of their own."""
    lines = _counted(_incoming_rows(), bounds, "task__jurisdiction__path")
    districts = {d.path: d.name for d in Jurisdiction.objects.districts()}
    keys = ("received", "due", "within_limit", "outstanding", "overdue")
    folded: dict[str, dict[str, int]] = defaultdict(lambda: dict.fromkeys(keys, 0))
    unassigned = _("未分派（市级）")
    for line in lines:
        path = str(line["task__jurisdiction__path"] or "")
        name = next((n for p, n in districts.items() if path.startswith(p)), unassigned)
        for key in keys:
            folded[name][key] += line[key]
    order = [*sorted(n for n in folded if n != unassigned), unassigned]
    return [
        Breakdown(label=name, **folded[name])
        for name in order
        if name in folded and _interesting(folded[name])
    ]


def assist_figures(day: dt.date, *, now: dt.datetime | None = None) -> AssistFigures:
    """City-wide figures for `day`, as the rows stood at its end (now, for today)."""
    bounds = day_bounds(day, now=now)
    totals = _counted(_incoming_rows(), bounds)[0]
    received_rows = _incoming_rows().filter(_breakdown_counts(bounds)["received"])
    people = received_rows.aggregate(
        persons=Count("person", distinct=True), unidentified=Count("pk", filter=Q(person=None))
    )
    in_day = {"gte": bounds.start, "lt": bounds.end}
    outgoing = AssistRequest.objects.outgoing()
    arrivals = ArrivalReport.objects.filter(
        reported_at__gte=bounds.start, reported_at__lt=bounds.end
    ).aggregate(reported=Count("pk"), matched=Count("pk", filter=~Q(measure="")))
    arrival_tasks = VerificationTask.objects.filter(
        arrival_reports__isnull=False, created_at__lt=bounds.as_of, due_at__lt=bounds.as_of
    ).exclude(verified_at__lte=bounds.as_of)
    return AssistFigures(
        day=day,
        requests_received=AssistRequest.objects.incoming()
        .filter(received_at__gte=in_day["gte"], received_at__lt=in_day["lt"])
        .count(),
        rows_received=totals["received"],
        persons_received=people["persons"] + people["unidentified"],
        due=totals["due"],
        within_limit=totals["within_limit"],
        outstanding=totals["outstanding"],
        overdue=totals["overdue"],
        lists_sent=outgoing.filter(sent_at__gte=in_day["gte"], sent_at__lt=in_day["lt"]).count(),
        rows_replied=AssistRow.objects.filter(
            request__direction=Direction.OUTGOING,
            answered_at__gte=in_day["gte"],
            answered_at__lt=in_day["lt"],
        ).count(),
        lists_awaiting=outgoing.filter(sent_at__lt=bounds.as_of)
        .exclude(status=RequestStatus.CLOSED, closed_at__lte=bounds.as_of)
        .count(),
        arrivals_reported=arrivals["reported"],
        arrivals_matched=arrivals["matched"],
        arrivals_overdue=arrival_tasks.distinct().count(),
        by_sender=_by_sender(bounds),
        by_district=_by_district(bounds),
    )
