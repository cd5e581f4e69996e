"""The answer to a sender: every row of their list in their order, with its result or where
it stands; recording it as sent (interim or final) and closing the list once."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from fangkong.assist.exporting import answer_header, answer_rows
from fangkong.assist.models import (
    AssistRequest,
    AssistRow,
    Direction,
    Outcome,
    RequestCategory,
    RequestStatus,
    RowMatch,
)
from fangkong.assist.services.answers import assist_request_answer
from fangkong.assist.services.tasks import verification_task_assign
from fangkong.core.errors import Conflict
from fangkong.core.models import AuditEvent
from fangkong.people.masking import Disclosure
from fangkong.people.models import Person

pytestmark = pytest.mark.django_db

RECEIVED = dt.datetime(2021, 7, 30, 8, 0, tzinfo=dt.UTC)


def incoming(number: str = "宁协〔2021〕18号") -> AssistRequest:
    return AssistRequest.objects.create(
        direction=Direction.INCOMING,
        number=number,
        counterpart="南京市",
        received_at=RECEIVED,
        status=RequestStatus.OPEN,
    )


def row(request: AssistRequest, number: int, name: str, **fields: object) -> AssistRow:
    values: dict[str, object] = {
        "id_number": f"32010419900101{number:04d}",
        "phone": f"139{number:08d}",
        "category": RequestCategory.CLOSE_CONTACT,
        "match": RowMatch.NONE,
        **fields,
    }
    return AssistRow.objects.create(request=request, row_number=number, name=name, **values)


def answer(target: AssistRow, outcome: str, note: str = "", at: dt.datetime = RECEIVED) -> None:
    target.outcome, target.outcome_note, target.answered_at = outcome, note, at
    target.save()


@pytest.fixture
def request_of_three(zhang_san: Person, jiankang: object) -> AssistRequest:
    """Rows written out of order: 3 answered, 1 being verified (overdue), 2 unmatched."""
    listed = incoming()
    answer(
        row(listed, 3, "丙"), Outcome.CENTRALIZED, "锡惠大酒店", RECEIVED + dt.timedelta(hours=2)
    )
    task = verification_task_assign(
        person=zhang_san,
        jurisdiction=jiankang,  # type: ignore[arg-type]
        due_at=RECEIVED + dt.timedelta(hours=12),
        at=RECEIVED,
        by=None,
    )
    row(
        listed,
        1,
        "张三",
        person=zhang_san,
        match=RowMatch.ID_DOCUMENT,
        task=task,
        due_at=task.due_at,
    )
    row(listed, 2, "乙", id_number="")
    return listed


def test_the_answer_lists_every_row_in_the_senders_order_with_its_result_or_state(
    request_of_three,
):
    now = RECEIVED + dt.timedelta(hours=13)  # row 1 is past its 12 hours

    lines = list(answer_rows(request_of_three.rows.all(), disclosure=Disclosure.FULL, now=now))

    assert answer_header() == [
        "序号", "姓名", "证件号码", "手机号", "人员类别",
        "核查结果", "结果说明", "反馈时间", "当前状态",
    ]  # fmt: skip
    assert [line[0] for line in lines] == [1, 2, 3]
    assert lines[0][5:] == ["", "", "", "超时未核查"]
    assert lines[1][8] == "待人工核实"
    third = lines[2]
    assert third[1:3] == ["丙", "320104199001010003"]
    assert third[4:9] == ["密切接触者", "已集中隔离", "锡惠大酒店", third[7], ""]
    assert third[7] == timezone.localtime(RECEIVED + dt.timedelta(hours=2)).strftime(
        "%Y-%m-%d %H:%M"
    )


def test_a_viewer_who_may_not_see_identifiers_gets_masked_numbers(request_of_three):
    lines = list(
        answer_rows(request_of_three.rows.all(), disclosure=Disclosure.MINIMAL, now=RECEIVED)
    )
    assert lines[2][2] == "3201**********0003"
    assert "*" in str(lines[2][3])


def test_the_answer_file_downloads_as_xlsx_one_line_per_row(client, hq_admin, request_of_three):
    client.force_login(hq_admin)

    response = client.get(f"/assist/requests/{request_of_three.pk}/file.xlsx")

    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).worksheets[0]
    values = list(sheet.iter_rows(values_only=True))
    assert values[0][:2] == ("序号", "姓名")
    assert [v[0] for v in values[1:]] == [1, 2, 3]
    assert AuditEvent.objects.filter(action="assist_request.export").count() == 1


def test_an_interim_answer_records_the_rows_it_answered_and_leaves_the_list_open(
    request_of_three, hq_admin
):
    at = RECEIVED + dt.timedelta(hours=4)

    assist_request_answer(request=request_of_three, by=hq_admin, at=at)

    request_of_three.refresh_from_db()
    assert request_of_three.status == RequestStatus.OPEN
    event = AuditEvent.objects.get(action="assist_request.answer")
    assert event.after is not None
    assert (event.after["rows"], event.after["outstanding"], event.after["final"]) == (
        [3],
        [1, 2],
        False,
    )


def test_the_final_answer_closes_the_list_once(request_of_three, hq_admin):
    for number in (1, 2):
        answer(request_of_three.rows.get(row_number=number), Outcome.NOT_FOUND)
    at = RECEIVED + dt.timedelta(hours=6)

    assist_request_answer(request=request_of_three, by=hq_admin, at=at)
    assist_request_answer(request=request_of_three, by=hq_admin, at=at)  # sent again

    request_of_three.refresh_from_db()
    assert (request_of_three.status, request_of_three.closed_at) == (RequestStatus.CLOSED, at)
    assert AuditEvent.objects.filter(action="assist_request.close").count() == 1
    assert AuditEvent.objects.filter(action="assist_request.answer").count() == 2


def test_a_list_closed_by_verification_is_not_closed_again(request_of_three, hq_admin):
    closed_at = RECEIVED + dt.timedelta(hours=5)
    AssistRequest.objects.filter(pk=request_of_three.pk).update(
        status=RequestStatus.CLOSED, closed_at=closed_at
    )
    for number in (1, 2):
        answer(request_of_three.rows.get(row_number=number), Outcome.NOT_FOUND)

    assist_request_answer(
        request=request_of_three, by=hq_admin, at=closed_at + dt.timedelta(hours=1)
    )

    request_of_three.refresh_from_db()
    assert request_of_three.closed_at == closed_at
    assert not AuditEvent.objects.filter(action="assist_request.close").exists()


def test_only_a_list_received_is_answered(hq_admin):
    ours = AssistRequest.objects.create(
        direction=Direction.OUTGOING, number="1", counterpart="南京市", status=RequestStatus.OPEN
    )
    with pytest.raises(Conflict):
        assist_request_answer(request=ours, by=hq_admin, at=RECEIVED)
