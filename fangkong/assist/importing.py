"""An incoming assist list (协查函) as the sender wrote it: a spreadsheet (XLSX, or CSV in UTF-8
or GB18030) or the provincial platform's JSON rows, checked whole before anything is written.

Both paths go through `assist_rows_check`, so a row means the same thing whichever way it came:
the errors name the row (the spreadsheet's line, or the position of a JSON record) and the
column, and a list with any error is refused whole (`TableRejected`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from fangkong.assist.conf import assist_settings
from fangkong.assist.models import AssistRow, RequestCategory
from fangkong.core.dates import refuse_too_early
from fangkong.core.tabular import Column, RowError, TableRejected, TableRow
from fangkong.people.identity import normalize_id_number
from fangkong.people.models import IdType
from fangkong.people.phone import normalize_phone
from fangkong.quarantine.services.batch_import import parse_local_datetime

# The headers senders use; the first of each is how errors name the column.
ASSIST_COLUMNS = (
    Column("row_number", ("序号", "编号", "行号", "row_number"), required=False),
    Column("name", ("姓名", "name")),
    Column("id_type", ("证件类型", "id_type"), required=False),
    Column(
        "id_number",
        ("证件号码", "身份证号码", "身份证号", "公民身份号码", "证件号", "id_number"),
        required=False,
    ),
    Column(
        "phone", ("手机号", "手机号码", "联系电话", "联系方式", "电话", "phone"), required=False
    ),
    Column(
        "address",
        ("住址", "现住址", "居住地址", "现居住地址", "家庭住址", "address"),
        required=False,
    ),
    Column("category", ("人员类别", "类别", "人员类型", "category")),
    Column("exposure_place", ("暴露地点", "接触地点", "exposure_place"), required=False),
    Column("exposure_at", ("暴露时间", "接触时间", "末次接触时间", "exposure_at"), required=False),
    Column("remark", ("备注", "remark"), required=False),
)
TITLES = {c.key: c.title for c in ASSIST_COLUMNS}

# Words senders write for a category, beyond the enumeration's own values and labels.
_CATEGORY_WORDS = {
    "密接": RequestCategory.CLOSE_CONTACT,
    "密切接触": RequestCategory.CLOSE_CONTACT,
    "次密接": RequestCategory.SECONDARY_CONTACT,
    "次密切接触": RequestCategory.SECONDARY_CONTACT,
    "密接的密接": RequestCategory.SECONDARY_CONTACT,
    "涉疫场所暴露": RequestCategory.VENUE_EXPOSED,
    "场所暴露人员": RequestCategory.VENUE_EXPOSED,
    "暴露人员": RequestCategory.VENUE_EXPOSED,
    "风险地区来返": RequestCategory.RISK_AREA_ARRIVAL,
    "来返人员": RequestCategory.RISK_AREA_ARRIVAL,
    "其它": RequestCategory.OTHER,
}
_TEXT_LIMITS = {
    key: getattr(AssistRow._meta.get_field(key), "max_length", 0) or 0
    for key in ("name", "address", "exposure_place", "remark")
}


@dataclass(frozen=True)
class AssistRowInput:
    """One checked row: identifiers normalised ("" where the list gives none)."""

    line: int  # where the sender sees it: the spreadsheet's line, the JSON record's position
    row_number: int  # the sender's 序号 (or the row's order in a list without one)
    name: str
    id_type: str
    id_number: str
    phone: str
    address: str
    category: str
    exposure_place: str
    exposure_at: dt.datetime | None
    remark: str

    def stored(self) -> dict[str, Any]:
        """The row's content as an AssistRow keeps it (a resent row is compared on this)."""
        return {
            "name": self.name,
            "id_type": self.id_type,
            "id_number": self.id_number,
            "phone": self.phone,
            "address": self.address,
            "category": self.category,
            "exposure_place": self.exposure_place,
            "exposure_at": self.exposure_at,
            "remark": self.remark,
        }


def parse_category(raw: str) -> str:
    """The RequestCategory a sender's word names: 密接, 密切接触者, 次密接, 涉疫场所暴露人员,
    风险地区来返人员 (with its variants: 中高风险地区来返, 高风险地区来锡人员...), 其他."""
    text = raw.strip().replace(" ", "")
    for value, label in RequestCategory.choices:
        if text in (value, str(label)):
            return str(value)
    if text in _CATEGORY_WORDS:
        return _CATEGORY_WORDS[text]
    # The longer forms senders write: 密切接触者（航班）, 高风险地区来锡返锡人员…
    if text.startswith(("次密", "密接的密接")):
        return RequestCategory.SECONDARY_CONTACT
    if text.startswith(("密接", "密切接触")):
        return RequestCategory.CLOSE_CONTACT
    if "风险地区" in text or "来返" in text:
        return RequestCategory.RISK_AREA_ARRIVAL
    if "暴露" in text:
        return RequestCategory.VENUE_EXPOSED
    raise ValidationError(
        _("未知人员类别「%(raw)s」，应为：%(known)s")
        % {"raw": raw, "known": "、".join(str(label) for label in RequestCategory.labels)}
    )


def _id_type(raw: str) -> str:
    if not raw:
        return IdType.RESIDENT_ID
    for value, label in IdType.choices:
        if raw in (value, str(label)):
            return str(value)
    if raw in ("身份证", "二代身份证"):
        return IdType.RESIDENT_ID
    raise ValidationError(_("未知证件类型「%s」") % raw)


