"""The delivery job: signed POSTs to a receiver on 127.0.0.1, retried with backoff, given up
after the last attempt, an alert for a receiver that keeps failing."""

from __future__ import annotations

import datetime as dt
import json
import socket

import pytest
from django.utils import timezone

from fangkong.alerts.models import Alert
from fangkong.alerts.services import alert_raise
from fangkong.operations.job_runner import run_jobs
from fangkong.webhooks.models import Delivery, DeliveryStatus, EventKind
from fangkong.webhooks.services.deliveries import webhook_deliveries_send
from fangkong.webhooks.services.subscriptions import subscription_create, subscription_deactivate
from fangkong.webhooks.signing import SIGNATURE_HEADER, signature_verify

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _quick(settings):
    settings.FANGKONG_WEBHOOK_TIMEOUT_SECONDS = 2
    settings.FANGKONG_WEBHOOK_BACKOFF_BASE_SECONDS = 60
    settings.FANGKONG_WEBHOOK_MAX_ATTEMPTS = 3
    settings.FANGKONG_WEBHOOK_ALERT_AFTER_FAILURES = 3


def _subscribe(url):
    return subscription_create(name="大数据局", url=url, kinds=[EventKind.ALERT_RAISED], by=None)


def _event(liangxi, kind="test.fever"):
    return alert_raise(kind=kind, title="发热", jurisdiction=liangxi, by=None).alert


def test_the_job_posts_each_due_delivery_signed_to_the_receiver(receiver, liangxi):
    created = _subscribe(receiver.url)
    alert = _event(liangxi)
    assert run_jobs(timezone.now(), only=["webhooks"])[0].done == 1
    [request] = receiver.received
    assert signature_verify(
        secret=created.secret, body=request.body, header=request.headers[SIGNATURE_HEADER]
    )
    body = json.loads(request.body)
    assert body["kind"] == "alert.raised" and body["subject"]["id"] == alert.pk
    assert request.headers["X-Fangkong-Event-Id"] == body["event_id"]
    delivery = Delivery.objects.get()
    assert delivery.status == DeliveryStatus.DELIVERED and delivery.last_status_code == 200
    [attempt] = delivery.log.all()
    assert attempt.status_code == 200 and attempt.number == 1 and attempt.duration_ms >= 0
    # Run again: nothing is due, nothing is sent twice.
    assert webhook_deliveries_send(timezone.now()) == 0 and len(receiver.received) == 1


def test_a_failed_delivery_is_retried_with_backoff_then_succeeds(receiver, liangxi):
    _subscribe(receiver.url)
    _event(liangxi)
    receiver.answers = [500, 503]
    now = timezone.now()
    assert webhook_deliveries_send(now) == 1
    delivery = Delivery.objects.get()
    assert delivery.status == DeliveryStatus.PENDING and delivery.last_status_code == 500
    assert delivery.next_attempt_at == now + dt.timedelta(seconds=60)
    # Not due before its time.
    assert webhook_deliveries_send(now + dt.timedelta(seconds=59)) == 0
    second = now + dt.timedelta(seconds=60)
    webhook_deliveries_send(second)
    delivery.refresh_from_db()
    assert delivery.attempts == 2 and delivery.next_attempt_at == second + dt.timedelta(seconds=120)
    webhook_deliveries_send(second + dt.timedelta(seconds=120))
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.DELIVERED and delivery.attempts == 3
    assert [a.status_code for a in delivery.log.all()] == [500, 503, 200]
    assert delivery.subscription.consecutive_failures == 0
    # Every attempt carried the same body: the receiver drops repeats by event_id.
    assert len({r.body for r in receiver.received}) == 1


def _closed_port_url():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}/hooks"


def test_a_delivery_is_dead_after_the_last_attempt_and_its_subscription_raises_an_alert(liangxi):
    subscription = _subscribe(_closed_port_url()).subscription
    _event(liangxi)
    moment = timezone.now()
    for _attempt in range(3):
        assert webhook_deliveries_send(moment) == 1
        moment += dt.timedelta(hours=1)
    delivery = Delivery.objects.filter(subscription=subscription).order_by("pk")[0]
    assert delivery.status == DeliveryStatus.DEAD and delivery.attempts == 3
    assert delivery.last_status_code is None and "Connection" in delivery.last_error
    assert [a.status_code for a in delivery.log.all()] == [None, None, None]
    failing = Alert.objects.open().get(kind="webhooks.failing")
    assert failing.subject == subscription
    # The alert is an event too, for every subscriber of alerts (this one included); failing
    # on, the subscription keeps its one open alert.
    for _run in range(2):
        webhook_deliveries_send(moment)
        moment += dt.timedelta(hours=1)
    assert Alert.objects.open().filter(kind="webhooks.failing").count() == 1


def test_a_receiver_that_recovers_resolves_its_alert(receiver, liangxi, settings):
    settings.FANGKONG_WEBHOOK_ALERT_AFTER_FAILURES = 1
    _subscribe(receiver.url)
    _event(liangxi)
    receiver.answers = [502]
    now = timezone.now()
    webhook_deliveries_send(now)
    assert Alert.objects.open().filter(kind="webhooks.failing").exists()
    webhook_deliveries_send(now + dt.timedelta(hours=1))
    assert not Alert.objects.open().filter(kind="webhooks.failing").exists()


def test_a_run_tries_a_failing_receiver_once_and_leaves_its_other_deliveries_due(liangxi):
    _subscribe(_closed_port_url())
    _event(liangxi, "test.a")
    _event(liangxi, "test.b")
    assert webhook_deliveries_send(timezone.now()) == 1
    assert sorted(Delivery.objects.values_list("attempts", flat=True)) == [0, 1]


def test_a_redirect_is_a_failure_not_followed(receiver, liangxi):
    _subscribe(receiver.url)
    _event(liangxi)
    receiver.answers = [302]
    webhook_deliveries_send(timezone.now())
    delivery = Delivery.objects.get()
    assert delivery.status == DeliveryStatus.PENDING and delivery.last_status_code == 302
    assert len(receiver.received) == 1


def test_deactivating_a_subscription_cancels_its_pending_deliveries(receiver, liangxi):
    subscription = _subscribe(receiver.url).subscription
    _event(liangxi)
    subscription_deactivate(subscription=subscription, by=None)
    assert Delivery.objects.get().status == DeliveryStatus.CANCELLED
    assert webhook_deliveries_send(timezone.now()) == 0 and receiver.received == []
