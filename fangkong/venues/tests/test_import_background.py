"""A long venue file is imported by the worker (issue 15): all rows valid or nothing written,
the rows in error listed on the requester's 后台任务 row."""

from __future__ import annotations

import pytest
from django.urls import reverse

from fangkong.operations.models import BackgroundWork, BackgroundWorkStatus
from fangkong.testing.worker import work_off_queue
from fangkong.venues.models import Venue
from fangkong.venues.tests.test_inspections import client_for
from fangkong.venues.tests.test_pages import xlsx

pytestmark = pytest.mark.django_db

HEADER = ["名称", "类别", "所属辖区", "核定容量", "包间"]


@pytest.fixture
def long_files(settings, tmp_path):
    settings.FANGKONG_INLINE_ROWS = 1
    settings.FANGKONG_BACKGROUND_ROOT = tmp_path


def _start(client, rows, capture) -> BackgroundWork:
    with capture(execute=True):
        answer = client.post(reverse("venues:import"), {"file": xlsx([HEADER, *rows])})
    assert answer.status_code == 302 and answer["Location"] == reverse("operations:work_list")
    work = BackgroundWork.objects.get()
    assert work.status == BackgroundWorkStatus.QUEUED and not Venue.objects.exists()
    work_off_queue()
    work.refresh_from_db()
    return work


def test_a_long_venue_file_is_imported_by_the_worker(
    hq_admin, leader, jiankang, long_files, django_capture_on_commit_callbacks
):
    client = client_for(hq_admin)
    rows = [
        ["星光KTV", "KTV", "320213001001", 200, "K01:10;K02:12"],
        ["湖景餐厅", "restaurant", "健康社区", 80, ""],
    ]
    work = _start(client, rows, django_capture_on_commit_callbacks)
    assert work.status == BackgroundWorkStatus.DONE, work.error
    assert Venue.objects.count() == 2 and (work.done, work.total) == (2, 2)
    page = client.get(reverse("operations:work_list")).content.decode()
    assert "新增 2 家" in page
    assert "星光" not in client_for(leader).get(reverse("operations:work_list")).content.decode()


def test_a_long_venue_file_with_a_bad_row_writes_nothing_and_lists_the_row(
    hq_admin, jiankang, long_files, django_capture_on_commit_callbacks
):
    client = client_for(hq_admin)
    rows = [
        ["星光KTV", "KTV", "320213001001", 200, "K01:10;K02:12"],
        ["无名", "夜总会", "320213001001", 50, ""],
    ]
    work = _start(client, rows, django_capture_on_commit_callbacks)
    assert work.status == BackgroundWorkStatus.FAILED
    assert not Venue.objects.exists()
    assert "第 3 行" in work.error and "夜总会" in work.error
    page = client.get(reverse("operations:work_list")).content.decode()
    assert 'data-testid="work-error"' in page and "夜总会" in page
