"""Handing a received list's persons on (part of receiving, `services/intake.py`): each person
already under control here is answered at once from our records; everyone else joins their
one open verification task, or gets one in the community responsible.

In bulk, for a 2,000-row list: the jurisdiction tree read once, one question to the custody
registry for the whole list, the new tasks inserted together. The task service
(`verification_task_assign`) still decides each case it alone can: a person who already has an
open task (its due time kept the earliest), and the race with another list opening a task for
the same person at the same moment.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction

from fangkong.assist.models import AssistRow, Outcome, TaskStatus, VerificationTask
from fangkong.assist.places import responsible_jurisdiction
from fangkong.assist.services.tasks import verification_task_assign
from fangkong.core.audit import audit_write_many
from fangkong.jurisdictions.models import Jurisdiction, Level
from fangkong.people.custody import CurrentPlace, control_times, current_place
from fangkong.people.models import Person

if TYPE_CHECKING:
    from fangkong.accounts.models import User

# Under SQLite's limit on bound parameters per statement.
_CHUNK = 500
# An exposure before anyone could have been held: asks control_times for every time known.
_EVER = dt.datetime(1900, 1, 1, tzinfo=dt.UTC)


class Responsible:
    """`places.responsible_jurisdiction` for a whole list, its tables read once.

    The same rule (home in the registry, else the deepest of our jurisdictions the address
    names along one line of the tree, else the city's pool); places.py reads the jurisdiction
    table on each call, which for a list's newcomers (no home yet) was a quarter of the time
    of a 2,000-row list. test_intake checks that both answer alike."""

    def __init__(self, persons: Iterable[Person]) -> None:
        tree = list(Jurisdiction.objects.all())
        by_pk = {j.pk: j for j in tree}
        for person in persons:
            if person.home_jurisdiction_id is not None:
                person.home_jurisdiction = by_pk[person.home_jurisdiction_id]
        self.named = sorted(
            (j for j in tree if j.level != Level.CITY), key=lambda j: j.path.count("/")
        )
        self.pool = next((j for j in tree if j.level == Level.CITY), None)

    def of(self, person: Person, *, address: str, phone: str) -> Jurisdiction:
        if person.home_jurisdiction_id is not None or self.pool is None:
            return responsible_jurisdiction(person=person, address=address, phone=phone)
        text = address or person.address
        best: Jurisdiction | None = None
        for candidate in self.named:
            if candidate.name in text and (best is None or best.contains(candidate)):
                best = candidate
        return best if best is not None else self.pool


def ever_controlled(persons: Iterable[Person]) -> set[int]:
    """Who of these the platform has ever held (placed, admitted, isolated as a case): the
    only ones `current_place` can find somewhere now, since every area that holds people
    (quarantine, hospitals) registers a control-time provider beside its place provider. One
    bulk question to the registry, instead of asking each provider about every person."""
    return set(control_times((p.pk, _EVER) for p in persons))


def place_words(place: CurrentPlace) -> str:
    """How an answer names where the person is held: 集中隔离 锡惠大酒店."""
    return f"{place.kind_label} {place.place}"[:300]


@dataclass
class Assigned:
    tasks: dict[int, VerificationTask] = field(default_factory=dict)  # person id → task
    created_task_ids: list[int] = field(default_factory=list)  # opened in bulk, audited here
    answered: int = 0  # persons answered at once


@dataclass(frozen=True)
class _Wanted:
    person: Person
    jurisdiction: Jurisdiction
    due_at: dt.datetime


def _open_tasks(person_ids: Sequence[int]) -> set[int]:
    found: set[int] = set()
    for start in range(0, len(person_ids), _CHUNK):
        found.update(
            VerificationTask.objects.filter(
                person_id__in=person_ids[start : start + _CHUNK], status=TaskStatus.OPEN
            ).values_list("person_id", flat=True)
        )
    return found


def _one_by_one(
    wanted: Iterable[_Wanted], *, at: dt.datetime, by: User | None
) -> dict[int, VerificationTask]:
    return {
        w.person.pk: verification_task_assign(
            person=w.person, jurisdiction=w.jurisdiction, due_at=w.due_at, at=at, by=by
        )
        for w in wanted
    }


def _tasks(wanted: dict[int, _Wanted], *, at: dt.datetime, by: User | None) -> Assigned:
    """Each wanted person's open task: joined through the task service where one is open,
    else inserted together (one audit row naming them all)."""
    assigned = Assigned()
    joining = _open_tasks(sorted(wanted))
    assigned.tasks.update(_one_by_one((wanted[pk] for pk in sorted(joining)), at=at, by=by))
    fresh = [
        VerificationTask(
            person=w.person, jurisdiction=w.jurisdiction, due_at=w.due_at, created_at=at
        )
        for pk, w in sorted(wanted.items())
        if pk not in joining
    ]
    if not fresh:
        return assigned
    try:
        with transaction.atomic():  # a savepoint: the race below falls back cleanly
            created = VerificationTask.objects.bulk_create(fresh, batch_size=_CHUNK)
    except IntegrityError:
        # Another list opened a task for one of these persons meanwhile: the task service
        # decides each, as it decides that race.
        rest = (wanted[t.person_id] for t in fresh)
        assigned.tasks.update(_one_by_one(rest, at=at, by=by))
        return assigned
    if any(task.pk is None for task in created):  # a backend that returns no keys
        created = list(
            VerificationTask.objects.filter(
                person__in=[t.person_id for t in fresh], status=TaskStatus.OPEN, created_at=at
            )
        )
    assigned.tasks.update({task.person_id: task for task in created})
    assigned.created_task_ids = sorted(task.pk for task in created)
    audit_write_many(
        by=by,
        action="verification_task.assign",
        model=VerificationTask,
        detail={"ids": assigned.created_task_ids},
    )
    return assigned


def rows_assign(
    persons: Sequence[tuple[Person, list[AssistRow]]],
    *,
    newcomers: set[int],
    at: dt.datetime,
    by: User | None,
) -> Assigned:
    """Answer or assign each person's rows (unsaved, or saved by the caller afterwards).

    `newcomers` are persons registered by this very list: held nowhere, nothing to ask."""
    responsible = Responsible(person for person, _rows in persons)
    held_ever = ever_controlled(person for person, _rows in persons if person.pk not in newcomers)
    wanted: dict[int, _Wanted] = {}
    answered = 0
    for person, rows in persons:
        place = current_place(person) if person.pk in held_ever else None
        if place is not None:
            for row in rows:
                row.outcome = Outcome.ALREADY_CONTROLLED
                row.outcome_note = place_words(place)
                row.answered_at = at
            answered += 1
            continue
        first = min(rows, key=lambda r: (not r.address, r.row_number))
        wanted[person.pk] = _Wanted(
            person=person,
            jurisdiction=responsible.of(person, address=first.address, phone=first.phone),
            due_at=min(r.due_at for r in rows if r.due_at is not None),
        )
    assigned = _tasks(wanted, at=at, by=by) if wanted else Assigned()
    assigned.answered = answered
    for person, rows in persons:
        task = assigned.tasks.get(person.pk)
        for row in rows:
            row.task = task
    return assigned
