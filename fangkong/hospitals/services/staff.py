"""The staff roster, closed-loop status, staff testing, exposure incidents and training."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fangkong.alerts.models import Severity
from fangkong.alerts.services import alert_raise, alert_resolve_for
from fangkong.core.audit import audit_write, changed, snapshot
from fangkong.core.errors import Conflict
from fangkong.facilities.models import ClosedLoopStint, WorkplaceKind
from fangkong.facilities.services import stint_end, stint_start
from fangkong.hospitals.models import (
    ClosedLoopStatus,
    ExposureIncident,
    ExposureKind,
    Hospital,
    IncidentFollowUp,
    IncidentStatus,
    NucleicAcidResult,
    ScreeningPost,
    StaffMember,
    StaffRole,
    StaffTest,
    TrainingRecord,
    TrainingTopic,
    Ward,
)
from fangkong.people.models import Person
from fangkong.people.services import person_register
from fangkong.specimens.models import Purpose
from fangkong.specimens.services import specimen_record

if TYPE_CHECKING:
    from fangkong.accounts.models import User

STAFF_POSITIVE_ALERT = "hospitals.staff_positive"
EXPOSURE_ALERT = "hospitals.exposure_incident"
STAFF_TESTS_OVERDUE_ALERT = "hospitals.staff_tests_overdue"


class StaffAlreadyOnRoster(Conflict):
    code = "staff_already_on_roster"


def screening_post_for(ward: Ward | None) -> str:
    return (
        ScreeningPost.ISOLATION_WARD
        if ward is not None and ward.in_isolation_area
        else ScreeningPost.OTHER
    )


def _ward_of(hospital: Hospital, ward: Ward | None) -> Ward | None:
    if ward is not None and ward.hospital_id != hospital.pk:
        raise ValidationError({"ward": _("病区 %s 不属于该医院") % ward.name})
    return ward


def _on_roster(person: Person) -> StaffAlreadyOnRoster | None:
    current = StaffMember.objects.active().filter(person=person).select_related("hospital").first()
    if current is None:
        return None
    return StaffAlreadyOnRoster(
        _("%(person)s 已在 %(hospital)s 的人员名单中")
        % {"person": person.name, "hospital": current.hospital}
    )


@transaction.atomic
def staff_add(
    *,
    hospital: Hospital,
    person: Person,
    role: str,
    on_duty_since: dt.date,
    ward: Ward | None = None,
    closed_loop: str = ClosedLoopStatus.ROUTINE,
    by: User | None,
) -> StaffMember:
    """Put a person on a hospital's roster; their ward decides their testing schedule."""
    if role not in StaffRole.values:
        raise ValidationError({"role": _("未知岗位类别：%s") % role})
    if closed_loop not in ClosedLoopStatus.values:
        raise ValidationError({"closed_loop": _("未知闭环状态：%s") % closed_loop})
    ward = _ward_of(hospital, ward)
    refusal = _on_roster(person)
    if refusal is not None:
        raise refusal
    now = timezone.now()
    since = now if closed_loop != ClosedLoopStatus.ROUTINE else None
    stint = (
        _stint_start(hospital=hospital, person=person, since=now, by=by)
        if closed_loop == ClosedLoopStatus.IN_LOOP
        else None
    )
    try:
        with transaction.atomic():
            staff = StaffMember.objects.create(
                hospital=hospital,
                person=person,
                role=role,
                ward=ward,
                screening_post=screening_post_for(ward),
                closed_loop=closed_loop,
                closed_loop_since=since,
                stint=stint,
                on_duty_since=on_duty_since,
            )
    except IntegrityError as error:
        refusal = _on_roster(person)
        if refusal is not None:
            raise refusal from error
        raise
    audit_write(by=by, action="staff.add", obj=staff, after=snapshot(staff))
    return staff


