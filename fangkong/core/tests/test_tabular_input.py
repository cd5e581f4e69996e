"""Uploaded tables: a file fangkong cannot read faithfully is refused with the reason, never
stored garbled or recorded as an empty import; dates before the plausible are refused."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django import forms

from fangkong.core.forms import StyledForm
from fangkong.core.tabular import Column, TableRejected, read_table

COLUMNS = [Column("name", ("姓名", "name")), Column("id_number", ("证件号码", "id_number"))]


def _read(raw: bytes, filename: str = "people.csv") -> list[dict[str, str]]:
    return [row.values for row in read_table(io.BytesIO(raw), filename, COLUMNS)]


@pytest.mark.parametrize("names", [["陳大文", "張偉", "林美玲"], ["王小明"], ["黃志強", "李嘉欣"]])
def test_a_big5_file_of_chinese_names_is_refused_as_big5_not_stored_garbled(names):
    text = "name,id_number\n" + "".join(f"{n},1\n" for n in names)

    with pytest.raises(TableRejected) as rejected:
        _read(text.encode("big5"))

    assert "Big5" in str(rejected.value)


def test_a_big5_file_with_traditional_headers_is_refused_as_big5():
    with pytest.raises(TableRejected) as rejected:
        _read("姓名,證件號碼\n陳大文,1\n".encode("big5"))

    assert "Big5" in str(rejected.value)


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_simplified_and_rare_name_characters_are_read_in_utf8_and_gb18030(encoding):
    text = "姓名,证件号码\n陈大文,1\n王喆,2\n李䶮,3\n欧阳·娜娜,4\n"

    assert [v["name"] for v in _read(text.encode(encoding))] == [
        "陈大文",
        "王喆",
        "李䶮",
        "欧阳·娜娜",
    ]


@pytest.mark.parametrize("encoding", ["utf-16", "latin-1"])
def test_a_file_in_another_encoding_is_refused_with_the_encoding_named(encoding):
    with pytest.raises(TableRejected) as rejected:
        _read("name,id_number\nJosé Müller,1\n".encode(encoding))

    assert "UTF-8" in str(rejected.value)


@pytest.mark.parametrize("raw", [b"name,id_number\n", b"name,id_number\n,\n\n"])
def test_a_header_only_file_is_refused_as_having_no_rows(raw):
    with pytest.raises(TableRejected) as rejected:
        _read(raw)

    assert "文件没有数据行" in str(rejected.value)


def test_a_nul_character_in_a_cell_is_refused_naming_row_and_column():
    with pytest.raises(TableRejected) as rejected:
        _read(b"name,id_number\nok,1\nbad\x00name,2\n")

    [error] = rejected.value.errors
    assert (error.row, error.column) == (3, "姓名")


def test_a_cell_beyond_the_csv_size_limit_is_refused_naming_the_row():
    with pytest.raises(TableRejected) as rejected:
        _read(b"name,id_number\nok,1\n" + b"x" * 200_000 + b",2\n")

    assert rejected.value.errors[0].row == 3


class _EventForm(StyledForm):
    detected_at = forms.DateTimeField()
    birth_date = forms.DateField(required=False)


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"detected_at": "0063-07-28 10:00"}, "detected_at"),
        ({"detected_at": "2019-11-30 23:59"}, "detected_at"),
        ({"detected_at": "2021-07-28 10:00", "birth_date": "0063-05-01"}, "birth_date"),
    ],
)
def test_a_form_refuses_a_date_before_the_earliest_on_its_field(data, field):
    form = _EventForm(data)

    assert not form.is_valid()
    assert list(form.errors) == [field]


def test_a_form_takes_an_old_birth_date_and_a_recent_event():
    form = _EventForm({"detected_at": "2021-07-28 10:00", "birth_date": "1931-02-01"})

    assert form.is_valid(), form.errors
    assert form.cleaned_data["birth_date"] == dt.date(1931, 2, 1)
