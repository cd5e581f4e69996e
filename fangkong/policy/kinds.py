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


_kinds: dict[str, MeasureKind] = {}


def register_measure_kind(kind: MeasureKind) -> None:
    _kinds[kind.key] = kind


def measure_kind(key: str) -> MeasureKind:
    return _kinds[key]


def measure_kinds() -> list[MeasureKind]:
    return sorted(_kinds.values(), key=lambda k: k.key)
