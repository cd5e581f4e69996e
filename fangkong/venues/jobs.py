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
from fangkong.analytics.checkin_archive import archived_days
from fangkong.jurisdictions.models import ResponsibleUnit
from fangkong.operations.job_runner import register_jobs
from fangkong.venues.archive_readers import archive_read_by
from fangkong.venues.checkin_days import (
    checkin_day_remove,
    checkin_partitions_ensure,
    checkin_removals_prune,
    partition_days_ahead,
    retention_days_due,
)
from fangkong.venues.conf import venues_settings
from fangkong.venues.models import EnforcementAction, EnforcementKind, Venue
from fangkong.venues.occupancy_rollup import occupancy_rollup_keep
from fangkong.venues.selectors.occupancy import over_limit_in_scope
from fangkong.venues.services.checkin_archive import (
    ARCHIVE_UNREAD,
    archive_root,
    checkin_archived_day_remove,
    checkin_day_archive,
    checkin_days_due,
)
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


def run_checkin_partitions_ahead(now: dt.datetime) -> int:
    """Create the check-in partitions of today and the days ahead that are missing
    (PostgreSQL; nothing on SQLite). Returns how many it created."""
    return len(checkin_partitions_ensure(days=partition_days_ahead(timezone.localdate(now))))


def run_checkin_retention(now: dt.datetime) -> int:
    """Remove from the database every day of check-ins older than the retention, each whole
    and audited (the job's one transaction: a killed run removes nothing and the next run
    does it all). Returns how many check-ins went."""
    today = timezone.localdate(now)
    removed = 0
    for day in retention_days_due(today):
        rows = checkin_day_remove(day=day, reason="retention", by=None)
        logger.info("retention removed the check-ins of %s: %d rows", day, rows)
        removed += rows
    for day in retention_days_due(today, archived_days(archive_root())):
        rows = checkin_archived_day_remove(day=day, reason="retention", by=None)
        logger.info("retention removed the archived check-ins of %s: %d rows", day, rows)
        removed += rows
    forgotten = checkin_removals_prune(now=now)
    logger.info("retention forgot %d removals the tracing copies have read", forgotten)
    return removed


def run_checkins_archive(now: dt.datetime) -> int:
    """Move the oldest day older than FANGKONG_CHECKIN_HOT_DAYS into the day archive; returns
    the days moved (0 or 1). One day a run: the runner commits once per job, and the removal's
    lock on the check-in table must not wait for the next day's file to be written. A killed
    run leaves at most a `.partial` file or a verified file whose day is still in the
    database, and the next run finishes it."""
    if not archive_read_by():
        logger.info("check-in archive skipped: %s", ARCHIVE_UNREAD)
        return 0
    for day in checkin_days_due(today=timezone.localdate(now)):
        result = checkin_day_archive(day=day, by=None)
        if result.rows:
            logger.info("archived %s: %d check-ins, %d bytes", day, result.rows, result.bytes)
            return 1
    return 0


def run_checkin_occupancy(now: dt.datetime) -> int:
    """Keep the running occupancy count (PostgreSQL): fold its older minutes, or rebuild it
    after the default stay or the window changed."""
    return occupancy_rollup_keep(now=now)


JOBS = [
    # Before the over-limit scan, which then reads a freshly folded count.
    ("checkin_occupancy", run_checkin_occupancy),
    ("venues.over_limit", run),
    ("venues.rectification_overdue", run_rectification_overdue),
    ("venues.photo_orphans", run_photo_orphans),
    # Named without the area: the runner prefixes it (venues.checkin_retention, as
    # people.retention), unlike the three above, whose names it shows as venues.venues.*.
    ("checkin_partitions_ahead", run_checkin_partitions_ahead),
    ("checkin_retention", run_checkin_retention),
    ("checkins_archive", run_checkins_archive),
]


def register() -> None:
    register_jobs("venues", JOBS)
