"""A gateway that was offline posts its buffered scans with their own time (`at`): each is
recorded at that time and judged at that time (a venue closed then refuses it), within
bounds: a little ahead of the server's clock, never older than
FANGKONG_CHECKIN_LIVE_MAX_DELAY_MINUTES (that is the after-the-fact ingest's business)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from fangkong.people.models import Person
from fangkong.venues.models import CheckIn, EnforcementKind
from fangkong.venues.services.enforcement import enforcement_issue
from fangkong.venues.tests.test_api_live_checkin import gateway_of, scan, with_token

pytestmark = pytest.mark.django_db


@pytest.fixture
def gateway(city) -> APIClient:
    return with_token(gateway_of(city))


def _ago(minutes: int) -> dt.datetime:
    return timezone.now().replace(microsecond=0) - dt.timedelta(minutes=minutes)


def _refused_naming_at(response, code: str) -> bool:
    errors = response.json().get("errors", [])
    return response.status_code == 400 and [(e["field"], e["code"]) for e in errors] == [
        ("at", code)
    ]


def test_a_buffered_scan_is_recorded_at_its_own_time_in_and_out(bar, gateway):
    entered, left = _ago(40), _ago(15)
    came = scan(gateway, bar, at=entered.isoformat())
    assert came.status_code == 201, came.content
    assert timezone.localtime(entered).isoformat() == came.json()["at"]
    went = scan(gateway, bar, action="leave", at=left.isoformat())
    assert went.status_code == 201, went.content
    stay = CheckIn.objects.get(venue=bar)
    assert (stay.check_in, stay.check_out) == (entered, left)
    assert went.json()["occupancy"] == 0


def test_a_scan_time_past_the_allowed_clock_skew_is_a_400_naming_at(bar, gateway, settings):
    settings.FANGKONG_CHECKIN_FUTURE_TOLERANCE_MINUTES = 5
    assert scan(gateway, bar, at=_ago(-4).isoformat()).status_code == 201
    response = scan(gateway, bar, action="leave", at=_ago(-10).isoformat())
    assert _refused_naming_at(response, "in_future"), response.content
    assert CheckIn.objects.get(venue=bar).check_out is None


def test_a_scan_older_than_the_live_delay_is_a_400_naming_at_and_registers_nobody(
    bar, gateway, settings
):
    settings.FANGKONG_CHECKIN_LIVE_MAX_DELAY_MINUTES = 60
    response = scan(gateway, bar, at=_ago(90).isoformat())
    assert _refused_naming_at(response, "too_old"), response.content
    assert not CheckIn.objects.exists() and not Person.objects.filter(name="王五").exists()
    assert scan(gateway, bar, at=_ago(50).isoformat()).status_code == 201


def test_a_venue_closed_at_the_scans_time_refuses_it_and_one_closed_since_takes_it(
    bar, second_bar, gateway, inspector
):
    enforcement_issue(
        venue=bar, kind=EnforcementKind.CLOSURE, reason="超限", by=inspector, issued_at=_ago(60)
    )
    refused = scan(gateway, bar, at=_ago(30).isoformat())
    assert refused.status_code == 409 and refused.json()["code"] == "venue_closed"
    assert not CheckIn.objects.filter(venue=bar).exists()

    enforcement_issue(
        venue=second_bar, kind=EnforcementKind.CLOSURE, reason="超限", by=inspector,
        issued_at=_ago(10),
    )  # fmt: skip
    scanned_at = _ago(30)
    before_the_closure = scan(gateway, second_bar, at=scanned_at.isoformat())
    assert before_the_closure.status_code == 201, before_the_closure.content
    assert CheckIn.objects.get(venue=second_bar).check_in == scanned_at
