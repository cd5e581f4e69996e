"""Hypothesis over every file importer: any uploaded file is imported whole or refused with
the row and column named, and a refused file writes nothing.

Every importer reads its file with `core.tabular.read_table` and validates it in its own
service; the files generated here are random bytes, wrong encodings (Big5, UTF-16, Latin-1),
cells of 100,000 characters, missing, extra and duplicated columns, header-only and empty
files, and rows that look valid (real ID numbers, phones, dates, categories, places).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import models
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from fangkong.accounts.scope import scope_of
from fangkong.core.models import AuditEvent, DataImport
from fangkong.core.tabular import Column, TableRejected, read_table
from fangkong.hospitals.importing import WARD_COLUMNS, ward_import
from fangkong.hospitals.models import Bed, Hospital, HospitalKind, Ward
from fangkong.hospitals.services.facilities import hospital_create
from fangkong.people.importing import PERSON_COLUMNS, person_import
from fangkong.people.models import Person
from fangkong.quarantine.models import Placement, Site
from fangkong.quarantine.services.batch_import import BATCH_COLUMNS, batch_import
from fangkong.quarantine.services.sites import rooms_create, site_create
from fangkong.testing.identities import mobile, resident_id
from fangkong.venues.models import CheckIn, Venue
from fangkong.venues.services.importing import VENUE_COLUMNS, venue_import
from fangkong.venues.services.ingest import INGEST_COLUMNS, checkin_ingest

# Generated files per importer: the whole module stays near a minute on SQLite.
FILES_PER_IMPORTER = 25

pytestmark = pytest.mark.django_db

_IDS = [resident_id(dt.date(1960 + n, 1 + n % 12, 1 + n)) for n in range(8)]
_SHARED = {
    "name": st.sampled_from(["张三", "李四", "欧阳·娜娜", "Wang Wei", "王喆"]),
    "id_type": st.sampled_from(["", "居民身份证", "护照", "resident_id", "未知"]),
    "id_number": st.sampled_from([*_IDS, "123", "32020019900101123X"]),
    "phone": st.sampled_from(["", mobile(), mobile(), "123", "+86 139 0000 0000"]),
    "address": st.sampled_from(["", "中山路1号", "x" * 300]),
    "jurisdiction": st.sampled_from(["", "健康社区", "梁溪区", "滨湖区", "湖滨社区", "火星"]),
}
_PLAUSIBLE: dict[str, st.SearchStrategy[str]] = {
    **_SHARED,
    "category": st.sampled_from(["密接", "次密接", "入境", "close_contact", "酒吧", "bar", "?"]),
    "last_exposure_at": st.sampled_from(["", "2021-07-28 19:05", "0063-01-01", "2021/13/40"]),
    "arrival_at": st.sampled_from(["", "2021-07-29 08:00", "2099-01-01 00:00", "昨天"]),
    "source": st.sampled_from(["", "流调", "x" * 500]),
    "household": st.sampled_from(["", "H1", "H2"]),
    "exposed_via": st.sampled_from(["", *_IDS[:2]]),
    "kind": st.sampled_from(["隔离病区", "icu", "普通病区", "病区", ""]),
    "beds": st.sampled_from(["1", "3", "0", "-2", "501", "99999999999999999999", "三"]),
    "bed_prefix": st.sampled_from(["", "A", "床" * 50]),
    "location": st.sampled_from(["", "三楼"]),
    "approved_capacity": st.sampled_from(["10", "0", "-1", "1e9", "99999999999999999999"]),
    "operator_unit": st.sampled_from(["", "健康社区居委会", "无此单位"]),
    "manager": st.sampled_from(["", "venue_manager", "nobody"]),
    "rooms": st.sampled_from(["", "A01:8", "A01:8;A02:x", "：：", "包间"]),
    "record_id": st.sampled_from(["", "R1", "R2", "R" * 70]),
    "venue_code": st.sampled_from(["", "V-UNKNOWN"]),
    "check_in": st.sampled_from(["2021-07-28T20:00:00+08:00", "0063-07-28T20:00", "", "晚上"]),
    "check_out": st.sampled_from(["", "2021-07-28T21:00:00+08:00", "2021-07-28T19:00"]),
}


# Cells a clerk would type: a file of only these is imported (when the place exists).
_VALID: dict[str, st.SearchStrategy[str]] = {
    "name": st.sampled_from(["张三", "李四", "欧阳·娜娜"]),
    "id_number": st.sampled_from(_IDS),
    "phone": st.just(mobile()),
    "jurisdiction": st.just("健康社区"),
    "category": st.sampled_from(["密接", "次密接"]),
    "last_exposure_at": st.just("2021-07-28 19:05"),
    "arrival_at": st.just(""),
    "kind": st.sampled_from(["隔离病区", "普通病区"]),
    "beds": st.sampled_from(["1", "3"]),
    "approved_capacity": st.just("80"),
    "record_id": st.sampled_from(["R1", "R2", "R3"]),
    "check_in": st.just("2021-07-28T20:00:00+08:00"),
}


def _cell(key: str) -> st.SearchStrategy[str]:
    return st.one_of(
        _PLAUSIBLE.get(key, st.just("")),
        _PLAUSIBLE.get(key, st.just("")),
        st.text(max_size=12),
        st.just("格" * 100_000),
        st.just('=HYPERLINK("http://x")'),
    )


@st.composite
def _csv_table(draw: st.DrawFn, columns: tuple[Column, ...]) -> bytes:
    if draw(st.integers(0, 2)) == 0:  # a clean file: every column, plausible cells
        rows = draw(
            st.lists(
                st.tuples(*(_VALID.get(c.key, st.just("")) for c in columns)),
                min_size=1,
                max_size=4,
            )
        )
        out = io.StringIO()
        csv.writer(out).writerows([[c.title for c in columns], *rows])
        return out.getvalue().encode(draw(st.sampled_from(["utf-8", "gb18030"])))
    chosen = [c for c in columns if draw(st.booleans()) or (c.required and draw(st.booleans()))]
    headers = [draw(st.sampled_from(c.headers)) for c in chosen]
    keys = [c.key for c in chosen]
    if draw(st.integers(0, 4)) == 0:  # an extra or a duplicated column
        extra = draw(st.sampled_from(["备注", *(headers or ["备注"])]))
        headers.append(extra)
        keys.append(draw(st.sampled_from(keys)) if keys else "")
    rows = draw(st.lists(st.tuples(*(_cell(k) for k in keys)) if keys else st.just(()), max_size=6))
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(headers)
    writer.writerows(rows)
    text = out.getvalue()
    encoding = draw(st.sampled_from(["utf-8", "utf-8", "utf-8-sig", "gb18030", "big5", "utf-16"]))
    return text.encode(encoding, errors="replace") if encoding != "utf-8" else text.encode()


def _xlsx(rows: list[list[str]]) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _files(columns: tuple[Column, ...]) -> st.SearchStrategy[tuple[str, bytes]]:
    header = [c.title for c in columns]
    return st.one_of(
        st.tuples(st.just("table.csv"), _csv_table(columns)),
        st.tuples(st.just("table.csv"), st.binary(max_size=300)),
        st.tuples(st.just("table.csv"), st.sampled_from([b"", b"\xef\xbb\xbf", b"\n\n"])),
        st.tuples(st.just("table.xlsx"), st.binary(max_size=100)),
        st.tuples(st.just("table.xlsx"), st.just(_xlsx([header]))),
        st.tuples(st.just("table.xlsx"), st.just(_xlsx([header, ["1"] * len(header)]))),
        st.tuples(st.just("table.pdf"), st.just(b"%PDF-1.4")),
    )


@dataclass
class Importer:
    name: str
    columns: tuple[Column, ...]
    run: Callable[[list[Any], str], Any]
    tables: tuple[type[models.Model], ...]


def _counts(tables: tuple[type[models.Model], ...]) -> dict[str, int]:
    every: tuple[type[models.Model], ...] = (*tables, DataImport, AuditEvent, Person)
    return {t.__name__: t._default_manager.count() for t in every}


def _importers(hq_admin: Any, liangxi: Any, liangxi_officer: Any, jiankang: Any) -> list[Importer]:
    site = site_create(name="锡惠大酒店", jurisdiction=liangxi, by=None)
    rooms_create(site=site, floors=[3], per_floor=4, by=None)
    hospital: Hospital = hospital_create(
        name="无锡市第五人民医院", kind=HospitalKind.DESIGNATED, jurisdiction=jiankang, by=None
    )
    return [
        Importer(
            "persons",
            PERSON_COLUMNS,
            lambda rows, f: person_import(rows=rows, filename=f, by=liangxi_officer),
            (Person,),
        ),
        Importer(
            "quarantine batch",
            BATCH_COLUMNS,
            lambda rows, f: batch_import(site=site, rows=rows, filename=f, by=hq_admin),
            (Placement, Site),
        ),
        Importer(
            "hospital wards",
            WARD_COLUMNS,
            lambda rows, f: ward_import(hospital=hospital, rows=rows, filename=f, by=hq_admin),
            (Ward, Bed),
        ),
        Importer(
            "venues",
            VENUE_COLUMNS,
            lambda rows, f: venue_import(
                rows=rows, filename=f, scope=scope_of(liangxi_officer), by=liangxi_officer
            ),
            (Venue,),
        ),
        Importer(
            "check-in ingest",
            INGEST_COLUMNS,
            lambda rows, f: checkin_ingest(
                records=rows, source="health_code", filename=f, by=hq_admin
            ),
            (CheckIn,),
        ),
    ]


def _assert_named(error: Exception) -> None:
    if isinstance(error, TableRejected):
        assert error.errors, "a rejection names at least one problem"
        for problem in error.errors:
            assert isinstance(problem.row, int) and problem.message
    else:
        assert isinstance(error, ValidationError) and error.messages


def _fuzz(importer: Importer, tally: dict[str, int]) -> None:
    @hypothesis_settings(
        max_examples=FILES_PER_IMPORTER,
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
    )
    @given(file=_files(importer.columns))
    def run(file: tuple[str, bytes]) -> None:
        filename, raw = file
        before = _counts(importer.tables)
        try:
            rows = read_table(io.BytesIO(raw), filename, importer.columns)
            importer.run(rows, filename)
        except (TableRejected, ValidationError) as error:
            _assert_named(error)
            assert _counts(importer.tables) == before, "a refused file wrote nothing"
            tally["refused"] += 1
        else:
            tally["imported"] += 1

    run()


def test_every_importer_imports_a_file_whole_or_refuses_it_by_row_and_writes_nothing(
    hq_admin, liangxi, liangxi_officer, jiankang, venue_manager
):
    outcomes: dict[str, dict[str, int]] = {}
    for importer in _importers(hq_admin, liangxi, liangxi_officer, jiankang):
        outcomes[importer.name] = {"imported": 0, "refused": 0}
        _fuzz(importer, outcomes[importer.name])
    print("\nimport fuzz:", outcomes)
    assert all(sum(t.values()) >= FILES_PER_IMPORTER for t in outcomes.values())
