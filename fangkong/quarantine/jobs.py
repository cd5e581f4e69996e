"""Periodic work of the quarantine area (run by `fangkong jobs run`, each job in its own
transaction): the missing list at each cut-off, overdue tests, staff test reminders.

Every job is idempotent: alerts are raised once per open condition (their dedupe key) and
closed when the condition has cleared, so a rerun or a killed run changes nothing twice.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext as _

from fangkong.alerts.models import Alert
from fangkong.alerts.services import alert_resolve
from fangkong.operations.job_runner import register_jobs
from fangkong.quarantine.models import Finding, Site
from fangkong.quarantine.selectors.figures import staff_overdue
from fangkong.quarantine.selectors.health import cutoffs_passed, missing_reports, overdue_tests
from fangkong.quarantine.services.alerting import SiteAlertKind, site_alert_raise


def _resolve(key: str, note: str) -> int:
    count = 0
    for alert in Alert.objects.open().filter(dedupe_key=key):
        alert_resolve(alert=alert, note=note, by=None)
        count += 1
    return count


def missing_reports_run(now: dt.datetime) -> int:
    """At each cut-off that has passed today, one alert per site naming who has not
    reported; closed once they all have."""
    done = 0
    day = timezone.localdate(now)
    for site in Site.objects.in_use().select_related("jurisdiction", "operating_unit"):
        for cutoff in cutoffs_passed(day, now):
            key = f"{SiteAlertKind.MISSING_REPORT.value}:{site.pk}:{cutoff.day}:{cutoff.slot}"
            missing = list(missing_reports(site, cutoff))
            if not missing:
                done += _resolve(key, _("已全部报告"))
                continue
            names = "、".join(f"{p.room.number} {p.person.name}" for p in missing[:50])
            raised = site_alert_raise(
                site=site,
                kind=SiteAlertKind.MISSING_REPORT,
                title=_("%(site)s %(day)s %(slot)s健康监测未报 %(n)s 人")
                % {
                    "site": site.name,
                    "day": cutoff.day.strftime("%m-%d"),
                    "slot": cutoff.slot_label,
                    "n": len(missing),
                },
                detail=names + ("…" if len(missing) > 50 else ""),
                dedupe_key=key,
                by=None,
            )
            done += int(raised.created)
    return done


def overdue_tests_run(now: dt.datetime) -> int:
    """One alert per site while tests due before today have not been sampled."""
    done = 0
    day = timezone.localdate(now)
    for site in Site.objects.in_use().select_related("jurisdiction", "operating_unit"):
        key = f"{SiteAlertKind.TEST_OVERDUE.value}:{site.pk}"
        overdue = list(overdue_tests(site, day))
        if not overdue:
            done += _resolve(key, _("逾期检测已完成采样"))
            continue
        raised = site_alert_raise(
            site=site,
            kind=SiteAlertKind.TEST_OVERDUE,
            title=_("%(site)s 核酸检测逾期未采样 %(n)s 人次")
            % {"site": site.name, "n": len(overdue)},
            detail="、".join(
                f"{t.placement.room.number} {t.placement.person.name} D{t.day}"
                for t in overdue[:50]
            ),
            dedupe_key=key,
            by=None,
        )
        done += int(raised.created)
    return done


def staff_tests_run(now: dt.datetime) -> int:
    """A reminder for each staff member in the loop whose test every N days is overdue;
    closed once a new test is recorded."""
    sites = list(Site.objects.in_use().select_related("jurisdiction", "operating_unit"))
    overdue = staff_overdue(sites, now)
    done = 0
    late_keys = set()
    for member in overdue:
        key = f"{SiteAlertKind.STAFF_TEST_OVERDUE.value}:{member.pk}"
        late_keys.add(key)
        raised = site_alert_raise(
            site=member.site,
            kind=SiteAlertKind.STAFF_TEST_OVERDUE,
            title=_("%(site)s 工作人员 %(name)s（%(role)s）核酸检测逾期")
            % {
                "site": member.site.name,
                "name": member.person.name,
                "role": member.get_role_display(),
            },
            subject=member,
            dedupe_key=key,
            by=None,
        )
        done += int(raised.created)
    prefix = f"{SiteAlertKind.STAFF_TEST_OVERDUE.value}:"
    for alert in Alert.objects.open().filter(dedupe_key__startswith=prefix):
        if alert.dedupe_key not in late_keys:
            alert_resolve(alert=alert, note=_("已完成检测或已离开闭环"), by=None)
            done += 1
    return done


def overdue_findings_run(now: dt.datetime) -> int:
    """An alert for each checklist finding past its deadline; closed once it is fixed."""
    day = timezone.localdate(now)
    done = 0
    late_keys = set()
    for finding in Finding.objects.overdue(day).select_related(
        "site__jurisdiction", "site__operating_unit"
    ):
        key = f"{SiteAlertKind.FINDING_OVERDUE.value}:{finding.pk}"
        late_keys.add(key)
        raised = site_alert_raise(
            site=finding.site,
            kind=SiteAlertKind.FINDING_OVERDUE,
            title=_("%(site)s「%(item)s」逾期未整改（期限 %(deadline)s）")
            % {
                "site": finding.site.name,
                "item": finding.get_item_display(),
                "deadline": finding.deadline,
            },
            detail=finding.description,
            subject=finding,
            dedupe_key=key,
            by=None,
        )
        done += int(raised.created)
    prefix = f"{SiteAlertKind.FINDING_OVERDUE.value}:"
    for alert in Alert.objects.open().filter(dedupe_key__startswith=prefix):
        if alert.dedupe_key not in late_keys:
            alert_resolve(alert=alert, note=_("已整改"), by=None)
            done += 1
    return done


JOBS = [
    ("quarantine.missing_reports", missing_reports_run),
    ("quarantine.overdue_tests", overdue_tests_run),
    ("quarantine.staff_tests", staff_tests_run),
    ("quarantine.overdue_findings", overdue_findings_run),
]


def register() -> None:
    register_jobs("quarantine", JOBS)
