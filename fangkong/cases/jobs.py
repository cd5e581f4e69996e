"""Periodic work of the tracing area (`fangkong jobs run`, each job in its own transaction):
the traces queued from the web that no task will run (a lost enqueue, a killed worker: the
sweep enqueues the queue's task again, services/trace_requests.py), alerts for contacts past
the control deadline (one per district) and for cases past their report or investigation
targets (one per case), closed once the condition has cleared.

All are idempotent: a trace never proposes a person twice for one case, and an alert is
raised once per open condition (its dedupe key), so a rerun or a killed run changes nothing
twice.
"""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext as _

from fangkong.alerts.models import Alert, Severity
from fangkong.alerts.services import alert_raise, alert_resolve, alert_resolve_for
from fangkong.cases.conf import cases_settings
from fangkong.cases.models import Case, Contact
from fangkong.cases.selectors.contacts import district_codes, district_of
from fangkong.cases.services.trace_requests import trace_queue_sweep
from fangkong.operations.job_runner import register_jobs

CONTROL_OVERDUE = "cases.control_overdue"
REPORT_OVERDUE = "cases.report_overdue"
INVESTIGATION_OVERDUE = "cases.investigation_overdue"


def control_overdue_run(now: dt.datetime) -> int:
    """One alert per district whose contacts wait past the control deadline."""
    districts = district_codes()
    waiting: dict[str, list[Contact]] = {}
    for contact in Contact.objects.control_overdue(now).select_related("person__home_jurisdiction"):
        district = district_of(contact.person.home_jurisdiction, districts)
        waiting.setdefault(district.code if district else "", []).append(contact)
    done = 0
    for code, contacts in waiting.items():
        district = districts.get(code)
        raised = alert_raise(
            kind=CONTROL_OVERDUE,
            title=_("%(district)s 有 %(n)s 名密接超过 %(hours)s 小时未管控")
            % {
                "district": district.name if district else _("辖区不明人员中"),
                "n": len(contacts),
                "hours": cases_settings().contact_control_hours,
            },
            detail="、".join(c.person.name for c in contacts[:50]),
            severity=Severity.CRITICAL,
            jurisdiction=district,
            dedupe_key=f"{CONTROL_OVERDUE}:{code or 'none'}",
            by=None,
        )
        done += int(raised.created)
    keys = {f"{CONTROL_OVERDUE}:{code or 'none'}" for code in waiting}
    for alert in Alert.objects.open().filter(kind=CONTROL_OVERDUE).exclude(dedupe_key__in=keys):
        alert_resolve(alert=alert, note=_("已全部管控"), by=None)
        done += 1
    return done


def case_targets_run(now: dt.datetime) -> int:
    """One alert per case past its report or investigation target, closed once met."""
    done = 0
    for kind, overdue, title in (
        (REPORT_OVERDUE, Case.objects.report_overdue(now), _("病例 %s 超过时限未报告")),
        (
            INVESTIGATION_OVERDUE,
            Case.objects.investigation_overdue(now),
            _("病例 %s 流调超过时限未完成"),
        ),
    ):
        late = {case.pk: case for case in overdue.select_related("jurisdiction")}
        for case in late.values():
            raised = alert_raise(
                kind=kind,
                title=title % case.number,
                subject=case,
                jurisdiction=case.jurisdiction,
                by=None,
            )
            done += int(raised.created)
        for alert in Alert.objects.open().filter(kind=kind):
            if alert.subject_id and int(alert.subject_id) not in late:
                cleared = Case.objects.filter(pk=int(alert.subject_id)).first()
                if cleared is not None:
                    done += alert_resolve_for(kind=kind, subject=cleared, note=_("已完成"), by=None)
    return done


JOBS = [
    ("cases.trace_queue", trace_queue_sweep),
    ("cases.control_overdue", control_overdue_run),
    ("cases.case_targets", case_targets_run),
]


def register() -> None:
    register_jobs("cases", JOBS)
