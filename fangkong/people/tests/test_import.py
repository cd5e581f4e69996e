import datetime as dt
import io

import pytest
from openpyxl import Workbook

from fangkong.core.models import AuditEvent
from fangkong.core.tabular import TableRejected, read_table
from fangkong.people.importing import PERSON_COLUMNS, person_import
from fangkong.people.models import Person
from fangkong.testing.identities import resident_id, with_wrong_check_digit


def _csv(lines: list[str]) -> io.BytesIO:
    return io.BytesIO(("\n".join(lines) + "\n").encode("utf-8-sig"))


def _import(data: io.BytesIO, by, filename: str = "名单.csv"):
    return person_import(rows=read_table(data, filename, PERSON_COLUMNS), filename=filename, by=by)


def test_an_import_with_one_bad_row_names_that_row_and_creates_nobody(jiankang, hq_admin):
    good, bad = resident_id(), with_wrong_check_digit(resident_id())
    data = _csv(
        [
            "姓名,证件号码,手机号,所属辖区",
            f"王一,{good},13800000001,320213001001",
            f"王二,{bad},13800000002,320213001001",
            f"王三,{resident_id()},13800000003,320213001001",
        ]
    )
    with pytest.raises(TableRejected) as rejected:
        _import(data, hq_admin)
    assert [(e.row, e.column) for e in rejected.value.errors] == [(3, "证件号码")]
    assert "校验位错误" in rejected.value.errors[0].message
    assert Person.objects.count() == 0
    assert AuditEvent.objects.filter(action="person.import").count() == 0


def test_every_bad_row_is_named_in_one_pass(jiankang, hq_admin):
    data = _csv(
        [
            "姓名,证件号码,手机号,所属辖区",
            f",{resident_id()},13800000001,",
            f"王二,{resident_id()},99,",
            f"王三,{resident_id()},,不存在的社区",
        ]
    )
    with pytest.raises(TableRejected) as rejected:
        _import(data, hq_admin)
    assert [(e.row, e.column) for e in rejected.value.errors] == [
        (2, "姓名"),
        (3, "手机号"),
        (4, "所属辖区"),
    ]


def test_a_missing_required_column_is_named(hq_admin):
    with pytest.raises(TableRejected) as rejected:
        _import(_csv(["姓名,手机号", "王一,13800000001"]), hq_admin)
    assert [(e.row, e.column) for e in rejected.value.errors] == [(1, "证件号码")]


def test_persons_already_registered_are_found_not_duplicated(zhang_san, hq_admin):
    data = _csv(["姓名,证件号码", f"张三,{zhang_san.id_number}", f"新人,{resident_id()}"])
    result = _import(data, hq_admin)
    assert (result.record.created, result.existing) == (1, 1)
    assert Person.objects.count() == 2


def test_the_same_person_twice_in_a_file_is_one_person(hq_admin):
    number = resident_id()
    result = _import(_csv(["姓名,证件号码", f"王一,{number}", f"王一,{number}"]), hq_admin)
    assert result.record.created == 1


def test_one_id_number_with_two_names_is_an_error_naming_both_rows(hq_admin):
    number = resident_id()
    with pytest.raises(TableRejected) as rejected:
        _import(_csv(["姓名,证件号码", f"王一,{number}", f"王二,{number}"]), hq_admin)
    assert rejected.value.errors[0].row == 3
    assert "第 2 行" in rejected.value.errors[0].message


def test_a_name_that_contradicts_the_registry_is_an_error_that_names_nobody(zhang_san, hq_admin):
    with pytest.raises(TableRejected) as rejected:
        _import(_csv(["姓名,证件号码", f"张叁,{zhang_san.id_number}"]), hq_admin)
    (error,) = rejected.value.errors
    assert (error.row, error.column) == (2, "姓名")
    assert "姓名与登记信息不符" in error.message
    assert "张三" not in error.message


def test_an_xlsx_with_numeric_cells_imports_like_a_csv(jiankang, hq_admin):
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["姓名", "证件类型", "证件号码", "手机号", "所属辖区"])
    number = resident_id(dt.date(1960, 1, 1))
    sheet.append(["王一", "居民身份证", number, 13800000001, "健康社区"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    result = _import(buffer, hq_admin, filename="名单.xlsx")
    person = result.created[0]
    assert (person.id_number, person.phone, person.home_jurisdiction) == (
        number,
        "+8613800000001",
        jiankang,
    )


def test_a_gb18030_csv_from_excel_is_read(hq_admin):
    number = resident_id()
    data = io.BytesIO(f"姓名,证件号码\n王一,{number}\n".encode("gb18030"))
    assert _import(data, hq_admin).record.created == 1


def test_an_accepted_import_leaves_one_audit_row_listing_who_was_created(hq_admin):
    result = _import(_csv(["姓名,证件号码", f"王一,{resident_id()}"]), hq_admin)
    event = AuditEvent.objects.get(action="person.import")
    assert event.after is not None
    assert event.after["created_person_ids"] == [result.created[0].pk]


def test_the_import_page_shows_the_bad_row_and_writes_nothing(client, hq_admin):
    client.force_login(hq_admin)
    data = _csv(["姓名,证件号码", f"王一,{with_wrong_check_digit(resident_id())}"])
    data.name = "名单.csv"
    response = client.post("/persons/import/", {"file": data})
    assert response.status_code == 400
    errors = response.content.decode()
    assert "<td>2</td>" in errors
    assert "校验位错误" in errors
    assert Person.objects.count() == 0
