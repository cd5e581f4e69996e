import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from fangkong.alerts.models import Alert, Severity
from fangkong.alerts.selectors import alert_list
from fangkong.core.models import AuditEvent
from fangkong.hospitals.jobs import recheck_low_stock
from fangkong.hospitals.models import (
    HospitalStatus,
    MovementKind,
    ProtectionGrade,
    Stock,
    StockMovement,
    SupplyCategory,
    WardKind,
)
from fangkong.hospitals.selectors.supplies import preparedness
from fangkong.hospitals.services.facilities import hospital_set_status
from fangkong.hospitals.services.supplies import (
    InsufficientStock,
    stock_issue,
    stock_receive,
    stock_set_safety,
    supply_item_create,
)
from fangkong.policy.services import measure_set
from fangkong.testing.concurrency import run_concurrently


@pytest.fixture
def n95(db):
    return supply_item_create(
        code="PPE-N95", name="医用防护口罩（N95）", category=SupplyCategory.MASK, unit="只", by=None
    )


@pytest.fixture
def gown(db):
    return supply_item_create(
        code="PPE-GOWN",
        name="医用一次性防护服",
        category=SupplyCategory.PPE,
        grade=ProtectionGrade.LEVEL_2,
        unit="件",
        by=None,
    )


def _receive(hospital, item, quantity, by=None):
    return stock_receive(
        hospital=hospital,
        item=item,
        quantity=quantity,
        at=timezone.now(),
        counterparty="市物资保障组",
        by=by,
    )


def _issue(hospital, item, quantity, by=None, ward=None):
    return stock_issue(
        hospital=hospital, item=item, quantity=quantity, at=timezone.now(), ward=ward, by=by
    )


def test_receipts_and_issues_move_the_stock_and_keep_a_running_balance(
    no5, no5_isolation, gown, hospital_staff
):
    _receive(no5, gown, 500, by=hospital_staff)
    issue = _issue(no5, gown, 120, by=hospital_staff, ward=no5_isolation)
    stock = Stock.objects.get(hospital=no5, item=gown)
    assert stock.quantity == 380
    assert issue.balance_after == 380 and issue.ward == no5_isolation
    kinds = list(
        StockMovement.objects.order_by("pk").values_list("kind", "quantity", "balance_after")
    )
    assert kinds == [(MovementKind.RECEIPT, 500, 500), (MovementKind.ISSUE, 120, 380)]
    assert AuditEvent.objects.filter(action="stock.issue", actor=hospital_staff).count() == 1


def test_an_issue_of_more_than_is_held_is_refused_and_changes_nothing(no5, gown):
    _receive(no5, gown, 30)
    with pytest.raises(InsufficientStock, match="现有 30 件，申领 31 件"):
        _issue(no5, gown, 31)
    assert Stock.objects.get(hospital=no5, item=gown).quantity == 30
    assert not StockMovement.objects.filter(kind=MovementKind.ISSUE).exists()


def test_the_database_itself_refuses_a_negative_stock(no5, gown):
    _receive(no5, gown, 5)
    with pytest.raises(IntegrityError), transaction.atomic():
        Stock.objects.filter(hospital=no5, item=gown).update(quantity=-1)


def test_an_issue_below_safety_stock_shows_in_the_hq_alerts(
    client, no5, n95, hq_admin, hospital_staff, binhu_officer, chongan
):
    stock_set_safety(hospital=no5, item=n95, safety_stock=1000, by=hospital_staff)
    _receive(no5, n95, 1200, by=hospital_staff)
    assert not Alert.objects.open().filter(kind="hospitals.low_stock").exists()

    _issue(no5, n95, 300, by=hospital_staff)

    alert = alert_list(viewer=hq_admin).get(kind="hospitals.low_stock")
    assert alert.title == "无锡市第五人民医院 医用防护口罩（N95）低于安全库存"
    assert alert.detail == "发出时库存 900 只，安全库存 1000 只"
    assert alert.jurisdiction == chongan and alert.unit == no5.unit
    assert list(alert_list(viewer=hospital_staff)) == [alert]
    assert list(alert_list(viewer=binhu_officer)) == []
    client.force_login(hq_admin)
    assert "医用防护口罩（N95）低于安全库存" in client.get("/alerts/").content.decode()


def test_running_out_is_critical_and_a_receipt_above_safety_clears_the_alert(no5, n95):
    stock_set_safety(hospital=no5, item=n95, safety_stock=100, by=None)
    _receive(no5, n95, 100)
    _issue(no5, n95, 100)
    assert Alert.objects.open().get(kind="hospitals.low_stock").severity == Severity.CRITICAL
    _receive(no5, n95, 150)
    assert not Alert.objects.open().filter(kind="hospitals.low_stock").exists()


def test_the_low_stock_job_raises_what_is_missing_and_is_idempotent(no5, n95, gown):
    stock_set_safety(hospital=no5, item=n95, safety_stock=10, by=None)
    Alert.objects.all().delete()  # as if the alert were lost, or the stock loaded in bulk
    assert recheck_low_stock(timezone.now()) == 1
    assert recheck_low_stock(timezone.now()) == 0
    Stock.objects.filter(item=n95).update(quantity=50)
    assert recheck_low_stock(timezone.now()) == 1  # resolved
    assert not Alert.objects.open().exists()


def test_preparedness_counts_standby_beds_and_compares_stock_with_targets(
    no5, no5_isolation, peoples, fangcang, n95, zhang_san, days_ago
):
    from fangkong.hospitals.services.admissions import admission_create

    admission_create(
        person=zhang_san,
        hospital=no5,
        ward_kind=WardKind.ISOLATION,
        classification="mild",
        admitted_at=timezone.now(),
        by=None,
    )
    stock_set_safety(hospital=no5, item=n95, safety_stock=1000, by=None)
    stock_set_safety(hospital=peoples, item=n95, safety_stock=500, by=None)
    _receive(no5, n95, 800)
    measure_set(
        kind="hospitals.preparedness_target",
        subject="beds.isolation",
        value=20,
        effective_at=days_ago(1),
        by=None,
    )
    report = preparedness(hospitals=type(no5).objects.all())
    isolation = next(b for b in report.beds if b.kind == WardKind.ISOLATION)
    # No. 5: 3 beds, 1 taken; People's: 2 free; the fangcang on standby: 4.
    assert (isolation.total, isolation.occupied, isolation.free_now, isolation.standby) == (
        9,
        1,
        4,
        4,
    )
    assert isolation.target == 20 and isolation.shortfall == 12
    masks = next(s for s in report.stock if s.item == n95)
    assert (masks.quantity, masks.safety, masks.target, masks.hospitals_below) == (
        800,
        1500,
        1500,
        2,
    )
    assert masks.target_is_default

    hospital_set_status(hospital=fangcang, status=HospitalStatus.RECEIVING, by=None)
    isolation = next(
        b
        for b in preparedness(hospitals=type(no5).objects.all()).beds
        if b.kind == WardKind.ISOLATION
    )
    assert (isolation.free_now, isolation.standby) == (8, 0)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_issues_never_take_more_than_is_held(no5, gown):
    _receive(no5, gown, 10)
    outcomes = run_concurrently([lambda: _issue(no5, gown, 3) for _ in range(8)])
    assert len(outcomes.results) == 3
    assert all(isinstance(e, InsufficientStock) for e in outcomes.errors)
    assert Stock.objects.get(hospital=no5, item=gown).quantity == 1
    assert StockMovement.objects.filter(kind=MovementKind.ISSUE).count() == 3
