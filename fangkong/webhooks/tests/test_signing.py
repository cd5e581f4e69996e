"""Signatures a receiver can check: HMAC-SHA256 of `t.body` under the subscription's secret."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from fangkong.webhooks.models import EventKind
from fangkong.webhooks.services.subscriptions import (
    subscription_create,
    subscription_secret_rotate,
)
from fangkong.webhooks.signing import payload_body, signature_header, signature_verify

BODY = payload_body({"kind": "case.registered", "data": {"number": "WX-2021-001"}})


def test_a_signature_verifies_with_its_secret_and_not_with_another_or_another_body():
    header = signature_header(["whsec_a"], 1_700_000_000, BODY)
    assert header.startswith("t=1700000000,v1=")
    assert signature_verify(secret="whsec_a", body=BODY, header=header, now=1_700_000_010)
    assert not signature_verify(secret="whsec_b", body=BODY, header=header, now=1_700_000_010)
    assert not signature_verify(
        secret="whsec_a", body=BODY + b" ", header=header, now=1_700_000_010
    )


def test_an_old_or_malformed_signature_is_refused():
    header = signature_header(["whsec_a"], 1_700_000_000, BODY)
    assert not signature_verify(secret="whsec_a", body=BODY, header=header, now=1_700_000_301)
    for bad in ("", "v1=abc", "t=²,v1=abc", "t=1700000000"):
        assert not signature_verify(secret="whsec_a", body=BODY, header=bad, now=1_700_000_000)


@pytest.mark.django_db
def test_after_a_rotation_the_old_secret_signs_too_until_its_grace_period_ends(settings):
    settings.FANGKONG_WEBHOOK_SECRET_GRACE_HOURS = 24
    first = subscription_create(
        name="大数据局", url="https://receiver.invalid/", kinds=[EventKind.ALERT_RAISED], by=None
    )
    rotated = subscription_secret_rotate(subscription=first.subscription, by=None)
    assert rotated.secret != first.secret
    now = timezone.now()
    header = signature_header(rotated.subscription.signing_secrets(now), 1_700_000_000, BODY)
    for secret in (first.secret, rotated.secret):
        assert signature_verify(secret=secret, body=BODY, header=header, now=1_700_000_000)
    later = now + dt.timedelta(hours=25)
    assert rotated.subscription.signing_secrets(later) == [rotated.secret]
