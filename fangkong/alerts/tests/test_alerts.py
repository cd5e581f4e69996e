import pytest
from rest_framework.test import APIClient

from fangkong.alerts.models import Alert
from fangkong.alerts.selectors import alert_list
from fangkong.alerts.services import alert_raise, alert_resolve
from fangkong.core.errors import Conflict
from fangkong.testing.concurrency import run_concurrently


def test_raising_the_same_alert_twice_keeps_one_open(zhang_san, jiankang):
    first = alert_raise(
        kind="test.fever", title="发热", subject=zhang_san, jurisdiction=jiankang, by=None
    )
    second = alert_raise(
        kind="test.fever", title="发热", subject=zhang_san, jurisdiction=jiankang, by=None
    )
    assert first.created and not second.created
    assert Alert.objects.open().count() == 1


def test_after_resolution_the_condition_can_alert_again(zhang_san, jiankang, hq_admin):
    first = alert_raise(kind="test.fever", title="发热", subject=zhang_san, by=None)
    alert_resolve(alert=first.alert, note="已复测正常", by=hq_admin)
    again = alert_raise(kind="test.fever", title="发热", subject=zhang_san, by=None)
    assert again.created
    with pytest.raises(Conflict):
        alert_resolve(alert=first.alert, by=hq_admin)


def test_a_district_sees_its_own_alerts_and_the_hq_sees_all(
    zhang_san, li_si, jiankang, hubin, liangxi_officer, hq_admin
):
    alert_raise(kind="test.fever", title="梁溪", subject=zhang_san, jurisdiction=jiankang, by=None)
    alert_raise(kind="test.fever", title="滨湖", subject=li_si, jurisdiction=hubin, by=None)
    assert [a.title for a in alert_list(viewer=liangxi_officer)] == ["梁溪"]
    assert {a.title for a in alert_list(viewer=hq_admin)} == {"梁溪", "滨湖"}
    api = APIClient()
    api.force_authenticate(liangxi_officer)
    assert [a["title"] for a in api.get("/api/v1/alerts/").json()["results"]] == ["梁溪"]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_raises_of_one_condition_leave_one_open_alert(zhang_san):
    calls = [
        lambda: alert_raise(kind="test.fever", title="发热", subject=zhang_san, by=None)
        for _ in range(10)
    ]
    outcomes = run_concurrently(calls)
    assert outcomes.errors == []
    assert Alert.objects.open().count() == 1