def _stint_start(
    *, hospital: Hospital, person: Person, since: dt.datetime, by: User | None
) -> ClosedLoopStint:
    return stint_start(
        person=person,
        workplace_kind=WorkplaceKind.HOSPITAL,
        workplace=hospital.name,
        entered_at=since,
        by=by,
    )


def _stint_end(staff: StaffMember, *, at: dt.datetime, by: User | None) -> None:
    """Rotating out of a hospital's loop; the roster keeps no monitoring period of its own."""
    stint = staff.stint
    if stint is not None and stint.left_at is None:
        staff.stint = stint_end(stint=stint, left_at=at, by=by)


def _locked(staff: StaffMember) -> StaffMember:
    staff = (
        StaffMember.objects.select_for_update(of=("self", "hospital", "person"))
        .select_related("hospital", "person", "stint")
        .get(pk=staff.pk)
    )
    if staff.left_on is not None:
        raise Conflict(_("%s 已离岗") % staff.person.name, code="staff_left")
    return staff


@transaction.atomic
def staff_assign(
    *, staff: StaffMember, ward: Ward | None, role: str | None = None, by: User | None
) -> StaffMember:
    """Move a staff member to another ward (or none); the testing post follows the ward."""
    staff = _locked(staff)
    ward = _ward_of(staff.hospital, ward)
    if role is not None and role not in StaffRole.values:
        raise ValidationError({"role": _("未知岗位类别：%s") % role})
    fields = ["ward", "screening_post", "role"]
    before = snapshot(staff, fields)
    staff.ward = ward
    staff.screening_post = screening_post_for(ward)
    staff.role = role or staff.role
    staff.save(update_fields=fields)
    old, new = changed(before, snapshot(staff, fields))
    if new:
        audit_write(by=by, action="staff.assign", obj=staff, before=old, after=new)
    return staff


@transaction.atomic
def staff_set_closed_loop(
    *, staff: StaffMember, status: str, since: dt.datetime, by: User | None
) -> StaffMember:
    """Closed-loop management (闭环管理): in the loop, off rotation under observation, routine."""
    staff = _locked(staff)
    if status not in ClosedLoopStatus.values:
        raise ValidationError({"closed_loop": _("未知闭环状态：%s") % status})
    fields = ["closed_loop", "closed_loop_since", "stint"]
    before = snapshot(staff, fields)
    in_loop = staff.stint is not None and staff.stint.left_at is None
    if status == ClosedLoopStatus.IN_LOOP and not in_loop:
        staff.stint = _stint_start(hospital=staff.hospital, person=staff.person, since=since, by=by)
    elif status != ClosedLoopStatus.IN_LOOP:
        _stint_end(staff, at=since, by=by)
    staff.closed_loop = status
    staff.closed_loop_since = since
    staff.save(update_fields=fields)
    old, new = changed(before, snapshot(staff, fields))
    audit_write(by=by, action="staff.closed_loop", obj=staff, before=old, after=new)
    return staff


@transaction.atomic
def staff_leave(*, staff: StaffMember, left_on: dt.date, by: User | None) -> StaffMember:
    staff = _locked(staff)
    if left_on < staff.on_duty_since:
        raise ValidationError({"left_on": _("离岗日期不能早于上岗日期")})
    stint = staff.stint
    if stint is not None and stint.left_at is None:
        # Off the roster is out of the hospital's loop, from the start of the day they left.
        start = timezone.make_aware(dt.datetime.combine(left_on, dt.time.min))
        _stint_end(staff, at=max(start, stint.entered_at), by=by)
    staff.left_on = left_on
    staff.save(update_fields=["left_on"])
    audit_write(by=by, action="staff.leave", obj=staff, after={"left_on": left_on})
    return staff


