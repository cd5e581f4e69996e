"""Each alert has a page of its own (the command screen's feed opens it): what, where, about
whom, and its handling; a viewer outside its part of the city gets nothing."""

from django.urls import reverse

from fangkong.alerts.models import Severity
from fangkong.alerts.services import alert_raise


def _fever(subject, jurisdiction):
    return alert_raise(
        kind="test.fever",
        title="隔离人员发热",
        detail="体温 38.2 ℃",
        subject=subject,
        jurisdiction=jurisdiction,
        severity=Severity.CRITICAL,
        by=None,
    ).alert


def test_an_alert_page_shows_the_alert_and_links_its_subject(client, zhang_san, jiankang, hq_admin):
    alert = _fever(zhang_san, jiankang)
    client.force_login(hq_admin)
    page = client.get(reverse("alerts:detail", args=[alert.pk]))
    assert page.status_code == 200
    text = page.content.decode()
    assert "隔离人员发热" in text and "体温 38.2 ℃" in text and "健康社区" in text
    assert f'href="{zhang_san.get_absolute_url()}"' in text
    listed = client.get(reverse("alerts:list")).content.decode()
    assert f'href="{alert.get_absolute_url()}"' in listed


def test_resolving_from_the_alert_page_comes_back_to_it_resolved(
    client, zhang_san, jiankang, hq_admin
):
    alert = _fever(zhang_san, jiankang)
    client.force_login(hq_admin)
    answer = client.post(reverse("alerts:resolve", args=[alert.pk]), {"note": "已复测正常"})
    assert answer.status_code == 302 and answer["Location"] == alert.get_absolute_url()
    alert.refresh_from_db()
    assert not alert.is_open and alert.resolution_note == "已复测正常"
    assert "已复测正常" in client.get(answer["Location"]).content.decode()


def test_another_districts_officer_cannot_open_the_alert(
    client, zhang_san, jiankang, binhu_officer
):
    alert = _fever(zhang_san, jiankang)
    client.force_login(binhu_officer)
    assert client.get(reverse("alerts:detail", args=[alert.pk])).status_code == 404
