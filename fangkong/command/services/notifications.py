"""Sending notifications: stored in the inbox at once, e-mailed later from the outbox."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from fangkong.command.conf import command_settings
from fangkong.command.models import (
    Channel,
    DeliveryStatus,
    Notification,
    OutboxMessage,
)
from fangkong.core.audit import audit_write, snapshot

if TYPE_CHECKING:
    from fangkong.accounts.models import User

logger = logging.getLogger(__name__)


@transaction.atomic
def notification_send(
    *,
    recipients: Iterable[User],
    kind: str,
    title: str,
    body: str = "",
    url: str = "",
    dedupe_key: str = "",
    by: User | None,
) -> list[Notification]:
    """Notify each recipient once; with a `dedupe_key`, a recipient already told is skipped,
    which is what makes the jobs that notify safe to rerun."""
    sent: list[Notification] = []
    seen: set[int] = set()
    for user in recipients:
        if user.pk in seen:
            continue
        seen.add(user.pk)
        if (
            dedupe_key
            and Notification.objects.filter(recipient=user, dedupe_key=dedupe_key).exists()
        ):
            continue
        try:
            with transaction.atomic():
                notification = Notification.objects.create(
                    recipient=user,
                    kind=kind,
                    title=title[:200],
                    body=body,
                    url=url[:300],
                    dedupe_key=dedupe_key[:200],
                )
        except IntegrityError:  # a concurrent run told them first
            continue
        now = timezone.now()
        OutboxMessage.objects.create(
            notification=notification,
            channel=Channel.IN_APP,
            address=user.get_username(),
            status=DeliveryStatus.SENT,
            attempts=1,
            sent_at=now,
        )
        if user.email:
            OutboxMessage.objects.create(
                notification=notification, channel=Channel.EMAIL, address=user.email
            )
        audit_write(
            by=by,
            action="notification.send",
            obj=notification,
            after=snapshot(notification, ["recipient", "kind", "title", "dedupe_key"]),
        )
        sent.append(notification)
    return sent


@transaction.atomic
def notification_mark_read(*, notification: Notification, by: User) -> Notification:
    if notification.recipient_id != by.pk:
        raise PermissionError("not the recipient")
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
        audit_write(by=by, action="notification.read", obj=notification)
    return notification


@transaction.atomic
def notification_mark_all_read(*, user: User) -> int:
    unread = Notification.objects.filter(recipient=user, read_at__isnull=True)
    count = unread.update(read_at=timezone.now())
    if count:
        audit_write(by=user, action="notification.read_all", obj=user, after={"count": count})
    return count


def outbox_deliver(now: dt.datetime) -> int:
    """Try each pending e-mail once and return how many were tried. A failure is recorded on
    the message and retried on the next run, until FANGKONG_OUTBOX_MAX_ATTEMPTS; runs inside
    the job's transaction."""
    pending = OutboxMessage.objects.filter(
        status=DeliveryStatus.PENDING, channel=Channel.EMAIL
    ).select_related("notification")
    if connection.features.has_select_for_update_skip_locked:
        # Two job runners never send the same message.
        pending = pending.select_for_update(skip_locked=True, of=("self",))
    attempted = 0
    for message in pending.order_by("pk")[: command_settings().outbox_batch]:
        before = snapshot(message, ["status", "attempts"])
        notification = message.notification
        body = notification.body
        if notification.url:
            body = f"{body}\n\n{settings.PUBLIC_BASE_URL.rstrip('/')}{notification.url}"
        message.attempts += 1
        attempted += 1
        try:
            send_mail(
                subject=notification.title,
                message=body,
                from_email=None,
                recipient_list=[message.address],
            )
        except Exception as error:  # any transport error: keep the message, record why
            logger.warning("e-mail to %s failed: %s", message.address, error)
            message.last_error = str(error)[:300]
            if message.attempts >= command_settings().outbox_max_attempts:
                message.status = DeliveryStatus.FAILED
        else:
            message.status = DeliveryStatus.SENT
            message.sent_at = now
            message.last_error = ""
        message.save(update_fields=["attempts", "status", "sent_at", "last_error"])
        audit_write(
            by=None,
            action="outbox.deliver",
            obj=message,
            before=before,
            after=snapshot(message, ["status", "attempts"]),
        )
    return attempted
