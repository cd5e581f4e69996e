"""What the platform itself knows of a responsible unit's day, for its daily report.

An area that runs something for a unit (a quarantine site, a hospital) registers a function
`(*, unit, day, at) -> UnitDay` with `register_unit_day("<area>", function)` from its
AppConfig.ready(). The command area reads the gathered `unit_day(...)` to prefill the unit's
daily report and to refuse a zero report on a day the platform holds events for the unit; it
never recomputes an area's numbers itself.

Figures are keyed by the daily report's figure keys (`people_held`, `new_admitted`, ...: the
keys of the command area's `ReportFigure` rows), so a figure the HQ adds under a key an area
provides is prefilled too; a key no report asks for is simply not used.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from fangkong.jurisdictions.models import ResponsibleUnit

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class UnitDay:
    # Report figure key -> the platform's number for the day.
    figures: dict[str, int] = field(default_factory=dict)
    # Events of the day that rule out a zero report, each a phrase in the reader's language
    # ("3 条发热预警"), joined by the command area into its refusal.
    events: list[str] = field(default_factory=list)

    def merged(self, other: UnitDay) -> UnitDay:
        return UnitDay({**self.figures, **other.figures}, [*self.events, *other.events])


UnitDayFunction = Callable[..., UnitDay | None]

_registry: dict[str, UnitDayFunction] = {}


def register_unit_day(area: str, function: UnitDayFunction) -> None:
    """`function(unit=, day=, at=)` gives what the area knows of the unit's day, or None
    when the unit runs nothing of the area's; registering again replaces it."""
    _registry[area] = function


def unit_day(*, unit: ResponsibleUnit, day: dt.date, at: dt.datetime) -> UnitDay:
    """Every area's facts of `unit` on `day`, counted as of `at` (or the day's end)."""
    gathered = UnitDay()
    for area, function in _registry.items():
        try:
            given = function(unit=unit, day=day, at=at)
        except Exception:
            # One area's failure must not stop a unit from reporting: the report is then
            # neither prefilled nor checked by that area, and the operators see the error.
            logger.exception("unit day of %s failed", area)
            continue
        if given is not None:
            gathered = gathered.merged(given)
    return gathered
