"""/api/v1/webhooks/: the HQ registers receivers and follows their deliveries; no one else."""

from __future__ import annotations

import json

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from fangkong.alerts.services import alert_raise
from fangkong.webhooks.models import Delivery, DeliveryStatus
from fangkong.webhooks.services.deliveries import webhook_deliveries_send
from fangkong.webhooks.signing import SIGNATURE_HEADER, signature_verify

pytestmark = pytest.mark.django_db

BASE = "/api/v1/webhooks/"


def _client(user=None):
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


@pytest.fixture
def hq(hq_admin):
    return _client(hq_admin)


def _subscribe(hq, url="https://receiver.invalid/hooks", kinds=("alert.raised",), **extra):
    return hq.post(
        f"{BASE}subscriptions/",
        {"name": "市大数据局", "url": url, "kinds": list(kinds), **extra},
        format="json",
    )


def test_the_hq_registers_a_receiver_and_sees_its_secret_only_once(hq):
    created = _subscribe(hq)
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["secret"].startswith("whsec_") and body["kinds"] == ["alert.raised"]
    detail = hq.get(f"{BASE}subscriptions/{body['id']}/").json()
    assert "secret" not in detail and detail["is_active"] is True
    listed = hq.get(f"{BASE}subscriptions/").json()
    assert [s["id"] for s in listed["results"]] == [body["id"]]
    assert body["secret"] not in json.dumps(listed) and "secret" not in listed["results"][0]


def test_a_second_active_subscription_of_a_url_answers_409_and_bad_input_400(hq):
    _subscribe(hq)
    again = _subscribe(hq)
    assert again.status_code == 409 and again.json()["code"] == "subscription_exists"
    bad = _subscribe(hq, url="https://other.invalid/", kinds=["case.deleted"])
    assert bad.status_code == 400 and "kinds" in json.dumps(bad.json())
    ftp = _subscribe(hq, url="ftp://other.invalid/")
    assert ftp.status_code == 400 and "url" in json.dumps(ftp.json())


def test_only_https_receivers_are_accepted_where_http_is_not_allowed(hq, settings):
    settings.FANGKONG_WEBHOOK_ALLOW_HTTP = False
    refused = _subscribe(hq, url="http://receiver.invalid/")
    assert refused.status_code == 400 and "url" in json.dumps(refused.json())
    assert _subscribe(hq, url="https://receiver.invalid/").status_code == 201


def test_a_rotated_secret_is_shown_once_and_a_deactivated_subscription_refuses_with_409(hq):
    first = _subscribe(hq).json()
    rotated = hq.post(f"{BASE}subscriptions/{first['id']}/rotate-secret/")
    assert rotated.status_code == 200 and rotated.json()["secret"] != first["secret"]
    assert rotated.json()["secret_previous_valid_until"]
    off = hq.post(f"{BASE}subscriptions/{first['id']}/deactivate/")
    assert off.status_code == 200 and off.json()["is_active"] is False
    for action in ("deactivate", "rotate-secret"):
        refused = hq.post(f"{BASE}subscriptions/{first['id']}/{action}/")
        assert refused.status_code == 409 and refused.json()["code"] == "subscription_inactive"
    # Its URL is free again for a new registration.
    assert _subscribe(hq).status_code == 201


def test_webhooks_are_the_hqs_alone(hq, liangxi_officer, leader):
    subscription = _subscribe(hq).json()
    anonymous = _client()
    assert anonymous.get(f"{BASE}subscriptions/").status_code == 401
    for user in (liangxi_officer, leader):
        other = _client(user)
        assert other.get(f"{BASE}subscriptions/").status_code == 403
        assert other.get(f"{BASE}subscriptions/{subscription['id']}/").status_code == 403
        assert other.get(f"{BASE}deliveries/").status_code == 403
        assert _subscribe(other, url="https://mine.invalid/").status_code == 403
    assert hq.get(f"{BASE}subscriptions/999999/").status_code == 404


def test_deliveries_are_listed_filtered_and_redelivered(hq, receiver, liangxi):
    subscription = _subscribe(hq, url=receiver.url).json()
    alert_raise(kind="test.fever", title="发热", jurisdiction=liangxi, by=None)
    webhook_deliveries_send(timezone.now())
    listed = hq.get(f"{BASE}deliveries/", {"subscription": subscription["id"]}).json()
    [row] = listed["results"]
    assert row["status"] == "delivered" and row["kind"] == "alert.raised"
    assert hq.get(f"{BASE}deliveries/", {"status": "dead"}).json()["results"] == []
    detail = hq.get(f"{BASE}deliveries/{row['id']}/").json()
    assert detail["payload"]["event_id"] == row["event_id"]
    assert [a["status_code"] for a in detail["log"]] == [200]
    again = hq.post(f"{BASE}deliveries/{row['id']}/redeliver/")
    assert again.status_code == 200 and again.json()["status"] == "pending"
    pending = hq.post(f"{BASE}deliveries/{row['id']}/redeliver/")
    assert pending.status_code == 409 and pending.json()["code"] == "delivery_pending"
    webhook_deliveries_send(timezone.now())
    assert len(receiver.received) == 2
    assert Delivery.objects.get().log.count() == 2


@pytest.mark.parametrize("query", [{"status": "lost"}, {"subscription": "x"}, {"kind": "y"}])
def test_an_invalid_filter_answers_400_naming_the_parameter(hq, query):
    refused = hq.get(f"{BASE}deliveries/", query)
    assert refused.status_code == 400
    assert next(iter(query)) in json.dumps(refused.json())


def test_a_case_registered_through_the_api_is_delivered_to_the_receiver(
    hq, receiver, investigator, zhang_san
):
    created = _subscribe(hq, url=receiver.url, kinds=["case.registered"]).json()
    registered = _client(investigator).post(
        "/api/v1/cases/",
        {
            "person": zhang_san.pk,
            "classification": "confirmed",
            "detected_at": timezone.now().isoformat(),
        },
        format="json",
    )
    assert registered.status_code == 201, registered.content
    case = registered.json()
    assert webhook_deliveries_send(timezone.now()) == 1
    [request] = receiver.received
    assert signature_verify(
        secret=created["secret"], body=request.body, header=request.headers[SIGNATURE_HEADER]
    )
    body = json.loads(request.body)
    assert body["kind"] == "case.registered"
    assert body["subject"] == {
        "type": "case",
        "id": case["id"],
        "url": f"http://127.0.0.1:8000/api/v1/cases/{case['id']}/",
    }
    assert body["data"]["number"] == case["number"]
    # Minimised: the receiver reads the person through the API with its own scope.
    assert (
        zhang_san.name not in request.body.decode()
        and zhang_san.id_number not in request.body.decode()
    )
    assert Delivery.objects.get().status == DeliveryStatus.DELIVERED
