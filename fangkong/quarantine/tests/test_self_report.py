"""The public self-report page: no login, the token is the key, rate-limited."""

import datetime as dt

import pytest
from django.core.cache import cache
from django.utils import timezone

from fangkong.alerts.models import Alert
from fangkong.core.models import AuditEvent
from fangkong.quarantine.models import HealthObservation, PlacementEnd, ReportSource
from fangkong.quarantine.services.placements import placement_end


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def recent(place, new_person):
    return place(new_person("自报者"), "301", starts_at=timezone.now() - dt.timedelta(days=1))


def test_a_person_reports_from_the_link_without_logging_in(client, recent):
    url = f"/quarantine/r/{recent.report_token}/"
    page = client.get(url)
    assert page.status_code == 200
    text = page.content.decode()
    assert "每日健康报告" in text and "自*" in text and "自报者" not in text
    response = client.post(url, {"slot": "evening", "temperature": "37.9", "symptoms": ["cough"]})
    assert response.status_code == 200
    assert 'data-testid="report-done"' in response.content.decode()
    reading = HealthObservation.objects.get()
    assert (reading.source, str(reading.temperature), reading.symptoms) == (
        ReportSource.SELF,
        "37.9",
        ["cough"],
    )
    assert Alert.objects.filter(kind="quarantine.fever").exists()
    audit = AuditEvent.objects.get(action="observation.record")
    assert audit.channel == "public" and audit.actor is None


def test_a_wrong_token_is_a_plain_404(client, recent):
    assert client.get("/quarantine/r/not-a-real-token/").status_code == 404


def test_an_impossible_reading_is_refused_on_the_page(client, recent):
    response = client.post(
        f"/quarantine/r/{recent.report_token}/", {"slot": "morning", "temperature": "3.6"}
    )
    assert "请核对" in response.content.decode()
    assert not HealthObservation.objects.exists()


def test_the_link_closes_when_the_observation_ends(client, recent, worker):
    placement_end(placement=recent, ended_at=timezone.now(), reason=PlacementEnd.OTHER, by=worker)
    assert client.get(f"/quarantine/r/{recent.report_token}/").status_code == 410


def test_the_page_is_rate_limited_per_address(client, recent, settings, rate_limit_clock_held):
    settings.FANGKONG_QUARANTINE_SELF_REPORT_RATE = 3
    url = f"/quarantine/r/{recent.report_token}/"
    statuses = [client.get(url).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
