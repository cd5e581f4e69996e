import csv
import io

from openpyxl import load_workbook


def _csv_rows(response) -> list[list[str]]:
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


def test_a_leaders_csv_export_masks_identifiers(client, zhang_san, li_si, leader):
    client.force_login(leader)
    rows = _csv_rows(client.get("/persons/export.csv"))
    assert rows[0][:3] == ["姓名", "证件类型", "证件号码"]
    by_name = {row[0]: row for row in rows[1:]}
    assert by_name["张三"][2] == zhang_san.masked_id_number
    assert by_name["张三"][3] == "138****5678"
    assert set(by_name) == {"张三", "李四"}


def test_a_district_officers_xlsx_export_holds_only_their_district_in_full(
    client, zhang_san, li_si, liangxi_officer
):
    client.force_login(liangxi_officer)
    response = client.get("/persons/export.xlsx")
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    sheet = workbook.active
    assert sheet is not None
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 2
    assert rows[1][0] == "张三"
    assert rows[1][2] == zhang_san.id_number
    assert rows[1][3] == "13812345678"


def test_the_export_follows_the_search(client, zhang_san, li_si, hq_admin):
    client.force_login(hq_admin)
    rows = _csv_rows(client.get("/persons/export.csv", {"q": "李"}))
    assert [row[0] for row in rows[1:]] == ["李四"]
