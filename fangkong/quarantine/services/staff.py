"""Staff closed loop (工作人员闭环管理): who is inside, since when, tested every N days, and
health monitoring after rotating out."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fangkong.alerts.models import Severity
from fangkong.core.audit import audit_write, snapshot
from fangkong.core.errors import Conflict
from fangkong.facilities.models import WorkplaceKind
from fangkong.facilities.services import stint_end, stint_start
from fangkong.people.models import Person
from fangkong.quarantine.conf import quarantine_settings
from fangkong.quarantine.models import SampleResult, Shift, Site, StaffMember, StaffRole, StaffTest
from fangkong.quarantine.services.alerting import SiteAlertKind, site_alert_raise
from fangkong.specimens.models import Purpose
from fangkong.specimens.services import specimen_record, specimen_results_record

if TYPE_CHECKING:
    from fangkong.accounts.models import User


@transaction.atomic
def staff_enter(
    *,
    site: Site,
    person: Person,
    role: str,
    shift: str,
    entered_at: dt.datetime,
    by: User | None,
) -> StaffMember:
    """A person starts a stint inside the site's closed loop (refused while they are inside
    any closed loop, a site's or a hospital's)."""
    if role not in StaffRole.values:
        raise ValidationError({"role": _("未知岗位：%s") % role})
    if shift not in Shift.values:
        raise ValidationError({"shift": _("未知班次：%s") % shift})
    stint = stint_start(
        person=person,
        workplace_kind=WorkplaceKind.QUARANTINE_SITE,
        workplace=site.name,
        entered_at=entered_at,
        by=by,
    )
    member = StaffMember.objects.create(stint=stint, site=site, role=role, shift=shift)
    audit_write(by=by, action="staff.enter", obj=member, after=snapshot(member))
    return member


@transaction.atomic
def staff_rotate_out(*, member: StaffMember, left_at: dt.datetime, by: User | None) -> StaffMember:
    """Leave the loop; health monitoring runs for the configured days afterwards."""
    member = StaffMember.objects.select_for_update().get(pk=member.pk)
    stint = stint_end(
        stint=member.stint,
        left_at=left_at,
        monitoring_ends_on=timezone.localdate(left_at)
        + dt.timedelta(days=quarantine_settings().staff_monitoring_days),
        by=by,
    )
    member.stint = stint
    audit_write(
        by=by,
        action="staff.rotate_out",
        obj=member,
        after=snapshot(stint, ["left_at", "monitoring_ends_on"]),
    )
    return member


@transaction.atomic
def staff_test_record(
    *,
    member: StaffMember,
    sampled_at: dt.datetime,
    lab: str,
    result: str = SampleResult.PENDING,
    result_at: dt.datetime | None = None,
    by: User | None,
) -> StaffTest:
    lab = lab.strip()
    if not lab:
        raise ValidationError({"lab": _("请填写检测机构")})
    if result not in SampleResult.values:
        raise ValidationError({"result": _("未知检测结果：%s") % result})
    if result != SampleResult.PENDING and result_at is None:
        raise ValidationError({"result_at": _("请填写报告时间")})
    member = StaffMember.objects.select_related("stint__person", "site").get(pk=member.pk)
    specimen = specimen_record(
        person=member.person,
        purpose=Purpose.STAFF_SCREENING,
        place=member.site.name,
        sampled_at=sampled_at,
        lab=lab,
        result=result,
        result_at=result_at,
        by=by,
    )
    test = StaffTest.objects.create(staff=member, specimen=specimen)
    audit_write(by=by, action="staff_test.record", obj=test, after=snapshot(test))
    _after_result(test, by=by)
    return test


@transaction.atomic
def staff_test_result_set(
    *, test: StaffTest, result: str, result_at: dt.datetime, by: User | None
) -> StaffTest:
    test = StaffTest.objects.select_for_update(of=("self",)).get(pk=test.pk)
    if test.result != SampleResult.PENDING:
        raise Conflict(_("该样本已有检测结果"), code="result_recorded")
    if result not in (SampleResult.NEGATIVE, SampleResult.POSITIVE):
        raise ValidationError({"result": _("请选择阴性或阳性")})
    specimen_results_record(specimens=[test.specimen], result=result, result_at=result_at, by=by)
    audit_write(
        by=by,
        action="staff_test.result",
        obj=test,
        after={"result": result, "result_at": result_at},
    )
    _after_result(test, by=by)
    return test


def _after_result(test: StaffTest, *, by: User | None) -> None:
    if test.result != SampleResult.POSITIVE:
        return
    member = StaffMember.objects.select_related("site", "stint__person").get(pk=test.staff_id)
    site_alert_raise(
        site=member.site,
        kind=SiteAlertKind.STAFF_POSITIVE,
        severity=Severity.CRITICAL,
        title=_("%(site)s 工作人员 %(name)s（%(role)s）核酸阳性")
        % {"site": member.site.name, "name": member.person.name, "role": member.get_role_display()},
        detail=_("采样 %(at)s，%(lab)s。")
        % {"at": timezone.localtime(test.sampled_at).strftime("%Y-%m-%d %H:%M"), "lab": test.lab},
        subject=member,
        by=by,
    )
