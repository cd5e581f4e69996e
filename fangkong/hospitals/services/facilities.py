"""Hospitals, wards and beds: registering them and taking them in and out of service."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from fangkong.core.audit import audit_write, changed, snapshot
from fangkong.core.errors import Conflict
from fangkong.hospitals.models import (
    Bed,
    BedStay,
    Hospital,
    HospitalKind,
    HospitalStatus,
    Ward,
    WardKind,
)
from fangkong.jurisdictions.models import Jurisdiction, ResponsibleUnit

if TYPE_CHECKING:
    from fangkong.accounts.models import User


@transaction.atomic
def hospital_create(
    *,
    name: str,
    kind: str,
    jurisdiction: Jurisdiction,
    unit: ResponsibleUnit | None = None,
    status: str = HospitalStatus.RECEIVING,
    address: str = "",
    by: User | None,
) -> Hospital:
    name = name.strip()
    if not name:
        raise ValidationError({"name": _("请填写医院名称")})
    if kind not in HospitalKind.values:
        raise ValidationError({"kind": _("未知医院类型：%s") % kind})
    if status not in HospitalStatus.values:
        raise ValidationError({"status": _("未知状态：%s") % status})
    if Hospital.objects.filter(name=name).exists():
        raise ValidationError({"name": _("医院「%s」已登记") % name})
    hospital = Hospital.objects.create(
        name=name,
        kind=kind,
        status=status,
        address=address.strip(),
        jurisdiction=jurisdiction,
        unit=unit,
    )
    audit_write(by=by, action="hospital.create", obj=hospital, after=snapshot(hospital))
    return hospital


@transaction.atomic
def hospital_set_status(*, hospital: Hospital, status: str, by: User | None) -> Hospital:
    """Declare a hospital receiving, on standby (a reserve not yet activated) or full."""
    if status not in HospitalStatus.values:
        raise ValidationError({"status": _("未知状态：%s") % status})
    hospital = Hospital.objects.select_for_update().get(pk=hospital.pk)
    before = snapshot(hospital, ["status"])
    if hospital.status == status:
        return hospital
    hospital.status = status
    hospital.save(update_fields=["status"])
    audit_write(
        by=by, action="hospital.set_status", obj=hospital, before=before, after={"status": status}
    )
    return hospital


@transaction.atomic
def ward_create(
    *,
    hospital: Hospital,
    name: str,
    kind: str,
    beds: int,
    bed_prefix: str = "",
    location: str = "",
    by: User | None,
) -> Ward:
    """A ward with its beds numbered 1..beds (prefixed, e.g. "A-01")."""
    name = name.strip()
    errors: dict[str, str] = {}
    if not name:
        errors["name"] = _("请填写病区名称")
    elif Ward.objects.filter(hospital=hospital, name=name).exists():
        errors["name"] = _("%(hospital)s 已有病区「%(name)s」") % {
            "hospital": hospital.name,
            "name": name,
        }
    if kind not in WardKind.values:
        errors["kind"] = _("未知病区类型：%s") % kind
    if beds < 0:
        errors["beds"] = _("床位数不能为负数")
    if errors:
        raise ValidationError(errors)
    ward = Ward.objects.create(hospital=hospital, name=name, kind=kind, location=location.strip())
    width = max(2, len(str(beds)))
    Bed.objects.bulk_create(
        Bed(ward=ward, number=f"{bed_prefix}{n:0{width}d}", position=n) for n in range(1, beds + 1)
    )
    audit_write(
        by=by,
        action="ward.create",
        obj=ward,
        after={**snapshot(ward), "beds": beds, "bed_prefix": bed_prefix},
    )
    return ward


@transaction.atomic
def bed_set_in_service(*, bed: Bed, in_service: bool, by: User | None) -> Bed:
    """Take a bed out of service (repairs, disinfection) or back; an occupied bed stays in."""
    bed = Bed.objects.select_for_update().get(pk=bed.pk)
    if bed.in_service == in_service:
        return bed
    if not in_service and BedStay.objects.active().filter(bed=bed).exists():
        raise Conflict(_("床位 %s 有患者，不能停用") % bed.number, code="bed_occupied")
    before = snapshot(bed, ["in_service"])
    bed.in_service = in_service
    bed.save(update_fields=["in_service"])
    old, new = changed(before, snapshot(bed, ["in_service"]))
    audit_write(by=by, action="bed.set_in_service", obj=bed, before=old, after=new)
    return bed
