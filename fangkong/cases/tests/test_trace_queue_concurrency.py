"""The trace queue under real concurrency (PostgreSQL): workers never take the same request,
and clicks at the same instant queue one trace."""

from __future__ import annotations

import pytest
from django.utils import timezone

from fangkong.cases.models import TraceRequest
from fangkong.cases.services.trace_requests import trace_request_claim, trace_request_create
from fangkong.testing.concurrency import run_concurrently

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_workers_claiming_at_once_never_take_the_same_request(make_person, make_case):
    for _ in range(3):
        trace_request_create(case=make_case(make_person()), by=None)
    outcomes = run_concurrently([lambda: trace_request_claim(now=timezone.now())] * 3)
    assert outcomes.errors == []
    taken = [r.pk for r in outcomes.results if r is not None]
    assert len(taken) == len(set(taken)) == 3
    assert all(r.attempts == 1 for r in TraceRequest.objects.all())


def test_clicks_at_the_same_instant_queue_one_trace(make_person, make_case):
    case = make_case(make_person())
    outcomes = run_concurrently([lambda: trace_request_create(case=case, by=None)] * 4)
    assert outcomes.errors == []
    assert len({r.pk for r in outcomes.results}) == 1
    assert TraceRequest.objects.filter(case=case).count() == 1
