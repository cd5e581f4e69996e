"""Admissions and bed moves: the writes behind "a bed holds at most one patient".

The database holds the invariants (one active bed stay per bed, one per admission, one active
admission per person). Choosing "any free bed" locks the chosen bed row and skips beds other
transactions hold (PostgreSQL), so concurrent admissions spread over the free beds; whoever
still loses a race gets the constraint violation in a savepoint, turned here into a clear
refusal naming other hospitals with room.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils.translation import gettext as _

from fangkong.alerts.models import Severity
from fangkong.alerts.services import alert_raise, alert_resolve_for
from fangkong.cases.models import Case
from fangkong.core.audit import audit_write, snapshot
from fangkong.core.errors import Conflict
from fangkong.hospitals.models import (
    SEVERE_CLASSIFICATIONS,
    Admission,
    AdmissionOutcome,
    AdmissionSource,
    Bed,
    BedStay,
    BedStayEnd,
    ClassificationChange,
    ClinicalClassification,
    Hospital,
    MonitoringStatus,
    PostDischargeMonitoring,
    WardKind,
)
from fangkong.hospitals.selectors.beds import Alternative, alternatives, free_beds
from fangkong.people.models import Person
from fangkong.people.services import person_register
from fangkong.quarantine.models import PlacementEnd, Transfer
from fangkong.quarantine.services.placements import placement_end

if TYPE_CHECKING:
    from fangkong.accounts.models import User

SEVERE_ALERT = "hospitals.severe_patient"
# How many free beds to try before giving up: each failed try means a concurrent admission
# took that bed between our read and our insert; the next read no longer offers it.
_BED_ATTEMPTS = 5


class NoFreeBed(Conflict):
    code = "no_free_bed"

    def __init__(self, message: str, *, alternatives: list[Alternative]) -> None:
        super().__init__(message)
        self.alternatives = alternatives


class HospitalNotReceiving(NoFreeBed):
    code = "hospital_not_receiving"


class BedOccupied(Conflict):
    code = "bed_occupied"


class PersonAlreadyAdmitted(Conflict):
    code = "person_already_admitted"


class AdmissionEnded(Conflict):
    code = "admission_ended"


def _alternatives_text(kind: str, found: list[Alternative]) -> str:
    label = WardKind(kind).label
    if not found:
        return _("全市其他收治中的医院也没有空闲的%(kind)s床位，请联系市指挥部医疗救治组。") % {
            "kind": label
        }
    names = "、".join(
        _("%(name)s（空闲 %(free)s 张）") % {"name": a.hospital.name, "free": a.free} for a in found
    )
    return _("有空闲%(kind)s床位的其他医院：%(names)s。") % {"kind": label, "names": names}


def no_free_bed(hospital: Hospital, kind: str) -> NoFreeBed:
    found = alternatives(kind=kind, excluding=hospital)
    message = _("%(hospital)s 没有空闲的%(kind)s床位。") % {
        "hospital": hospital.name,
        "kind": WardKind(kind).label,
    }
    return NoFreeBed(message + _alternatives_text(kind, found), alternatives=found)


def _not_receiving(hospital: Hospital, kind: str) -> HospitalNotReceiving:
    found = alternatives(kind=kind, excluding=hospital)
    message = _("%(hospital)s 当前状态为「%(status)s」，不接收患者。") % {
        "hospital": hospital.name,
        "status": hospital.get_status_display(),
    }
    return HospitalNotReceiving(message + _alternatives_text(kind, found), alternatives=found)


def _already_admitted(person: Person) -> PersonAlreadyAdmitted | None:
    current = Admission.objects.active().filter(person=person).select_related("hospital").first()
    if current is None:
        return None
    return PersonAlreadyAdmitted(
        _("%(person)s 正在 %(hospital)s 住院")
        % {"person": person.name, "hospital": current.hospital}
    )


def _try_stay(
    *, admission: Admission, bed: Bed, at: dt.datetime, reason: str, by: User | None
) -> BedStay | None:
    """A stay in `bed` from `at` on, or None when someone lies in it then. The caller holds
    the bed's row lock, so no other stay of the bed is written meanwhile; the database's
    one-open-stay constraint settles a writer that did not take it."""
    # Someone in the bed at `at` whose stay has ended since (an admission entered late).
    # A bed named by the caller may hold a stay that begins after `at`: history written out
    # of order by someone who knows the new stay ends before it (the demo's month); a bed
    # the service picks itself has no stay after `at` at all (free_beds' `since`).
    if BedStay.objects.filter(bed=bed, started_at__lte=at, ended_at__gt=at).exists():
        return None
    try:
        with transaction.atomic():  # a savepoint: the loser of a race keeps a usable transaction
            return BedStay.objects.create(
                admission=admission, bed=bed, started_at=at, reason=reason[:200], created_by=by
            )
    except IntegrityError:
        if BedStay.objects.active().filter(bed=bed).exists():
            return None
        raise


def _lock_next_free_bed(
    hospital: Hospital, kind: str, avoid: Bed | None, at: dt.datetime
) -> Bed | None:
    beds = free_beds(hospital=hospital, kind=kind, since=at)
    if avoid is not None:
        beds = beds.exclude(pk=avoid.pk)
    if connection.features.has_select_for_update_skip_locked:
        # Lock only the bed row (not its ward), and pass over beds another admission holds.
        beds = beds.select_for_update(skip_locked=True, of=("self",))
    return beds.first()


def _occupy(
    *,
    admission: Admission,
    hospital: Hospital,
    kind: str,
    bed: Bed | None,
    at: dt.datetime,
    reason: str,
    by: User | None,
    avoid: Bed | None = None,
) -> BedStay:
    if bed is not None:
        bed = Bed.objects.select_for_update().select_related("ward").get(pk=bed.pk)
        if bed.ward.hospital_id != hospital.pk:
            raise ValidationError({"bed": _("床位 %s 不属于该医院") % bed.number})
        if not bed.in_service or not bed.ward.active:
            raise ValidationError({"bed": _("床位 %s 已停用") % bed.number})
        stay = _try_stay(admission=admission, bed=bed, at=at, reason=reason, by=by)
        if stay is None:
            raise BedOccupied(
                _("床位 %(ward)s %(bed)s 已有患者") % {"ward": bed.ward.name, "bed": bed.number}
            )
        return stay
    for _attempt in range(_BED_ATTEMPTS):
        candidate = _lock_next_free_bed(hospital, kind, avoid, at)
        if candidate is None:
            break
        stay = _try_stay(admission=admission, bed=candidate, at=at, reason=reason, by=by)
        if stay is not None:
            return stay
    raise no_free_bed(hospital, kind)


def end_current_stay(*, admission: Admission, at: dt.datetime, reason: str) -> BedStay | None:
    stay = (
        BedStay.objects.select_for_update()
        .filter(admission=admission, ended_at__isnull=True)
        .first()
    )
    if stay is None:
        return None
    if at < stay.started_at:
        raise ValidationError({"at": _("时间不能早于入床时间 %s") % stay.started_at})
    stay.ended_at = at
    stay.end_reason = reason
    stay.save(update_fields=["ended_at", "end_reason"])
    return stay


def severe_alert_sync(*, admission: Admission, by: User | None) -> None:
    """Keep the HQ told of every severe or critical patient in hospital, and of no one else."""
    if admission.is_active and admission.classification in SEVERE_CLASSIFICATIONS:
        hospital = admission.hospital
        alert_raise(
            kind=SEVERE_ALERT,
            title=_("%(hospital)s %(person)s 为%(classification)s")
            % {
                "hospital": hospital.name,
                "person": admission.person.name,
                "classification": admission.get_classification_display(),
            },
            severity=Severity.CRITICAL
            if admission.classification == ClinicalClassification.CRITICAL
            else Severity.WARNING,
            subject=admission,
            jurisdiction=hospital.jurisdiction,
            unit=hospital.unit,
            by=by,
        )
    else:
        alert_resolve_for(
            kind=SEVERE_ALERT,
            subject=admission,
            note=_("患者已转为%(classification)s或已出院/转院")
            % {"classification": admission.get_classification_display()},
            by=by,
        )


def _validate_admission(*, kind: str, classification: str) -> None:
    errors: dict[str, str] = {}
    if kind not in WardKind.values:
        errors["ward_kind"] = _("未知病区类型：%s") % kind
    if classification not in ClinicalClassification.values:
        errors["classification"] = _("未知临床分型：%s") % classification
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def admission_create(
    *,
    person: Person,
    hospital: Hospital,
    ward_kind: str,
    classification: str,
    admitted_at: dt.datetime,
    bed: Bed | None = None,
    source: str = AdmissionSource.DIRECT,
    transfer: Transfer | None = None,
    case: Case | None = None,
    previous: Admission | None = None,
    diagnosis_note: str = "",
    by: User | None,
) -> Admission:
    """Admit a person to a free bed of a ward kind (or to a named bed).

    Refuses with NoFreeBed (naming other hospitals with room), HospitalNotReceiving,
    BedOccupied or PersonAlreadyAdmitted; nothing is written then.
    """
    _validate_admission(kind=ward_kind, classification=classification)
    if source not in AdmissionSource.values:
        raise ValidationError({"source": _("未知收治来源：%s") % source})
    hospital = Hospital.objects.get(pk=hospital.pk)
    if not hospital.is_receiving:
        raise _not_receiving(hospital, ward_kind)
    refusal = _already_admitted(person)
    if refusal is not None:
        raise refusal
    if case is None:
        case = Case.objects.filter(person=person).first()
    try:
        with transaction.atomic():
            admission = Admission.objects.create(
                person=person,
                hospital=hospital,
                source=source,
                transfer=transfer,
                case=case,
                previous=previous,
                admitted_at=admitted_at,
                classification=classification,
                diagnosis_note=diagnosis_note[:300],
                admitted_by=by,
            )
    except IntegrityError as error:
        refusal = _already_admitted(person)
        if refusal is not None:
            raise refusal from error
        raise
    stay = _occupy(
        admission=admission,
        hospital=hospital,
        kind=ward_kind,
        bed=bed,
        at=admitted_at,
        reason=_("入院"),
        by=by,
    )
    ClassificationChange.objects.create(
        admission=admission,
        classification=classification,
        changed_at=admitted_at,
        note=_("入院分型"),
        recorded_by=by,
    )
    audit_write(
        by=by,
        action="admission.create",
        obj=admission,
        after={**snapshot(admission), "bed": stay.bed_id},
    )
    _interrupt_monitoring(person=person, at=admitted_at, by=by)
    severe_alert_sync(admission=admission, by=by)
    return admission


def _interrupt_monitoring(*, person: Person, at: dt.datetime, by: User | None) -> None:
    """Someone readmitted (复阳, relapse) while monitored after a discharge is monitored no more."""
    for monitoring in (
        PostDischargeMonitoring.objects.active().select_for_update().filter(person=person)
    ):
        monitoring.status = MonitoringStatus.READMITTED
        monitoring.closed_at = at
        monitoring.save(update_fields=["status", "closed_at"])
        audit_write(
            by=by,
            action="monitoring.readmitted",
            obj=monitoring,
            after=snapshot(monitoring, ["status", "closed_at"]),
        )


@transaction.atomic
def admission_from_transfer(
    *,
    transfer: Transfer,
    ward_kind: str,
    classification: str,
    admitted_at: dt.datetime,
    bed: Bed | None = None,
    diagnosis_note: str = "",
    by: User | None,
) -> Admission:
    """Receive a closed-loop transfer from a quarantine site; its placement ends if still open."""
    transfer = (
        Transfer.objects.select_for_update().select_related("placement__person").get(pk=transfer.pk)
    )
    if Admission.objects.filter(transfer=transfer).exists():
        raise Conflict(_("该转运人员已收治入院"), code="transfer_admitted")
    placement = transfer.placement
    if placement.ended_at is None:
        placement_end(
            placement=placement,
            ended_at=max(admitted_at, placement.starts_at),
            reason=PlacementEnd.TRANSFERRED,
            by=by,
        )
    return admission_create(
        person=placement.person,
        hospital=transfer.hospital,
        ward_kind=ward_kind,
        classification=classification,
        admitted_at=admitted_at,
        bed=bed,
        source=AdmissionSource.TRANSFER,
        transfer=transfer,
        diagnosis_note=diagnosis_note or transfer.reason,
        by=by,
    )


@transaction.atomic
def admission_from_case(
    *,
    case: Case,
    hospital: Hospital,
    ward_kind: str,
    classification: str,
    admitted_at: dt.datetime,
    bed: Bed | None = None,
    diagnosis_note: str = "",
    by: User | None,
) -> Admission:
    """Admit a newly reported case (confirmed or asymptomatic)."""
    return admission_create(
        person=case.person,
        hospital=hospital,
        ward_kind=ward_kind,
        classification=classification,
        admitted_at=admitted_at,
        bed=bed,
        source=AdmissionSource.CASE,
        case=case,
        diagnosis_note=diagnosis_note,
        by=by,
    )


def lock_active_admission(admission: Admission) -> Admission:
    admission = (
        Admission.objects.select_for_update()
        .select_related("hospital", "person")
        .get(pk=admission.pk)
    )
    if admission.ended_at is not None:
        raise AdmissionEnded(_("%s 的本次住院已结束") % admission.person.name)
    return admission


@transaction.atomic
def admission_move_bed(
    *,
    admission: Admission,
    at: dt.datetime,
    ward_kind: str | None = None,
    bed: Bed | None = None,
    reason: str = "",
    by: User | None,
) -> BedStay:
    """Move a patient to another bed or ward of the same hospital; the old stay is kept."""
    admission = lock_active_admission(admission)
    if bed is None and ward_kind is None:
        raise ValidationError({"ward_kind": _("请指定目标病区类型或床位")})
    kind = ward_kind or WardKind.ISOLATION
    if ward_kind is not None and ward_kind not in WardKind.values:
        raise ValidationError({"ward_kind": _("未知病区类型：%s") % ward_kind})
    old = end_current_stay(admission=admission, at=at, reason=BedStayEnd.MOVED)
    stay = _occupy(
        admission=admission,
        hospital=admission.hospital,
        kind=kind,
        bed=bed,
        at=at,
        reason=reason,
        by=by,
        avoid=old.bed if old is not None else None,
    )
    audit_write(
        by=by,
        action="admission.move_bed",
        obj=admission,
        before={"bed": old.bed_id if old else None},
        after={"bed": stay.bed_id, "at": at, "reason": reason},
    )
    return stay


@transaction.atomic
def admission_transfer_hospital(
    *,
    admission: Admission,
    hospital: Hospital,
    ward_kind: str,
    at: dt.datetime,
    reason: str,
    bed: Bed | None = None,
    by: User | None,
) -> Admission:
    """Transfer a patient to another hospital: this admission ends, one there begins."""
    admission = lock_active_admission(admission)
    if hospital.pk == admission.hospital_id:
        raise ValidationError({"hospital": _("院内转床请使用「转床」")})
    if not reason.strip():
        raise ValidationError({"reason": _("请填写转院原因")})
    if at < admission.admitted_at:
        raise ValidationError({"at": _("转院时间不能早于入院时间")})
    end_current_stay(admission=admission, at=at, reason=BedStayEnd.TRANSFERRED)
    before = snapshot(admission, ["ended_at", "outcome"])
    admission.ended_at = at
    admission.outcome = AdmissionOutcome.TRANSFERRED
    admission.ended_by = by
    admission.save(update_fields=["ended_at", "outcome", "ended_by"])
    audit_write(
        by=by,
        action="admission.transfer_out",
        obj=admission,
        before=before,
        after={**snapshot(admission, ["ended_at", "outcome"]), "to": hospital.pk, "reason": reason},
    )
    severe_alert_sync(admission=admission, by=by)
    return admission_create(
        person=admission.person,
        hospital=hospital,
        ward_kind=ward_kind,
        classification=admission.classification,
        admitted_at=at,
        bed=bed,
        source=AdmissionSource.HOSPITAL_TRANSFER,
        case=admission.case,
        previous=admission,
        diagnosis_note=reason,
        by=by,
    )


@transaction.atomic
def admission_register_and_admit(
    *,
    name: str,
    id_type: str,
    id_number: str,
    phone: str = "",
    address: str = "",
    hospital: Hospital,
    ward_kind: str,
    classification: str,
    admitted_at: dt.datetime,
    bed: Bed | None = None,
    diagnosis_note: str = "",
    by: User | None,
) -> Admission:
    """A direct admission of whoever arrives: the person is found by their ID document (or
    registered), then admitted; if the admission is refused, no person is registered either."""
    person = person_register(
        name=name, id_type=id_type, id_number=id_number, phone=phone, address=address, by=by
    ).person
    return admission_create(
        person=person,
        hospital=hospital,
        ward_kind=ward_kind,
        classification=classification,
        admitted_at=admitted_at,
        bed=bed,
        diagnosis_note=diagnosis_note,
        by=by,
    )
