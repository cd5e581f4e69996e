"""The command area tells webhook subscribers of a published notice and a missing daily
report, in the write's own transaction (webhooks.services.events)."""

from __future__ import annotations

import pytest
from django.test import Client

from fangkong.command.models import MissingReport
from fangkong.command.services.notices import notice_create, notice_publish
from fangkong.command.services.reports import reports_detect_missing
from fangkong.command.tests.conftest import at
from fangkong.webhooks.models import Event, EventKind
from fangkong.webhooks.services.subscriptions import subscription_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def subscribed() -> None:
    kinds = [EventKind.NOTICE_PUBLISHED, EventKind.REPORT_MISSING]
    subscription_create(name="省平台", url="https://receiver.invalid/", kinds=kinds, by=None)


def _linked(event: Event, hq_admin) -> dict:
    client = Client()
    client.force_login(hq_admin)
    path = event.payload["subject"]["url"].removeprefix("http://127.0.0.1:8000")
    answer = client.get(path)
    assert answer.status_code == 200, path
    return answer.json()


def test_a_published_notice_is_an_event_and_a_draft_is_not(subscribed, hq_admin):
    notice = notice_create(
        number=33, title="关于加强娱乐场所管控的通告", body="……", effective_at=at(20),
        measures=[], by=hq_admin,
    )  # fmt: skip
    assert not Event.objects.exists()
    notice_publish(notice=notice, by=hq_admin, at=at(18))
    event = Event.objects.get(kind=EventKind.NOTICE_PUBLISHED)
    assert event.payload["occurred_at"] == "2021-08-03T18:00:00+08:00"
    assert event.payload["data"] == {"number": 33, "effective_at": "2021-08-03T20:00:00+08:00"}
    assert _linked(event, hq_admin)["id"] == notice.pk


def test_a_missing_report_is_an_event_once(subscribed, settings, committee, hq_admin):
    settings.FANGKONG_REPORT_LOOKBACK_DAYS = 0
    reports_detect_missing(at(16, 30))
    reports_detect_missing(at(16, 45))
    missing = MissingReport.objects.get(unit=committee)
    [event] = Event.objects.filter(kind=EventKind.REPORT_MISSING, subject_id=str(missing.pk))
    assert event.payload["data"] == {"unit": committee.pk, "day": "2021-08-03"}
    assert event.jurisdiction == committee.jurisdiction
    assert _linked(event, hq_admin)["id"] == missing.pk
