"""Discharge by policy, and the health monitoring that follows it.

A discharge is refused while the criteria of the rule in force are not all met. A doctor (the
capability `hospitals.discharge_override`) may discharge anyway with a written reason; the
audit row then says it was an override, with the unmet criteria and the reason.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fangkong.accounts.capabilities import user_can
from fangkong.alerts.services import alert_raise, alert_resolve_for
from fangkong.core.audit import audit_write, snapshot
from fangkong.core.errors import Conflict
from fangkong.hospitals.discharge import DischargeAssessment, discharge_assess, fever_threshold
from fangkong.hospitals.measures import monitoring_days_for
from fangkong.hospitals.models import (
    Admission,
    AdmissionOutcome,
    BedStayEnd,
    MonitoringCheck,
    MonitoringPlace,
    MonitoringStatus,
    PostDischargeMonitoring,
)
from fangkong.hospitals.services.admissions import (
    end_current_stay,
    lock_active_admission,
    severe_alert_sync,
)
from fangkong.hospitals.vitals import checked_temperature
from fangkong.quarantine.models import Site

if TYPE_CHECKING:
    from fangkong.accounts.models import User

OVERRIDE_CAPABILITY = "hospitals.discharge_override"
MONITORING_FEVER_ALERT = "hospitals.monitoring_fever"


class DischargeCriteriaUnmet(Conflict):
    code = "discharge_criteria_unmet"

    def __init__(self, assessment: DischargeAssessment) -> None:
        unmet = "；".join(f"{c.label}（{c.detail}）" for c in assessment.unmet)
        super().__init__(_("未达到出院标准：%(unmet)s") % {"unmet": unmet})
        self.assessment = assessment


def _monitoring_place(
    *, place: str, site: Site | None, address: str, admission: Admission
) -> tuple[Site | None, str]:
    if place not in MonitoringPlace.values:
        raise ValidationError({"monitoring_place": _("请选择出院后健康监测方式")})
    if place == MonitoringPlace.SITE:
        if site is None:
            raise ValidationError({"monitoring_site": _("集中健康监测请选择场所")})
        return site, site.address
    return None, address.strip() or admission.person.address


@transaction.atomic
def admission_discharge(
    *,
    admission: Admission,
    discharged_at: dt.datetime,
    monitoring_place: str,
    monitoring_site: Site | None = None,
    monitoring_address: str = "",
    override_reason: str = "",
    by: User | None,
) -> Admission:
    """Discharge a patient under the rule in force and start their health monitoring.

    Raises DischargeCriteriaUnmet when the criteria do not hold and no override reason is
    given, and PermissionDenied when someone other than a doctor tries to override.
    """
    admission = lock_active_admission(admission)
    if discharged_at < admission.admitted_at:
        raise ValidationError({"discharged_at": _("出院时间不能早于入院时间")})
    if discharged_at > timezone.now():
        raise ValidationError({"discharged_at": _("出院时间不能晚于现在")})
    site, address = _monitoring_place(
        place=monitoring_place,
        site=monitoring_site,
        address=monitoring_address,
        admission=admission,
    )
    assessment = discharge_assess(admission=admission, at=discharged_at)
    reason = override_reason.strip()
    overridden = not assessment.met
    if overridden:
        if not reason:
            raise DischargeCriteriaUnmet(assessment)
        if not user_can(by, OVERRIDE_CAPABILITY):
            raise PermissionDenied(_("未达到出院标准时，只有医生可以批准出院"))
    end_current_stay(admission=admission, at=discharged_at, reason=BedStayEnd.DISCHARGED)
    before = snapshot(admission, ["ended_at", "outcome"])
    admission.ended_at = discharged_at
    admission.outcome = AdmissionOutcome.DISCHARGED
    admission.discharge_rule = assessment.rule
    admission.discharge_assessment = assessment.as_dict()
    admission.discharge_override_reason = reason if overridden else ""
    admission.ended_by = by
    admission.save(
        update_fields=[
            "ended_at",
            "outcome",
            "discharge_rule",
            "discharge_assessment",
            "discharge_override_reason",
            "ended_by",
        ]
    )
    audit_write(
        by=by,
        action="admission.discharge.override" if overridden else "admission.discharge",
        obj=admission,
        before=before,
        after={
            **snapshot(admission, ["ended_at", "outcome", "discharge_rule"]),
            "assessment": assessment.as_dict(),
            "override_reason": admission.discharge_override_reason,
        },
    )
    severe_alert_sync(admission=admission, by=by)
    _monitoring_start(
        admission=admission, site=site, address=address, place=monitoring_place, by=by
    )
    return admission


def _monitoring_start(
    *, admission: Admission, site: Site | None, address: str, place: str, by: User | None
) -> PostDischargeMonitoring:
    assert admission.ended_at is not None
    days = monitoring_days_for(admission.discharge_rule)
    starts_on = timezone.localtime(admission.ended_at).date() + dt.timedelta(days=1)
    monitoring = PostDischargeMonitoring.objects.create(
        admission=admission,
        person=admission.person,
        place=place,
        site=site,
        address=address[:200],
        jurisdiction=site.jurisdiction if site is not None else admission.person.home_jurisdiction,
        starts_on=starts_on,
        ends_on=starts_on + dt.timedelta(days=days - 1),
    )
    audit_write(by=by, action="monitoring.start", obj=monitoring, after=snapshot(monitoring))
    return monitoring


@transaction.atomic
def monitoring_check_record(
    *,
    monitoring: PostDischargeMonitoring,
    day: dt.date,
    temperature: Decimal,
    symptoms: str = "",
    by: User | None,
) -> MonitoringCheck:
    """One day's temperature and symptoms; a fever tells the responsible jurisdiction."""
    monitoring = (
        PostDischargeMonitoring.objects.select_for_update()
        .select_related("person")
        .get(pk=monitoring.pk)
    )
    if monitoring.status != MonitoringStatus.ACTIVE:
        raise Conflict(_("该健康监测已结束"), code="monitoring_closed")
    if not monitoring.starts_on <= day <= monitoring.ends_on:
        raise ValidationError(
            {
                "day": _("日期应在监测期 %(start)s 至 %(end)s 之内")
                % {"start": monitoring.starts_on, "end": monitoring.ends_on}
            }
        )
    if day > timezone.localdate():
        raise ValidationError({"day": _("不能记录未来日期")})
    temperature = checked_temperature(temperature, "temperature")
    check, created = MonitoringCheck.objects.update_or_create(
        monitoring=monitoring,
        day=day,
        defaults={
            "temperature": temperature,
            "symptoms": symptoms.strip()[:200],
            "recorded_by": by,
        },
    )
    audit_write(
        by=by,
        action="monitoring.check" if created else "monitoring.check_update",
        obj=check,
        after=snapshot(check),
    )
    if temperature >= fever_threshold() or check.symptoms:
        alert_raise(
            kind=MONITORING_FEVER_ALERT,
            title=_("出院后健康监测人员 %(person)s 出现发热或症状")
            % {"person": monitoring.person.name},
            detail=_("%(day)s 体温 %(t)s℃ %(symptoms)s")
            % {"day": day, "t": temperature, "symptoms": check.symptoms},
            subject=monitoring,
            jurisdiction=monitoring.jurisdiction,
            unit=monitoring.admission.hospital.unit,
            by=by,
        )
    return check


@transaction.atomic
def monitoring_close_expired(*, today: dt.date, by: User | None) -> int:
    """Monitorings whose last day has passed are complete; returns how many were closed."""
    closed = 0
    expired = PostDischargeMonitoring.objects.select_for_update().filter(
        status=MonitoringStatus.ACTIVE, ends_on__lt=today
    )
    for monitoring in expired:
        monitoring.status = MonitoringStatus.COMPLETED
        monitoring.closed_at = timezone.now()
        monitoring.save(update_fields=["status", "closed_at"])
        audit_write(
            by=by,
            action="monitoring.complete",
            obj=monitoring,
            after=snapshot(monitoring, ["status", "closed_at"]),
        )
        alert_resolve_for(
            kind=MONITORING_FEVER_ALERT, subject=monitoring, note=_("监测期满"), by=by
        )
        closed += 1
    return closed
