"""Incoming assist requests (协查函): a list received from another city or the province, each
row matched to the person registry and handed to the community responsible as a verification
task, or answered at once when our own records already hold the person.

The work is done in bulk (the acceptance's list has 2,000 rows): one lookup per kind (ID
documents, phones, jurisdictions, custody), the registry's own bulk registration, bulk inserts
of the rows and of the new tasks (services/intake_assign.py); the task service decides only
persons who already have an open task, and the race with another list naming them.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from fangkong.assist import measures
from fangkong.assist.importing import TITLES, AssistRowInput
from fangkong.assist.models import (
    AssistRequest,
    AssistRow,
    CounterpartKind,
    Direction,
    Outcome,
    RequestStatus,
    RowMatch,
)
from fangkong.assist.services.answers import request_close_if_answered
from fangkong.assist.services.intake_assign import rows_assign
from fangkong.core.audit import audit_write, snapshot
from fangkong.core.dates import refuse_too_early
from fangkong.core.errors import Conflict
from fangkong.core.models import DataImport
from fangkong.core.tabular import RowError, TableRejected
from fangkong.people.models import Person
from fangkong.people.services import (
    person_fields_clean,
    person_register,
    person_register_many,
    persons_registered,
)

if TYPE_CHECKING:
    from fangkong.accounts.models import User

# Under SQLite's limit on bound parameters per statement.
_CHUNK = 500
# A registration race (another list registering the same newcomer) is retried this often.
_REGISTRATION_ATTEMPTS = 3
# A receipt time this far past the server's clock is a typing slip, not a clock skew.
_CLOCK_SKEW = dt.timedelta(minutes=5)
_CONTENT = ("name", "id_type", "id_number", "phone", "address", "category")
_CONTENT_MORE = ("exposure_place", "exposure_at", "remark")
_IDENTIFY_AUDITED = ["person", "match", "task", "outcome", "answered_at"]


@dataclass(frozen=True)
class IntakeResult:
    request: AssistRequest
    created: bool  # the request is new (False: a resend of one received before)
    added: list[AssistRow] = field(default_factory=list)
    unchanged: int = 0  # resent rows already stored as they are
    created_person_ids: list[int] = field(default_factory=list)  # newcomers to the registry
    tasks: int = 0  # persons handed to a verification task (new or joined)
    answered: int = 0  # rows answered at once: the person is already under control here
    manual: int = 0  # rows without a usable identity: the manual queue


def _request_fields_check(
    *,
    counterpart: str,
    counterpart_kind: str,
    number: str,
    received_at: dt.datetime,
    at: dt.datetime,
) -> None:
    errors: dict[str, list[str]] = {}
    if not counterpart:
        errors["counterpart"] = [_("请填写来函单位")]
    elif len(counterpart) > 100:
        errors["counterpart"] = [_("不能超过 %(n)s 个字") % {"n": 100}]
    if counterpart_kind not in CounterpartKind.values:
        errors["counterpart_kind"] = [_("未知单位类型「%s」") % counterpart_kind]
    if not number:
        errors["number"] = [_("请填写协查函编号")]
    elif len(number) > 64:
        errors["number"] = [_("不能超过 %(n)s 个字") % {"n": 64}]
    if received_at > at + _CLOCK_SKEW:
        errors["received_at"] = [_("收函时间不能晚于当前时间")]
    else:
        try:
            refuse_too_early(received_at)
        except ValidationError as error:
            errors["received_at"] = list(error.messages)
    if errors:
        raise ValidationError(errors)


def _request_for(
    *,
    counterpart: str,
    counterpart_kind: str,
    number: str,
    received_at: dt.datetime,
    by: User | None,
) -> tuple[AssistRequest, bool]:
    """The request this sender numbered so, locked; created now if it is new."""
    lookup = {"direction": Direction.INCOMING, "counterpart": counterpart, "number": number}
    request = AssistRequest.objects.select_for_update().filter(**lookup).first()
    if request is not None:
        return request, False
    try:
        with transaction.atomic():  # a savepoint: the race loser keeps its transaction
            request = AssistRequest.objects.create(
                **lookup,
                counterpart_kind=counterpart_kind,
                received_at=received_at,
                status=RequestStatus.OPEN,
                created_by=by,
            )
    except IntegrityError:
        # The same list arrived twice at once (the platform retries): this is a resend.
        return AssistRequest.objects.select_for_update().get(**lookup), False
    return request, True


def _new_rows(
    request: AssistRequest, rows: Sequence[AssistRowInput]
) -> tuple[list[AssistRowInput], int]:
    """The rows not received before; a row number received before with other content is an
    error naming the row (the sender corrects a row by a new list, not by a resend)."""
    stored = {
        values["row_number"]: values
        for values in AssistRow.objects.filter(request=request).values(
            "row_number", *_CONTENT, *_CONTENT_MORE
        )
    }
    fresh: list[AssistRowInput] = []
    errors: list[RowError] = []
    for row in rows:
        before = stored.get(row.row_number)
        if before is None:
            fresh.append(row)
            continue
        differing = [key for key, value in row.stored().items() if before[key] != value]
        if differing:
            errors.append(
                RowError(
                    row.line,
                    TITLES["row_number"],
                    _("序号 %(number)s 已于此前收到，但内容不同（%(fields)s）；更正请另发协查函")
                    % {
                        "number": row.row_number,
                        "fields": "、".join(str(TITLES[key]) for key in differing),
                    },
                    key="row_number",
                )
            )
    if errors:
        raise TableRejected(errors)
    return fresh, len(rows) - len(fresh)


@dataclass
class _Matches:
    by_row: dict[int, tuple[Person, str]]  # row number → (person, RowMatch)
    created: list[Person]


def _register(rows: Sequence[AssistRowInput]) -> tuple[dict[tuple[str, str], Person], list[Person]]:
    """Find or register everyone listed with an ID document, through the registry's own bulk
    service. A document registered under another name is left out (the row goes to the
    manual queue: which of the two is right is for a person to decide)."""
    first: dict[tuple[str, str], AssistRowInput] = {}
    for row in rows:
        if row.id_number:
            first.setdefault((row.id_type, row.id_number), row)
    if not first:
        return {}, []
    for attempt in range(1, _REGISTRATION_ATTEMPTS + 1):
        known = persons_registered(first)
        agreeing = [
            person_fields_clean(
                name=row.name,
                id_type=row.id_type,
                id_number=row.id_number,
                phone=row.phone,
                address=row.address,
            )
            for document, row in first.items()
            if document not in known or known[document].name == row.name
        ]
        try:
            registration = person_register_many(candidates=agreeing)
        except Conflict as error:
            # Another list registered one of our newcomers meanwhile; it is committed now, so
            # the next attempt finds them.
            if error.code != "registration_race" or attempt == _REGISTRATION_ATTEMPTS:
                raise
            continue
        return registration.persons, registration.created
    raise AssertionError("unreachable")  # pragma: no cover


def _phone_holders(phones: Iterable[str]) -> dict[str, Person]:
    """Each phone held by exactly one registered person, with that person."""
    wanted = sorted(set(phones))
    holders: dict[str, list[Person]] = defaultdict(list)
    for start in range(0, len(wanted), _CHUNK):
        for person in Person.objects.filter(phone__in=wanted[start : start + _CHUNK]):
            holders[person.phone].append(person)
    return {phone: found[0] for phone, found in holders.items() if len(found) == 1}


def _match(rows: Sequence[AssistRowInput]) -> _Matches:
    by_document, created = _register(rows)
    # Phones are looked up after registration: a row without ID finds a person another row
    # of the same list registered.
    by_phone = _phone_holders(r.phone for r in rows if not r.id_number and r.phone)
    matched: dict[int, tuple[Person, str]] = {}
    for row in rows:
        if row.id_number:
            person = by_document.get((row.id_type, row.id_number))
            if person is not None and person.name == row.name:
                matched[row.row_number] = (person, RowMatch.ID_DOCUMENT)
        elif row.phone in by_phone:
            matched[row.row_number] = (by_phone[row.phone], RowMatch.PHONE)
    # One object per person, whichever lookup found them.
    persons = {person.pk: person for person, _how in matched.values()}
    unified = {n: (persons[p.pk], how) for n, (p, how) in matched.items()}
    return _Matches(by_row=unified, created=created)


class _Deadlines:
    """Each category's hours read once per list (the measure in force at receipt)."""

    def __init__(self, received_at: dt.datetime) -> None:
        self.received_at = received_at
        self.hours: dict[str, int] = {}

    def due(self, category: str) -> dt.datetime:
        if category not in self.hours:
            self.hours[category] = measures.verify_hours(category, at=self.received_at)
        return self.received_at + dt.timedelta(hours=self.hours[category])


