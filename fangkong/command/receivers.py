"""Signals from other areas that the command area turns into notifications."""

from __future__ import annotations

import logging
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from fangkong.alerts.models import Alert
from fangkong.command.models import NotificationKind
from fangkong.command.recipients import district_office_users, hq_users, unit_users
from fangkong.command.services.notifications import notification_send

logger = logging.getLogger(__name__)


def alert_recipients(alert: Alert) -> list[Any]:
    """The alert's unit, the district office over its jurisdiction, and the HQ."""
    return [
        *unit_users(alert.unit),
        *district_office_users(alert.jurisdiction),
        *hq_users(),
    ]


def on_alert_raised(sender: Any, alert: Alert, **kwargs: Any) -> None:
    # Sent after the alert's transaction committed: a failure here is logged, never raised
    # back into the area that raised the alert.
    try:
        notification_send(
            recipients=alert_recipients(alert),
            kind=NotificationKind.ALERT,
            title=_("【%(severity)s】%(title)s")
            % {"severity": alert.get_severity_display(), "title": alert.title},
            body=alert.detail,
            url=reverse("alerts:list"),
            dedupe_key=f"alert:{alert.pk}",
            by=None,
        )
    except Exception:
        logger.exception("notifying alert %s failed", alert.pk)
