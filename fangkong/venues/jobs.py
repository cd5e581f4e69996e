"""Periodic work of the venues area, run by `fangkong jobs run` (each job in its own
transaction; every job is idempotent, so a killed run is simply run again)."""

from __future__ import annotations

import datetime as dt
import logging

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fangkong.accounts.scope import CITY
from fangkong.alerts.models import Alert, Severity
from fangkong.alerts.services import alert_raise, alert_resolve
from fangkong.jurisdictions.models import ResponsibleUnit
from fangkong.operations.job_runner import register_jobs
from fangkong.venues.conf import venues_settings
from fangkong.venues.models import EnforcementAction, EnforcementKind, Venue
from fangkong.venues.selectors.occupancy import over_limit_in_scope
from fangkong.venues.services.enforcement import (
    OVER_LIMIT_ALERT,
    RECTIFICATION_OVERDUE_ALERT,
)
from fangkong.venues.services.inspections import photo_orphans_remove

logger = logging.getLogger(__name__)


def _open_alerts(kind: str, model: type) -> dict[str, Alert]:
    return {
        alert.subject_id: alert
        for alert in Alert.objects.open().filter(
            kind=kind, subject_type=ContentType.objects.get_for_model(model)
        )
    }


def _responsible_unit(venue: Venue) -> ResponsibleUnit | None:
    """The operator's unit, or else the unit of the venue's manager."""
    if venue.operator_unit is not None:
        return venue.operator_unit
    return venue.manager.unit if venue.manager is not None else None


@transaction.atomic
def run(now: dt.datetime) -> int:
    """Raise `venues.over_limit` for every venue above its limit at `now` (to the operator's or
    the manager's unit, and to the district and the HQ through the venue's jurisdiction), and
    resolve the alerts
    of venues back within their limit. Returns how many alerts it raised or resolved."""
    over = over_limit_in_scope(CITY, at=now)
    still_open = _open_alerts(OVER_LIMIT_ALERT, Venue)
    done = 0
    for row in over:
        venue = row.venue
        still_open.pop(str(venue.pk), None)
        raised = alert_raise(
            kind=OVER_LIMIT_ALERT,
            title=_("%(venue)s 超过限流人数：在场 %(n)s 人，限 %(limit)s 人")
            % {"venue": venue.name, "n": row.occupancy, "limit": row.limit},
            detail=_(
                "%(time)s 在场 %(n)s 人，核定容量 %(capacity)s 人，现行限流 %(percent)s%%"
                "（%(tier)s），限 %(limit)s 人。"
            )
            % {
                "time": timezone.localtime(now).strftime("%Y-%m-%d %H:%M"),
                "n": row.occupancy,
                "capacity": venue.approved_capacity,
                "percent": round(row.basis.ratio * 100),
                "tier": row.basis.category_tier.name,
                "limit": row.limit,
            },
            severity=Severity.CRITICAL if row.limit == 0 else Severity.WARNING,
            subject=venue,
            jurisdiction=venue.jurisdiction,
            unit=_responsible_unit(venue),
            by=None,
        )
        done += int(raised.created)
    for alert in still_open.values():
        alert_resolve(alert=alert, note=_("在场人数已回落至限流人数以内"), by=None)
        done += 1
    return done


@transaction.atomic
def run_rectification_overdue(now: dt.datetime) -> int:
    """Raise `venues.rectification_overdue` for rectification orders past their deadline
    without a passed re-inspection (they resolve when one passes)."""
    done = 0
    overdue = EnforcementAction.objects.filter(
        kind=EnforcementKind.RECTIFICATION, rectified_at__isnull=True, deadline__lt=now
    ).select_related("venue", "venue__jurisdiction", "venue__operator_unit", "venue__manager__unit")
    for action in overdue:
        venue = action.venue
        raised = alert_raise(
            kind=RECTIFICATION_OVERDUE_ALERT,
            title=_("%(venue)s 整改逾期（期限 %(deadline)s）")
            % {
                "venue": venue.name,
                "deadline": timezone.localtime(action.deadline).strftime("%m-%d %H:%M")
                if action.deadline
                else "",
            },
            detail=action.reason,
            subject=action,
            jurisdiction=venue.jurisdiction,
            unit=_responsible_unit(venue),
            by=None,
        )
        done += int(raised.created)
    return done


def run_photo_orphans(now: dt.datetime) -> int:
    grace = dt.timedelta(hours=venues_settings().photo_orphan_hours)
    removed = photo_orphans_remove(older_than=now - grace)
    if removed:
        logger.info("removed %d orphan inspection photo files: %s", len(removed), removed)
    return len(removed)


JOBS = [
    ("venues.over_limit", run),
    ("venues.rectification_overdue", run_rectification_overdue),
    ("venues.photo_orphans", run_photo_orphans),
]


def register() -> None:
    register_jobs("venues", JOBS)
