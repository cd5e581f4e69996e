"""Reading lists as a viewer may: the HQ and the leader see every list; anyone else the rows
of their part of the city (the person's task or home there, or the contact's case run
there) and the lists that hold such a row."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet

from fangkong.accounts.capabilities import user_can
from fangkong.accounts.scope import scope_of
from fangkong.assist.models import (
    AssistRequest,
    AssistRow,
    Direction,
    RequestStatus,
    RowMatch,
)


class Tab:
    INCOMING = "incoming"
    OUTGOING = "outgoing"
    DRAFTS = "drafts"


def row_scope_q(viewer: Any) -> Q:
    if not user_can(viewer, "assist.view"):
        return Q(pk__in=[])
    scope = scope_of(viewer)
    if scope.city_wide:
        return Q()
    return (
        scope.jurisdiction_q("task__jurisdiction")
        | scope.jurisdiction_q("person__home_jurisdiction")
        | scope.jurisdiction_q("contact__case__jurisdiction")
    )


def row_list(*, viewer: Any, request: AssistRequest | None = None) -> QuerySet[AssistRow]:
    """The rows the viewer may see, in the sender's order within each list."""
    rows = AssistRow.objects.filter(row_scope_q(viewer))
    if request is not None:
        rows = rows.filter(request=request)
    return rows.select_related(
        "request", "task__jurisdiction", "person__home_jurisdiction", "contact__case"
    ).order_by("request", "row_number")


def request_list(
    *, viewer: Any, tab: str = "", counterpart: str = "", status: str = ""
) -> QuerySet[AssistRequest]:
    requests = AssistRequest.objects.all()
    if not scope_of(viewer).city_wide:
        requests = requests.filter(
            pk__in=AssistRow.objects.filter(row_scope_q(viewer)).values("request")
        )
    if tab == Tab.INCOMING:
        requests = requests.incoming()
    elif tab == Tab.OUTGOING:
        requests = requests.outgoing().exclude(status=RequestStatus.DRAFT)
    elif tab == Tab.DRAFTS:
        requests = requests.outgoing().filter(status=RequestStatus.DRAFT)
    if counterpart:
        requests = requests.filter(counterpart=counterpart)
    if status:
        requests = requests.filter(status=status)
    return requests


def request_get(*, viewer: Any, pk: int) -> AssistRequest:
    """One list the viewer may see; AssistRequest.DoesNotExist (a 404) otherwise."""
    return request_list(viewer=viewer).get(pk=pk)


def counterparts(*, viewer: Any, direction: str = "") -> list[str]:
    """The senders (or addressees) of the lists the viewer sees, for a filter."""
    requests = request_list(viewer=viewer)
    if direction:
        requests = requests.filter(direction=direction)
    return list(requests.order_by("counterpart").values_list("counterpart", flat=True).distinct())


@dataclass(frozen=True)
class RowCounts:
    rows: int = 0
    answered: int = 0
    overdue: int = 0

    @property
    def outstanding(self) -> int:
        return self.rows - self.answered


def row_counts(
    *, viewer: Any, requests: list[AssistRequest], now: dt.datetime
) -> dict[int, RowCounts]:
    """Per list (of a page of them): the rows the viewer sees, answered, and overdue (due
    before `now` and still unanswered); one query."""
    found = (
        AssistRow.objects.filter(row_scope_q(viewer), request__in=[r.pk for r in requests])
        .values("request")
        .annotate(
            rows=Count("pk"),
            answered=Count("pk", filter=Q(answered_at__isnull=False)),
            overdue=Count("pk", filter=Q(answered_at__isnull=True, due_at__lt=now)),
        )
    )
    counts = {
        f["request"]: RowCounts(rows=f["rows"], answered=f["answered"], overdue=f["overdue"])
        for f in found
    }
    return {r.pk: counts.get(r.pk, RowCounts()) for r in requests}


def with_counts(
    *, viewer: Any, requests: list[AssistRequest], now: dt.datetime
) -> list[AssistRequest]:
    """The lists, each with `counts` (RowCounts) set."""
    counts = row_counts(viewer=viewer, requests=requests, now=now)
    for request in requests:
        request.counts = counts[request.pk]  # type: ignore[attr-defined]
    return requests


def rows_page(
    rows: QuerySet[AssistRow], *, after: str | None, size: int
) -> tuple[list[AssistRow], int | None]:
    """A page of one list's rows in the sender's order, from the row after `after` (a row
    number); the next page's start, None on the last."""
    start = int(after) if after and after.isascii() and after.isdigit() else 0
    items = list(rows.filter(row_number__gt=start)[: size + 1])
    more = len(items) > size
    items = items[:size]
    return items, (items[-1].row_number if more and items else None)


def manual_queue() -> QuerySet[AssistRow]:
    """Rows of lists received without a usable identity, oldest due first: the HQ's manual
    queue (its page and API need assist.manage, which is city-wide)."""
    return (
        AssistRow.objects.filter(match=RowMatch.NONE, request__direction=Direction.INCOMING)
        .select_related("request")
        .order_by("due_at", "pk")
    )
