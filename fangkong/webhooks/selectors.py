"""Reads of webhooks for a viewer: the HQ sees every subscription and delivery; no one else
sees any (what other systems are told is the HQ's business)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from fangkong.accounts.capabilities import user_can
from fangkong.webhooks.models import Delivery, Subscription


def subscription_list(*, viewer: Any) -> QuerySet[Subscription]:
    subscriptions = Subscription.objects.select_related("jurisdiction", "created_by")
    if not user_can(viewer, "webhook.manage"):
        return subscriptions.none()
    return subscriptions.order_by("-pk")


def delivery_list(
    *,
    viewer: Any,
    subscription: int | None = None,
    status: str = "",
    kind: str = "",
) -> QuerySet[Delivery]:
    deliveries = Delivery.objects.select_related("event", "subscription")
    if not user_can(viewer, "webhook.manage"):
        return deliveries.none()
    if subscription is not None:
        deliveries = deliveries.filter(subscription_id=subscription)
    if status:
        deliveries = deliveries.filter(status=status)
    if kind:
        deliveries = deliveries.filter(event__kind=kind)
    return deliveries.order_by("-pk")