@transaction.atomic
def staff_test_record(
    *, staff: StaffMember, sampled_at: dt.datetime, result: str, by: User | None
) -> StaffTest:
    """A staff member's nucleic-acid result; a positive one is an emergency for the HQ."""
    staff = _locked(staff)
    if result not in NucleicAcidResult.values:
        raise ValidationError({"result": _("请选择检测结果")})
    if sampled_at > timezone.now():
        raise ValidationError({"sampled_at": _("采样时间不能晚于现在")})
    specimen = specimen_record(
        person=staff.person,
        purpose=Purpose.STAFF_SCREENING,
        place=staff.hospital.name,
        sampled_at=sampled_at,
        result=result,
        # Entered with its result, whose report time the roster has never kept.
        result_at=sampled_at,
        by=by,
    )
    test = StaffTest.objects.create(staff=staff, specimen=specimen)
    if staff.last_tested_at is None or sampled_at > staff.last_tested_at:
        staff.last_tested_at = sampled_at
        staff.save(update_fields=["last_tested_at"])
    audit_write(by=by, action="staff.test", obj=test, after=snapshot(test))
    if result == NucleicAcidResult.POSITIVE:
        hospital = staff.hospital
        alert_raise(
            kind=STAFF_POSITIVE_ALERT,
            title=_("%(hospital)s 工作人员 %(person)s 核酸检测阳性")
            % {"hospital": hospital.name, "person": staff.person.name},
            detail=_("%(role)s，%(ward)s，采样时间 %(at)s")
            % {
                "role": staff.get_role_display(),
                "ward": staff.ward.name if staff.ward else _("无固定病区"),
                "at": timezone.localtime(sampled_at).strftime("%Y-%m-%d %H:%M"),
            },
            severity=Severity.CRITICAL,
            subject=staff,
            jurisdiction=hospital.jurisdiction,
            unit=hospital.unit,
            by=by,
        )
    return test


@transaction.atomic
def exposure_incident_report(
    *,
    hospital: Hospital,
    staff: StaffMember,
    kind: str,
    occurred_at: dt.datetime,
    description: str,
    immediate_action: str = "",
    ward: Ward | None = None,
    by: User | None,
) -> ExposureIncident:
    """Report an infection-control incident (院感事件); the HQ is told at once."""
    errors: dict[str, str] = {}
    if kind not in ExposureKind.values:
        errors["kind"] = _("未知事件类型：%s") % kind
    if not description.strip():
        errors["description"] = _("请描述事件经过")
    if staff.hospital_id != hospital.pk:
        errors["staff"] = _("当事人不在该医院人员名单中")
    if occurred_at > timezone.now():
        errors["occurred_at"] = _("发生时间不能晚于现在")
    if errors:
        raise ValidationError(errors)
    ward = _ward_of(hospital, ward if ward is not None else staff.ward)
    incident = ExposureIncident.objects.create(
        hospital=hospital,
        staff=staff,
        ward=ward,
        kind=kind,
        occurred_at=occurred_at,
        description=description.strip(),
        immediate_action=immediate_action.strip(),
        reported_by=by,
    )
    audit_write(by=by, action="exposure_incident.report", obj=incident, after=snapshot(incident))
    alert_raise(
        kind=EXPOSURE_ALERT,
        title=_("%(hospital)s 院感事件：%(person)s %(kind)s")
        % {
            "hospital": hospital.name,
            "person": staff.person.name,
            "kind": incident.get_kind_display(),
        },
        detail=incident.description[:500],
        subject=incident,
        jurisdiction=hospital.jurisdiction,
        unit=hospital.unit,
        by=by,
    )
    return incident


def _open_incident(incident: ExposureIncident) -> ExposureIncident:
    incident = ExposureIncident.objects.select_for_update().get(pk=incident.pk)
    if incident.status == IncidentStatus.CLOSED:
        raise Conflict(_("该院感事件已结案"), code="incident_closed")
    return incident


