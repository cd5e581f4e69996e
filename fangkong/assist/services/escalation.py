"""Overdue verifications escalate once: the task is marked, the command area is told (it issues
a 督办 task through its own service) and the district sees an alert while any of its escalated
tasks is still open."""

from __future__ import annotations

import datetime as dt
import logging
from collections import Counter
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils.translation import gettext as _

from fangkong.alerts.models import Alert
from fangkong.alerts.services import alert_raise, alert_resolve
from fangkong.assist.conf import assist_settings
from fangkong.assist.models import TaskStatus, VerificationTask
from fangkong.assist.signals import verification_overdue
from fangkong.core.audit import audit_write
from fangkong.jurisdictions.models import Jurisdiction

if TYPE_CHECKING:
    from fangkong.accounts.models import User

logger = logging.getLogger(__name__)

ALERT_KIND = "assist.verification_overdue"


@transaction.atomic
def verification_task_escalate(
    *, task: VerificationTask, at: dt.datetime, by: User | None = None
) -> bool:
    """Escalate one open task past its due time, unless it already was: the update's own
    condition (escalated_at IS NULL) decides, so a rerun or a second worker running the same
    job at once escalates nothing twice. True when this call escalated it."""
    marked = VerificationTask.objects.filter(
        pk=task.pk, status=TaskStatus.OPEN, escalated_at__isnull=True, due_at__lt=at
    ).update(escalated_at=at)
    if not marked:
        return False
    task.escalated_at = at
    deadline = at + dt.timedelta(hours=assist_settings().escalation_hours)
    audit_write(
        by=by,
        action="verification_task.escalate",
        obj=task,
        before={"escalated_at": None},
        after={"escalated_at": at, "due_at": task.due_at, "deadline": deadline},
    )
    verification_overdue.send(sender=VerificationTask, task=task, at=at, deadline=deadline, by=by)
    return True


def verification_tasks_escalate(now: dt.datetime) -> int:
    """Job: every open task past its due time and not yet escalated, each in its own savepoint
    (one that fails is logged and tried again at the next run; the others stand)."""
    overdue = (
        VerificationTask.objects.overdue(now)
        .filter(escalated_at__isnull=True)
        .select_related("person", "jurisdiction")
        .order_by("due_at", "pk")
    )
    done = 0
    for task in overdue:
        try:
            done += int(verification_task_escalate(task=task, at=now))
        except Exception:
            logger.exception("escalating verification task %s failed", task.pk)
    return done


def _district_code(path: str) -> str:
    """The district's division code in a jurisdiction's path ("320200/320213/…"), or the
    city's for a task in the city pool."""
    codes = [code for code in path.split("/") if code]
    return codes[1] if len(codes) > 1 else codes[0]


def overdue_alerts_run(now: dt.datetime) -> int:
    """Job: one alert per district (or the city pool) while it has escalated tasks still
    open, saying how many; closed once they are all verified."""
    paths = VerificationTask.objects.filter(
        status=TaskStatus.OPEN, escalated_at__isnull=False
    ).values_list("jurisdiction__path", flat=True)
    counts = Counter(_district_code(path) for path in paths)
    done = 0
    keys = set()
    for place in Jurisdiction.objects.filter(code__in=counts):
        key = f"{ALERT_KIND}:{place.pk}"
        keys.add(key)
        raised = alert_raise(
            kind=ALERT_KIND,
            title=_("%(place)s 协查核查超时未完成 %(n)s 人，已督办")
            % {"place": place.name, "n": counts[place.code]},
            jurisdiction=place,
            dedupe_key=key,
            by=None,
        )
        done += int(raised.created)
    for alert in Alert.objects.open().filter(kind=ALERT_KIND).exclude(dedupe_key__in=keys):
        alert_resolve(alert=alert, note=_("超时任务已全部核查"), by=None)
        done += 1
    return done
