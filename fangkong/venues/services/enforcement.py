"""Enforcement after a finding: warning, rectification order, capacity restriction, closure;
and the only way back from a closure, a reopening approved on a re-inspection that passed.

At most one restriction (limit or closure) is in force per venue: a partial unique index holds
it under concurrency, and the venue row is locked while one is opened or lifted, so the
venue's status always matches the restriction rows.
"""

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
from fangkong.venues.conf import venues_settings
from fangkong.venues.models import (
    CapacityTier,
    EnforcementAction,
    EnforcementKind,
    Inspection,
    InspectionPurpose,
    Venue,
    VenueStatus,
    Verdict,
)

if TYPE_CHECKING:
    from fangkong.accounts.models import User

OVER_LIMIT_ALERT = "venues.over_limit"
RECTIFICATION_OVERDUE_ALERT = "venues.rectification_overdue"


class VenueClosed(Conflict):
    code = "venue_closed"


class VenueNotClosed(Conflict):
    code = "venue_not_closed"


class ReinspectionRequired(Conflict):
    code = "reinspection_required"


def _now_or(at: dt.datetime | None) -> dt.datetime:
    now = timezone.now()
    if at is None:
        return now
    if at > now + dt.timedelta(minutes=venues_settings().checkin_future_tolerance_minutes):
        raise ValidationError({"issued_at": _("生效时间不能晚于当前时间")})
    return at


def _locked(venue: Venue) -> Venue:
    return Venue.objects.select_for_update().get(pk=venue.pk)


def _set_status(venue: Venue, status: str) -> None:
    if venue.status != status:
        venue.status = status
        venue.save(update_fields=["status"])


def _lift(
    action: EnforcementAction,
    *,
    at: dt.datetime,
    by: User | None,
    note: str,
    inspection: Inspection | None = None,
) -> None:
    before = snapshot(action, ["lifted_at", "lifted_by", "lift_note", "lifted_on_inspection"])
    action.lifted_on_inspection = inspection
    action.lifted_at = max(at, action.issued_at)
    action.lifted_by = by
    action.lift_note = note[:300]
    action.save(update_fields=["lifted_at", "lifted_by", "lift_note", "lifted_on_inspection"])
    after = snapshot(action, ["lifted_at", "lifted_by", "lift_note", "lifted_on_inspection"])
    audit_write(by=by, action="enforcement.lift", obj=action, before=before, after=after)


def _default_notice(venue: Venue, reason: str, at: dt.datetime) -> str:
    return _("%(venue)s因%(reason)s，自 %(time)s 起关停整改，经复查合格后方可恢复营业。") % {
        "venue": venue.name,
        "reason": reason.rstrip("。"),
        "time": timezone.localtime(at).strftime("%Y-%m-%d %H:%M"),
    }


def _create(action: EnforcementAction) -> EnforcementAction:
    try:
        with transaction.atomic():  # a savepoint: the loser of a race can still say why
            action.save()
    except IntegrityError as error:
        current = EnforcementAction.objects.in_force().filter(venue_id=action.venue_id).first()
        if current is not None and current.kind == EnforcementKind.CLOSURE:
            raise VenueClosed(_("该场所已关停")) from error
        raise Conflict(_("该场所已有生效的限制措施，请刷新后重试")) from error
    return action


@transaction.atomic
def enforcement_issue(
    *,
    venue: Venue,
    kind: str,
    reason: str,
    by: User | None,
    inspection: Inspection | None = None,
    deadline: dt.datetime | None = None,
    tier: CapacityTier | None = None,
    notice: str = "",
    issued_at: dt.datetime | None = None,
) -> EnforcementAction:
    """Order a warning, a rectification (with a deadline), a limit to a tier, or a closure
    effective at once. A closure supersedes a limit; a closed venue takes no other order."""
    if kind not in EnforcementKind.values:
        raise ValidationError({"kind": _("未知处置类型：%s") % kind})
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("请填写事由")})
    at = _now_or(issued_at)
    venue = _locked(venue)
    if inspection is not None:
        if inspection.venue_id != venue.pk:
            raise ValidationError({"inspection": _("督查记录不属于该场所")})
        if at < inspection.inspected_at:
            raise ValidationError({"issued_at": _("处置不能早于督查时间")})
    action = EnforcementAction(
        venue=venue,
        inspection=inspection,
        kind=kind,
        reason=reason,
        issued_at=at,
        issued_by=by,
    )
    current = EnforcementAction.objects.in_force().filter(venue=venue).first()
    if current is not None and current.kind == EnforcementKind.CLOSURE:
        raise VenueClosed(
            _("%(venue)s已于 %(time)s 关停，须经复查合格批准复业后方可下达其他处置")
            % {
                "venue": venue.name,
                "time": timezone.localtime(current.issued_at).strftime("%Y-%m-%d %H:%M"),
            }
        )
    if kind == EnforcementKind.RECTIFICATION:
        action.deadline = deadline or at + dt.timedelta(hours=venues_settings().rectification_hours)
        if action.deadline <= at:
            raise ValidationError({"deadline": _("整改期限必须晚于下达时间")})
    elif kind == EnforcementKind.LIMIT:
        if tier is None:
            raise ValidationError({"tier": _("请选择限流档位")})
        action.tier = tier
    elif kind == EnforcementKind.CLOSURE:
        action.notice = notice.strip() or _default_notice(venue, reason, at)
    if kind in (EnforcementKind.LIMIT, EnforcementKind.CLOSURE) and current is not None:
        _lift(current, at=at, by=by, note=_("由新的处置措施取代"))
    _create(action)
    audit_write(by=by, action=f"enforcement.{kind}", obj=action, after=snapshot(action))
    if kind == EnforcementKind.CLOSURE:
        _set_status(venue, VenueStatus.CLOSED)
        # The closure is the answer to an over-limit alert: it no longer needs anyone.
        alert_resolve_for(kind=OVER_LIMIT_ALERT, subject=venue, note=_("场所已关停"), by=by)
    elif kind == EnforcementKind.LIMIT:
        _set_status(venue, VenueStatus.LIMITED)
    return action


