"""One person's data on request (PIPL right of access): everything the platform holds about a
person, gathered across the areas into one JSON document.

The person registry cannot know the areas above it: each area registers a *section* from its
AppConfig.ready() (`register_subject_section`) returning its rows about the person as JSON-ready
dicts (`subject_rows` turns a queryset into them). The export is audited as a read.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from django.db import models
from django.utils import timezone

from fangkong.core.audit import audit_read, snapshot
from fangkong.people.models import Person

if TYPE_CHECKING:
    from fangkong.accounts.models import User

FORMAT = "fangkong.subject-export/1"

SubjectSection = Callable[[Person], list[dict[str, Any]]]
_sections: dict[str, SubjectSection] = {}


def register_subject_section(name: str, section: SubjectSection) -> None:
    _sections[name] = section


def subject_rows(
    rows: Iterable[models.Model],
    *,
    labels: Callable[[Any], dict[str, Any]] | None = None,
) -> list[dict[str, Any]]:
    """Each row's stored values (foreign keys by id), plus readable labels where given (the
    venue's or site's name beside its id)."""
    return [{**snapshot(row), **(labels(row) if labels else {})} for row in rows]


def subject_document(*, person: Person, by: User | None) -> dict[str, Any]:
    """The whole document; records that `by` exported the person's data."""
    audit_read(by=by, action="person.subject_export", obj=person)
    return {
        "format": FORMAT,
        "generated_at": timezone.now().isoformat(),
        "generated_by": by.get_username() if by is not None else "",
        "person": snapshot(person),
        "sections": {name: _sections[name](person) for name in sorted(_sections)},
    }


def _default(value: object) -> object:
    if isinstance(value, dt.date | dt.datetime | dt.time):
        return value.isoformat()
    return str(value)


def subject_json(document: dict[str, Any]) -> str:
    return json.dumps(document, ensure_ascii=False, indent=2, default=_default)
