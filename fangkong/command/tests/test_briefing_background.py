"""The briefing's Word and Excel files are built by the worker (issue 15): the page starts
the work, the worker writes the file, and only the requester may download it."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from docx import Document
from openpyxl import load_workbook

from fangkong.command.tests.conftest import DAY
from fangkong.core.models import AuditEvent
from fangkong.operations.models import BackgroundWork, BackgroundWorkStatus
from fangkong.testing.worker import work_off_queue

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("fmt", ["docx", "xlsx"])
def test_the_briefing_file_is_built_by_the_worker_for_its_requester_only(
    fmt, client, hq_admin, leader, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.FANGKONG_BACKGROUND_ROOT = tmp_path
    client.force_login(hq_admin)
    page = client.get(reverse("command:briefing") + f"?day={DAY.isoformat()}").content.decode()
    start = reverse("command:briefing_download", args=[DAY.isoformat(), fmt])
    assert f'action="{start}"' in page and 'method="post"' in page
    with django_capture_on_commit_callbacks(execute=True):
        answer = client.post(start)
    assert answer.status_code == 302 and answer["Location"] == reverse("operations:work_list")
    work = BackgroundWork.objects.get()
    assert work.status == BackgroundWorkStatus.QUEUED and work.params == {
        "day": DAY.isoformat(),
        "fmt": fmt,
    }

    work_off_queue()
    work.refresh_from_db()
    assert work.status == BackgroundWorkStatus.DONE, work.error
    download = client.get(reverse("operations:work_file", args=[work.pk]))
    assert download.status_code == 200
    content = io.BytesIO(b"".join(download.streaming_content))
    if fmt == "docx":
        assert Document(content).paragraphs
    else:
        sheet = load_workbook(content).active
        assert sheet is not None and sheet["A1"].value == "无锡市疫情防控工作日报"
    assert AuditEvent.objects.filter(action="background_work.download", actor=hq_admin).exists()

    client.force_login(leader)  # may read the briefing, but this file is not theirs
    assert client.get(reverse("operations:work_file", args=[work.pk])).status_code == 404
