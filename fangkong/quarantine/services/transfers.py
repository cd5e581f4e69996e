"""Closed-loop transfer (闭环转运) to a designated hospital: decided (where, why, by whom),
then departed, which ends the placement; the hospital side admits from there."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fangkong.alerts.services import alert_resolve_for
from fangkong.core.audit import audit_write, snapshot
from fangkong.core.errors import Conflict
from fangkong.facilities.models import Hospital, HospitalStatus
from fangkong.quarantine.models import Placement, PlacementEnd, Sample, Transfer
from fangkong.quarantine.services.alerting import SiteAlertKind
from fangkong.quarantine.services.placements import placement_end

if TYPE_CHECKING:
    from fangkong.accounts.models import User


@transaction.atomic
def transfer_decide(
    *,
    placement: Placement,
    hospital: Hospital,
    decided_at: dt.datetime,
    reason: str,
    positive_sample: Sample | None = None,
    by: User | None,
) -> Transfer:
    """Decide to take a person to a hospital: from the site, or from home monitoring."""
    placement = Placement.objects.select_for_update().get(pk=placement.pk)
    if not placement.is_active and not placement.in_home_monitoring(timezone.localdate(decided_at)):
        raise Conflict(_("该人员已不在隔离或居家健康监测中"), code="placement_ended")
    if hospital.status == HospitalStatus.FULL:
        raise Conflict(_("%s 已满员，请选择其他定点医院") % hospital.name, code="hospital_full")
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("请填写转运原因")})
    if positive_sample is not None and positive_sample.test.placement_id != placement.pk:
        raise ValidationError({"positive_sample": _("该样本不属于此人")})
    try:
        with transaction.atomic():
            transfer = Transfer.objects.create(
                placement=placement,
                hospital=hospital,
                decided_at=decided_at,
                reason=reason[:200],
                positive_sample=positive_sample,
                decided_by=by,
            )
    except IntegrityError as error:
        raise Conflict(_("该人员已安排转运"), code="transfer_exists") from error
    audit_write(by=by, action="transfer.decide", obj=transfer, after=snapshot(transfer))
    return transfer


@transaction.atomic
def transfer_depart(
    *,
    transfer: Transfer,
    departed_at: dt.datetime,
    vehicle: str = "",
    escort: str = "",
    by: User | None,
) -> Transfer:
    """The person leaves with the transfer team: the room is free and the positive alert is
    closed as handled (the hospital takes over)."""
    transfer = (
        Transfer.objects.select_for_update(of=("self",))
        .select_related("placement")
        .get(pk=transfer.pk)
    )
    if transfer.departed_at is not None:
        raise Conflict(_("已登记出发"), code="transfer_departed")
    if departed_at < transfer.decided_at:
        raise ValidationError({"departed_at": _("出发时间不能早于决定时间")})
    transfer.departed_at = departed_at
    transfer.vehicle, transfer.escort = vehicle.strip()[:40], escort.strip()[:100]
    transfer.departed_by = by
    transfer.save(update_fields=["departed_at", "vehicle", "escort", "departed_by"])
    audit_write(
        by=by,
        action="transfer.depart",
        obj=transfer,
        after=snapshot(transfer, ["departed_at", "vehicle", "escort", "departed_by"]),
    )
    placement = transfer.placement
    if placement.is_active:
        placement_end(
            placement=placement, ended_at=departed_at, reason=PlacementEnd.TRANSFERRED, by=by
        )
    alert_resolve_for(
        kind=SiteAlertKind.POSITIVE.value,
        subject=placement,
        note=_("已闭环转运至 %s") % transfer.hospital.name,
        by=by,
    )
    return transfer
