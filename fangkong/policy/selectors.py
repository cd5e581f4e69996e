from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from fangkong.policy.kinds import MeasureKind, measure_kind, measure_kinds
from fangkong.policy.models import Measure


def measure_in_force(kind: str, subject: str = "", *, at: dt.datetime | None = None) -> Any:
    """The value of a measure at an instant (now by default); the kind's default if none."""
    moment = at or timezone.now()
    row = (
        Measure.objects.filter(kind=kind, subject=subject, effective_at__lte=moment)
        .order_by("-effective_at", "-pk")
        .only("value")
        .first()
    )
    return row.value if row is not None else measure_kind(kind).default(subject)


def measures_in_force(kind: str, *, at: dt.datetime | None = None) -> dict[str, Any]:
    """Every subject's value of one kind at an instant, in one query (subjects never set
    are absent: callers fall back to `measure_kind(kind).default(subject)`)."""
    moment = at or timezone.now()
    values: dict[str, Any] = {}
    rows = (
        Measure.objects.filter(kind=kind, effective_at__lte=moment)
        .order_by("effective_at", "pk")
        .values_list("subject", "value")
    )
    for subject, value in rows:
        values[subject] = value
    return values


@dataclass(frozen=True)
class MeasureInForce:
    kind: MeasureKind
    subject: str
    subject_label: str
    value: Any
    measure: Measure | None  # None: the default applies

    @property
    def value_display(self) -> str:
        return self.kind.display(self.value)


def measure_board(*, at: dt.datetime | None = None) -> list[MeasureInForce]:
    """Everything in force at an instant, subject by subject, defaults included."""
    moment = at or timezone.now()
    latest: dict[tuple[str, str], Measure] = {}
    for row in Measure.objects.filter(effective_at__lte=moment).order_by("effective_at", "pk"):
        latest[(row.kind, row.subject)] = row
    board: list[MeasureInForce] = []
    for kind in measure_kinds():
        for subject, label in kind.subjects():
            measure = latest.get((kind.key, subject))
            value = measure.value if measure is not None else kind.default(subject)
            board.append(MeasureInForce(kind, subject, str(label), value, measure))
    return board


def measures_scheduled(*, after: dt.datetime | None = None) -> list[Measure]:
    """Measures recorded to take effect later."""
    moment = after or timezone.now()
    return list(Measure.objects.filter(effective_at__gt=moment).order_by("effective_at", "pk"))


def measures_scheduled_in_words(
    *, kind: str | None = None, after: dt.datetime | None = None
) -> list[MeasureInForce]:
    """Measures recorded to take effect later, as people read them: the kind's label, the
    subject's name and the value in words (never "320205 → tightened")."""
    rows: list[MeasureInForce] = []
    for measure in measures_scheduled(after=after):
        if kind is not None and measure.kind != kind:
            continue
        measure_type = measure_kind(measure.kind)
        rows.append(
            MeasureInForce(
                measure_type,
                measure.subject,
                measure_type.subject_label(measure.subject),
                measure.value,
                measure,
            )
        )
    return rows
