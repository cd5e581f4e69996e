"""The intake API: lists posted as JSON (idempotent by request and row numbers), a sender's
file in GB18030, and the manual queue identified by hand."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import Workbook
from rest_framework.test import APIClient

from fangkong.accounts.models import User
from fangkong.assist.models import AssistRequest, AssistRow, RowMatch, VerificationTask
from fangkong.core.models import AuditEvent, DataImport
from fangkong.people.models import Person
from fangkong.testing.identities import resident_id
from fangkong.testing.problems import row_errors

API = "/api/v1/assist"


@pytest.fixture
def hq_api(hq_admin: User) -> APIClient:
    client = APIClient()
    client.force_authenticate(hq_admin)
    return client


def _list(*rows: dict[str, Any], number: str = "苏协〔2021〕88号") -> dict[str, Any]:
    return {
        "counterpart": "江苏省",
        "counterpart_kind": "province",
        "number": number,
        "received_at": "2021-08-03T09:00:00+08:00",
        "rows": list(rows),
    }


def test_a_posted_list_is_created_with_its_location_and_a_resend_adds_only_new_rows(
    hq_api: APIClient, zhang_san: Person
) -> None:
    first = {"row_number": 1, "name": "张三", "id_number": zhang_san.id_number, "category": "密接"}
    second = {"row_number": 2, "name": "无号", "category": "其他"}

    created = hq_api.post(f"{API}/incoming/", _list(first), format="json")
    assert created.status_code == 201, created.content
    request = AssistRequest.objects.get()
    assert created["Location"].endswith(f"{API}/requests/{request.pk}/")
    assert created.json()["receipt"]["tasks"] == 1
    assert hq_api.get(created["Location"]).json()["number"] == request.number

    again = hq_api.post(f"{API}/incoming/", _list(first), format="json")
    assert again.status_code == 200 and again.json()["receipt"]["added"] == 0
    more = hq_api.post(f"{API}/incoming/", _list(first, second), format="json")
    assert more.status_code == 200
    assert more.json()["rows"] == 2 and more.json()["manual"] == 1

    changed = hq_api.post(f"{API}/incoming/", _list({**first, "name": "张叁"}), format="json")
    assert changed.status_code == 400
    assert row_errors(changed)[0][:2] == (1, "row_number")
    assert AssistRow.objects.count() == 2


def test_a_retried_post_with_its_idempotency_key_is_answered_again_without_a_second_receipt(
    hq_api: APIClient,
) -> None:
    body = _list({"name": "王五", "id_number": resident_id(), "category": "密接"})
    key = "3f6c2a9e-assist-1"

    first = hq_api.post(f"{API}/incoming/", body, format="json", HTTP_IDEMPOTENCY_KEY=key)
    again = hq_api.post(f"{API}/incoming/", body, format="json", HTTP_IDEMPOTENCY_KEY=key)

    assert (first.status_code, again.status_code) == (201, 201)
    assert again["Idempotent-Replayed"] == "true"
    assert AuditEvent.objects.filter(action="assist_request.receive").count() == 1


def test_a_bad_record_names_its_position_and_key_and_nothing_is_written(
    hq_api: APIClient,
) -> None:
    good = {"name": "王五", "id_number": resident_id(), "category": "密接"}
    bad = {"name": "赵六", "id_number": "1234", "category": "路人"}

    response = hq_api.post(f"{API}/incoming/", _list(good, bad), format="json")

    assert response.status_code == 400
    assert {(row, key) for row, key, _m in row_errors(response)} == {
        (2, "id_number"),
        (2, "category"),
    }
    assert not AssistRequest.objects.exists() and not Person.objects.exists()


def _gb18030_csv(text: str, name: str = "南京协查.csv") -> io.BytesIO:
    data = io.BytesIO(text.encode("gb18030"))
    data.name = name
    return data


def _upload(client: APIClient, data: io.BytesIO) -> Any:
    return client.post(
        f"{API}/incoming/import/",
        {
            "file": data,
            "counterpart": "南京市",
            "number": "宁协查〔2021〕12号",
            "received_at": "2021-08-03T09:00:00+08:00",
        },
        format="multipart",
    )


def test_a_senders_gb18030_file_is_imported_with_duplicates_as_one_task(
    hq_api: APIClient, zhang_san: Person
) -> None:
    newcomer = resident_id()
    csv = (
        "序号,姓名,身份证号,联系电话,现住址,类别,暴露地点,暴露时间,备注\n"
        f"1,张三,{zhang_san.id_number},,,密切接触者,禄口机场T2,2021-07-20 10:00,\n"
        f"2,王五,{newcomer},13700001111,梁溪区中山路1号,次密接,,,同行\n"
        f"3,张三,{zhang_san.id_number},,,涉疫场所暴露人员,,,\n"
    )

    response = _upload(hq_api, _gb18030_csv(csv))

    assert response.status_code == 201, response.content
    assert response.json()["receipt"] == {
        "created": True,
        "added": 3,
        "unchanged": 0,
        "persons_created": 1,
        "tasks": 2,
        "answered": 0,
        "manual": 0,
    }
    assert VerificationTask.objects.count() == 2
    assert AssistRow.objects.get(row_number=2).exposure_place == ""
    assert DataImport.objects.get().filename == "南京协查.csv"
    assert AuditEvent.objects.filter(action="assist_request.import").count() == 1


def test_an_xlsx_list_with_numbers_as_cells_and_no_row_numbers_is_read_in_its_order(
    hq_api: APIClient, li_si: Person
) -> None:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["姓名", "证件号码", "手机号", "人员类别", "暴露时间"])
    sheet.append(["王五", resident_id(), 13700002222, "次密接", dt.datetime(2021, 7, 30, 18)])
    sheet.append(["李四", "", int(li_si.phone.removeprefix("+86")), "密接", None])
    data = io.BytesIO()
    workbook.save(data)
    data.seek(0)
    data.name = "名单.xlsx"

    response = _upload(hq_api, data)

    assert response.status_code == 201, response.content
    first, second = AssistRow.objects.order_by("row_number")
    assert (first.row_number, first.phone, first.category) == (
        1,
        "+8613700002222",
        "secondary_contact",
    )
    assert (second.row_number, second.person, second.match) == (2, li_si, RowMatch.PHONE)


def test_a_bad_row_in_the_file_names_its_line_and_column_and_writes_nothing(
    hq_api: APIClient,
) -> None:
    csv = f"序号,姓名,证件号码,手机号,人员类别\n1,王五,{resident_id()},,密接\n2,赵六,,12345,密接\n"

    response = _upload(hq_api, _gb18030_csv(csv))

    assert response.status_code == 400
    assert [(row, key) for row, key, _m in row_errors(response)] == [(3, "phone")]
    assert "第 3 行「手机号」" in response.json()["detail"]
    assert not AssistRequest.objects.exists() and not Person.objects.exists()


def test_the_manual_queue_is_listed_audited_and_a_row_identified_leaves_it(
    hq_api: APIClient, zhang_san: Person
) -> None:
    hq_api.post(f"{API}/incoming/", _list({"name": "张先生", "category": "密接"}), format="json")
    row = AssistRow.objects.get()

    listed = hq_api.get(f"{API}/manual-queue/")
    assert [r["id"] for r in listed.json()["results"]] == [row.pk]
    assert AuditEvent.objects.filter(action="assist_request.view").count() == 1

    identified = hq_api.post(
        f"{API}/manual-queue/{row.pk}/identify/", {"person": zhang_san.pk}, format="json"
    )
    assert identified.status_code == 200, identified.content
    assert identified.json()["match"] == RowMatch.MANUAL
    assert identified.json()["task"] is not None
    assert hq_api.get(f"{API}/manual-queue/").json()["results"] == []


def test_a_district_officer_may_read_a_request_but_not_receive_one_nor_see_the_queue(
    liangxi_officer: User,
) -> None:
    client = APIClient()
    client.force_authenticate(liangxi_officer)

    refused = client.post(f"{API}/incoming/", _list({"name": "王五", "category": "密接"}))

    assert refused.status_code == 403
    assert client.get(f"{API}/manual-queue/").status_code == 403


def test_the_command_imports_a_file_and_names_the_bad_rows_of_another(
    tmp_path: Path, city: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    good = tmp_path / "扬州协查.csv"
    good.write_bytes(f"姓名,证件号码,人员类别\n王五,{resident_id()},密接\n".encode("gb18030"))
    bad = tmp_path / "坏名单.csv"
    bad.write_bytes("姓名,证件号码,人员类别\n赵六,1234,密接\n".encode("gb18030"))

    call_command(
        "assist_import", str(good), "--from", "扬州市", "--number", "Y-1",
        "--received-at", "2021-08-03T09:00",
    )  # fmt: skip
    assert "新增 1 行" in capsys.readouterr().out
    with pytest.raises(CommandError):
        call_command("assist_import", str(bad), "--from", "扬州市", "--number", "Y-2")
    assert "第 2 行「证件号码」" in capsys.readouterr().err
    assert AssistRequest.objects.get().number == "Y-1"
