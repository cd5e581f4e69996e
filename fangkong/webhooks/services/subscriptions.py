"""Registering the systems that are told of events, and managing their secrets."""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fangkong.core.audit import audit_write, changed, snapshot
from fangkong.core.errors import Conflict
from fangkong.jurisdictions.models import Jurisdiction
from fangkong.webhooks.conf import webhooks_settings
from fangkong.webhooks.models import Delivery, DeliveryStatus, EventKind, Subscription

if TYPE_CHECKING:
    from fangkong.accounts.models import User

# What the audit trail keeps of a subscription: never its secrets.
AUDITED = ["name", "url", "kinds", "jurisdiction", "is_active", "deactivated_at"]


class SubscriptionInactive(Conflict):
    code = "subscription_inactive"


@dataclass(frozen=True)
class WithSecret:
    """A subscription and its secret in clear, to be shown once."""

    subscription: Subscription
    secret: str


def _new_secret() -> str:
    return f"whsec_{secrets.token_hex(32)}"


def _check(*, name: str, url: str, kinds: Sequence[str]) -> list[str]:
    errors: dict[str, str] = {}
    if not name.strip():
        errors["name"] = _("请填写名称")
    parts = urlsplit(url)
    schemes = ("https", "http") if webhooks_settings().allow_http else ("https",)
    if parts.scheme not in schemes or not parts.hostname:
        errors["url"] = (
            _("请填写以 http:// 或 https:// 开头的地址")
            if "http" in schemes
            else _("请填写以 https:// 开头的地址")
        )
    chosen = list(dict.fromkeys(kinds))
    if not chosen:
        errors["kinds"] = _("请至少选择一种事件类型")
    elif unknown := [k for k in chosen if k not in EventKind.values]:
        errors["kinds"] = _("未知的事件类型：%s") % "、".join(unknown)
    if errors:
        raise ValidationError(errors)
    return chosen


@transaction.atomic
def subscription_create(
    *,
    name: str,
    url: str,
    kinds: Sequence[str],
    jurisdiction: Jurisdiction | None = None,
    by: User | None,
) -> WithSecret:
    """Register a receiver. One active subscription per URL: a second answers Conflict."""
    chosen = _check(name=name, url=url, kinds=kinds)
    if Subscription.objects.filter(url=url, is_active=True).exists():
        raise Conflict(_("该地址已有启用的订阅"), code="subscription_exists")
    secret = _new_secret()
    try:
        with transaction.atomic():
            subscription = Subscription.objects.create(
                name=name.strip()[:100],
                url=url,
                kinds=chosen,
                jurisdiction=jurisdiction,
                secret=secret,
                created_by=by,
            )
    except IntegrityError as error:  # a concurrent registration of the same URL won
        raise Conflict(_("该地址已有启用的订阅"), code="subscription_exists") from error
    audit_write(
        by=by, action="webhook.subscribe", obj=subscription, after=snapshot(subscription, AUDITED)
    )
    return WithSecret(subscription, secret)


def _locked(subscription: Subscription) -> Subscription:
    return Subscription.objects.select_for_update().get(pk=subscription.pk)


@transaction.atomic
def subscription_update(
    *,
    subscription: Subscription,
    name: str,
    url: str,
    kinds: Sequence[str],
    jurisdiction: Jurisdiction | None,
    by: User | None,
) -> Subscription:
    """Change a subscription's name, receiver, kinds or jurisdiction, by the rules of its
    registration (a name, an http(s) URL, known kinds; one active subscription per URL: another
    one's URL answers Conflict). An inactive one is not edited (register anew). The secret
    stays: a receiver moved to another URL keeps verifying with it. Deliveries still pending
    go to the new URL when they are sent."""
    subscription = _locked(subscription)
    if not subscription.is_active:
        raise SubscriptionInactive(_("该订阅已停用"))
    chosen = _check(name=name, url=url, kinds=kinds)
    taken = Subscription.objects.filter(url=url, is_active=True).exclude(pk=subscription.pk)
    if taken.exists():
        raise Conflict(_("该地址已有启用的订阅"), code="subscription_exists")
    before = snapshot(subscription, AUDITED)
    subscription.name = name.strip()[:100]
    subscription.url = url
    subscription.kinds = chosen
    subscription.jurisdiction = jurisdiction
    before, after = changed(before, snapshot(subscription, AUDITED))
    if not after:
        return subscription
    try:
        with transaction.atomic():
            subscription.save(update_fields=["name", "url", "kinds", "jurisdiction"])
    except IntegrityError as error:  # a concurrent registration of the same URL won
        raise Conflict(_("该地址已有启用的订阅"), code="subscription_exists") from error
    audit_write(by=by, action="webhook.update", obj=subscription, before=before, after=after)
    return subscription


@transaction.atomic
def subscription_deactivate(*, subscription: Subscription, by: User | None) -> Subscription:
    """Stop telling it anything; its pending deliveries are cancelled."""
    subscription = _locked(subscription)
    if not subscription.is_active:
        raise SubscriptionInactive(_("该订阅已停用"))
    before = snapshot(subscription, AUDITED)
    subscription.is_active = False
    subscription.deactivated_at = timezone.now()
    subscription.save(update_fields=["is_active", "deactivated_at"])
    cancelled = Delivery.objects.filter(
        subscription=subscription, status=DeliveryStatus.PENDING
    ).update(status=DeliveryStatus.CANCELLED)
    after = snapshot(subscription, AUDITED)
    before, after = changed(before, after)
    after["cancelled_deliveries"] = cancelled
    audit_write(by=by, action="webhook.deactivate", obj=subscription, before=before, after=after)
    return subscription


@transaction.atomic
def subscription_secret_rotate(*, subscription: Subscription, by: User | None) -> WithSecret:
    """A new secret, shown once. The old one keeps signing beside it for the grace period."""
    subscription = _locked(subscription)
    if not subscription.is_active:
        raise SubscriptionInactive(_("该订阅已停用"))
    secret = _new_secret()
    subscription.previous_secret = subscription.secret
    subscription.previous_secret_until = timezone.now() + dt.timedelta(
        hours=webhooks_settings().secret_grace_hours
    )
    subscription.secret = secret
    subscription.save(update_fields=["secret", "previous_secret", "previous_secret_until"])
    audit_write(
        by=by,
        action="webhook.rotate_secret",
        obj=subscription,
        after={"previous_secret_until": subscription.previous_secret_until.isoformat()},
    )
    return WithSecret(subscription, secret)
