"""Lists as files: the answer to a sender (every row in the sender's order with its result), a
list we send out (the columns an incoming list has, so the other city imports it as it is),
and the reader of the other city's answer file."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from typing import IO, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http.response import HttpResponseBase
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from fangkong.assist.models import (
    AssistRequest,
    AssistRow,
    Direction,
    Outcome,
    RowMatch,
    TaskStatus,
)
from fangkong.assist.selectors.requests import row_list
from fangkong.core.tabular import Column, RowError, TableRejected, read_table
from fangkong.core.tabular_export import export_response
from fangkong.people.masking import Disclosure, mask_id_number, mask_phone
from fangkong.people.selectors import disclosure_for

# Rows read from the database at a time: a list has a few thousand at most.
_CHUNK = 1000


def _local(moment: dt.datetime | None) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else ""


def _numbers(row: AssistRow, disclosure: Disclosure) -> tuple[str, str]:
    """The row's ID number and phone as the viewer may take them away: the sender's own
    numbers in full for roles that may see identifiers (the sender matches on them)."""
    if disclosure.identifiers:
        return row.id_number, row.phone
    return mask_id_number(row.id_number), mask_phone(row.phone) if row.phone else ""


def row_state(row: AssistRow, *, now: dt.datetime) -> str:
    """Where an unanswered row stands, in words for the sender and the pages."""
    if row.answered_at is not None:
        return ""
    if row.request.direction == Direction.OUTGOING:
        return _("待对方反馈")
    if row.person_id is None or row.match == RowMatch.NONE:
        return _("待人工核实")
    task = row.task
    if task is None:
        return _("待下发")
    if task.status == TaskStatus.OPEN:
        due = row.due_at or task.due_at
        return _("超时未核查") if due is not None and due < now else _("核查中")
    return task.get_outcome_display()


def answer_header() -> list[str]:
    return [
        _("序号"),
        _("姓名"),
        _("证件号码"),
        _("手机号"),
        _("人员类别"),
        _("核查结果"),
        _("结果说明"),
        _("反馈时间"),
        _("当前状态"),
    ]


def _rows_in_order(rows: Any) -> Iterator[AssistRow]:
    return iter(
        rows.select_related("request", "task").order_by("row_number").iterator(chunk_size=_CHUNK)
    )


def answer_rows(
    rows: Any, *, disclosure: Disclosure, now: dt.datetime
) -> Iterator[Sequence[object]]:
    """One line per row of the list, in the sender's row order."""
    for row in _rows_in_order(rows):
        id_number, phone = _numbers(row, disclosure)
        yield [
            row.row_number,
            row.name,
            id_number,
            phone,
            row.get_category_display(),
            row.get_outcome_display() if row.outcome and row.answered_at else "",
            row.outcome_note if row.answered_at else "",
            _local(row.answered_at),
            row_state(row, now=now),
        ]


def list_header() -> list[str]:
    """An incoming list's columns, by the names the rows carry (models/requests.py)."""
    return [
        _("序号"),
        _("姓名"),
        _("证件类型"),
        _("证件号码"),
        _("手机号"),
        _("住址"),
        _("人员类别"),
        _("暴露地点"),
        _("暴露时间"),
        _("备注"),
    ]


def list_rows(rows: Any, *, disclosure: Disclosure) -> Iterator[Sequence[object]]:
    for row in _rows_in_order(rows):
        id_number, phone = _numbers(row, disclosure)
        yield [
            row.row_number,
            row.name,
            row.get_id_type_display(),
            id_number,
            phone,
            row.address if disclosure.particulars else "",
            row.get_category_display(),
            row.exposure_place,
            _local(row.exposure_at),
            row.remark,
        ]


def request_file_response(*, viewer: Any, assist_request: AssistRequest) -> HttpResponseBase:
    """The list's file as the viewer may take it away, one audited export: the answer to the
    sender for a list received, the list itself for one we send."""
    rows = row_list(viewer=viewer, request=assist_request)
    disclosure = disclosure_for(viewer, full=True)
    incoming = assist_request.direction == Direction.INCOMING
    if incoming:
        name = _("%(number)s-协查反馈") % {"number": assist_request.number}
        header = answer_header()
        lines = answer_rows(rows, disclosure=disclosure, now=timezone.now())
    else:
        name = _("%(number)s-协查名单") % {"number": assist_request.number}
        header = list_header()
        lines = list_rows(rows, disclosure=disclosure)
    return export_response(
        by=viewer,
        fmt="xlsx",
        name=name,
        title=_("协查反馈") if incoming else _("协查名单"),
        header=header,
        rows=lines,
        action="assist_request.export",
        model=AssistRow,
        obj=assist_request,
        count=rows.count(),
        filters={"request": assist_request.pk, "direction": assist_request.direction},
    )


REPLY_COLUMNS = [
    Column("row_number", ("序号", "row_number", "编号")),
    Column("outcome", ("核查结果", "outcome", "反馈结果")),
    Column("note", ("结果说明", "note", "outcome_note", "说明"), required=False),
]


def _labels(outcome: Outcome) -> set[str]:
    words = set()
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            words.add(str(outcome.label))
    return words


def outcome_from_text(text: str) -> str:
    """An outcome as the other city wrote it: its code or its words (either language)."""
    text = text.strip()
    for outcome in Outcome:
        if text == outcome.value or text in _labels(outcome):
            return outcome.value
    raise ValidationError(
        _("核查结果只能是：%(choices)s") % {"choices": "、".join(str(o.label) for o in Outcome)}
    )


def reply_rows_read(file: IO[bytes], filename: str) -> list[tuple[int, str, str]]:
    """The answered rows of the other city's file (ours sent back with the results filled in,
    or their own): (row number, outcome, note). A row with no result yet is left out; every
    bad row is named before anything is written (TableRejected)."""
    table = read_table(file, filename, REPLY_COLUMNS)
    errors: list[RowError] = []
    answered: list[tuple[int, str, str]] = []
    for line in table:
        raw_number, raw_outcome = line.get("row_number"), line.get("outcome")
        if not raw_outcome:
            continue
        if not (raw_number.isascii() and raw_number.isdigit()):
            errors.append(RowError(line.number, _("序号"), _("序号应为整数"), key="row_number"))
            continue
        try:
            outcome = outcome_from_text(raw_outcome)
        except ValidationError as error:
            errors.append(RowError(line.number, _("核查结果"), error.messages[0], key="outcome"))
            continue
        answered.append((int(raw_number), outcome, line.get("note")[:300]))
    if errors:
        raise TableRejected(errors)
    if not answered:
        raise TableRejected([RowError(0, _("核查结果"), _("文件中没有已填写核查结果的行"))])
    return answered
