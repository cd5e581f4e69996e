"""The HQ receives a list through its page (the sender's file) and identifies the rows of
the manual queue by hand."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from fangkong.assist.models import AssistRequest, AssistRow, RowMatch, VerificationTask
from fangkong.testing.identities import resident_id


def _upload(text: str, name: str = "宁协88号.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode("gb18030"), content_type="text/csv")


def _form(file: SimpleUploadedFile) -> dict[str, object]:
    return {
        "counterpart": "南京市",
        "counterpart_kind": "city",
        "number": "宁协〔2021〕88号",
        "received_at": "2021-08-03T09:00",
        "file": file,
    }


def test_a_list_received_through_the_page_lands_as_tasks_and_a_queue(client, hq_admin, zhang_san):
    client.force_login(hq_admin)
    text = (
        "序号,姓名,证件号码,手机号,人员类别,暴露地点\n"
        f"1,{zhang_san.name},{zhang_san.id_number},,密接,禄口机场\n"
        "2,无证件,,13900000000,次密接,禄口机场\n"
    )
    answer = client.post(reverse("assist:intake"), _form(_upload(text)))
    request = AssistRequest.objects.get()
    assert answer.status_code == 302
    assert answer["Location"] == reverse("assist:request_detail", args=[request.pk])
    assert VerificationTask.objects.get().person == zhang_san
    queue = client.get(reverse("assist:manual_queue"))
    assert [row.row_number for row in queue.context["rows"]] == [2]


def test_a_bad_row_names_line_and_column_and_nothing_is_received(client, hq_admin):
    client.force_login(hq_admin)
    text = "序号,姓名,证件号码,人员类别\n1,甲,110101199001011234,密接\n2,乙,,外星人\n"
    answer = client.post(reverse("assist:intake"), _form(_upload(text)))
    assert answer.status_code == 400
    assert 'data-testid="import-errors"' in answer.content.decode()
    assert not AssistRequest.objects.exists() and not AssistRow.objects.exists()


def test_a_queued_row_identified_by_its_document_gets_a_task(client, hq_admin, jiankang):
    client.force_login(hq_admin)
    text = "序号,姓名,手机号,住址,人员类别\n1,王五,13900000000,梁溪区健康社区,密接\n"
    client.post(reverse("assist:intake"), _form(_upload(text)))
    row = AssistRow.objects.get()
    assert row.match == RowMatch.NONE
    form = {"name": "王五", "id_type": "resident_id", "id_number": resident_id(), "phone": ""}
    answer = client.post(reverse("assist:row_identify", args=[row.pk]), form)
    assert answer.status_code == 302
    row.refresh_from_db()
    assert row.match == RowMatch.MANUAL and row.task is not None
    assert row.task.jurisdiction == jiankang
    assert client.get(reverse("assist:row_identify", args=[row.pk])).status_code == 404


def test_the_intake_pages_are_the_hqs(client, liangxi_officer):
    client.force_login(liangxi_officer)
    assert client.get(reverse("assist:intake")).status_code == 403
    assert client.get(reverse("assist:manual_queue")).status_code == 403
