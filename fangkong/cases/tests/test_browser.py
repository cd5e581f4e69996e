"""Acceptance in a real browser: on the (miniature) demo city, tracing the seeded case from
its page (queued, run by the worker while the page polls) shows its contacts and its chain."""

from __future__ import annotations

import pytest
from django.conf import settings

from fangkong.cases.models import TraceRun, TraceTrigger
from fangkong.testing.browser import log_in
from fangkong.testing.worker import work_off_queue

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_tracing_the_seeded_case_from_its_page_shows_its_contacts_and_its_chain(
    page, live_server, tmp_path, load_demo_miniature
):
    load_demo_miniature()
    index = TraceRun.objects.get(trigger=TraceTrigger.MANUAL).case
    log_in(page, live_server, "investigator", settings.FANGKONG_DEMO_PASSWORD)
    # The investigator lands on the case list and opens the index case.
    page.get_by_role("link", name=index.number).click()
    runs = page.get_by_test_id("trace-runs").locator("tbody tr")
    assert runs.count() == 1
    page.get_by_test_id("trace-button").click()
    # Queued, not run in the request: the page polls while a worker runs it.
    page.wait_for_selector("[data-testid=trace-status][data-state=queued]")
    work_off_queue()  # the worker, as `fangkong worker` runs it
    page.wait_for_function(
        "() => document.querySelectorAll('[data-testid=trace-runs] tbody tr').length === 2"
    )
    assert "追踪完成" in page.get_by_test_id("trace-status").inner_text()
    table = page.get_by_test_id("contact-table")
    rows = table.locator("tbody tr[data-status]")
    assert rows.count() >= 8
    assert "密切接触者" in table.inner_text() and "次密切接触者" in table.inner_text()
    chain = page.get_by_test_id("chain")
    page.wait_for_function("() => document.getElementById('chain').dataset.ready === 'true'")
    assert chain.locator("canvas").count() >= 1
    assert int(chain.get_attribute("data-nodes") or 0) >= 4 + 8
    assert int(chain.get_attribute("data-links") or 0) >= 3
    page.screenshot(path=str(tmp_path / "case.png"), full_page=True)
    # A proposal is confirmed in place; its row now counts down to the control deadline.
    proposed = table.locator("tbody tr[data-status=proposed]").first
    if proposed.count():
        row_id = proposed.get_attribute("id")
        proposed.get_by_role("button", name="判定").click()
        page.wait_for_selector(f"#{row_id}[data-status=identified]")
        assert "剩余" in page.locator(f"#{row_id}").inner_text()
    # The cluster page draws the same chain from its likely source.
    page.goto(f"{live_server.url}/cases/{index.pk}/cluster/")
    assert "3 代" in page.locator("h1").inner_text()
    page.wait_for_function("() => document.getElementById('chain').dataset.ready === 'true'")
