"""The public arrival page (no login, rate-limited, CSRF-protected, the same thank-you for
everyone), its QR poster, and the staff's list of reports scoped to their jurisdiction."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.test import Client
from django.utils import timezone

from fangkong.assist.models import AreaLevel, ArrivalReport, VerificationTask
from fangkong.assist.services.arrivals import arrival_report_submit
from fangkong.assist.services.risk_areas import risk_area_create
from fangkong.core.models import AuditEvent
from fangkong.testing.identities import resident_id

PAGE = "/assist/public/arrival/"


@pytest.fixture
def lukou(hq_admin):
    today = timezone.localdate()
    return risk_area_create(
        city="南京市",
        name="江宁区禄口街道",
        level=AreaLevel.HIGH,
        since=today - dt.timedelta(days=10),
        by=hq_admin,
    )


def _form(jiankang, **changes):
    now = timezone.localtime()
    fields = {
        "name": "王五",
        "id_type": "resident_id",
        "id_number": resident_id(dt.date(1990, 5, 6), sequence=21),
        "phone": "13912340000",
        "from_area": "",
        "from_text": "",
        "left_at": (now - dt.timedelta(days=1)).date().isoformat(),
        "arrived_at": (now - dt.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
        "address": "健康社区 8 号",
        "jurisdiction": jiankang.pk,
    }
    return {**fields, **changes}


def test_the_public_page_needs_no_login_and_offers_the_areas_in_force(client, jiankang, lukou):
    page = client.get(PAGE)
    assert page.status_code == 200
    text = page.content.decode()
    assert "江宁区禄口街道" in text and jiankang.name in text


def test_a_matching_report_thanks_the_person_and_makes_one_task(client, jiankang, lukou):
    response = client.post(PAGE, _form(jiankang, from_area=lukou.pk))

    assert response.status_code == 302 and response["Location"] == "/assist/public/arrival/thanks/"
    report = ArrivalReport.objects.get()
    assert report.measure == "centralized" and VerificationTask.objects.count() == 1
    assert AuditEvent.objects.get(action="arrival_report.submit").channel == "public"


def test_the_thank_you_is_the_same_whether_the_person_is_known_or_the_place_matched(
    client, jiankang, lukou, zhang_san
):
    answers = []
    for fields in (
        _form(jiankang, from_area=lukou.pk),  # someone new, from a risk area
        _form(jiankang, name="张三", id_number=zhang_san.id_number, from_text="上海市"),
        _form(jiankang, name="冒名", id_number=zhang_san.id_number, from_text="北京市"),
    ):
        response = client.post(PAGE, fields, follow=True)
        # The page's CSRF token is masked anew on every render; nothing else may differ.
        shown = re.sub(r'X-CSRFToken": "[^"]+"', "", response.content.decode())
        answers.append((response.redirect_chain, shown))
    assert answers[0] == answers[1] == answers[2]
    assert "张三" not in answers[0][1]
    assert ArrivalReport.objects.count() == 3


def test_the_report_after_the_limit_in_a_minute_is_refused_and_writes_nothing(
    client, jiankang, lukou, settings, rate_limit_clock_held
):
    settings.FANGKONG_ASSIST_ARRIVAL_RATE_PER_MINUTE = 2
    statuses = [
        client.post(
            PAGE, _form(jiankang, id_number=resident_id(sequence=30 + n), from_text="上海市")
        ).status_code
        for n in range(3)
    ]
    assert statuses == [302, 302, 429]
    assert ArrivalReport.objects.count() == 2


def test_a_post_without_the_csrf_token_is_refused(jiankang, lukou):
    strict = Client(enforce_csrf_checks=True)
    assert strict.post(PAGE, _form(jiankang)).status_code == 403
    assert not ArrivalReport.objects.exists()


def test_an_invalid_report_is_shown_again_with_its_errors(client, jiankang, lukou):
    response = client.post(PAGE, _form(jiankang, id_number="320", from_text=""))
    assert response.status_code == 400
    assert "请选择或填写出发地" in response.content.decode()
    assert not ArrivalReport.objects.exists()


def test_the_poster_carries_the_public_pages_address_as_a_qr_code(client, hq_admin):
    assert client.get("/assist/arrivals/poster/").status_code == 302  # sign in first
    client.force_login(hq_admin)
    poster = client.get("/assist/arrivals/poster/").content.decode()
    assert "<svg" in poster and PAGE in poster


def test_the_staff_list_shows_a_district_its_own_arrivals_masked_and_audited(
    client, jiankang, hubin, lukou, liangxi_officer, hq_admin, binhu
):
    now = timezone.now()
    for community, sequence in ((jiankang, 41), (hubin, 42)):
        arrival_report_submit(
            name=f"来人{sequence}",
            id_number=resident_id(sequence=sequence),
            phone="13912340000",
            from_area=lukou,
            left_at=timezone.localdate(),
            arrived_at=now,
            address="某路 1 号",
            jurisdiction=community,
            at=now,
        )

    client.force_login(liangxi_officer)
    page = client.get("/assist/arrivals/").content.decode()
    assert "来人41" in page and "来人42" not in page
    assert "139****0000" in page and "13912340000" not in page
    assert AuditEvent.objects.filter(action="arrival_report.list").count() == 1

    client.force_login(hq_admin)
    page = client.get(f"/assist/arrivals/?district={binhu.pk}").content.decode()
    assert "来人42" in page and "来人41" not in page

    client.force_login(liangxi_officer)
    listed = client.get("/api/v1/assist/arrival-reports/").json()["results"]
    assert [r["name"] for r in listed] == ["来人41"]
    assert client.get("/api/v1/assist/arrival-reports/?matched=false").json()["results"] == []
    assert client.get("/api/v1/assist/arrival-reports/?matched=maybe").status_code == 400
    other = ArrivalReport.objects.get(name="来人42")
    assert client.get(f"/api/v1/assist/arrival-reports/{other.pk}/").status_code == 404
