"""A scanning gateway posts live check-ins with its token: the public QR page's rules (closed
venues refuse, over-limit venues take the scan and say so), its scope and its rate."""

from __future__ import annotations

import datetime as dt

import pytest
from rest_framework.test import APIClient
from rest_framework.throttling import ScopedRateThrottle

from fangkong.accounts.models import User
from fangkong.accounts.roles import Role
from fangkong.accounts.services import user_create
from fangkong.accounts.services.tokens import api_token_create
from fangkong.jurisdictions.models import Jurisdiction
from fangkong.people.models import Person
from fangkong.testing.identities import resident_id
from fangkong.venues.models import CheckIn, CheckInSource, EnforcementKind, UnverifiedCheckIn
from fangkong.venues.services.enforcement import enforcement_issue
from fangkong.venues.tests.factories import crowd, persons

URL = "/api/v1/venues/checkins/live/"
VISITOR = {"name": "王五", "id_number": resident_id(dt.date(1990, 6, 1))}


def gateway_of(jurisdiction: Jurisdiction, username: str = "gateway") -> User:
    return user_create(
        username=username,
        password="gateway-Password-2021",
        role=Role.CHECKIN_GATEWAY,
        full_name="场所码网关",
        jurisdiction=jurisdiction,
        check_password_strength=False,
        by=None,
    )


def with_token(user: User) -> APIClient:
    _token, key = api_token_create(user=user, name="gateway", by=None)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


@pytest.fixture
def gateway(city) -> APIClient:
    return with_token(gateway_of(city))


def scan(client: APIClient, place, **extra):
    return client.post(URL, {"venue_code": place.code, **VISITOR, **extra}, format="json")


def test_a_gateway_checks_a_visitor_in_with_its_token(bar, gateway):
    response = scan(gateway, bar)
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["venue"], body["action"], body["created"]) == (bar.pk, "enter", True)
    assert (body["occupancy"], body["limit"], body["over_limit"]) == (1, 75, False)
    stay = CheckIn.objects.get(venue=bar)
    assert (stay.person.name, stay.source) == ("王五", CheckInSource.VENUE_CODE)


def test_a_repeated_scan_records_one_stay_and_leaving_ends_it(bar, gateway):
    scan(gateway, bar)
    again = scan(gateway, bar, venue=bar.pk)  # by code and id at once, when they agree
    assert again.status_code == 201 and again.json()["created"] is False
    assert CheckIn.objects.filter(venue=bar).count() == 1
    left = scan(gateway, bar, action="leave")
    assert left.status_code == 201 and left.json()["occupancy"] == 0
    assert CheckIn.objects.get(venue=bar).check_out is not None
    twice = scan(gateway, bar, action="leave")
    assert twice.status_code == 409 and twice.json()["code"] == "not_checked_in"


def test_a_closed_venue_refuses_the_scan_before_anyone_is_registered(bar, gateway, inspector):
    enforcement_issue(venue=bar, kind=EnforcementKind.CLOSURE, reason="超限", by=inspector)
    response = scan(gateway, bar)
    assert response.status_code == 409
    assert response.json()["code"] == "venue_closed"
    assert not CheckIn.objects.exists()
    assert not Person.objects.filter(name="王五").exists()


def test_an_over_limit_venue_takes_the_scan_says_so_and_is_on_the_over_limit_list(
    bar, gateway, hq_admin, now
):
    crowd(bar, persons(75), at=now)  # the limit is 75
    response = scan(gateway, bar)
    assert response.status_code == 201
    assert (response.json()["occupancy"], response.json()["over_limit"]) == (76, True)
    client = APIClient()
    client.force_authenticate(hq_admin)
    listed = client.get("/api/v1/venues/over-limit/").json()["results"]
    assert [(r["venue"], r["occupancy"], r["limit"]) for r in listed] == [(bar.pk, 76, 75)]


def test_an_id_number_registered_under_another_name_gets_the_same_answer_but_no_stay_of_that_person(
    bar, gateway, zhang_san
):
    response = scan(gateway, bar, name="冒名者", id_number=zhang_san.id_number)
    assert response.status_code == 201 and response.json()["created"] is True
    assert not CheckIn.objects.filter(person=zhang_san).exists()
    assert UnverifiedCheckIn.objects.filter(venue=bar).count() == 1
    assert (
        scan(gateway, bar, name="冒名者", id_number=zhang_san.id_number).json()["created"] is False
    )


def test_bad_input_is_refused_naming_the_json_key(bar, gateway):
    assert scan(gateway, bar, id_number="12345").status_code == 400
    assert scan(gateway, bar, id_number="12345").json()["errors"][0]["field"] == "id_number"
    nowhere = gateway.post(URL, VISITOR, format="json")
    assert nowhere.json()["errors"][0]["field"] == "venue_code"


def test_a_gateway_scans_only_into_venues_of_its_jurisdiction(bar, ktv, binhu):
    binhu_gateway = with_token(gateway_of(binhu, "binhu_gateway"))
    assert scan(binhu_gateway, ktv).status_code == 201
    refused = scan(binhu_gateway, bar)
    assert refused.status_code == 400
    assert refused.json()["errors"][0]["field"] == "venue_code"
    by_id = binhu_gateway.post(URL, {"venue": bar.pk, **VISITOR}, format="json")
    assert by_id.json()["errors"][0]["field"] == "venue"
    assert not CheckIn.objects.filter(venue=bar).exists()


def test_scanning_takes_a_token_and_the_gateways_capability(bar, hq_admin):
    assert APIClient().post(URL, {"venue_code": bar.code, **VISITOR}).status_code == 401
    assert scan(with_token(hq_admin), bar).status_code == 403


def test_a_gateway_is_held_to_its_rate(bar, gateway, monkeypatch):
    monkeypatch.setattr(
        ScopedRateThrottle,
        "THROTTLE_RATES",
        {**ScopedRateThrottle.THROTTLE_RATES, "checkin_live": "2/minute"},
    )
    assert [scan(gateway, bar).status_code for _ in range(3)] == [201, 201, 429]