def latest_reinspection(venue: Venue, *, since: dt.datetime) -> Inspection | None:
    return (
        Inspection.objects.filter(
            venue=venue, purpose=InspectionPurpose.REINSPECTION, inspected_at__gte=since
        )
        .order_by("-inspected_at", "-pk")
        .first()
    )


@transaction.atomic
def venue_reopen(
    *,
    venue: Venue,
    by: User,
    note: str = "",
    then_limit_tier: CapacityTier | None = None,
    at: dt.datetime | None = None,
) -> EnforcementAction:
    """Lift a venue's closure: only on its latest re-inspection since the closure, and only
    if that one passed; `by` is recorded as the approver. Optionally reopen under a limit."""
    moment = _now_or(at)
    venue = _locked(venue)
    closure = (
        EnforcementAction.objects.in_force()
        .filter(venue=venue, kind=EnforcementKind.CLOSURE)
        .first()
    )
    if closure is None:
        raise VenueNotClosed(_("%s 未处于关停状态") % venue.name)
    reinspection = latest_reinspection(venue, since=closure.issued_at)
    if reinspection is None:
        raise ReinspectionRequired(_("关停场所须经复查合格后方可批准复业，尚无复查记录"))
    if reinspection.verdict != Verdict.PASSED:
        raise ReinspectionRequired(
            _("最近一次复查（%(time)s）结论为不合格，维持关停")
            % {"time": timezone.localtime(reinspection.inspected_at).strftime("%Y-%m-%d %H:%M")}
        )
    if moment < reinspection.inspected_at:
        raise ValidationError({"at": _("复业批准不能早于复查时间")})
    before = snapshot(venue, ["status"])
    _lift(
        closure,
        at=moment,
        by=by,
        note=note or _("复查合格，批准复业"),
        inspection=reinspection,
    )
    _set_status(venue, VenueStatus.OPEN)
    audit_write(
        by=by,
        action="venue.reopen",
        obj=venue,
        before=before,
        after={
            "status": venue.status,
            "closure": closure.pk,
            "reinspection": reinspection.pk,
            "approved_by": by.pk,
        },
    )
    if then_limit_tier is not None:
        enforcement_issue(
            venue=venue,
            kind=EnforcementKind.LIMIT,
            reason=_("复业后限流营业"),
            tier=then_limit_tier,
            inspection=reinspection,
            issued_at=moment,
            by=by,
        )
    return closure


@transaction.atomic
def restriction_lift(*, action: EnforcementAction, note: str, by: User) -> EnforcementAction:
    """Lift a capacity restriction (限流营业). Closures are lifted only by `venue_reopen`."""
    venue = _locked(action.venue)
    action = EnforcementAction.objects.select_for_update().get(pk=action.pk)
    if action.kind != EnforcementKind.LIMIT:
        raise Conflict(_("关停须经复查合格后批准复业，不能直接解除"), code="closure_needs_reopen")
    if action.lifted_at is not None:
        raise Conflict(_("该限流措施已解除"), code="already_lifted")
    _lift(action, at=timezone.now(), by=by, note=note)
    _set_status(venue, VenueStatus.OPEN)
    return action


def mark_rectified(*, inspection: Inspection, by: User | None) -> int:
    """A passed inspection completes the venue's open rectification orders issued before it."""
    if inspection.verdict != Verdict.PASSED:
        return 0
    count = 0
    for action in EnforcementAction.objects.select_for_update().filter(
        venue_id=inspection.venue_id,
        kind=EnforcementKind.RECTIFICATION,
        rectified_at__isnull=True,
        issued_at__lte=inspection.inspected_at,
    ):
        action.rectified_at = inspection.inspected_at
        action.rectified_by_inspection = inspection
        action.save(update_fields=["rectified_at", "rectified_by_inspection"])
        audit_write(
            by=by,
            action="enforcement.rectified",
            obj=action,
            after=snapshot(action, ["rectified_at", "rectified_by_inspection"]),
        )
        alert_resolve_for(
            kind=RECTIFICATION_OVERDUE_ALERT, subject=action, note=_("复查合格"), by=by
        )
        count += 1
    return count
