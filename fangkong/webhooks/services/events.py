"""Recording an event for the subscribers: the outbox half of webhooks.

An area calls `webhook_event_record` inside the service that makes the write, so the event
and its deliveries commit with the write or not at all; the delivery job sends them later.
Nothing here talks to the network, and nothing is written when no subscription wants it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.db import models, transaction
from django.urls import reverse
from django.utils import timezone

from fangkong.jurisdictions.models import Jurisdiction
from fangkong.webhooks.conf import webhooks_settings
from fangkong.webhooks.models import Delivery, Event, EventKind, Subscription


def _iso(moment: dt.datetime) -> str:
    # The API's convention: local time (Asia/Shanghai) with its +08:00 offset.
    return timezone.localtime(moment).isoformat(timespec="seconds")


@transaction.atomic
def webhook_event_record(
    *,
    kind: EventKind,
    subject: models.Model,
    route: str,
    data: Mapping[str, Any] | None = None,
    jurisdiction: Jurisdiction | None = None,
    occurred_at: dt.datetime | None = None,
) -> Event | None:
    """Tell every active subscription that wants `kind` (within its jurisdiction, if it has
    one) that it happened to `subject`, whose API detail is the URL named `api:<route>`.
    `data` holds a few ids and codes, never a name or an ID number: a receiver reads the rest
    through the API with its own scope. Returns the event, or None when no one wants it."""
    path = jurisdiction.path if jurisdiction is not None else None
    wanted = [
        subscription
        for subscription in Subscription.objects.filter(is_active=True).select_related(
            "jurisdiction"
        )
        if subscription.wants(kind, path)
    ]
    if not wanted:
        return None
    moment = occurred_at or timezone.now()
    link = reverse(f"api:{route}", args=[subject.pk])
    event = Event(
        kind=kind,
        subject_type=subject._meta.model_name or "",
        subject_id=str(subject.pk),
        jurisdiction=jurisdiction,
        occurred_at=moment,
        payload={},
    )
    event.payload = {
        "event_id": str(event.event_id),
        "kind": str(kind),
        "occurred_at": _iso(moment),
        "subject": {
            "type": event.subject_type,
            "id": subject.pk,
            "url": webhooks_settings().public_base_url.rstrip("/") + link,
        },
        "jurisdiction": jurisdiction.pk if jurisdiction is not None else None,
        "data": dict(data or {}),
    }
    event.save()
    Delivery.objects.bulk_create(
        [Delivery(event=event, subscription=subscription) for subscription in wanted]
    )
    return event
