"""The area's request pages: the lists received and sent with their counts, one list's rows
in the sender's order (masked), a draft's review and sending, the other city's reply file,
and who sees which list."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

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
from fangkong.core.models import AuditEvent
from fangkong.core.tabular_export import xlsx_bytes
from fangkong.people.models import Person

pytestmark = pytest.mark.django_db


def _request(number: str, counterpart: str, **fields: object) -> AssistRequest:
    values: dict[str, object] = {
        "direction": Direction.INCOMING,
        "received_at": timezone.now() - dt.timedelta(hours=20),
        "status": RequestStatus.OPEN,
        **fields,
    }
    return AssistRequest.objects.create(number=number, counterpart=counterpart, **values)


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
def nanjing(zhang_san: Person, li_si: Person, jiankang, hubin) -> AssistRequest:
    """Zhang San's row (liangxi) overdue, Li Si's (binhu) answered, one unmatched."""
    listed = _request("宁协18号", "南京市")
    due = timezone.now() - dt.timedelta(hours=8)
    for number, person, place in ((2, zhang_san, jiankang), (1, li_si, hubin)):
        task = verification_task_assign(
            person=person, jurisdiction=place, due_at=due, at=due, by=None
        )
        _row(listed, number, person, task=task, due_at=due)
    AssistRow.objects.filter(request=listed, row_number=1).update(
        outcome=Outcome.HOME_QUARANTINE, answered_at=timezone.now()
    )
    _row(listed, 3)
    return listed


def test_the_home_lists_received_requests_with_their_counts(client, hq_admin, nanjing):
    _request("苏协7号", "苏州市")
    client.force_login(hq_admin)

    page = client.get(reverse("assist:home"))

    assert page.status_code == 200
    html = page.content.decode()
    assert "宁协18号" in html and "苏协7号" in html
    row = html.split(f'data-request="{nanjing.pk}"')[1].split("</tr>")[0]
    assert 'data-count="answered">1<' in row
    assert 'data-count="outstanding">2<' in row
    assert 'data-count="overdue">1<' in row
    assert "区域协查" in html  # the area's nav item


def test_the_home_filters_by_sender_and_tab(client, hq_admin, nanjing):
    _request("苏协7号", "苏州市")
    AssistRequest.objects.create(
        direction=Direction.OUTGOING, number="D1", counterpart="南京市", status=RequestStatus.DRAFT
    )
    client.force_login(hq_admin)

    by_sender = client.get(reverse("assist:home"), {"counterpart": "苏州市"}).content.decode()
    drafts = client.get(reverse("assist:home"), {"tab": "drafts"}).content.decode()

    assert "苏协7号" in by_sender and "宁协18号" not in by_sender
    assert "D1" in drafts and "宁协18号" not in drafts


def test_the_detail_shows_rows_in_the_senders_order_masked_and_audited(
    client, hq_admin, nanjing, zhang_san
):
    client.force_login(hq_admin)

    page = client.get(reverse("assist:request_detail", args=[nanjing.pk]))

    html = page.content.decode()
    assert html.index('data-row="1"') < html.index('data-row="2"') < html.index('data-row="3"')
    assert zhang_san.id_number not in html
    assert zhang_san.id_number[-4:] in html
    assert "居家隔离" in html and "超时未核查" in html
    event = AuditEvent.objects.get(action="assist_request.view")
    assert event.after is not None and len(event.after["ids"]) == 3


def test_a_district_sees_only_its_own_rows_and_lists(client, liangxi_officer, nanjing, zhang_san):
    other = _request("苏协7号", "苏州市")
    _row(other, 1)
    client.force_login(liangxi_officer)

    home = client.get(reverse("assist:home")).content.decode()
    detail = client.get(reverse("assist:request_detail", args=[nanjing.pk])).content.decode()

    assert "宁协18号" in home and "苏协7号" not in home
    assert 'data-row="2"' in detail and 'data-row="1"' not in detail
    assert client.get(reverse("assist:request_detail", args=[other.pk])).status_code == 404


def test_recording_the_answer_needs_the_manage_capability(
    client, hq_admin, liangxi_officer, nanjing
):
    url = reverse("assist:request_answer", args=[nanjing.pk])
    client.force_login(liangxi_officer)
    assert client.post(url).status_code == 403

    client.force_login(hq_admin)
    assert client.post(url).status_code == 302
    assert AuditEvent.objects.filter(action="assist_request.answer").count() == 1


@pytest.fixture
def draft(zhang_san: Person, li_si: Person) -> AssistRequest:
    listed = AssistRequest.objects.create(
        direction=Direction.OUTGOING, number="D1", counterpart="南京市", status=RequestStatus.DRAFT
    )
    _row(listed, 1, zhang_san)
    _row(listed, 2, li_si)
    return listed


def test_the_hq_reviews_a_draft_takes_one_off_and_sends_it(client, hq_admin, draft):
    client.force_login(hq_admin)
    review = client.get(reverse("assist:request_review", args=[draft.pk]))
    assert review.status_code == 200
    assert "发出协查函" in review.content.decode()

    withdrawn = draft.rows.get(row_number=2)
    client.post(reverse("assist:row_withdraw", args=[draft.pk, withdrawn.pk]))
    sent = client.post(reverse("assist:request_send", args=[draft.pk]))

    draft.refresh_from_db()
    assert sent.status_code == 302
    assert draft.status == RequestStatus.OPEN
    assert list(draft.rows.values_list("row_number", flat=True)) == [1]
    file = client.get(reverse("assist:request_file", args=[draft.pk]))
    assert file.status_code == 200 and file["Content-Type"].startswith("application/vnd")


def test_the_other_citys_reply_file_answers_the_rows(client, hq_admin, draft):
    AssistRequest.objects.filter(pk=draft.pk).update(
        status=RequestStatus.OPEN, sent_at=timezone.now()
    )
    content = xlsx_bytes(
        ["序号", "核查结果", "结果说明"],
        [[1, "已集中隔离", "玄武区某酒店"], [2, "查无此人", ""]],
        title="反馈",
    )
    client.force_login(hq_admin)

    client.post(
        reverse("assist:request_reply", args=[draft.pk]),
        {"file": SimpleUploadedFile("reply.xlsx", content)},
    )

    draft.refresh_from_db()
    assert draft.status == RequestStatus.CLOSED
    assert draft.rows.get(row_number=1).outcome_note == "玄武区某酒店"


def test_a_reply_file_with_an_unknown_row_writes_nothing(client, hq_admin, draft):
    AssistRequest.objects.filter(pk=draft.pk).update(
        status=RequestStatus.OPEN, sent_at=timezone.now()
    )
    content = xlsx_bytes(["序号", "核查结果"], [[1, "已集中隔离"], [7, "查无此人"]], title="反馈")
    client.force_login(hq_admin)

    answer = client.post(
        reverse("assist:request_reply", args=[draft.pk]),
        {"file": SimpleUploadedFile("reply.xlsx", content)},
        follow=True,
    )

    assert "序号 7" in answer.content.decode()
    assert not draft.rows.filter(answered_at__isnull=False).exists()
