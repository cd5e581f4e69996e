"""Signals from other areas that the command area turns into notifications."""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from django.dispatch import receiver
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from fangkong.alerts.models import Alert
from fangkong.assist.models import VerificationTask
from fangkong.assist.signals import verification_overdue, verification_recorded
from fangkong.command.models import NotificationKind
from fangkong.command.recipients import district_office_users, hq_users, unit_users
from fangkong.command.services.notifications import notification_send
from fangkong.command.services.tasks import task_issue, tasks_close_for_source
from fangkong.jurisdictions.models import Jurisdiction, Level, ResponsibilityKind, ResponsibleUnit
from fangkong.people.masking import mask_name

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


def verification_owner_unit(jurisdiction: Jurisdiction) -> ResponsibleUnit | None:
    """Who answers for an overdue verification: the territory unit of the task's district
    (区县防控指挥部), or the city HQ's for a task in the city pool or a district without one."""
    units = ResponsibleUnit.objects.active().filter(kind=ResponsibilityKind.TERRITORY)
    district = jurisdiction.district()
    unit = units.filter(jurisdiction=district).order_by("pk").first() if district else None
    if unit is None:
        unit = units.filter(jurisdiction__level=Level.CITY).order_by("pk").first()
    return unit


@receiver(verification_overdue, dispatch_uid="fangkong.command.verification_overdue")
def on_verification_overdue(
    sender: Any,
    *,
    task: VerificationTask,
    at: dt.datetime,
    deadline: dt.datetime,
    by: Any = None,
    **kwargs: Any,
) -> None:
    """An assist verification passed its time: a 督办 task to the district, linked to the
    verification task (source), in the escalation's own transaction. The title names the
    person by family name only: a 督办 list is read more widely than the person's record."""
    unit = verification_owner_unit(task.jurisdiction)
    if unit is None:
        logger.warning("no territory unit to supervise verification task %s", task.pk)
        return
    task_issue(
        title=_("协查核查超时：%(person)s（%(place)s）")
        % {"person": mask_name(task.person.name), "place": task.jurisdiction.name},
        goal=_("核查时限 %(due)s 已过，请在督办时限内完成落地核查并登记结果：%(url)s")
        % {
            "due": timezone.localtime(task.due_at).strftime("%Y-%m-%d %H:%M"),
            "url": reverse("assist:task", args=[task.pk]),
        },
        responsibility=unit.kind,
        owner_unit=unit,
        deadline=deadline,
        source=task,
        by=by,
        at=at,
    )


@receiver(verification_recorded, dispatch_uid="fangkong.command.verification_recorded")
def on_verification_recorded(
    sender: Any, *, task: VerificationTask, at: dt.datetime, by: Any = None, **kwargs: Any
) -> None:
    """The verification a 督办 chased is recorded: the 督办 is done, in the same transaction."""
    tasks_close_for_source(
        source=task,
        note=_("落地核查已登记（%(outcome)s），督办自动办结")
        % {"outcome": task.get_outcome_display()},
        at=at,
        by=by,
    )
