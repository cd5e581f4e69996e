"""The lists through the API: received and sent with their counts, rows in the sender's
order with the answers, the answer file, sending a draft and posting the other city's reply."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.utils import timezone
from openpyxl import load_workbook
from rest_framework.test import APIClient

from fangkong.assist.models import (
    AssistRequest,
    AssistRow,
    Direction,
    Outcome,
    RequestCategory,
    RequestStatus,
    RowMatch,
)
from fangkong.assist.services.tasks import verification_task_assign
from fangkong.people.models import Person

pytestmark = pytest.mark.django_db

API = "/api/v1/assist"


def _client(user: object) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)  # type: ignore[arg-type]
    return client


def _row(request: AssistRequest, number: int, person: Person | None = None, **fields: object):
    return AssistRow.objects.create(
        request=request,
        row_number=number,
        name=person.name if person else f"人员{number}",
        id_number=person.id_number if person else f"32010419900101{number:04d}",
        phone=person.phone if person else "",
        category=RequestCategory.CLOSE_CONTACT,
        person=person,
        match=RowMatch.ID_DOCUMENT if person else RowMatch.NONE,
        **fields,
    )


@pytest.fixture
def received(zhang_san: Person, jiankang: object) -> AssistRequest:
    listed = AssistRequest.objects.create(
        direction=Direction.INCOMING,
        number="宁协18号",
        counterpart="南京市",
        received_at=timezone.now() - dt.timedelta(hours=2),
        status=RequestStatus.OPEN,
    )
    task = verification_task_assign(
        person=zhang_san,
        jurisdiction=jiankang,  # type: ignore[arg-type]
        due_at=timezone.now() + dt.timedelta(hours=10),
        at=timezone.now(),
        by=None,
    )
    for number in (3, 1):
        _row(listed, number)
    _row(listed, 2, zhang_san, task=task, due_at=task.due_at)
    AssistRow.objects.filter(request=listed, row_number=3).update(
        outcome=Outcome.NOT_FOUND, answered_at=timezone.now()
    )
    return listed


@pytest.fixture
def sent(li_si: Person) -> AssistRequest:
    listed = AssistRequest.objects.create(
        direction=Direction.OUTGOING,
        number="W1",
        counterpart="南京市",
        status=RequestStatus.OPEN,
        sent_at=timezone.now(),
    )
    _row(listed, 1, li_si)
    _row(listed, 2)
    return listed


def test_the_lists_come_with_their_counts_and_filter_by_direction(hq_admin, received, sent):
    client = _client(hq_admin)

    every = client.get(f"{API}/requests/").json()["results"]
    incoming = client.get(f"{API}/requests/", {"direction": "incoming"}).json()["results"]

    assert {r["number"] for r in every} == {"宁协18号", "W1"}
    assert [r["number"] for r in incoming] == ["宁协18号"]
    assert incoming[0]["counts"] == {"rows": 3, "answered": 1, "outstanding": 2, "overdue": 0}
    assert client.get(f"{API}/requests/", {"direction": "sideways"}).status_code == 400


def test_a_lists_rows_come_in_the_senders_order_paged(hq_admin, received, zhang_san):
    client = _client(hq_admin)

    first = client.get(f"{API}/rows/", {"request": received.pk, "page_size": 2}).json()
    second = client.get(first["next"]).json()

    rows = first["results"] + second["results"]
    assert [r["row_number"] for r in rows] == [1, 2, 3]
    assert rows[1]["id_number"] == zhang_san.id_number  # the HQ may see identifiers
    assert rows[1]["state"] == "核查中" and rows[1]["task_status"] == "open"
    assert (rows[2]["outcome"], rows[2]["state"]) == ("not_found", "")


def test_a_viewer_without_identifiers_gets_masked_rows(leader, received, zhang_san):
    rows = _client(leader).get(f"{API}/rows/", {"request": received.pk}).json()["results"]
    assert rows[1]["id_number"] != zhang_san.id_number
    assert rows[1]["id_number"].endswith(zhang_san.id_number[-4:])


def test_a_district_cannot_reach_a_list_without_its_people(binhu_officer, received):
    client = _client(binhu_officer)
    assert client.get(f"{API}/requests/{received.pk}/").status_code == 404
    assert client.get(f"{API}/requests/").json()["results"] == []


def test_the_answer_file_is_the_xlsx_in_row_order(hq_admin, received):
    answer = _client(hq_admin).get(f"{API}/requests/{received.pk}/file/")

    assert answer.status_code == 200
    content = b"".join(answer.streaming_content)  # type: ignore[attr-defined]
    sheet = load_workbook(io.BytesIO(content)).worksheets[0]
    assert [line[0] for line in sheet.iter_rows(min_row=2, values_only=True)] == [1, 2, 3]


def test_recording_the_answer_is_the_managers(hq_admin, leader, received):
    assert _client(leader).post(f"{API}/requests/{received.pk}/answer/").status_code == 403
    answer = _client(hq_admin).post(f"{API}/requests/{received.pk}/answer/")
    assert answer.status_code == 200
    assert answer.json()["status"] == "open"  # two rows are still outstanding


def test_a_draft_is_sent_and_an_empty_one_refused(hq_admin, li_si):
    draft = AssistRequest.objects.create(
        direction=Direction.OUTGOING, number="D1", counterpart="南京市", status=RequestStatus.DRAFT
    )
    client = _client(hq_admin)
    assert client.post(f"{API}/requests/{draft.pk}/send/").status_code == 409

    _row(draft, 1, li_si)
    answer = client.post(f"{API}/requests/{draft.pk}/send/")

    assert answer.status_code == 200
    assert answer.json()["status"] == "open" and answer.json()["sent_at"]


def test_a_reply_answers_the_rows_and_an_unknown_row_is_named(hq_admin, sent):
    client = _client(hq_admin)
    url = f"{API}/requests/{sent.pk}/reply/"

    refused = client.post(url, {"rows": [{"row_number": 5, "outcome": "not_found"}]}, format="json")
    assert refused.status_code == 400
    assert "序号 5" in refused.content.decode()

    body = {
        "rows": [
            {"row_number": 1, "outcome": "centralized", "note": "某酒店"},
            {"row_number": 2, "outcome": "not_found"},
        ]
    }
    answer = client.post(url, body, format="json")

    assert answer.status_code == 200
    assert answer.json()["status"] == "closed"
    assert sent.rows.get(row_number=1).outcome_note == "某酒店"
