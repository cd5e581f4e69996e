"""Traces asked for from the web, run off the request.

A page's or the API's "trace" only queues a TraceRequest (trace_request_create), which enqueues
a task on commit (cases/tasks.py); `fangkong worker` runs it with the same synchronous service
the CLI and tests call (tracing.trace_run_start), while the page polls the request's progress.
The periodic jobs (cases/jobs.py) enqueue the task again for any request the queue lost.

Safe to kill at any moment: a worker takes a request in its own short transaction
(trace_request_claim), then runs the trace and records its outcome in one transaction. Killed
before that commits, nothing of the trace is saved and the request stays "running" until
FANGKONG_TRACE_STALE_MINUTES have passed, when the next sweep has it taken again; and since a
trace never proposes a person twice for one case (the (case, person) constraint and
trace_run_start's comparison with the list), a rerun writes nothing twice.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from fangkong.cases.conf import cases_settings
from fangkong.cases.models import Case, TraceRequest, TraceRequestStatus
from fangkong.cases.services.tracing import trace_run_start
from fangkong.core.audit import audit_write, snapshot
from fangkong.core.errors import Conflict
from fangkong.operations.queue import enqueue, enqueue_unless_waiting

if TYPE_CHECKING:
    from fangkong.accounts.models import User

logger = logging.getLogger(__name__)

_FIELDS = ["status", "claimed_at", "attempts", "finished_at", "run", "error"]


@transaction.atomic
def trace_request_create(*, case: Case, by: User | None, degree: int | None = None) -> TraceRequest:
    """Queue a trace of the case; while one is queued or running, that one is the answer."""
    case = Case.objects.select_for_update().get(pk=case.pk)
    if case.tracing_onset is None:
        raise ValidationError({"onset_date": _("请先填写发病日期（无症状感染者填写采样日期）")})
    waiting = TraceRequest.objects.active().filter(case=case).first()
    if waiting is not None:
        return waiting
    try:
        with transaction.atomic():
            request = TraceRequest.objects.create(
                case=case, degree=degree, requested_by=by, requested_at=timezone.now()
            )
    except IntegrityError:  # another click won the race (trace_request_one_active_per_case)
        return TraceRequest.objects.active().get(case=case)
    audit_write(by=by, action="trace_request.create", obj=request, after=snapshot(request))
    transaction.on_commit(trace_queue_enqueue)
    return request


@transaction.atomic
def trace_request_claim(*, now: dt.datetime) -> TraceRequest | None:
    """Take the oldest waiting request (or one whose worker died): a row lock that other
    workers skip, so no two take the same one."""
    request = (
        TraceRequest.objects.claimable(now)
        .select_for_update(skip_locked=True)
        .order_by("requested_at", "pk")
        .first()
    )
    if request is None:
        return None
    before = snapshot(request, _FIELDS)
    request.status = TraceRequestStatus.RUNNING
    request.claimed_at = now
    request.attempts += 1
    request.save(update_fields=["status", "claimed_at", "attempts"])
    audit_write(
        by=None,
        action="trace_request.claim",
        obj=request,
        before=before,
        after=snapshot(request, _FIELDS),
    )
    return request


@transaction.atomic
def trace_request_finish(
    *, request: TraceRequest, run_pk: int | None = None, error: str = ""
) -> TraceRequest:
    """Done with its TraceRun, or failed with the reason."""
    request = TraceRequest.objects.select_for_update().get(pk=request.pk)
    before = snapshot(request, _FIELDS)
    request.status = TraceRequestStatus.DONE if run_pk is not None else TraceRequestStatus.FAILED
    request.run_id = run_pk
    request.error = error[:500]
    request.finished_at = timezone.now()
    request.save(update_fields=["status", "run", "error", "finished_at"])
    audit_write(
        by=None,
        action="trace_request.finish",
        obj=request,
        before=before,
        after=snapshot(request, _FIELDS),
    )
    return request


def trace_request_execute(*, request: TraceRequest) -> TraceRequest:
    """Run a claimed request's trace; the trace and its outcome commit together."""
    if request.attempts > cases_settings().trace_max_attempts:
        return trace_request_finish(
            request=request, error=_("追踪多次中断未能完成，请稍后重新发起")
        )
    try:
        with transaction.atomic():
            run = trace_run_start(case=request.case, by=request.requested_by, degree=request.degree)
            return trace_request_finish(request=request, run_pk=run.pk)
    except ValidationError as refusal:
        return trace_request_finish(request=request, error="；".join(refusal.messages))
    except Conflict as refusal:
        return trace_request_finish(request=request, error=refusal.message)
    except Exception as error:
        logger.exception("trace request %s failed", request.pk)
        return trace_request_finish(request=request, error=_("追踪出错：%s") % type(error).__name__)


def trace_queue_run(now: dt.datetime) -> int:
    """Run every waiting trace, oldest first; how many were run."""
    done = 0
    while (request := trace_request_claim(now=now)) is not None:
        trace_request_execute(request=request)
        done += 1
    return done


@task()
def trace_queue_task() -> int:
    """The worker's task: run every waiting trace (claimed one by one, as above)."""
    return trace_queue_run(timezone.now())


def trace_queue_enqueue() -> None:
    """Have a worker run the queue."""
    enqueue(trace_queue_task)


def trace_queue_sweep(now: dt.datetime) -> int:
    """Job: enqueue the queue's task again if requests wait that no task will take (a lost
    enqueue, or a worker killed mid-trace whose request is now stale); 1 if it did."""
    if not TraceRequest.objects.claimable(now).exists():
        return 0
    return int(enqueue_unless_waiting(trace_queue_task))
