"""A placement's observation plan (period end and test days) and the writes that change it:
an upgrade to close contact, a restarted period after a positive nearby, a linked contact.

Tests already sampled are history and stay; open tests no longer in the plan are dropped.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from fangkong.core.audit import audit_write, changed, snapshot
from fangkong.core.errors import Conflict
from fangkong.people.models import Person
from fangkong.quarantine.models import (
    NucleicAcidTest,
    ObservationCategory,
    ObservationPhase,
    Placement,
    ReviewFlag,
    ReviewKind,
    ReviewResolution,
    Sample,
)
from fangkong.quarantine.services.schemes import (
    PlannedTest,
    centralized_plan,
    home_plan,
    observation_end,
    scheme_for,
)

if TYPE_CHECKING:
    from fangkong.accounts.models import User

_PLAN_FIELDS = [
    "category",
    "scheme",
    "exposed_via",
    "observation_anchor_at",
    "observation_ends_on",
    "period_restarted_at",
]


def _apply(placement: Placement, phase: str, plan: list[PlannedTest]) -> None:
    planned = {p.due_on: p for p in plan}
    existing = NucleicAcidTest.objects.filter(placement=placement, phase=phase).annotate(
        sampled=Exists(Sample.objects.filter(test=OuterRef("pk")))
    )
    kept: set[dt.date] = set()
    for test in existing:
        wanted = planned.get(test.due_on)
        if test.sampled or test.outcome:
            kept.add(test.due_on)  # taken already: part of the record whatever the plan says
            continue
        if wanted is None:
            test.delete()
            continue
        kept.add(test.due_on)
        if (test.day, test.dual_sampling) != (wanted.day, wanted.dual_sampling):
            test.day, test.dual_sampling = wanted.day, wanted.dual_sampling
            test.save(update_fields=["day", "dual_sampling"])
    NucleicAcidTest.objects.bulk_create(
        NucleicAcidTest(
            placement=placement,
            phase=p.phase,
            day=p.day,
            due_on=p.due_on,
            dual_sampling=p.dual_sampling,
        )
        for p in plan
        if p.due_on not in kept
    )


def plan_centralized_tests(placement: Placement, *, start_on: dt.date) -> None:
    """Lay out (or re-lay) the tests of the observation period from `start_on` on."""
    assert placement.scheme is not None and placement.anchor_on is not None
    _apply(
        placement,
        ObservationPhase.CENTRALIZED,
        centralized_plan(placement.scheme, anchor_on=placement.anchor_on, start_on=start_on),
    )


def plan_home_tests(placement: Placement, *, released_on: dt.date) -> None:
    assert placement.scheme is not None
    _apply(placement, ObservationPhase.HOME, home_plan(placement.scheme, released_on=released_on))


def _locked_active(placement: Placement) -> Placement:
    placement = (
        Placement.objects.select_for_update(of=("self",))
        .select_related("scheme")
        .get(pk=placement.pk)
    )
    if not placement.is_active:
        raise Conflict(_("该隔离安置已结束"), code="placement_ended")
    return placement


def _replanned(placement: Placement, *, at: dt.datetime) -> None:
    assert placement.scheme is not None and placement.anchor_on is not None
    today = timezone.localdate(at)
    placement.observation_ends_on = observation_end(
        placement.scheme, anchor_on=placement.anchor_on, start_on=today
    )
    placement.save(update_fields=_PLAN_FIELDS)
    plan_centralized_tests(placement, start_on=today)


@transaction.atomic
def placement_replan(
    *,
    placement: Placement,
    category: str,
    exposed_via: Person | None = None,
    at: dt.datetime | None = None,
    by: User | None,
) -> Placement:
    """Observe a person under another category of the same edition (a secondary contact who
    has become a close contact): their period and tests follow the new category's scheme."""
    moment = at or timezone.now()
    placement = _locked_active(placement)
    if category not in ObservationCategory.values:
        raise ValidationError({"category": _("未知人员类别：%s") % category})
    assert placement.scheme is not None
    before = snapshot(placement, _PLAN_FIELDS)
    placement.category = category
    placement.scheme = scheme_for(edition=placement.scheme.edition, category=category)
    if exposed_via is not None:
        placement.exposed_via = exposed_via
    _replanned(placement, at=moment)
    if category == ObservationCategory.CLOSE_CONTACT:
        _resolve_flags(placement, ReviewKind.LINKED_POSITIVE, ReviewResolution.UPGRADED, moment, by)
    old, new = changed(before, snapshot(placement, _PLAN_FIELDS))
    audit_write(by=by, action="placement.replan", obj=placement, before=old, after=new)
    return placement


@transaction.atomic
def placement_restart_period(
    *,
    placement: Placement,
    anchor_at: dt.datetime,
    at: dt.datetime | None = None,
    by: User | None,
) -> Placement:
    """Count the observation period again from a new exposure (a positive nearby)."""
    moment = at or timezone.now()
    placement = _locked_active(placement)
    if anchor_at > moment:
        raise ValidationError({"anchor_at": _("重新起算时间不能晚于当前时间")})
    before = snapshot(placement, _PLAN_FIELDS)
    if placement.observation_anchor_at is None or anchor_at > placement.observation_anchor_at:
        placement.observation_anchor_at = anchor_at
    placement.period_restarted_at = moment
    _replanned(placement, at=moment)
    _resolve_flags(placement, ReviewKind.FLOOR_EXPOSURE, ReviewResolution.RESTARTED, moment, by)
    old, new = changed(before, snapshot(placement, _PLAN_FIELDS))
    audit_write(by=by, action="placement.restart_period", obj=placement, before=old, after=new)
    return placement


@transaction.atomic
def placement_link_exposure(
    *, placement: Placement, exposed_via: Person, by: User | None
) -> Placement:
    """Record the close contact a secondary contact was exposed through (their release
    waits on that person's tests under the 2021 plan)."""
    placement = _locked_active(placement)
    if exposed_via.pk == placement.person_id:
        raise ValidationError({"exposed_via": _("关联密接不能是本人")})
    before = snapshot(placement, ["exposed_via"])
    placement.exposed_via = exposed_via
    placement.save(update_fields=["exposed_via"])
    audit_write(
        by=by,
        action="placement.link_exposure",
        obj=placement,
        before=before,
        after=snapshot(placement, ["exposed_via"]),
    )
    return placement


def _resolve_flags(
    placement: Placement,
    kind: str,
    resolution: str,
    moment: dt.datetime,
    by: User | None,
) -> None:
    for flag in ReviewFlag.objects.filter(placement=placement, kind=kind, resolved_at__isnull=True):
        flag.resolved_at, flag.resolution, flag.resolved_by = moment, resolution, by
        flag.save(update_fields=["resolved_at", "resolution", "resolved_by"])
        audit_write(
            by=by,
            action="review_flag.resolve",
            obj=flag,
            after=snapshot(flag, ["resolved_at", "resolution"]),
        )
