from django.test import Client
from django.urls import reverse

from fangkong.alerts.services import alert_raise


def _titles(client: Client, **params: int | str) -> list[str]:
    response = client.get(reverse("alerts:list"), params)
    assert response.status_code == 200
    return [alert.title for alert in response.context["page"].items]


def test_the_alert_list_shows_only_the_chosen_districts_alerts(
    client, zhang_san, li_si, jiankang, hubin, liangxi, binhu, hq_admin
):
    alert_raise(kind="test.fever", title="梁溪", subject=zhang_san, jurisdiction=jiankang, by=None)
    alert_raise(kind="test.fever", title="滨湖", subject=li_si, jurisdiction=hubin, by=None)
    client.force_login(hq_admin)
    assert _titles(client, district=liangxi.pk) == ["梁溪"]
    assert _titles(client, district=binhu.pk, show="all") == ["滨湖"]
    assert set(_titles(client)) == {"梁溪", "滨湖"}
    page = client.get(reverse("alerts:list"), {"district": liangxi.pk}).content.decode()
    assert 'data-testid="alert-district"' in page and "梁溪区" in page


def test_a_district_outside_the_viewers_part_of_the_city_is_ignored(
    client, zhang_san, li_si, jiankang, hubin, binhu, liangxi_officer
):
    alert_raise(kind="test.fever", title="梁溪", subject=zhang_san, jurisdiction=jiankang, by=None)
    alert_raise(kind="test.fever", title="滨湖", subject=li_si, jurisdiction=hubin, by=None)
    client.force_login(liangxi_officer)
    assert _titles(client, district=binhu.pk) == ["梁溪"]
    assert _titles(client, district="x²") == ["梁溪"]
