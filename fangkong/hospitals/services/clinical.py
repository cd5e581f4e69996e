"""The clinical course: classification changes, daily notes, nucleic-acid and imaging results."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fangkong.core.audit import audit_write, changed, snapshot
from fangkong.hospitals.models import (
    Admission,
    ClassificationChange,
    ClinicalClassification,
    ClinicalTest,
    ClinicalTestKind,
    DailyNote,
    ImagingFinding,
    NucleicAcidResult,
    RespiratoryStatus,
)
from fangkong.hospitals.services.admissions import AdmissionEnded, severe_alert_sync
from fangkong.hospitals.vitals import checked_temperature
from fangkong.specimens.models import Purpose
from fangkong.specimens.services import specimen_record

if TYPE_CHECKING:
    from fangkong.accounts.models import User

# Real-time PCR runs at most 45 cycles; a Ct value outside (0, 45] is a typing error.
_MAX_CT = Decimal("45")


def _active(admission: Admission) -> Admission:
    admission = (
        Admission.objects.select_for_update()
        .select_related("person", "hospital")
        .get(pk=admission.pk)
    )
    if admission.ended_at is not None:
        raise AdmissionEnded(_("%s 的本次住院已结束，不能再记录") % admission.person.name)
    return admission


def _not_before_admission(admission: Admission, moment: dt.datetime, field: str) -> None:
    if moment < admission.admitted_at:
        raise ValidationError(
            {
                field: _("不能早于入院时间 %s")
                % timezone.localtime(admission.admitted_at).strftime("%Y-%m-%d %H:%M")
            }
        )


@transaction.atomic
def classification_change(
    *,
    admission: Admission,
    classification: str,
    changed_at: dt.datetime,
    note: str = "",
    by: User | None,
) -> ClassificationChange:
    """Record a new classification as of `changed_at` (not before the latest one)."""
    admission = _active(admission)
    if classification not in ClinicalClassification.values:
        raise ValidationError({"classification": _("未知临床分型：%s") % classification})
    _not_before_admission(admission, changed_at, "changed_at")
    latest = admission.classification_changes.order_by("-changed_at", "-pk").first()
    if latest is not None and changed_at < latest.changed_at:
        raise ValidationError(
            {
                "changed_at": _("不能早于上一次分型时间 %s")
                % timezone.localtime(latest.changed_at).strftime("%Y-%m-%d %H:%M")
            }
        )
    if classification == admission.classification:
        raise ValidationError({"classification": _("与当前分型相同")})
    change = ClassificationChange.objects.create(
        admission=admission,
        classification=classification,
        changed_at=changed_at,
        note=note.strip()[:300],
        recorded_by=by,
    )
    before = snapshot(admission, ["classification"])
    admission.classification = classification
    admission.save(update_fields=["classification"])
    audit_write(
        by=by,
        action="admission.classify",
        obj=admission,
        before=before,
        after={"classification": classification, "changed_at": changed_at, "note": change.note},
    )
    severe_alert_sync(admission=admission, by=by)
    return change


@transaction.atomic
def daily_note_record(
    *,
    admission: Admission,
    day: dt.date,
    max_temperature: Decimal | None,
    respiratory: str,
    note: str = "",
    by: User | None,
) -> DailyNote:
    """The day's highest temperature, respiratory symptoms and notes; one note per day,
    a second entry for the same day corrects the first."""
    admission = _active(admission)
    temperature = checked_temperature(max_temperature, "max_temperature")
    if respiratory not in RespiratoryStatus.values:
        raise ValidationError({"respiratory": _("未知呼吸道症状：%s") % respiratory})
    admitted_on = timezone.localtime(admission.admitted_at).date()
    if day < admitted_on:
        raise ValidationError({"day": _("不能早于入院日期 %s") % admitted_on})
    if day > timezone.localdate():
        raise ValidationError({"day": _("不能记录未来日期")})
    existing = DailyNote.objects.select_for_update().filter(admission=admission, day=day).first()
    if existing is None:
        daily = DailyNote.objects.create(
            admission=admission,
            day=day,
            max_temperature=temperature,
            respiratory=respiratory,
            note=note.strip(),
            recorded_by=by,
        )
        audit_write(by=by, action="daily_note.create", obj=daily, after=snapshot(daily))
        return daily
    before = snapshot(existing)
    existing.max_temperature = temperature
    existing.respiratory = respiratory
    existing.note = note.strip()
    existing.recorded_by = by
    existing.save()
    old, new = changed(before, snapshot(existing))
    audit_write(by=by, action="daily_note.update", obj=existing, before=old, after=new)
    return existing


def _ct(value: Decimal | None, field: str) -> Decimal | None:
    if value is None:
        return None
    if not Decimal(0) < value <= _MAX_CT:
        raise ValidationError({field: _("Ct 值应在 0–%(max)s 之间") % {"max": _MAX_CT}})
    return value


@transaction.atomic
def clinical_test_record(
    *,
    admission: Admission,
    kind: str,
    sampled_at: dt.datetime,
    result: str = "",
    ct_n: Decimal | None = None,
    ct_orf1ab: Decimal | None = None,
    imaging_finding: str = "",
    note: str = "",
    laboratory: str = "",
    by: User | None,
) -> ClinicalTest:
    """A nucleic-acid result (with Ct values) or an imaging examination of a patient."""
    admission = _active(admission)
    errors: dict[str, str] = {}
    if kind == ClinicalTestKind.NUCLEIC_ACID:
        if result not in NucleicAcidResult.values:
            errors["result"] = _("请选择核酸检测结果")
        if result == NucleicAcidResult.POSITIVE and ct_n is None and ct_orf1ab is None:
            errors["ct_n"] = _("阳性结果请填写 Ct 值")
        imaging_finding = ""
    elif kind == ClinicalTestKind.IMAGING:
        if imaging_finding not in ImagingFinding.values:
            errors["imaging_finding"] = _("请选择影像所见")
        result, ct_n, ct_orf1ab = "", None, None
    else:
        errors["kind"] = _("未知检查类别：%s") % kind
    if errors:
        raise ValidationError(errors)
    if sampled_at > timezone.now():
        raise ValidationError({"sampled_at": _("采样时间不能晚于现在")})
    _not_before_admission(admission, sampled_at, "sampled_at")
    ct_n, ct_orf1ab = _ct(ct_n, "ct_n"), _ct(ct_orf1ab, "ct_orf1ab")
    specimen = None
    if kind == ClinicalTestKind.NUCLEIC_ACID:
        specimen = specimen_record(
            person=admission.person,
            purpose=Purpose.CLINICAL,
            place=admission.hospital.name,
            sampled_at=sampled_at,
            lab=laboratory,
            result=result,
            # Entered with its result, whose report time the course has never kept.
            result_at=sampled_at,
            ct_n=ct_n,
            ct_orf1ab=ct_orf1ab,
            by=by,
        )
        laboratory = ""
    test = ClinicalTest.objects.create(
        admission=admission,
        specimen=specimen,
        kind=kind,
        sampled_at=sampled_at,
        imaging_finding=imaging_finding,
        note=note.strip(),
        laboratory=laboratory.strip()[:100],
        recorded_by=by,
    )
    audit_write(by=by, action="clinical_test.record", obj=test, after=snapshot(test))
    return test
