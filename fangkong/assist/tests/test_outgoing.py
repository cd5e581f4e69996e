"""Our own lists for other cities: contacts who live elsewhere gather on one draft per city,
the HQ takes people off and sends it, and the other city's replies come back to each row."""

from __future__ import annotations

import datetime as dt
import io
import itertools

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.utils import timezone

from fangkong.assist.exporting import list_header, reply_rows_read
from fangkong.assist.models import (
    AssistRequest,
    AssistRow,
    Outcome,
    RequestCategory,
    RequestStatus,
)
from fangkong.assist.services.outgoing_lists import (
    JOB_NAME,
    assist_request_reply,
    assist_request_send,
    assist_row_withdraw,
    city_in_address,
    outgoing_drafts_from_contacts,
    outgoing_drafts_run,
)
from fangkong.cases.models import (
    Case,
    CaseClassification,
    Contact,
    ContactCategory,
    ContactDegree,
    ContactSource,
    ContactStatus,
)
from fangkong.cases.services.cases import case_register
from fangkong.core.errors import Conflict
from fangkong.core.models import AuditEvent
from fangkong.core.tabular import TableRejected
from fangkong.core.tabular_export import xlsx_bytes
from fangkong.operations.models import JobRun
from fangkong.people.models import Person
from fangkong.people.services import person_register
from fangkong.testing.identities import resident_id

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2021, 7, 30, 10, 0, tzinfo=dt.UTC)
_phones = itertools.count(1000)


def _person(name: str, *, address: str = "", phone: str = "", home: object = None) -> Person:
    return person_register(
        name=name,
        id_number=resident_id(dt.date(1988, 3, 2)),
        phone=phone or f"1380000{next(_phones):04d}",
        address=address,
        home_jurisdiction=home,  # type: ignore[arg-type]
        by=None,
    ).person


@pytest.fixture
def case(zhang_san: Person, investigator: object) -> Case:
    return case_register(
        person=zhang_san,
        classification=CaseClassification.CONFIRMED,
        detected_at=NOW - dt.timedelta(hours=6),
        onset_date=dt.date(2021, 7, 29),
        by=investigator,  # type: ignore[arg-type]
    )


def _contact(
    case: Case,
    person: Person,
    *,
    degree: int = ContactDegree.CLOSE,
    status: str = ContactStatus.IDENTIFIED,
) -> Contact:
    return Contact.objects.create(
        case=case,
        person=person,
        degree=degree,
        via=case.person,
        category=ContactCategory.VEHICLE,
        source=ContactSource.INTERVIEW,
        status=status,
        identified_at=NOW - dt.timedelta(hours=2),
        last_exposure=NOW - dt.timedelta(days=1),
        dismissed_at=NOW if status == ContactStatus.DISMISSED else None,
    )


def _drafts() -> dict[str, list[str]]:
    return {
        draft.counterpart: list(draft.rows.order_by("row_number").values_list("name", flat=True))
        for draft in AssistRequest.objects.outgoing().filter(status=RequestStatus.DRAFT)
    }


@pytest.mark.parametrize(
    ("address", "city"),
    [
        ("南京市江宁区秣陵街道", "南京市"),
        ("江苏省南京市江宁区", "南京市"),
        ("北京市朝阳区", "北京市"),
        ("广西壮族自治区南宁市青秀区", "南宁市"),
        ("梁溪区崇安寺街道", ""),
        ("农贸市场旁", ""),
    ],
)
def test_the_city_is_read_from_the_start_of_an_address(address, city):
    assert city_in_address(address) == city


def test_contacts_living_in_other_cities_go_on_that_citys_draft_once(case, jiankang):
    # Given contacts: one living in Nanjing by address, one known only by a Beijing phone,
    # one of ours, one whose address names our district, and one dismissed.
    nanjing = _contact(case, _person("王南京", address="南京市江宁区秣陵街道1号"))
    _contact(case, _person("赵北京", phone="13801000000"), degree=ContactDegree.SECONDARY)
    _contact(case, _person("钱本地", address="南京市江宁区", home=jiankang))
    _contact(case, _person("孙梁溪", address="梁溪区崇安寺街道8号"))
    _contact(case, _person("李排除", address="苏州市姑苏区"), status=ContactStatus.DISMISSED)

    # When the drafts are made, and made again
    first = outgoing_drafts_from_contacts(since=NOW - dt.timedelta(days=1), at=NOW, by=None)
    again = outgoing_drafts_from_contacts(since=NOW - dt.timedelta(days=1), at=NOW, by=None)

    # Then each city's draft names its people once, with the category from the degree
    assert (first, again) == (2, 0)
    assert _drafts() == {"南京市": ["王南京"], "北京市": ["赵北京"]}
    row = AssistRow.objects.get(contact=nanjing)
    assert row.category == RequestCategory.CLOSE_CONTACT
    assert AssistRow.objects.get(name="赵北京").category == RequestCategory.SECONDARY_CONTACT


def test_a_contact_already_sent_is_not_drafted_again(case):
    _contact(case, _person("王南京", address="南京市鼓楼区"))
    outgoing_drafts_from_contacts(since=NOW - dt.timedelta(days=1), at=NOW, by=None)
    draft = AssistRequest.objects.get(counterpart="南京市")
    assist_request_send(request=draft, by=None, at=NOW)

    added = outgoing_drafts_from_contacts(since=NOW - dt.timedelta(days=1), at=NOW, by=None)

    assert added == 0
    assert _drafts() == {}


