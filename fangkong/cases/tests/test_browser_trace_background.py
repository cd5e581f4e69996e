"""A trace started from a case page runs in the background (issue 15): the page shows where it
stands, the investigator goes elsewhere while the worker runs it, and finds the result on
coming back. The trace is run by the worker's own step, not by the view."""

from __future__ import annotations

import pytest

from fangkong.cases.models import TraceRequest, TraceRequestStatus
from fangkong.testing.browser import log_in
from fangkong.testing.cast import PASSWORD
from fangkong.testing.worker import work_off_queue

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_trace_started_from_the_case_page_finishes_while_the_user_is_elsewhere(
    page, live_server, investigator, spec_city, make_case
):
    case = make_case(spec_city.persons["case1"])
    log_in(page, live_server, "investigator", PASSWORD)
    page.goto(f"{live_server.url}/cases/{case.pk}/")
    page.get_by_test_id("trace-button").click()
    status = page.locator("[data-testid=trace-status][data-state=queued]")
    status.wait_for()
    assert "第 1 步" in status.inner_text()
    # The investigator leaves for the case list; nothing runs in the web process meanwhile.
    page.goto(f"{live_server.url}/cases/")
    assert TraceRequest.objects.get(case=case).status == TraceRequestStatus.QUEUED
    assert work_off_queue() >= 1  # the worker takes the task and runs the trace
    page.goto(f"{live_server.url}/cases/{case.pk}/")
    done = page.locator("[data-testid=trace-status][data-state=done]")
    assert "追踪完成" in done.inner_text()
    assert "新增待核实 4 人" in done.inner_text()
