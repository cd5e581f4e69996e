"""Verification tasks: one open task per person, whichever lists and reports name them."""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction

from fangkong.accounts.models import User
from fangkong.assist.models import TaskStatus, VerificationTask
from fangkong.core.audit import audit_write, snapshot
from fangkong.jurisdictions.models import Jurisdiction
from fangkong.people.models import Person

_AUDITED = ["person", "jurisdiction", "due_at", "status"]


@transaction.atomic
def verification_task_assign(
    *,
    person: Person,
    jurisdiction: Jurisdiction,
    due_at: dt.datetime,
    at: dt.datetime,
    by: User | None,
) -> VerificationTask:
    """The person's open task, due by the earlier of its time and `due_at`; a new one for
    `jurisdiction` if they have none. Two lists naming one person at once still make one
    task (the database's one-open-task constraint decides the race)."""
    task = (
        VerificationTask.objects.select_for_update()
        .filter(person=person, status=TaskStatus.OPEN)
        .first()
    )
    if task is None:
        try:
            with transaction.atomic():
                task = VerificationTask.objects.create(
                    person=person, jurisdiction=jurisdiction, due_at=due_at, created_at=at
                )
        except IntegrityError:
            task = VerificationTask.objects.select_for_update().get(
                person=person, status=TaskStatus.OPEN
            )
        else:
            audit_write(
                by=by, action="verification_task.assign", obj=task, after=snapshot(task, _AUDITED)
            )
            return task
    if due_at < task.due_at:
        before = snapshot(task, _AUDITED)
        task.due_at = due_at
        task.save(update_fields=["due_at"])
        audit_write(
            by=by,
            action="verification_task.hasten",
            obj=task,
            before=before,
            after=snapshot(task, _AUDITED),
        )
    return task