def _row(request: AssistRequest, row: AssistRowInput, due_at: dt.datetime) -> AssistRow:
    return AssistRow(request=request, row_number=row.row_number, due_at=due_at, **row.stored())


@transaction.atomic
def assist_request_receive(
    *,
    counterpart: str,
    counterpart_kind: str,
    number: str,
    received_at: dt.datetime,
    rows: Sequence[AssistRowInput],
    by: User | None,
    at: dt.datetime,
    filename: str = "",
) -> IntakeResult:
    """Receive a list (checked rows, see assist.importing): the request and its rows, every
    listed person matched and assigned, in one transaction with one audit row for the
    receipt (and one naming the tasks it opened, services/intake_assign.py).

    Idempotent by (sender, number, row number): a resend adds only the rows not received
    before, and a row received before with other content refuses the list (TableRejected).
    `filename` marks an import of the sender's file (audited as such, with its DataImport)."""
    counterpart, number = counterpart.strip(), number.strip()
    _request_fields_check(
        counterpart=counterpart,
        counterpart_kind=counterpart_kind,
        number=number,
        received_at=received_at,
        at=at,
    )
    request, created = _request_for(
        counterpart=counterpart,
        counterpart_kind=counterpart_kind,
        number=number,
        received_at=received_at,
        by=by,
    )
    fresh, unchanged = _new_rows(request, rows)
    if not fresh:
        return IntakeResult(request=request, created=created, unchanged=unchanged)

    # Rows added by a resend were received with it: their hours run from now on.
    deadlines = _Deadlines(received_at)
    matches = _match(fresh)
    new_ids = {p.pk for p in matches.created}
    built: list[AssistRow] = []
    of_person: dict[int, list[AssistRow]] = defaultdict(list)
    persons: dict[int, Person] = {}
    for item in fresh:
        row = _row(request, item, deadlines.due(item.category))
        found = matches.by_row.get(item.row_number)
        if found is None:
            row.match = RowMatch.NONE
        else:
            row.person, row.match = found
            of_person[found[0].pk].append(row)
            persons[found[0].pk] = found[0]
        built.append(row)
    assigned = rows_assign(
        [(persons[pk], person_rows) for pk, person_rows in of_person.items()],
        newcomers=new_ids,
        at=at,
        by=by,
    )
    AssistRow.objects.bulk_create(built, batch_size=_CHUNK)
    if request.status == RequestStatus.CLOSED:  # new rows reopen a list that was answered
        request.status, request.closed_at = RequestStatus.OPEN, None
        request.save(update_fields=["status", "closed_at"])
    result = IntakeResult(
        request=request,
        created=created,
        added=built,
        unchanged=unchanged,
        created_person_ids=sorted(new_ids),
        tasks=len(assigned.tasks),
        answered=sum(1 for row in built if row.outcome == Outcome.ALREADY_CONTROLLED),
        manual=sum(1 for row in built if row.match == RowMatch.NONE),
    )
    _audit_receipt(
        result, created_task_ids=assigned.created_task_ids, filename=filename, by=by, at=at
    )
    # A list whose every person is already under control here is answered at once: closed.
    request_close_if_answered(request=request, at=at, by=by)
    return result


