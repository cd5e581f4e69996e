"""The API's kept answers (idempotency records, fangkong.core.idempotency) as a person's data:
registered in PeopleConfig.ready() with the retention and subject-export registries, as an
area registers its own rows. Core sits below the person registry and cannot register itself.

A kept answer is a copy of what a creating POST answered (a person's name and ID number, a
placement, a temperature) kept for its retries for FANGKONG_IDEMPOTENCY_TTL_HOURS. The TTL alone
would not do: a person may be anonymised within a day of a POST that named them (a short
retention period, or a registration again just before the run), and the kept copy would then
outlive the record and replay the old identity. So the persons an answer names are kept beside
it (`IdempotencyPerson`) and:

- retention deletes every record naming the person (a retry of its key then runs anew);
- the person's export lists each record naming them: the operation, when, its status, and
  the answer itself unless it also names someone else (then it is withheld: their data are
  not this person's to read; the areas' own sections hold this person's part of it).
"""

from __future__ import annotations

import json
from typing import Any

from django.db.models import Count

from fangkong.core.models import IdempotencyPerson, IdempotencyRecord
from fangkong.people.models import Person
from fangkong.people.retention import register_retention_step
from fangkong.people.subject_export import register_subject_section

NAME = "core.idempotency"


def _naming(person: Person) -> Any:
    return IdempotencyRecord.objects.filter(persons__person_id=person.pk)


def stored_answers_erase(person: Person) -> int:
    _deleted, by_model = IdempotencyRecord.objects.filter(
        pk__in=list(_naming(person).values_list("pk", flat=True))
    ).delete()
    return by_model.get(IdempotencyRecord._meta.label, 0)


def stored_answers_of(person: Person) -> list[dict[str, Any]]:
    records = list(_naming(person).order_by("created_at", "pk"))
    named = dict(
        IdempotencyPerson.objects.filter(record__in=records)
        .values("record")
        .annotate(n=Count("pk"))
        .values_list("record", "n")
    )
    return [
        {
            "method": record.method,
            "path": record.path,
            "status": record.status,
            "created_at": record.created_at,
            "completed_at": record.completed_at,
            "answer": _answer(record) if named.get(record.pk, 0) <= 1 else None,
            "answer_withheld": named.get(record.pk, 0) > 1,
        }
        for record in records
    ]


def _answer(record: IdempotencyRecord) -> Any:
    body = bytes(record.body)
    try:
        return json.loads(body.decode("utf-8")) if body else None
    except (UnicodeDecodeError, ValueError):
        return None


def register() -> None:
    register_retention_step(NAME, stored_answers_erase)
    register_subject_section(NAME, stored_answers_of)
