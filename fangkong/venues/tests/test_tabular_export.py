"""Exports neutralise formula injection (OWASP "CSV injection") in CSV and XLSX alike."""

import csv
import io

import pytest
from django.core.cache import cache
from django.test import Client
from openpyxl import load_workbook

from fangkong.core.tabular_export import csv_cell, csv_lines, xlsx_bytes
from fangkong.people.models import Person
from fangkong.testing.identities import resident_id
from fangkong.venues.models import VenueCategory
from fangkong.venues.services.venues import venue_create

HYPERLINK = '=HYPERLINK("http://x","y")'


@pytest.mark.parametrize(
    "text", [HYPERLINK, "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(A1:A2)", "\t=1", "\r=1"]
)
def test_text_that_a_spreadsheet_would_run_is_prefixed_with_a_quote(text):
    assert csv_cell(text) == "'" + text


@pytest.mark.parametrize("value", ["张三", "3202********1234", "138****5678", "a=b", ""])
def test_ordinary_text_is_left_alone(value):
    assert csv_cell(value) == value


def test_numbers_stay_numbers_even_negative_ones():
    assert csv_cell(-3) == -3
    assert csv_cell(2.5) == 2.5
    assert csv_cell(None) == ""


def test_the_csv_writer_neutralises_header_and_cells():
    text = "".join(csv_lines(["=title"], [[HYPERLINK], [-4]]))
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert rows == [["'=title"], ["'" + HYPERLINK], ["-4"]]


def test_the_xlsx_writer_writes_a_text_cell_never_a_formula():
    workbook = load_workbook(
        io.BytesIO(xlsx_bytes(["姓名"], [[HYPERLINK], ["@x"], [-4]], title="t"))
    )
    sheet = workbook.active
    assert sheet is not None
    formula, at, number = sheet["A2"], sheet["A3"], sheet["A4"]
    assert formula.data_type == "s" and formula.value == HYPERLINK and formula.quotePrefix
    assert at.data_type == "s" and at.quotePrefix
    assert number.data_type == "n" and number.value == -4


@pytest.fixture
def _fresh_rate_limits():
    cache.clear()
    yield
    cache.clear()


@pytest.mark.usefixtures("_fresh_rate_limits")
def test_a_name_typed_at_a_venue_qr_page_cannot_run_in_the_hqs_exports(client, hq_admin, jiankang):
    venue = venue_create(
        name="梁溪酒吧",
        category=VenueCategory.BAR,
        jurisdiction=jiankang,
        approved_capacity=100,
        by=None,
    )
    number = resident_id()
    visitor = Client(HTTP_USER_AGENT="Mozilla/5.0 (iPhone)")
    answer = visitor.post(
        venue.checkin_path(),
        {"action": "identify", "name": HYPERLINK, "id_number": number, "phone": "13900001234"},
    )
    assert answer.status_code == 302
    assert Person.objects.get(id_number=number).name == HYPERLINK

    client.force_login(hq_admin)
    text = b"".join(client.get("/persons/export.csv").streaming_content).decode("utf-8-sig")
    names = [row[0] for row in csv.reader(io.StringIO(text))]
    assert "'" + HYPERLINK in names and HYPERLINK not in names

    xlsx = b"".join(client.get("/persons/export.xlsx").streaming_content)
    sheet = load_workbook(io.BytesIO(xlsx)).active
    assert sheet is not None
    [cell] = [row[0] for row in sheet.iter_rows(min_row=2) if row[0].value == HYPERLINK]
    assert cell.data_type == "s"  # text, not a formula Excel would run