def test_the_job_takes_the_contacts_since_its_last_run(case):
    # Given a withdrawn contact found before the job last ran, and a new one after
    old = _contact(case, _person("王旧", address="南京市鼓楼区"))
    Contact.objects.filter(pk=old.pk).update(created_at=NOW - dt.timedelta(hours=5))
    JobRun.objects.create(name=f"assist.{JOB_NAME}", started_at=NOW - dt.timedelta(hours=2))
    _contact(case, _person("王新", address="南京市鼓楼区"))

    assert outgoing_drafts_run(NOW) == 1
    assert _drafts() == {"南京市": ["王新"]}


def test_the_command_drafts_the_contacts_of_its_window(case):
    _contact(case, _person("王南京", address="南京市鼓楼区"))
    out = io.StringIO()
    call_command("assist_outgoing", "--days", "2", stdout=out)
    assert "1 row(s)" in out.getvalue()


@pytest.fixture
def draft(case: Case) -> AssistRequest:
    for name in ("甲", "乙", "丙"):
        _contact(case, _person(name, address="南京市玄武区"))
    outgoing_drafts_from_contacts(since=NOW - dt.timedelta(days=1), at=NOW, by=None)
    return AssistRequest.objects.get(counterpart="南京市", status=RequestStatus.DRAFT)


def test_the_hq_takes_a_person_off_the_draft_and_sends_it(draft, hq_admin):
    assist_row_withdraw(row=draft.rows.get(name="乙"), by=hq_admin)
    sent = assist_request_send(request=draft, by=hq_admin, at=NOW)

    assert (sent.status, sent.sent_at) == (RequestStatus.OPEN, NOW)
    assert list(sent.rows.values_list("name", flat=True)) == ["甲", "丙"]
    assert AuditEvent.objects.filter(action="assist_request.send").count() == 1
    with pytest.raises(Conflict):
        assist_row_withdraw(row=sent.rows.get(name="甲"), by=hq_admin)
    with pytest.raises(Conflict):
        assist_request_send(request=sent, by=hq_admin, at=NOW)


def test_an_empty_draft_cannot_be_sent(draft):
    for row in draft.rows.all():
        assist_row_withdraw(row=row, by=None)
    with pytest.raises(Conflict):
        assist_request_send(request=draft, by=None, at=NOW)
    draft.refresh_from_db()
    assert draft.status == RequestStatus.DRAFT


def test_a_reply_naming_an_unknown_row_is_refused_whole(draft):
    assist_request_send(request=draft, by=None, at=NOW)
    replies = [(1, Outcome.CENTRALIZED, ""), (9, Outcome.NOT_FOUND, "")]

    with pytest.raises(ValidationError) as refused:
        assist_request_reply(request=draft, rows=replies, by=None, at=NOW)

    assert "序号 9" in str(refused.value)
    assert not draft.rows.filter(answered_at__isnull=False).exists()


def test_replies_answer_the_rows_record_control_and_close_the_list(draft, hq_admin):
    sent = assist_request_send(request=draft, by=None, at=NOW)
    later = NOW + dt.timedelta(hours=3)

    # When the other city answers two rows, then the third
    assist_request_reply(
        request=sent,
        rows=[(1, Outcome.CENTRALIZED, "江宁区某酒店"), (2, Outcome.NOT_FOUND, "")],
        by=hq_admin,
        at=later,
    )
    sent.refresh_from_db()
    assert sent.status == RequestStatus.OPEN
    assist_request_reply(
        request=sent, rows=[(3, Outcome.HOME_QUARANTINE, "")], by=hq_admin, at=later
    )

    # Then each row has its answer, the contact placed there is under control with the reply
    # as its note, and the list is closed
    sent.refresh_from_db()
    assert (sent.status, sent.closed_at) == (RequestStatus.CLOSED, later)
    first = sent.rows.get(row_number=1)
    assert (first.outcome, first.answered_at) == (Outcome.CENTRALIZED, later)
    assert first.contact is not None
    first.contact.refresh_from_db()
    assert first.contact.status == ContactStatus.UNDER_CONTROL
    assert "南京市" in first.contact.control_note and "江宁区某酒店" in first.contact.control_note
    not_found = sent.rows.get(row_number=2).contact
    assert not_found is not None and not_found.status == ContactStatus.IDENTIFIED
    assert AuditEvent.objects.filter(action="assist_row.reply").count() == 3
    assert AuditEvent.objects.filter(action="assist_request.close").count() == 1


def test_a_draft_takes_no_reply(draft):
    with pytest.raises(Conflict):
        assist_request_reply(
            request=draft, rows=[(1, Outcome.CENTRALIZED, "")], by=None, at=timezone.now()
        )


def test_the_other_citys_answer_file_is_read_by_row_number_and_words():
    # Given our list sent back with results filled in, one row still blank
    header = [*list_header(), "核查结果", "结果说明"]
    blank = [""] * len(list_header())
    content = xlsx_bytes(
        header,
        [
            [1, *blank[1:], "已集中隔离", "某酒店"],
            [2, *blank[1:], "", ""],
            [3, *blank[1:], "not_found", ""],
        ],
        title="反馈",
    )
    replies = reply_rows_read(io.BytesIO(content), "answer.xlsx")
    assert replies == [(1, Outcome.CENTRALIZED, "某酒店"), (3, Outcome.NOT_FOUND, "")]


def test_an_answer_file_with_an_unknown_result_names_its_line():
    content = xlsx_bytes(["序号", "核查结果"], [[1, "不知道"]], title="反馈")
    with pytest.raises(TableRejected) as rejected:
        reply_rows_read(io.BytesIO(content), "answer.xlsx")
    assert rejected.value.errors[0].row == 2
