"""The kinds of measure the platform knows, registered by the areas that apply them.

An area registers a `MeasureKind` from its AppConfig.ready(): how to read a value someone typed,
the default when no measure was ever set (from settings), and the subjects it can apply to.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django.utils.functional import _StrPromise


def _no_subjects() -> Sequence[tuple[str, Any]]:
    return [("", _("全市"))]


@dataclass(frozen=True)
class MeasureKind:
    key: str
    label: _StrPromise | str
    default: Callable[[str], Any]  # subject -> value when no measure was set
    parse: Callable[[str, Any], Any]  # (subject, raw) -> stored value; raises ValidationError
    subjects: Callable[[], Sequence[tuple[str, Any]]] = _no_subjects
    values: Callable[[], Sequence[tuple[str, Any]]] | None = None  # choices, when closed
    display: Callable[[Any], str] = str
    # For a kind without closed choices: how to write a value, in words, shown on the forms
    # ("时刻 HH:MM，如 16:00"), and the input it is typed into ("text", "time", "number").
    hint: _StrPromise | str = ""
    input_type: str = "text"

    def subject_label(self, subject: str) -> str:
        """The subject as people name it ("锡山区", "酒吧"), or the code if not one of ours."""
        return str(dict(self.subjects()).get(subject, subject))


_kinds: dict[str, MeasureKind] = {}


def register_measure_kind(kind: MeasureKind) -> None:
    _kinds[kind.key] = kind


def measure_kind(key: str) -> MeasureKind:
    return _kinds[key]


def measure_kinds() -> list[MeasureKind]:
    return sorted(_kinds.values(), key=lambda k: k.key)


def any_subject_label(subject: str) -> str:
    """A subject's name under whichever kind knows it: a refusal names "锡山区", never
    "320205", even when the subject was given to a kind it does not belong to."""
    for kind in measure_kinds():
        label = dict(kind.subjects()).get(subject)
        if label is not None:
            return str(label)
    return subject
