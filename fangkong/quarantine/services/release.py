"""Release (解除隔离): only when the period is over and every scheduled test is negative —
for a secondary contact under the 2021 plan, also the linked close contact's first tests —
then home health monitoring with its own days and tests."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fangkong.core.audit import audit_write, snapshot
from fangkong.core.errors import Conflict
from fangkong.quarantine.models import (
    NucleicAcidTest,
    ObservationCategory,
    ObservationPhase,
    Outcome,
    Placement,
    PlacementEnd,
    ReviewFlag,
)
from fangkong.quarantine.services.observation_plan import plan_home_tests
from fangkong.quarantine.services.placements import placement_end

if TYPE_CHECKING:
    from fangkong.accounts.models import User


class ReleaseBlocked(Conflict):
    code = "release_blocked"

    def __init__(self, reasons: list[str]) -> None:
        super().__init__(_("暂不能解除隔离：%s") % "；".join(reasons))
        self.reasons = reasons


def _test_blockers(placement: Placement) -> list[str]:
    reasons: list[str] = []
    tests = list(
        NucleicAcidTest.objects.filter(placement=placement, phase=ObservationPhase.CENTRALIZED)
        .prefetch_related("samples")
        .order_by("due_on")
    )
    if not tests:
        reasons.append(_("没有核酸检测安排"))
    for test in tests:
        label = _("第 %(day)s 天（%(date)s）核酸") % {"day": test.day, "date": test.due_on}
        if test.outcome == Outcome.POSITIVE:
            reasons.append(_("%s阳性") % label)
        elif test.outcome == Outcome.OPEN:
            samples = list(test.samples.all())
            if not samples:
                reasons.append(_("%s未采样") % label)
            elif test.dual_sampling and len(samples) < test.samples_required:
                reasons.append(_("%s须双采双检（两家检测机构），目前只有一份样本") % label)
            else:
                reasons.append(_("%s尚未出结果") % label)
    return reasons


def _linked_blockers(placement: Placement) -> list[str]:
    scheme = placement.scheme
    if (
        scheme is None
        or placement.category != ObservationCategory.SECONDARY_CONTACT
        or scheme.linked_tests_required == 0
    ):
        return []
    needed = scheme.linked_tests_required
    via = placement.exposed_via
    if via is None:
        return [_("未登记关联密接，无法核验其前 %(n)s 次核酸结果") % {"n": needed}]
    latest = Placement.objects.filter(person=via).order_by("-starts_at", "-pk").first()
    tests = (
        list(
            NucleicAcidTest.objects.filter(placement=latest, phase=ObservationPhase.CENTRALIZED)
            .order_by("due_on")
            .values_list("outcome", flat=True)[:needed]
        )
        if latest is not None
        else []
    )
    if len(tests) < needed or any(outcome != Outcome.NEGATIVE for outcome in tests):
        return [
            _("关联密接 %(name)s 的前 %(n)s 次核酸尚未全部阴性") % {"name": via.name, "n": needed}
        ]
    return []


def release_blockers(*, placement: Placement, day: dt.date) -> list[str]:
    """Why the person cannot be released on `day` (empty: they can)."""
    reasons: list[str] = []
    if not placement.is_active:
        return [_("该隔离安置已结束")]
    if not placement.period_over(day):
        reasons.append(_("隔离期至 %s 届满") % placement.observation_ends_on)
    reasons.extend(_test_blockers(placement))
    reasons.extend(_linked_blockers(placement))
    open_flags = ReviewFlag.objects.filter(placement=placement, resolved_at__isnull=True).count()
    if open_flags:
        reasons.append(_("有 %(n)s 项阳性关联复核待处理") % {"n": open_flags})
    return reasons


@transaction.atomic
def placement_release(
    *, placement: Placement, released_at: dt.datetime | None = None, by: User | None
) -> Placement:
    """Release a person whose observation is complete; raises ReleaseBlocked saying why not.
    Home health monitoring starts at once with the scheme's days and tests."""
    moment = released_at or timezone.now()
    placement = (
        Placement.objects.select_for_update()
        .select_related("scheme", "exposed_via")
        .get(pk=placement.pk)
    )
    reasons = release_blockers(placement=placement, day=timezone.localdate(moment))
    if reasons:
        raise ReleaseBlocked(reasons)
    placement = placement_end(
        placement=placement, ended_at=moment, reason=PlacementEnd.RELEASED, by=by
    )
    assert placement.scheme is not None
    released_on = timezone.localdate(moment)
    if placement.scheme.home_monitoring_days:
        placement.home_monitoring_ends_on = released_on + dt.timedelta(
            days=placement.scheme.home_monitoring_days
        )
        placement.save(update_fields=["home_monitoring_ends_on"])
        plan_home_tests(placement, released_on=released_on)
    audit_write(
        by=by,
        action="placement.release",
        obj=placement,
        after=snapshot(placement, ["ended_at", "home_monitoring_ends_on"]),
    )
    return placement
