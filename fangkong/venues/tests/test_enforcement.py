import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from fangkong.alerts.models import Alert
from fangkong.core.errors import Conflict
from fangkong.core.models import AuditEvent
from fangkong.testing.concurrency import run_concurrently
from fangkong.venues.models import (
    CapacityTier,
    EnforcementAction,
    EnforcementKind,
    InspectionPurpose,
    Venue,
    VenueStatus,
    Verdict,
)
from fangkong.venues.services.enforcement import (
    ReinspectionRequired,
    VenueClosed,
    enforcement_issue,
    restriction_lift,
    venue_reopen,
)
from fangkong.venues.services.inspections import inspection_record

ALL_MET: dict[str, Any] = {
    "code_posted": True,
    "everyone_scans": True,
    "temperature_checked": True,
    "masks_worn": True,
    "ventilated_disinfected": True,
}


def inspect(venue, inspector, *, passed: bool, headcount: int = 0, at=None):
    checks = dict(ALL_MET)
    if not passed:
        checks["everyone_scans"] = False
    return inspection_record(
        venue=venue,
        inspected_at=at or timezone.now(),
        inspectors=[inspector],
        headcount=headcount,
        verdict=Verdict.PASSED if passed else Verdict.FAILED,
        by=inspector,
        **checks,
    )


def close(venue, by):
    return enforcement_issue(
        venue=venue, kind=EnforcementKind.CLOSURE, reason="超过限流人数经营", by=by
    )


def test_a_closure_takes_effect_at_once_with_a_public_notice(bar, inspector):
    closure = close(bar, inspector)
    bar.refresh_from_db()
    assert bar.status == VenueStatus.CLOSED
    assert closure.in_force and closure.issued_at <= timezone.now()
    assert bar.name in closure.notice and "超过限流人数经营" in closure.notice


def test_a_failed_reinspection_keeps_the_venue_closed_and_a_passed_one_reopens_it_audited(
    bar, inspector, liangxi_officer
):
    # Given a closure
    closure = close(bar, inspector)
    # When the re-inspection fails, reopening is refused and the venue stays closed
    failed = inspect(bar, inspector, passed=False)
    assert failed.purpose == InspectionPurpose.REINSPECTION
    with pytest.raises(ReinspectionRequired, match="不合格"):
        venue_reopen(venue=bar, by=liangxi_officer)
    bar.refresh_from_db()
    assert bar.status == VenueStatus.CLOSED
    # When a later re-inspection passes, the district approves the reopening
    passed = inspect(bar, inspector, passed=True)
    venue_reopen(venue=bar, by=liangxi_officer, note="整改到位")
    # Then the venue is open and the closure records who approved it on which re-inspection
    bar.refresh_from_db()
    closure.refresh_from_db()
    assert bar.status == VenueStatus.OPEN
    assert (closure.lifted_by, closure.lifted_on_inspection) == (liangxi_officer, passed)
    reopened = AuditEvent.objects.get(action="venue.reopen")
    assert reopened.actor == liangxi_officer
    assert reopened.before == {"status": "closed"}
    assert reopened.after is not None and reopened.after["reinspection"] == passed.pk
    assert AuditEvent.objects.filter(action="enforcement.lift", object_id=str(closure.pk)).exists()


def test_a_passed_reinspection_followed_by_a_failed_one_keeps_the_venue_closed(
    bar, inspector, liangxi_officer
):
    close(bar, inspector)
    start = timezone.now()
    inspect(bar, inspector, passed=True, at=start)
    inspect(bar, inspector, passed=False, at=start + dt.timedelta(seconds=1))
    with pytest.raises(ReinspectionRequired):
        venue_reopen(venue=bar, by=liangxi_officer)


def test_reopening_without_any_reinspection_is_refused(bar, inspector, liangxi_officer):
    close(bar, inspector)
    with pytest.raises(ReinspectionRequired, match="尚无复查记录"):
        venue_reopen(venue=bar, by=liangxi_officer)


def test_an_inspection_from_before_the_closure_does_not_count_as_reinspection(
    bar, inspector, liangxi_officer
):
    inspect(bar, inspector, passed=True, at=timezone.now() - dt.timedelta(hours=1))
    close(bar, inspector)
    with pytest.raises(ReinspectionRequired):
        venue_reopen(venue=bar, by=liangxi_officer)


