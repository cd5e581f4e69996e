"""Sending the outbox: the delivery job, and a redelivery asked for through the API.

At least once: a delivery is marked only after its POST, in the job's transaction, so a worker
killed in between sends it again on the next run; receivers drop repeats by `event_id`. Due
rows are locked and skipped by other workers on PostgreSQL (`skip_locked`); on SQLite one
worker runs the jobs (the schedule's lease), so no second one is there to skip.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from typing import TYPE_CHECKING

from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from fangkong.alerts.models import Severity
from fangkong.alerts.services import alert_raise, alert_resolve_for
from fangkong.core.audit import audit_write, snapshot
from fangkong.core.errors import Conflict
from fangkong.webhooks import transport
from fangkong.webhooks.conf import webhooks_settings
from fangkong.webhooks.models import Delivery, DeliveryAttempt, DeliveryStatus, Subscription
from fangkong.webhooks.signing import SIGNATURE_HEADER, payload_body, signature_header

if TYPE_CHECKING:
    from fangkong.accounts.models import User

logger = logging.getLogger(__name__)

FAILING_ALERT = "webhooks.failing"


def backoff(attempts: int) -> dt.timedelta:
    """How long after its `attempts`-th failure a delivery is tried again: base, 2×, 4×..."""
    conf = webhooks_settings()
    seconds = conf.backoff_base_seconds * 2 ** max(attempts - 1, 0)
    return dt.timedelta(seconds=min(seconds, conf.backoff_max_seconds))


def _headers(delivery: Delivery, body: bytes) -> dict[str, str]:
    stamp = int(time.time())
    secrets = delivery.subscription.signing_secrets(timezone.now())
    return {
        SIGNATURE_HEADER: signature_header(secrets, stamp, body),
        "X-Fangkong-Event": delivery.event.kind,
        "X-Fangkong-Event-Id": str(delivery.event.event_id),
        "X-Fangkong-Delivery": str(delivery.pk),
    }


def _failing(subscription: Subscription) -> None:
    Subscription.objects.filter(pk=subscription.pk).update(
        consecutive_failures=F("consecutive_failures") + 1
    )
    subscription.refresh_from_db(fields=["consecutive_failures"])
    if subscription.consecutive_failures >= webhooks_settings().alert_after_failures:
        alert_raise(
            kind=FAILING_ALERT,
            severity=Severity.WARNING,
            title=_("事件推送持续失败：%(name)s") % {"name": subscription.name},
            detail=_("连续 %(count)s 次推送失败，请联系接收方核查：%(url)s")
            % {"count": subscription.consecutive_failures, "url": subscription.url},
            subject=subscription,
            by=None,
        )


def _recovered(subscription: Subscription) -> None:
    if subscription.consecutive_failures:
        Subscription.objects.filter(pk=subscription.pk).update(consecutive_failures=0)
        subscription.consecutive_failures = 0
        alert_resolve_for(kind=FAILING_ALERT, subject=subscription, note=_("推送已恢复"), by=None)


def _attempt(delivery: Delivery, now: dt.datetime) -> bool:
    """POST it once and record what came of it; True if it was delivered."""
    body = payload_body(delivery.event.payload)
    result = transport.post(delivery.subscription.url, body, _headers(delivery, body))
    delivery.attempts += 1
    DeliveryAttempt.objects.create(
        delivery=delivery,
        number=delivery.attempts,
        attempted_at=now,
        status_code=result.status_code,
        error=result.error,
        duration_ms=result.duration_ms,
    )
    delivery.last_attempt_at = now
    delivery.last_status_code = result.status_code
    delivery.last_error = result.error
    if result.ok:
        delivery.status = DeliveryStatus.DELIVERED
        delivery.delivered_at = now
        _recovered(delivery.subscription)
    else:
        logger.info("webhook delivery %s failed: %s", delivery.pk, result.error)
        if delivery.attempts >= webhooks_settings().max_attempts:
            delivery.status = DeliveryStatus.DEAD
        else:
            delivery.next_attempt_at = now + backoff(delivery.attempts)
        _failing(delivery.subscription)
    delivery.save(
        update_fields=[
            "attempts", "status", "next_attempt_at", "last_attempt_at", "last_status_code",
            "last_error", "delivered_at",
        ]
    )  # fmt: skip
    return result.ok


def webhook_deliveries_send(now: dt.datetime) -> int:
    """Job: POST every due delivery once (a batch a run) and return how many were tried.
    A subscription that fails once is not tried again in the same run: its other deliveries
    wait for the next, so one dead receiver costs one timeout a run, not one per event."""
    due = (
        Delivery.objects.due(now)
        .select_related("event", "subscription")
        .order_by("next_attempt_at", "pk")
    )
    if connection.features.has_select_for_update_skip_locked:
        due = due.select_for_update(skip_locked=True, of=("self",))
    failed: set[int] = set()
    tried = 0
    for delivery in due[: webhooks_settings().batch]:
        if delivery.subscription_id in failed:
            continue
        tried += 1
        if not _attempt(delivery, now):
            failed.add(delivery.subscription_id)
    return tried


@transaction.atomic
def delivery_redeliver(*, delivery: Delivery, by: User | None) -> Delivery:
    """Send a delivered, given-up or cancelled delivery again, with a fresh count of attempts
    (the log keeps the earlier ones)."""
    delivery = (
        Delivery.objects.select_for_update().select_related("subscription").get(pk=delivery.pk)
    )
    if delivery.status == DeliveryStatus.PENDING:
        raise Conflict(_("该推送尚在等待发送"), code="delivery_pending")
    if not delivery.subscription.is_active:
        raise Conflict(_("该订阅已停用"), code="subscription_inactive")
    fields = ["status", "attempts", "next_attempt_at"]
    before = snapshot(delivery, fields)
    delivery.status = DeliveryStatus.PENDING
    delivery.attempts = 0
    delivery.next_attempt_at = timezone.now()
    delivery.save(update_fields=fields)
    audit_write(
        by=by,
        action="webhook.redeliver",
        obj=delivery,
        before=before,
        after=snapshot(delivery, fields),
    )
    return delivery
