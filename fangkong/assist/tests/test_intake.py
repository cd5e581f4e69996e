"""Receiving assist lists: matching rows to the registry, tasks for the communities
responsible, answers at once for persons already under control, resends, the manual queue."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest

from fangkong.accounts.models import User
from fangkong.assist.measures import VERIFY_HOURS
from fangkong.assist.models import (
    AssistRequest,
    AssistRow,
    Outcome,
    RequestStatus,
    RowMatch,
    TaskStatus,
    VerificationTask,
)
from fangkong.assist.places import responsible_jurisdiction
from fangkong.assist.services.intake import (
    IntakeResult,
    assist_request_receive,
    assist_row_identify,
)
from fangkong.assist.services.intake_assign import Responsible
from fangkong.assist.tests.conftest import RECEIVED_AT, rows
from fangkong.core.errors import Conflict
from fangkong.core.models import AuditEvent
from fangkong.core.tabular import TableRejected
from fangkong.jurisdictions.models import Jurisdiction
from fangkong.people.models import Person
from fangkong.policy.services import measure_set
from fangkong.testing.concurrency import run_concurrently
from fangkong.testing.identities import resident_id

Receive = Callable[..., IntakeResult]


def _listed(person: Person, **extra: Any) -> dict[str, Any]:
    return {"name": person.name, "id_number": person.id_number, **extra}


def test_listed_residents_become_tasks_of_their_communities_due_by_their_category(
    receive: Receive, zhang_san: Person, li_si: Person, jiankang: Jurisdiction, hubin: Jurisdiction
) -> None:
    result = receive(
        [
            _listed(zhang_san, row_number=1),
            _listed(li_si, row_number=2, category="涉疫场所暴露人员"),
        ]
    )

    assert result.created and len(result.added) == 2 and result.tasks == 2
    first, second = AssistRow.objects.select_related("task").order_by("row_number")
    assert first.task is not None and second.task is not None
    assert (first.person, first.match, first.task.jurisdiction) == (
        zhang_san,
        RowMatch.ID_DOCUMENT,
        jiankang,
    )
    assert second.task.jurisdiction == hubin
    assert first.due_at == RECEIVED_AT + dt.timedelta(hours=12)
    assert second.due_at == second.task.due_at == RECEIVED_AT + dt.timedelta(hours=24)
    audit = AuditEvent.objects.get(action="assist_request.receive")
    assert audit.after is not None and audit.after["rows_added"] == 2 and audit.after["tasks"] == 2


def test_a_newcomer_is_registered_and_goes_to_the_district_the_address_names_else_the_pool(
    receive: Receive, liangxi: Jurisdiction, city: Jurisdiction
) -> None:
    result = receive(
        [
            {"name": "王五", "id_number": resident_id(), "address": "梁溪区中山路 1 号"},
            {"name": "赵六", "id_number": resident_id(), "address": "南京市玄武区"},
        ]
    )

    assert len(result.created_person_ids) == 2
    tasks = {t.person.name: t.jurisdiction for t in VerificationTask.objects.all()}
    assert tasks == {"王五": liangxi, "赵六": city}


def test_the_bulk_jurisdiction_lookup_answers_as_places_does(
    jiankang: Jurisdiction, hubin: Jurisdiction, zhang_san: Person
) -> None:
    newcomer = Person(name="王五", id_number=resident_id(), address="滨湖区河埒街道湖滨社区")
    responsible = Responsible([zhang_san, newcomer])
    for person in (zhang_san, newcomer):
        for address in (
            "",
            "梁溪区崇安寺街道",
            "滨湖区河埒街道湖滨社区",
            "梁溪区湖滨社区",
            "南京市",
        ):
            assert responsible.of(person, address=address, phone="") == responsible_jurisdiction(
                person=person, address=address, phone=""
            ), (person.name, address)


def test_the_same_person_twice_in_a_list_is_one_task_with_two_rows(
    receive: Receive, zhang_san: Person
) -> None:
    receive([_listed(zhang_san), _listed(zhang_san, category="次密接", exposure_place="T2")])

    task = VerificationTask.objects.get()
    assert task.rows.count() == 2
    assert task.due_at == RECEIVED_AT + dt.timedelta(hours=12)  # the earlier of the two


def test_three_cities_lists_naming_one_person_are_one_person_three_rows_one_task(
    receive: Receive,
) -> None:
    listed = {"name": "钱七", "id_number": resident_id()}
    receive([{**listed, "category": "其他"}], counterpart="南京市")
    receive([{**listed, "category": "密接"}], counterpart="苏州市", received_at=RECEIVED_AT)
    later = RECEIVED_AT + dt.timedelta(hours=1)
    receive([{**listed, "category": "次密接"}], counterpart="江苏省", received_at=later)

    assert Person.objects.filter(name="钱七").count() == 1
    task = VerificationTask.objects.get()
    assert AssistRow.objects.filter(task=task).count() == 3
    assert task.due_at == RECEIVED_AT + dt.timedelta(hours=12)  # the close contact's


def test_a_row_without_id_matches_the_one_person_with_its_phone_else_waits_in_the_manual_queue(
    receive: Receive, zhang_san: Person
) -> None:
    result = receive(
        [
            {"name": "张三", "phone": "138 1234 5678"},
            {"name": "无名", "phone": "13900001111"},
            {"name": "无号"},
        ]
    )

    matched, unknown_phone, nothing = AssistRow.objects.order_by("row_number")
    assert (matched.person, matched.match) == (zhang_san, RowMatch.PHONE)
    assert matched.task is not None
    for row in (unknown_phone, nothing):
        assert (row.person, row.match, row.task) == (None, RowMatch.NONE, None)
        assert row.due_at == RECEIVED_AT + dt.timedelta(hours=12)
    assert result.manual == 2


def test_an_id_registered_under_another_name_goes_to_the_manual_queue(
    receive: Receive, zhang_san: Person
) -> None:
    receive([{"name": "张叁", "id_number": zhang_san.id_number}])

    row = AssistRow.objects.get()
    assert (row.person, row.match, row.task) == (None, RowMatch.NONE, None)
    assert Person.objects.get(id_number=zhang_san.id_number).name == "张三"


def test_a_person_already_placed_here_is_answered_at_once_without_a_task(
    receive: Receive, zhang_san: Person, place: Callable[[Person], Any]
) -> None:
    place(zhang_san)
    at = RECEIVED_AT + dt.timedelta(minutes=3)

    result = receive([_listed(zhang_san)], at=at)

    row = AssistRow.objects.get()
    assert (row.outcome, row.answered_at, row.task) == (Outcome.ALREADY_CONTROLLED, at, None)
    assert "锡惠大酒店" in row.outcome_note and "集中隔离" in row.outcome_note
    assert result.answered == 1 and not VerificationTask.objects.exists()
    # Every row of the list answered: the list is closed with it
    result.request.refresh_from_db()
    assert result.request.status == RequestStatus.CLOSED and result.request.closed_at == at


def test_a_resend_adds_only_new_row_numbers_and_refuses_a_changed_row(
    receive: Receive, zhang_san: Person, li_si: Person
) -> None:
    receive([_listed(zhang_san, row_number=1)])

    again = receive([_listed(zhang_san, row_number=1), _listed(li_si, row_number=2)])
    assert not again.created and len(again.added) == 1 and again.unchanged == 1
    nothing_new = receive([_listed(zhang_san, row_number=1)])
    assert (
        nothing_new.added == []
        and AuditEvent.objects.filter(action__startswith="assist_request").count() == 2
    )

    with pytest.raises(TableRejected) as refused:
        receive([_listed(zhang_san, row_number=1, category="其他")])
    assert refused.value.errors[0].row == 1 and "人员类别" in refused.value.errors[0].message
    assert AssistRow.objects.count() == 2 and VerificationTask.objects.count() == 2


def test_a_measure_for_close_contacts_sets_the_deadline_of_lists_received_after_it(
    receive: Receive, zhang_san: Person, hq_admin: User
) -> None:
    measure_set(
        kind=VERIFY_HOURS,
        subject="close_contact",
        value="6",
        effective_at=RECEIVED_AT - dt.timedelta(days=1),
        by=hq_admin,
    )

    receive([_listed(zhang_san)])

    assert AssistRow.objects.get().due_at == RECEIVED_AT + dt.timedelta(hours=6)


def test_a_bad_row_refuses_the_list_naming_row_and_column_and_writes_nothing(
    receive: Receive,
) -> None:
    with pytest.raises(TableRejected) as refused:
        receive([{"name": "王五", "id_number": "320102199001011235"}, {"name": "", "phone": "12"}])

    found = {(e.row, e.column) for e in refused.value.errors}
    assert found == {(1, "证件号码"), (2, "姓名"), (2, "手机号")}
    assert not AssistRequest.objects.exists() and not Person.objects.exists()


def test_a_row_of_the_manual_queue_identified_by_hand_is_assigned_once(
    receive: Receive, zhang_san: Person, hq_admin: User
) -> None:
    receive([{"name": "张先生"}])
    row = AssistRow.objects.get()

    assist_row_identify(row=row, person=zhang_san, by=hq_admin, at=RECEIVED_AT)

    row.refresh_from_db()
    assert (row.person, row.match) == (zhang_san, RowMatch.MANUAL)
    assert row.task is not None and row.task.due_at == row.due_at
    assert AuditEvent.objects.filter(action="assist_row.identify").count() == 1
    with pytest.raises(Conflict):
        assist_row_identify(row=row, person=zhang_san, by=hq_admin, at=RECEIVED_AT)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_lists_naming_the_same_person_received_at_once_make_one_person_and_one_open_task(
    hq_admin: User, zhang_san: Person
) -> None:
    """Two lists name a newcomer (both register them), two a resident (both open a task)."""
    newcomer = {"name": "孙八", "id_number": resident_id(), "category": "密接"}
    resident = {"name": zhang_san.name, "id_number": zhang_san.id_number, "category": "密接"}

    def receive_from(sender: str, listed: dict[str, Any]) -> Callable[[], IntakeResult]:
        return lambda: assist_request_receive(
            counterpart=sender,
            counterpart_kind="city",
            number="2021-88",
            received_at=RECEIVED_AT,
            rows=rows(listed),
            by=hq_admin,
            at=RECEIVED_AT,
        )

    outcomes = run_concurrently(
        [
            receive_from("南京市", newcomer),
            receive_from("扬州市", newcomer),
            receive_from("苏州市", resident),
            receive_from("常州市", resident),
        ]
    )

    assert outcomes.errors == []
    assert Person.objects.filter(name="孙八").count() == 1
    for person in Person.objects.filter(name__in=["孙八", "张三"]):
        assert VerificationTask.objects.filter(person=person, status=TaskStatus.OPEN).count() == 1
        assert AssistRow.objects.filter(person=person, task__isnull=False).count() == 2
