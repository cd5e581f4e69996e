"""A long contact list is exported as background work (issue 15): the page offers it, the
worker writes the file, and only the requester may download it."""

from __future__ import annotations

import pytest
from django.urls import reverse

from fangkong.cases.services.tracing import trace_run_start
from fangkong.core.models import AuditEvent
from fangkong.operations.models import BackgroundWork, BackgroundWorkStatus
from fangkong.testing.worker import work_off_queue

pytestmark = pytest.mark.django_db


@pytest.fixture
def traced(spec_city, make_case, investigator, settings, tmp_path):
    settings.FANGKONG_INLINE_ROWS = 2
    settings.FANGKONG_BACKGROUND_ROOT = tmp_path / "background"
    case = make_case(spec_city.persons["case1"])
    trace_run_start(case=case, by=investigator)  # four proposed contacts
    return case


def test_a_long_contact_list_is_exported_by_the_worker_for_its_requester_only(
    client, investigator, hq_admin, traced, django_capture_on_commit_callbacks
):
    client.force_login(investigator)
    url = reverse("cases:export", args=[traced.pk, "xlsx"]) + "?status=proposed"
    offer = client.get(url)
    assert offer.status_code == 200 and 'data-testid="work-offer"' in offer.content.decode()
    assert not BackgroundWork.objects.exists()  # offering starts nothing
    with django_capture_on_commit_callbacks(execute=True):
        started = client.post(url)
    assert started.status_code == 302 and started["Location"] == reverse("operations:work_list")
    work = BackgroundWork.objects.get()
    assert (work.status, work.requested_by) == (BackgroundWorkStatus.QUEUED, investigator)
    page = client.get(reverse("operations:work_list")).content.decode()
    assert 'data-state="queued"' in page and "every 2s" in page

    assert work_off_queue() >= 1
    work.refresh_from_db()
    assert work.status == BackgroundWorkStatus.DONE, work.error
    assert (work.done, work.total) == (4, 4)
    page = client.get(reverse("operations:work_list")).content.decode()
    assert 'data-testid="work-download"' in page and "every 2s" not in page

    download = client.get(reverse("operations:work_file", args=[work.pk]))
    assert download.status_code == 200
    assert b"".join(download.streaming_content).startswith(b"PK")  # an XLSX
    assert (
        "密接名单" in download["Content-Disposition"]
        or "%E5%AF%86" in download["Content-Disposition"]
    )
    assert AuditEvent.objects.filter(action="background_work.download").count() == 1
    assert AuditEvent.objects.filter(action="contact.export").count() == 1

    client.force_login(hq_admin)
    assert client.get(reverse("operations:work_file", args=[work.pk])).status_code == 404
    assert "work-download" not in client.get(reverse("operations:work_list")).content.decode()


def test_a_short_contact_list_still_downloads_at_once(client, investigator, traced, settings):
    settings.FANGKONG_INLINE_ROWS = 100
    client.force_login(investigator)
    url = reverse("cases:export", args=[traced.pk, "csv"]) + "?status=proposed"
    answer = client.get(url)
    assert answer.status_code == 200 and answer["Content-Type"].startswith("text/csv")
    assert not BackgroundWork.objects.exists()