def _audit_receipt(
    result: IntakeResult,
    *,
    created_task_ids: list[int],
    filename: str,
    by: User | None,
    at: dt.datetime,
) -> None:
    request = result.request
    after: dict[str, Any] = {
        **snapshot(request, ["counterpart", "counterpart_kind", "number", "received_at"]),
        "rows_added": len(result.added),
        "rows_unchanged": result.unchanged,
        "created_person_ids": result.created_person_ids,
        "tasks": result.tasks,
        "created_task_ids": created_task_ids,
        "answered_at_once": result.answered,
        "manual_queue": result.manual,
        "resend": not result.created,
    }
    if filename:
        record = DataImport.objects.create(
            kind="assist.request",
            filename=filename[:200],
            rows=len(result.added) + result.unchanged,
            created=len(result.added),
            existing=result.unchanged,
            by=by,
            at=at,
        )
        after.update(filename=filename, data_import=record.pk)
    action = "assist_request.import" if filename else "assist_request.receive"
    audit_write(by=by, action=action, obj=request, after=after)


@transaction.atomic
def assist_row_identify(
    *, row: AssistRow, person: Person, by: User | None, at: dt.datetime
) -> AssistRow:
    """A row of the manual queue identified by hand as `person`: then answered at once or
    handed to the person's task, as at receipt."""
    row = AssistRow.objects.select_for_update().select_related("request").get(pk=row.pk)
    if row.request.direction != Direction.INCOMING or row.match != RowMatch.NONE:
        raise Conflict(_("该行不在待人工核实队列中"), code="not_in_manual_queue")
    before = snapshot(row, _IDENTIFY_AUDITED)
    row.person, row.match = person, RowMatch.MANUAL
    if row.due_at is None:  # every received row has one; an old row falls back to now
        row.due_at = at
    rows_assign([(person, [row])], newcomers=set(), at=at, by=by)
    row.save(
        update_fields=[
            "person",
            "match",
            "due_at",
            "task",
            "outcome",
            "outcome_note",
            "answered_at",
        ]
    )
    audit_write(
        by=by,
        action="assist_row.identify",
        obj=row,
        before=before,
        after=snapshot(row, _IDENTIFY_AUDITED),
    )
    return row


@transaction.atomic
def assist_row_identify_registering(
    *,
    row: AssistRow,
    name: str,
    id_type: str,
    id_number: str,
    phone: str = "",
    by: User | None,
    at: dt.datetime,
) -> AssistRow:
    """The manual queue's form: the person found by their ID document, registered if new
    (the registry's own find-or-register), then identified as `assist_row_identify` does; a
    refusal of either leaves nothing behind."""
    person = person_register(
        name=name, id_type=id_type, id_number=id_number, phone=phone, address=row.address, by=by
    ).person
    return assist_row_identify(row=row, person=person, by=by, at=at)
