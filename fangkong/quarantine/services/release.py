"""Release (解除隔离): only when the period is over and every scheduled test is negative —
for a secondary contact under the 2021 plan, also the linked close contact's first tests —
then home health monitoring with its own days and tests."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count
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
from fangkong.quarantine.services.schemes import home_plan
from fangkong.quarantine.signals import placement_ended

if TYPE_CHECKING:
    from fangkong.accounts.models import User


class ReleaseBlocked(Conflict):
    code = "release_blocked"

    def __init__(self, reasons: list[str]) -> None:
        super().__init__(_("暂不能解除隔离：%s") % "；".join(reasons))
        self.reasons = reasons


def _test_blockers(tests: list[NucleicAcidTest]) -> list[str]:
    reasons: list[str] = []
    if not tests:
        reasons.append(_("没有核酸检测安排"))
    for test in tests:
        label = _("第 %(day)s 天（%(date)s）核酸") % {"day": test.day, "date": test.due_on}
        if test.outcome == Outcome.POSITIVE:
            reasons.append(_("%s阳性") % label)
        elif test.outcome == Outcome.OPEN:
            sampled = getattr(test, "sample_count", 0)
            if not sampled:
                reasons.append(_("%s未采样") % label)
            elif test.dual_sampling and sampled < test.samples_required:
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


def release_blockers_many(placements: Sequence[Placement], *, day: dt.date) -> dict[int, list[str]]:
    """Why each placement cannot be released on `day` (an empty list: it can), in a few
    queries whatever the number of placements."""
    ids = [p.pk for p in placements]
    tests: dict[int, list[NucleicAcidTest]] = defaultdict(list)
    for test in (
        NucleicAcidTest.objects.filter(placement_id__in=ids, phase=ObservationPhase.CENTRALIZED)
        .annotate(sample_count=Count("samples"))
        .order_by("due_on")
    ):
        tests[test.placement_id].append(test)
    flags = dict(
        ReviewFlag.objects.filter(placement_id__in=ids, resolved_at__isnull=True)
        .values_list("placement_id")
        .annotate(n=Count("pk"))
    )
    blockers: dict[int, list[str]] = {}
    for placement in placements:
        if not placement.is_active:
            blockers[placement.pk] = [_("该隔离安置已结束")]
            continue
        reasons: list[str] = []
        if not placement.period_over(day):
            reasons.append(_("隔离期至 %s 届满") % placement.observation_ends_on)
        reasons.extend(_test_blockers(tests[placement.pk]))
        reasons.extend(_linked_blockers(placement))
        if flags.get(placement.pk):
            reasons.append(_("有 %(n)s 项阳性关联复核待处理") % {"n": flags[placement.pk]})
        blockers[placement.pk] = reasons
    return blockers


def release_blockers(*, placement: Placement, day: dt.date) -> list[str]:
    """Why the person cannot be released on `day` (empty: they can)."""
    return release_blockers_many([placement], day=day)[placement.pk]


@transaction.atomic
def placement_release(
    *, placement: Placement, released_at: dt.datetime | None = None, by: User | None
) -> Placement:
    """Release a person whose observation is complete; raises ReleaseBlocked saying why not.
    Home health monitoring starts at once with the scheme's days and tests."""
    moment = released_at or timezone.now()
    placement = (
        Placement.objects.select_for_update(of=("self",))
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


@dataclass(frozen=True)
class ReleaseResult:
    released: list[Placement]
    blocked: dict[int, list[str]]  # placement id -> reasons


@transaction.atomic
def placements_release(
    *, placements: Sequence[Placement], released_at: dt.datetime, by: User | None
) -> ReleaseResult:
    """Release at once everyone of a list (a batch on its last day) whose observation is
    complete; the others stay, with their reasons. One audit row names them all."""
    locked = list(
        Placement.objects.select_for_update(of=("self",))
        .filter(pk__in=[p.pk for p in placements])
        .select_related("scheme", "exposed_via", "room__site")
        .order_by("pk")
    )
    if not locked:
        return ReleaseResult([], {})
    if len({p.room.site_id for p in locked}) > 1:
        raise ValidationError({"placements": _("一次只能解除一个隔离点的人员")})
    day = timezone.localdate(released_at)
    blockers = release_blockers_many(locked, day=day)
    ready = [p for p in locked if not blockers[p.pk] and released_at >= p.starts_at]
    ready_ids = {p.pk for p in ready}
    for companion in Placement.objects.select_for_update().filter(
        companion_of__in=ready, ended_at__isnull=True
    ):
        if companion.pk not in ready_ids:
            companion.companion_of = None  # left alone in the room, they hold it
            companion.save(update_fields=["companion_of"])
    home: list[NucleicAcidTest] = []
    for placement in ready:
        assert placement.scheme is not None
        placement.ended_at, placement.end_reason = released_at, PlacementEnd.RELEASED
        if placement.scheme.home_monitoring_days:
            placement.home_monitoring_ends_on = day + dt.timedelta(
                days=placement.scheme.home_monitoring_days
            )
            home.extend(
                NucleicAcidTest(
                    placement=placement,
                    phase=planned.phase,
                    day=planned.day,
                    due_on=planned.due_on,
                    dual_sampling=planned.dual_sampling,
                )
                for planned in home_plan(placement.scheme, released_on=day)
            )
    # One statement per end date of home monitoring (one per scheme), not one per person.
    for ends_on in {p.home_monitoring_ends_on for p in ready}:
        Placement.objects.filter(
            pk__in=[p.pk for p in ready if p.home_monitoring_ends_on == ends_on]
        ).update(
            ended_at=released_at, end_reason=PlacementEnd.RELEASED, home_monitoring_ends_on=ends_on
        )
    NucleicAcidTest.objects.bulk_create(home, batch_size=2000)
    audit_write(
        by=by,
        action="placement.release_many",
        obj=locked[0].room.site,
        after={
            "released_at": released_at,
            "released": [p.pk for p in ready],
            "blocked": {str(pk): r for pk, r in blockers.items() if r},
        },
    )
    for placement in ready:
        placement_ended.send(sender=Placement, placement=placement, by=by)
    return ReleaseResult(ready, {pk: r for pk, r in blockers.items() if r})
