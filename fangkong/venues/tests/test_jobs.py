import datetime as dt

from django.utils import timezone

from fangkong.alerts.models import Alert, Severity
from fangkong.alerts.selectors import alert_list
from fangkong.policy.services import measure_set
from fangkong.venues import jobs
from fangkong.venues.models import EnforcementKind
from fangkong.venues.services.enforcement import enforcement_issue
from fangkong.venues.services.venues import venue_update
from fangkong.venues.tests.factories import crowd, persons


def test_the_job_contract_names_the_over_limit_scan():
    assert ("venues.over_limit", jobs.run) in jobs.JOBS


def test_an_over_limit_venue_raises_one_alert_for_its_district_and_the_hq(
    bar, ktv, hq_admin, liangxi_officer, binhu_officer, jiankang_committee, now
):
    venue_update(
        venue=bar,
        by=hq_admin,
        name=bar.name,
        category=bar.category,
        jurisdiction=bar.jurisdiction,
        approved_capacity=bar.approved_capacity,
        operator_unit=jiankang_committee,
        manager=bar.manager,
    )
    crowd(bar, persons(80), at=now)
    assert jobs.run(now) == 1
    assert jobs.run(now) == 0  # idempotent: still one open alert
    alert = Alert.objects.get(kind="venues.over_limit")
    assert "80" in alert.title and "75" in alert.title
    assert (alert.jurisdiction, alert.unit, alert.subject) == (
        bar.jurisdiction,
        jiankang_committee,
        bar,
    )
    assert list(alert_list(viewer=hq_admin)) == [alert]
    assert list(alert_list(viewer=liangxi_officer)) == [alert]
    assert list(alert_list(viewer=binhu_officer)) == []


def test_the_alert_resolves_itself_when_the_venue_is_back_within_its_limit(bar, now):
    crowd(bar, persons(80), at=now)
    jobs.run(now)
    later = now + dt.timedelta(hours=2)  # the stays without check-out have ended
    assert jobs.run(later) == 1
    assert not Alert.objects.open().exists()
    assert Alert.objects.get().resolution_note


def test_a_suspended_category_with_people_inside_is_critical(bar, hq_admin, now):
    crowd(bar, persons(3), at=now)
    measure_set(
        kind="venues.capacity_tier", subject="bar", value="closed", effective_at=now, by=hq_admin
    )
    jobs.run(now)
    assert Alert.objects.get().severity == Severity.CRITICAL


def test_a_closed_venue_raises_no_over_limit_alert(bar, inspector, now):
    crowd(bar, persons(80), at=now)
    enforcement_issue(venue=bar, kind=EnforcementKind.CLOSURE, reason="超限", by=inspector)
    assert jobs.run(timezone.now()) == 0


def test_an_overdue_rectification_raises_an_alert_once(bar, inspector, now):
    order = enforcement_issue(
        venue=bar,
        kind=EnforcementKind.RECTIFICATION,
        reason="未落实扫码",
        by=inspector,
        deadline=now + dt.timedelta(hours=1),
    )
    assert jobs.run_rectification_overdue(now) == 0
    later = now + dt.timedelta(hours=2)
    assert jobs.run_rectification_overdue(later) == 1
    assert jobs.run_rectification_overdue(later) == 0
    assert Alert.objects.get(kind="venues.rectification_overdue").subject == order


def test_without_an_operator_the_alert_goes_to_the_managers_unit(
    bar, venue_manager, jiankang_committee, now
):
    venue_manager.unit = jiankang_committee
    venue_manager.save(update_fields=["unit"])
    crowd(bar, persons(80), at=now)
    jobs.run(now)
    assert Alert.objects.get().unit == jiankang_committee