def _text(record: Mapping[str, Any], key: str) -> str:
    value = record.get(key)
    return "" if value is None else str(value).strip()


class _Checker:
    """Collects the errors of one row, each naming its column."""

    def __init__(self, line: int, errors: list[RowError]) -> None:
        self.line = line
        self.errors = errors
        self.count = len(errors)

    def fail(self, key: str, message: str) -> None:
        self.errors.append(RowError(self.line, str(TITLES.get(key, key)), message, key=key))

    def run(self, key: str, call: Any, *args: Any) -> Any:
        try:
            return call(*args)
        except ValidationError as error:
            for message in error.messages:
                self.fail(key, message)
            return None

    @property
    def clean(self) -> bool:
        return len(self.errors) == self.count


def _row_number(raw: Any) -> int:
    text = str(raw).strip()
    if not text.isdigit() or int(text) < 1:
        raise ValidationError(_("序号应为正整数，而不是「%s」") % text)
    return int(text)


def _moment(raw: Any) -> dt.datetime | None:
    if raw in (None, ""):
        return None
    if isinstance(raw, dt.datetime):
        refuse_too_early(raw)
        return raw
    return parse_local_datetime(str(raw))


def _check_one(
    line: int, position: int, record: Mapping[str, Any], numbered: bool, errors: list[RowError]
) -> AssistRowInput | None:
    check = _Checker(line, errors)
    number = position
    if numbered:
        if _text(record, "row_number"):
            number = check.run("row_number", _row_number, record.get("row_number")) or 0
        else:
            check.fail("row_number", _("请填写序号（本表其他行有序号）"))
    name = _text(record, "name")
    if not name:
        check.fail("name", _("请填写姓名"))
    for key, limit in _TEXT_LIMITS.items():
        if len(_text(record, key)) > limit:
            check.fail(key, _("不能超过 %(n)s 个字") % {"n": limit})
    id_type = check.run("id_type", _id_type, _text(record, "id_type")) or IdType.RESIDENT_ID
    raw_id = _text(record, "id_number")
    id_number = check.run("id_number", normalize_id_number, id_type, raw_id) if raw_id else ""
    phone = check.run("phone", normalize_phone, _text(record, "phone"))
    category = ""
    if _text(record, "category"):
        category = check.run("category", parse_category, _text(record, "category"))
    else:
        check.fail("category", _("请填写人员类别"))
    exposure_at = check.run("exposure_at", _moment, record.get("exposure_at"))
    if not check.clean:
        return None
    return AssistRowInput(
        line=line,
        row_number=number,
        name=name,
        id_type=id_type,
        id_number=id_number or "",
        phone=phone or "",
        address=_text(record, "address"),
        category=category,
        exposure_place=_text(record, "exposure_place"),
        exposure_at=exposure_at,
        remark=_text(record, "remark"),
    )


def _across_rows(rows: list[AssistRowInput]) -> Iterator[RowError]:
    """What only the whole list shows: a 序号 twice, one ID document under two names."""
    first_line: dict[int, int] = {}
    first_name: dict[tuple[str, str], AssistRowInput] = {}
    for row in rows:
        if row.row_number in first_line:
            yield RowError(
                row.line,
                TITLES["row_number"],
                _("序号 %(number)s 与第 %(line)s 行重复")
                % {"number": row.row_number, "line": first_line[row.row_number]},
                key="row_number",
            )
        else:
            first_line[row.row_number] = row.line
        if row.id_number:
            first = first_name.setdefault((row.id_type, row.id_number), row)
            if first.name != row.name:
                yield RowError(
                    row.line,
                    TITLES["id_number"],
                    _("与第 %(line)s 行证件号码相同但姓名不同（%(name)s）")
                    % {"line": first.line, "name": first.name},
                    key="id_number",
                )


def assist_rows_check(
    records: Sequence[Mapping[str, Any]], *, lines: Sequence[int] | None = None
) -> list[AssistRowInput]:
    """Every row checked, then the list as a whole; raises TableRejected naming each bad row
    and column. `lines` are where the sender sees each record (the spreadsheet's line);
    without them, a record's position in the list (1 for the first).

    The row number is the sender's 序号 when the list gives one (then every row must, and
    each once), else the row's order in the list."""
    limit = assist_settings().import_max_rows
    if not records:
        raise TableRejected([RowError(0, "", _("协查名单没有数据行"))])
    if len(records) > limit:
        raise TableRejected([RowError(0, "", _("超过单次导入上限 %s 行") % limit)])
    numbered = any(_text(r, "row_number") for r in records)
    errors: list[RowError] = []
    rows: list[AssistRowInput] = []
    for position, record in enumerate(records, start=1):
        line = lines[position - 1] if lines is not None else position
        row = _check_one(line, position, record, numbered, errors)
        if row is not None:
            rows.append(row)
    errors.extend(_across_rows(rows))
    if errors:
        raise TableRejected(errors)
    return rows


def assist_rows_from_table(table: Sequence[TableRow]) -> list[AssistRowInput]:
    """The rows of a file read with `read_table(file, name, ASSIST_COLUMNS)`."""
    if table and not {"id_number", "phone"} & set(table[0].values):
        message = _("缺少「证件号码」或「手机号」列，无法识别名单上的人员")
        raise TableRejected([RowError(1, "", message)])
    return assist_rows_check([row.values for row in table], lines=[row.number for row in table])
