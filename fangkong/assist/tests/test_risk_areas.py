"""The risk-area list: registered by notice or imported from a sheet, lifted, listed."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from fangkong.assist.models import AreaLevel, RiskArea
from fangkong.assist.risk_area_import import RISK_AREA_COLUMNS, risk_area_import
from fangkong.assist.services.risk_areas import (
    RiskAreaEnded,
    RiskAreaExists,
    risk_area_create,
    risk_area_end,
)
from fangkong.core.models import AuditEvent
from fangkong.core.tabular import TableRejected, read_table

JULY_20 = dt.date(2021, 7, 20)


def _lukou(by, **changes):
    fields = {
        "province": "江苏省",
        "city": "南京市",
        "name": "江宁区禄口街道",
        "level": AreaLevel.HIGH,
        "since": JULY_20,
        "source": "南京市通告",
        "by": by,
    }
    return risk_area_create(**{**fields, **changes})


def _rows(text: str, encoding: str = "utf-8"):
    return read_table(io.BytesIO(text.encode(encoding)), "areas.csv", RISK_AREA_COLUMNS)


def test_an_area_registered_by_notice_is_in_force_from_its_day_until_lifted(hq_admin):
    area = _lukou(hq_admin)
    assert area not in RiskArea.objects.in_force(JULY_20 - dt.timedelta(days=1))
    assert area in RiskArea.objects.in_force(JULY_20 + dt.timedelta(days=30))

    risk_area_end(area=area, until=dt.date(2021, 8, 26), by=hq_admin)

    assert area in RiskArea.objects.in_force(dt.date(2021, 8, 26))
    assert area not in RiskArea.objects.in_force(dt.date(2021, 8, 27))
    actions = list(
        AuditEvent.objects.filter(
            action__startswith="risk_area.", object_id=str(area.pk)
        ).values_list("action", flat=True)
    )
    assert sorted(actions) == ["risk_area.create", "risk_area.end"]


def test_the_same_area_twice_is_a_conflict_and_a_lifted_area_cannot_be_lifted_again(hq_admin):
    area = _lukou(hq_admin)
    with pytest.raises(RiskAreaExists):
        _lukou(hq_admin)
    risk_area_end(area=area, until=JULY_20, by=hq_admin)
    with pytest.raises(RiskAreaEnded):
        risk_area_end(area=area, until=JULY_20, by=hq_admin)


def test_bad_values_are_named_by_field(hq_admin):
    with pytest.raises(ValidationError) as refused:
        _lukou(hq_admin, city="", level="low", until=JULY_20 - dt.timedelta(days=1))
    assert set(refused.value.message_dict) == {"city", "level", "until"}
    assert not RiskArea.objects.exists()


def test_an_import_in_gb18030_registers_every_area_once_and_counts_the_known_ones(hq_admin):
    _lukou(hq_admin)
    sheet = (
        "省份,城市,地区,风险等级,起始日期,截止日期,依据\n"
        "江苏省,南京市,江宁区禄口街道,高风险,2021-07-20,,南京市通告\n"
        "江苏省,扬州市,邗江区汊河街道,中,2021/7/28,,扬州市通告\n"
        "湖南省,张家界市,永定区,高风险,2021-07-30,2021-08-30,\n"
    )
    result = risk_area_import(rows=_rows(sheet, "gb18030"), filename="areas.csv", by=hq_admin)

    assert [a.city for a in result.created] == ["扬州市", "张家界市"]
    assert result.existing == 1
    assert RiskArea.objects.get(city="扬州市").level == AreaLevel.MEDIUM
    assert AuditEvent.objects.filter(action="risk_area.import").count() == 1


def test_an_import_with_a_bad_row_names_row_and_column_and_writes_nothing(hq_admin):
    sheet = (
        "城市,地区,风险等级,起始日期\n"
        "南京市,江宁区禄口街道,高风险,2021-07-20\n"
        "扬州市,邗江区,低风险,2021-07-28\n"
        "南京市,江宁区禄口街道,高风险,2021-07-20\n"
        "成都市,郫都区,中风险,七月\n"
    )
    with pytest.raises(TableRejected) as rejected:
        risk_area_import(rows=_rows(sheet), filename="areas.csv", by=hq_admin)

    named = {(e.row, e.column) for e in rejected.value.errors}
    assert named == {(3, "风险等级"), (4, "地区"), (5, "起始日期")}
    assert not RiskArea.objects.exists()
    assert not AuditEvent.objects.filter(action="risk_area.import").exists()


def test_the_page_lists_areas_in_force_and_only_the_hq_changes_them(
    client, hq_admin, liangxi_officer
):
    kept = _lukou(hq_admin, since=dt.date(2021, 7, 20))
    lifted = _lukou(hq_admin, city="扬州市", name="邗江区", level=AreaLevel.MEDIUM)
    risk_area_end(area=lifted, until=dt.date(2021, 7, 31), by=hq_admin)

    client.force_login(liangxi_officer)
    page = client.get("/assist/risk-areas/?day=2021-08-05").content.decode()
    assert kept.name in page and lifted.name not in page
    assert lifted.name in client.get("/assist/risk-areas/?all=on").content.decode()
    assert client.post("/assist/risk-areas/new/", {}).status_code == 403

    client.force_login(hq_admin)
    response = client.post(
        "/assist/risk-areas/new/",
        {"city": "成都市", "name": "郫都区", "level": "high", "since": "2021-11-03"},
    )
    assert response.status_code == 302 and RiskArea.objects.filter(city="成都市").exists()
    response = client.post(f"/assist/risk-areas/{kept.pk}/end/", {"until": "2021-08-26"})
    kept.refresh_from_db()
    assert response.status_code == 302 and kept.until == dt.date(2021, 8, 26)


def test_the_import_page_shows_the_rejected_rows(client, hq_admin):
    client.force_login(hq_admin)
    upload = SimpleUploadedFile(
        "areas.csv", "城市,地区,风险等级,起始日期\n南京市,,高,2021-07-20\n".encode()
    )
    response = client.post("/assist/risk-areas/import/", {"file": upload})
    assert response.status_code == 400
    assert "import-errors" in response.content.decode()
    assert not RiskArea.objects.exists()


def test_the_api_registers_lists_by_day_and_lifts(client, hq_admin, liangxi_officer):
    client.force_login(hq_admin)
    created = client.post(
        "/api/v1/assist/risk-areas/",
        {"city": "南京市", "name": "江宁区禄口街道", "level": "high", "since": "2021-07-20"},
        content_type="application/json",
    )
    assert created.status_code == 201
    pk = created.json()["id"]
    again = client.post(
        "/api/v1/assist/risk-areas/",
        {"city": "南京市", "name": "江宁区禄口街道", "level": "high", "since": "2021-07-20"},
        content_type="application/json",
    )
    assert again.status_code == 409
    ended = client.post(
        f"/api/v1/assist/risk-areas/{pk}/end/",
        {"until": "2021-08-26"},
        content_type="application/json",
    )
    assert ended.status_code == 200 and ended.json()["until"] == "2021-08-26"

    client.force_login(liangxi_officer)
    listed = client.get("/api/v1/assist/risk-areas/?day=2021-09-01").json()["results"]
    assert listed == []
    assert len(client.get("/api/v1/assist/risk-areas/").json()["results"]) == 1
    assert client.post(f"/api/v1/assist/risk-areas/{pk}/end/", {}).status_code == 403