def test_reopening_may_put_the_venue_under_a_limit(bar, inspector, liangxi_officer):
    close(bar, inspector)
    inspect(bar, inspector, passed=True)
    venue_reopen(
        venue=bar, by=liangxi_officer, then_limit_tier=CapacityTier.objects.get(code="tightened")
    )
    bar.refresh_from_db()
    assert bar.status == VenueStatus.LIMITED
    assert EnforcementAction.objects.in_force().get(venue=bar).kind == EnforcementKind.LIMIT


def test_a_closed_venue_takes_no_other_order_until_reopened(bar, inspector):
    close(bar, inspector)
    with pytest.raises(VenueClosed):
        close(bar, inspector)
    with pytest.raises(VenueClosed):
        enforcement_issue(venue=bar, kind=EnforcementKind.WARNING, reason="未测温", by=inspector)


def test_a_closure_supersedes_a_limit(bar, inspector, liangxi_officer):
    limit = enforcement_issue(
        venue=bar,
        kind=EnforcementKind.LIMIT,
        reason="超限",
        by=liangxi_officer,
        tier=CapacityTier.objects.get(code="tightened"),
    )
    close(bar, inspector)
    limit.refresh_from_db()
    assert limit.lifted_at is not None
    assert EnforcementAction.objects.in_force().get(venue=bar).kind == EnforcementKind.CLOSURE


def test_a_limit_is_lifted_directly_but_a_closure_only_by_reopening(
    bar, inspector, liangxi_officer
):
    limit = enforcement_issue(
        venue=bar,
        kind=EnforcementKind.LIMIT,
        reason="超限",
        by=liangxi_officer,
        tier=CapacityTier.objects.get(code="tightened"),
    )
    restriction_lift(action=limit, note="整改到位", by=liangxi_officer)
    bar.refresh_from_db()
    assert bar.status == VenueStatus.OPEN
    closure = close(bar, inspector)
    with pytest.raises(Conflict):
        restriction_lift(action=closure, note="", by=liangxi_officer)


def test_a_passed_inspection_completes_earlier_rectification_orders(bar, inspector):
    order = enforcement_issue(
        venue=bar, kind=EnforcementKind.RECTIFICATION, reason="未落实测温", by=inspector
    )
    assert order.deadline is not None and order.deadline > order.issued_at
    failed = inspect(bar, inspector, passed=False)
    assert failed.purpose == InspectionPurpose.REINSPECTION
    order.refresh_from_db()
    assert order.rectified_at is None
    passed = inspect(bar, inspector, passed=True)
    order.refresh_from_db()
    assert order.rectified_by_inspection == passed


def test_closing_a_venue_resolves_its_over_limit_alert(bar, inspector):
    from fangkong.alerts.services import alert_raise

    alert_raise(
        kind="venues.over_limit", title="超限", subject=bar, jurisdiction=bar.jurisdiction, by=None
    )
    close(bar, inspector)
    assert not Alert.objects.open().filter(kind="venues.over_limit").exists()


def test_a_rectification_without_deadline_after_its_issue_is_refused(bar, inspector):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as refused:
        enforcement_issue(
            venue=bar,
            kind=EnforcementKind.RECTIFICATION,
            reason="x",
            by=inspector,
            deadline=timezone.now() - dt.timedelta(hours=1),
        )
    assert "deadline" in refused.value.message_dict


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_closures_of_one_venue_leave_one_closure(bar, inspector):
    calls = [lambda: close(Venue.objects.get(pk=bar.pk), inspector) for _ in range(8)]
    outcomes = run_concurrently(calls)
    assert len(outcomes.results) == 1
    assert all(isinstance(e, VenueClosed) for e in outcomes.errors)
    assert EnforcementAction.objects.in_force().filter(venue=bar).count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_reopenings_lift_the_closure_once(bar, inspector, liangxi_officer):
    close(bar, inspector)
    inspect(bar, inspector, passed=True)
    outcomes = run_concurrently(
        [
            lambda: venue_reopen(venue=Venue.objects.get(pk=bar.pk), by=liangxi_officer)
            for _ in range(6)
        ]
    )
    assert len(outcomes.results) == 1
    assert AuditEvent.objects.filter(action="venue.reopen").count() == 1