@transaction.atomic
def exposure_follow_up_add(
    *, incident: ExposureIncident, at: dt.datetime, note: str, by: User | None
) -> IncidentFollowUp:
    incident = _open_incident(incident)
    if not note.strip():
        raise ValidationError({"note": _("请填写随访情况")})
    if at < incident.occurred_at:
        raise ValidationError({"at": _("随访时间不能早于事件发生时间")})
    follow_up = IncidentFollowUp.objects.create(
        incident=incident, at=at, note=note.strip(), recorded_by=by
    )
    if incident.status == IncidentStatus.OPEN:
        incident.status = IncidentStatus.FOLLOW_UP
        incident.save(update_fields=["status"])
    audit_write(
        by=by, action="exposure_incident.follow_up", obj=follow_up, after=snapshot(follow_up)
    )
    return follow_up


@transaction.atomic
def exposure_incident_close(
    *, incident: ExposureIncident, conclusion: str, at: dt.datetime, by: User | None
) -> ExposureIncident:
    incident = _open_incident(incident)
    if not conclusion.strip():
        raise ValidationError({"conclusion": _("请填写结案意见")})
    before = snapshot(incident, ["status", "closed_at", "conclusion"])
    incident.status = IncidentStatus.CLOSED
    incident.closed_at = at
    incident.conclusion = conclusion.strip()
    incident.save(update_fields=["status", "closed_at", "conclusion"])
    audit_write(
        by=by,
        action="exposure_incident.close",
        obj=incident,
        before=before,
        after=snapshot(incident, ["status", "closed_at", "conclusion"]),
    )
    alert_resolve_for(kind=EXPOSURE_ALERT, subject=incident, note=incident.conclusion[:300], by=by)
    return incident


@transaction.atomic
def training_record_add(
    *,
    staff: StaffMember,
    topic: str,
    trained_on: dt.date,
    passed: bool = True,
    trainer: str = "",
    by: User | None,
) -> TrainingRecord:
    """An infection-control training (院感培训) a staff member took, and whether they passed."""
    if topic not in TrainingTopic.values:
        raise ValidationError({"topic": _("未知培训内容：%s") % topic})
    if trained_on > timezone.localdate():
        raise ValidationError({"trained_on": _("培训日期不能晚于今天")})
    record = TrainingRecord.objects.create(
        staff=staff,
        topic=topic,
        trained_on=trained_on,
        passed=passed,
        trainer=trainer.strip()[:50],
        recorded_by=by,
    )
    audit_write(by=by, action="training.record", obj=record, after=snapshot(record))
    return record


@transaction.atomic
def staff_tests_overdue_sync(*, hospital: Hospital, overdue: int, by: User | None) -> bool:
    """One alert per hospital while any staff member's test is overdue; True when it changed."""
    if overdue:
        return alert_raise(
            kind=STAFF_TESTS_OVERDUE_ALERT,
            title=_("%(hospital)s 有 %(n)s 名工作人员核酸检测逾期")
            % {"hospital": hospital.name, "n": overdue},
            subject=hospital,
            jurisdiction=hospital.jurisdiction,
            unit=hospital.unit,
            by=by,
        ).created
    return (
        alert_resolve_for(
            kind=STAFF_TESTS_OVERDUE_ALERT, subject=hospital, note=_("已全部按时检测"), by=by
        )
        > 0
    )


@transaction.atomic
def staff_register_and_add(
    *,
    hospital: Hospital,
    name: str,
    id_type: str,
    id_number: str,
    phone: str = "",
    role: str,
    on_duty_since: dt.date,
    ward: Ward | None = None,
    closed_loop: str = ClosedLoopStatus.ROUTINE,
    by: User | None,
) -> StaffMember:
    """Put someone on the roster by their ID document (registering them if new; a refused
    entry registers nobody)."""
    person = person_register(
        name=name, id_type=id_type, id_number=id_number, phone=phone, by=by
    ).person
    return staff_add(
        hospital=hospital,
        person=person,
        role=role,
        on_duty_since=on_duty_since,
        ward=ward,
        closed_loop=closed_loop,
        by=by,
    )
