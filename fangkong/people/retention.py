"""Retention of personal data (PIPL): what the platform forgets about a person, and when.

A person is *due* once every area that had them under control has let them go more than
`FANGKONG_PERSON_RETENTION_DAYS` ago: released from quarantine, contact control ended, case
discharged and post-discharge monitoring over, and nothing open anywhere. The person registry
cannot know the areas above it, so each area registers from its AppConfig.ready():

- a *rule* (`register_retention_rule`): the persons it ever had under control, and the persons it
  still holds at a cut-off (open control, or control that ended after the cut-off);
- a *step* (`register_retention_step`): removes or anonymises its own movement and health rows
  of one person and says how many rows it touched.

`person_anonymise` runs every step, masks the person's identifying fields and writes one audit
row (the steps and row counts, never the erased values), all in one transaction: a killed run
leaves each person either untouched or done, and a rerun only picks up the persons not done.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import reduce
from operator import or_
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from fangkong.core.audit import audit_write
from fangkong.core.errors import Conflict
from fangkong.core.models import AuditEvent
from fangkong.people.conf import people_settings
from fangkong.people.models import Person, PersonQuerySet

if TYPE_CHECKING:
    from fangkong.accounts.models import User


@dataclass(frozen=True)
class RetentionRule:
    name: str
    # The persons (a Q on Person) this area ever had under control.
    controlled: Callable[[], Q]
    # The persons this area still holds at the cut-off: control open, or ended after it.
    held: Callable[[dt.datetime], Q]


@dataclass(frozen=True)
class RetentionStep:
    name: str
    # Removes or anonymises the area's rows about the person; returns how many rows it touched.
    erase: Callable[[Person], int]


_rules: dict[str, RetentionRule] = {}
_steps: dict[str, RetentionStep] = {}

# The registry's own step, run after the areas': the person's own audit rows keep who did what
# and when, but no longer the name, number, phone or address they recorded.
AUDIT_TRAIL_STEP = "people.audit_trail"
IDENTIFYING_FIELDS = ("name", "id_number", "phone", "address", "birth_date")


def register_retention_rule(
    name: str,
    *,
    controlled: Callable[[], Q],
    held: Callable[[dt.datetime], Q],
) -> None:
    _rules[name] = RetentionRule(name=name, controlled=controlled, held=held)


def register_retention_step(name: str, erase: Callable[[Person], int]) -> None:
    _steps[name] = RetentionStep(name=name, erase=erase)


def retention_steps() -> list[RetentionStep]:
    return [_steps[name] for name in sorted(_steps)]


def retention_cutoff(now: dt.datetime) -> dt.datetime:
    return now - dt.timedelta(days=people_settings().retention_days)


def persons_due(*, now: dt.datetime) -> PersonQuerySet:
    """Persons not yet anonymised whom some area had under control and none still holds
    (nor let go within the retention period)."""
    rules = [_rules[name] for name in sorted(_rules)]
    if not rules:
        return Person.objects.none()
    cutoff = retention_cutoff(now)
    controlled = reduce(or_, [rule.controlled() for rule in rules])
    held = reduce(or_, [rule.held(cutoff) for rule in rules])
    return Person.objects.not_anonymised().filter(controlled).exclude(held).order_by("pk")


def masked_name(name: str) -> str:
    """`张三丰` → `张**`: the surname stays for the case file's readers, the rest goes."""
    return name[:1] + "*" * max(len(name) - 1, 1) if name else "*"


def anonymous_id_number(person_id: int) -> str:
    """A placeholder unique per record (the ID document's unique constraint holds) that no
    real document number can take, so a later registration of the same person is new."""
    return f"ANON-{person_id}"


def _scrub(values: Any, replacement: dict[str, Any]) -> Any:
    if not isinstance(values, dict):
        return values
    return {k: replacement.get(k, v) for k, v in values.items()}


def _audit_trail_scrub(person: Person, replacement: dict[str, Any]) -> int:
    events = AuditEvent.objects.filter(object_type="people.person", object_id=str(person.pk))
    count = 0
    for event in events.only("pk", "before", "after"):
        AuditEvent.objects.filter(pk=event.pk).update(
            object_repr=replacement["name"],
            before=_scrub(event.before, replacement),
            after=_scrub(event.after, replacement),
        )
        count += 1
    return count


@dataclass(frozen=True)
class Anonymisation:
    person_id: int
    rows: dict[str, int] = field(default_factory=dict)


@transaction.atomic
def person_anonymise(*, person: Person, now: dt.datetime, by: User | None) -> Anonymisation:
    """Erase the person's movement and health data through every area's step and mask the
    record; audited with the steps and row counts."""
    locked = Person.objects.select_for_update().get(pk=person.pk)
    if locked.anonymised_at is not None:
        raise Conflict(_("人员 #%(pk)s 已匿名化，无可删除的数据") % {"pk": locked.pk})
    rows = {step.name: int(step.erase(locked)) for step in retention_steps()}
    replacement: dict[str, Any] = {
        "name": masked_name(locked.name),
        "id_number": anonymous_id_number(locked.pk),
        "phone": "",
        "address": "",
        "birth_date": None,
    }
    for name, value in replacement.items():
        setattr(locked, name, value)
    locked.anonymised_at = now
    locked.save(update_fields=[*IDENTIFYING_FIELDS, "anonymised_at", "updated_at"])
    rows[AUDIT_TRAIL_STEP] = _audit_trail_scrub(locked, replacement)
    audit_write(
        by=by,
        action="person.anonymise",
        obj=locked,
        after={
            "anonymised_at": now,
            "retention_days": people_settings().retention_days,
            "rows": rows,
        },
    )
    return Anonymisation(person_id=locked.pk, rows=rows)


@dataclass
class RetentionTotals:
    persons: int = 0
    rows: dict[str, int] = field(default_factory=dict)

    def add(self, done: Anonymisation) -> None:
        self.persons += 1
        for name, n in done.rows.items():
            self.rows[name] = self.rows.get(name, 0) + n


def retention_run(
    *,
    now: dt.datetime,
    limit: int | None = None,
    progress: Callable[[Iterator[int], int], Iterator[int]] | None = None,
) -> RetentionTotals:
    """Anonymise the persons due, each in its own transaction (a savepoint when the caller
    holds one, as the job runner does). Safe to kill and rerun."""
    ids = list(persons_due(now=now).values_list("pk", flat=True)[:limit])
    totals = RetentionTotals()
    iterator: Iterator[int] = iter(ids)
    if progress is not None:
        iterator = progress(iterator, len(ids))
    for pk in iterator:
        person = Person.objects.filter(pk=pk, anonymised_at__isnull=True).first()
        if person is None:  # anonymised meanwhile by another run
            continue
        totals.add(person_anonymise(person=person, now=now, by=None))
    return totals
