"""Events are written in the transaction of the write they report (the outbox)."""

from __future__ import annotations

import pytest
from django.db import transaction

from fangkong.alerts.services import alert_raise
from fangkong.webhooks.models import Delivery, Event, EventKind
from fangkong.webhooks.services.subscriptions import subscription_create

pytestmark = pytest.mark.django_db


def _subscribe(url="https://receiver.invalid/a", kinds=(EventKind.ALERT_RAISED,), **extra):
    return subscription_create(name="大数据局", url=url, kinds=list(kinds), by=None, **extra)


@transaction.atomic
def _raise_then_fail(liangxi, seen):
    alert_raise(kind="test.fever", title="发热", jurisdiction=liangxi, by=None)
    seen.append(Delivery.objects.count())
    raise RuntimeError("the write fails after the event was recorded")


def test_an_event_is_written_with_the_write_and_rolled_back_with_it(liangxi):
    subscription = _subscribe().subscription
    seen: list[int] = []
    with pytest.raises(RuntimeError):
        _raise_then_fail(liangxi, seen)
    assert seen == [1]
    assert not Event.objects.exists() and not Delivery.objects.exists()
    alert_raise(kind="test.fever", title="发热", jurisdiction=liangxi, by=None)
    assert Delivery.objects.get().subscription == subscription


def test_nothing_is_written_when_no_active_subscription_wants_the_kind(liangxi):
    _subscribe(kinds=[EventKind.CASE_REGISTERED])
    alert_raise(kind="test.fever", title="发热", jurisdiction=liangxi, by=None)
    assert not Event.objects.exists()


def test_a_subscription_bound_to_a_district_hears_only_of_events_inside_it(liangxi, binhu, city):
    liangxi_only = _subscribe(url="https://liangxi.invalid/", jurisdiction=liangxi).subscription
    citywide = _subscribe(url="https://city.invalid/").subscription
    alert_raise(kind="test.a", title="甲", jurisdiction=binhu, by=None)
    alert_raise(kind="test.b", title="乙", jurisdiction=liangxi, by=None)
    alert_raise(kind="test.c", title="全市", jurisdiction=None, by=None)
    heard = {
        s.pk: sorted(
            d.event.payload["data"]["kind"]
            for d in Delivery.objects.filter(subscription=s).select_related("event")
        )
        for s in (liangxi_only, citywide)
    }
    # A city-wide event (no jurisdiction) is for every subscriber of its kind.
    assert heard[liangxi_only.pk] == ["test.b", "test.c"]
    assert heard[citywide.pk] == ["test.a", "test.b", "test.c"]


def test_the_payload_holds_ids_a_link_and_a_local_time_but_no_words_of_the_alert(liangxi):
    _subscribe()
    raised = alert_raise(kind="test.fever", title="张三 体温 38.5", jurisdiction=liangxi, by=None)
    payload = Event.objects.get().payload
    assert payload["kind"] == "alert.raised"
    assert payload["event_id"] == str(Event.objects.get().event_id)
    assert payload["occurred_at"].endswith("+08:00")
    assert payload["subject"]["url"].endswith(f"/api/v1/alerts/{raised.alert.pk}/")
    assert payload["jurisdiction"] == liangxi.pk
    assert payload["data"] == {"kind": "test.fever", "severity": "warning", "unit": None}
    assert "张三" not in str(payload)
