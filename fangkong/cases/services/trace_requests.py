"""Traces asked for from the web, run off the request.

A page's or the API's "trace" only queues a TraceRequest (trace_request_create); a worker
runs it with the same synchronous service the CLI and tests call (tracing.trace_run_start):
`fangkong trace-worker` polls for work, `fangkong jobs run` drains the queue too (cases/jobs.py),
and under DEBUG (`make demo`) a thread of the web process does, so the demo needs no worker.

Safe to kill at any moment: a worker takes a request in its own short transaction
(trace_request_claim), then runs the trace and records its outcome in one transaction. Killed
before that commits, nothing of the trace is saved and the request stays "running" until
FANGKONG_TRACE_STALE_MINUTES have passed, when the next worker takes it again; and since a
trace never proposes a person twice for one case (the (case, person) constraint and
trace_run_start's comparison with the list), a rerun writes nothing twice.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connections, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fangkong.cases.conf import cases_settings
from fangkong.cases.models import Case, TraceRequest, TraceRequestStatus
from fangkong.cases.services.tracing import trace_run_start
from fangkong.core.audit import audit_write, snapshot
from fangkong.core.errors import Conflict

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
    if cases_settings().trace_in_thread:
        transaction.on_commit(run_queue_in_thread)
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
    """Run every waiting trace, oldest first; how many were run (a job: cases/jobs.py)."""
    done = 0
    while (request := trace_request_claim(now=now)) is not None:
        trace_request_execute(request=request)
        done += 1
    return done


# One drain thread per web process; a request queued while it runs is picked up by its loop.
_draining = threading.Lock()
_more = threading.Event()


def run_queue_in_thread() -> None:
    """Under DEBUG: run the queue in a thread of this process (FANGKONG_TRACE_IN_THREAD)."""
    _more.set()
    if _draining.acquire(blocking=False):
        threading.Thread(target=_drain, name="fangkong-trace-queue", daemon=True).start()


def _drain() -> None:
    try:
        while _more.is_set():
            _more.clear()
            trace_queue_run(timezone.now())
    except Exception:
        logger.exception("trace queue thread failed")
    finally:
        connections.close_all()
        _draining.release()
    if _more.is_set():  # queued between the last look and the release
        run_queue_in_thread()
