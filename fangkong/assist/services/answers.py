"""Answering the sender of an incoming list (反馈): the answer is the rows' results in the
sender's order; sending it is recorded, an interim answer as much as the final one, and a
list whose every row is answered is closed."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils.translation import gettext as _

from fangkong.accounts.models import User
from fangkong.assist.models import AssistRequest, Direction, RequestStatus
from fangkong.core.audit import audit_write, snapshot
from fangkong.core.errors import Conflict

_STATE = ["status", "closed_at"]


def _locked(request: AssistRequest) -> AssistRequest:
    return AssistRequest.objects.select_for_update().get(pk=request.pk)


def request_close_if_answered(*, request: AssistRequest, at: dt.datetime, by: User | None) -> bool:
    """Close the (locked) request when every row has its answer; whether it closed now.

    Verification closes incoming lists too: a list already closed stays as it is, so nobody
    closes it twice."""
    if request.status != RequestStatus.OPEN:
        return False
    rows = request.rows.all()
    if not rows.exists() or rows.filter(answered_at__isnull=True).exists():
        return False
    before = snapshot(request, _STATE)
    request.status = RequestStatus.CLOSED
    request.closed_at = at
    request.save(update_fields=_STATE)
    audit_write(
        by=by,
        action="assist_request.close",
        obj=request,
        before=before,
        after=snapshot(request, _STATE),
    )
    return True


@transaction.atomic
def assist_request_answer(
    *, request: AssistRequest, by: User | None, at: dt.datetime
) -> AssistRequest:
    """Record that the answer went to the sender at `at`, with the rows it answered (an
    interim answer names only those answered so far) and those still outstanding."""
    request = _locked(request)
    if request.direction != Direction.INCOMING:
        raise Conflict(_("只有收到的协查函需要反馈"), code="not_incoming")
    rows = request.rows.order_by("row_number")
    answered = list(rows.filter(answered_at__isnull=False).values_list("row_number", flat=True))
    outstanding = list(rows.filter(answered_at__isnull=True).values_list("row_number", flat=True))
    if not answered and not outstanding:
        raise Conflict(_("该协查函没有人员，无需反馈"), code="empty_request")
    audit_write(
        by=by,
        action="assist_request.answer",
        obj=request,
        after={
            "answered_at": at,
            "rows": answered,
            "outstanding": outstanding,
            "final": not outstanding,
        },
    )
    request_close_if_answered(request=request, at=at, by=by)
    return request
