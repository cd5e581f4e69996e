"""The page 后台任务 in a browser (issue 15): the briefing's Excel file started from its page
waits there with its progress, and the download link appears by itself (htmx polling) once
the worker is done."""

from __future__ import annotations

import pytest

from fangkong.command.tests.conftest import DAY
from fangkong.testing.browser import log_in
from fangkong.testing.cast import PASSWORD
from fangkong.testing.worker import work_off_queue

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_background_export_shows_its_progress_then_its_download_without_a_reload(
    page, live_server, hq_admin, settings, tmp_path
):
    settings.FANGKONG_BACKGROUND_ROOT = tmp_path
    log_in(page, live_server, "hq_admin", PASSWORD)
    page.goto(f"{live_server.url}/command/briefing/?day={DAY.isoformat()}")
    page.get_by_test_id("briefing-xlsx").click()
    page.wait_for_url(f"{live_server.url}/work/")
    row = page.locator("[data-testid^=work-][data-state]")
    assert row.get_attribute("data-state") == "queued"
    assert page.locator(".progress").count() == 1
    assert work_off_queue() >= 1
    download_link = page.get_by_test_id("work-download")
    download_link.wait_for(timeout=10_000)  # the poll every 2 s brings it
    with page.expect_download() as download:
        download_link.click()
    assert download.value.suggested_filename.endswith(".xlsx")
