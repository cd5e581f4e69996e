"""PUT and PATCH /api/v1/webhooks/subscriptions/{id}/: the HQ changes a subscription by the
rules of its registration (`subscription_update`, audited); a refused change changes nothing;
only the HQ, which sees every subscription, reaches one."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from fangkong.core.models import AuditEvent
from fangkong.webhooks.models import Subscription

pytestmark = pytest.mark.django_db

BASE = "/api/v1/webhooks/subscriptions/"


def _client(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def hq(hq_admin):
    return _client(hq_admin)


@pytest.fixture
def subscribed(hq) -> dict:
    created = hq.post(
        BASE,
        {"name": "市大数据局", "url": "https://receiver.invalid/a", "kinds": ["alert.raised"]},
        format="json",
    )
    assert created.status_code == 201, created.content
    return created.json()


def _fields(answer) -> list[str]:
    return [e["field"] for e in answer.json()["errors"]]


def test_a_patch_changes_the_url_and_kinds_keeps_the_rest_and_is_audited(hq, subscribed, liangxi):
    answer = hq.patch(
        f"{BASE}{subscribed['id']}/",
        {"url": "https://receiver.invalid/b", "kinds": ["case.registered", "alert.raised"]},
        format="json",
    )
    assert answer.status_code == 200, answer.content
    body = answer.json()
    assert (body["url"], body["kinds"], body["name"]) == (
        "https://receiver.invalid/b",
        ["case.registered", "alert.raised"],
        "市大数据局",
    )
    assert "secret" not in body
    event = AuditEvent.objects.get(action="webhook.update")
    assert event.before == {"url": "https://receiver.invalid/a", "kinds": ["alert.raised"]}
    assert event.after == {
        "url": "https://receiver.invalid/b",
        "kinds": ["case.registered", "alert.raised"],
    }
    # A PUT replaces every field: a jurisdiction now, a new name
    replaced = hq.put(
        f"{BASE}{subscribed['id']}/",
        {"name": "梁溪区平台", "url": "https://receiver.invalid/b", "kinds": ["alert.raised"],
         "jurisdiction": liangxi.pk},
        format="json",
    )  # fmt: skip
    assert replaced.status_code == 200, replaced.content
    assert (replaced.json()["name"], replaced.json()["jurisdiction"]) == ("梁溪区平台", liangxi.pk)
    citywide = hq.put(
        f"{BASE}{subscribed['id']}/",
        {"name": "梁溪区平台", "url": "https://receiver.invalid/b", "kinds": ["alert.raised"]},
        format="json",
    )
    assert citywide.status_code == 200 and citywide.json()["jurisdiction"] is None
    incomplete = hq.put(f"{BASE}{subscribed['id']}/", {"name": "缺字段"}, format="json")
    assert incomplete.status_code == 400 and set(_fields(incomplete)) == {"url", "kinds"}


def test_a_change_to_a_bad_url_is_refused_and_changes_nothing(hq, subscribed, settings):
    settings.FANGKONG_WEBHOOK_ALLOW_HTTP = False
    before = Subscription.objects.values().get(pk=subscribed["id"])
    for url in ("ftp://receiver.invalid/", "http://receiver.invalid/", "not a url"):
        answer = hq.patch(f"{BASE}{subscribed['id']}/", {"url": url, "name": "改名"}, format="json")
        assert answer.status_code == 400 and _fields(answer) == ["url"], answer.content
    unknown = hq.patch(f"{BASE}{subscribed['id']}/", {"kinds": ["case.deleted"]}, format="json")
    assert unknown.status_code == 400 and _fields(unknown) == ["kinds.0"]
    assert Subscription.objects.values().get(pk=subscribed["id"]) == before
    assert not AuditEvent.objects.filter(action="webhook.update").exists()


def test_another_subscriptions_url_or_a_deactivated_subscription_is_a_409(hq, subscribed):
    other = hq.post(
        BASE,
        {"name": "省平台", "url": "https://receiver.invalid/c", "kinds": ["alert.raised"]},
        format="json",
    ).json()
    taken = hq.patch(f"{BASE}{other['id']}/", {"url": subscribed["url"]}, format="json")
    assert taken.status_code == 409 and taken.json()["code"] == "subscription_exists"
    hq.post(f"{BASE}{other['id']}/deactivate/")
    off = hq.patch(f"{BASE}{other['id']}/", {"name": "停用后改名"}, format="json")
    assert off.status_code == 409 and off.json()["code"] == "subscription_inactive"
    assert Subscription.objects.get(pk=other["id"]).name == "省平台"


def test_only_the_hq_reaches_a_subscription_and_an_unseen_id_is_a_404_before_the_body(
    hq, subscribed, liangxi_officer
):
    officer = _client(liangxi_officer)
    refused = officer.patch(f"{BASE}{subscribed['id']}/", {"name": "越权"}, format="json")
    assert refused.status_code == 403
    assert Subscription.objects.get(pk=subscribed["id"]).name == "市大数据局"
    # The object is looked up first (ScopedObjectFirst): a bad body to an id the caller does
    # not see says nothing of the body.
    unseen = hq.patch(f"{BASE}{subscribed['id'] + 1000}/", {"url": "ftp://x"}, format="json")
    assert unseen.status_code == 404 and unseen.json()["code"] == "not_found"
