"""A figure: one named number that an area reports on its page, its API, the briefing and the
command dashboard. Areas compute figures in their selectors; the command area only gathers them.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True)
class Figure:
    key: str  # stable, e.g. "quarantine.people_now"
    label: str  # translated
    value: int | Decimal | float
    unit: str = ""
    alert: bool = False  # drawn in red where something needs attention

    def as_dict(self) -> dict[str, object]:
        value = str(self.value) if isinstance(self.value, Decimal) else self.value
        return {"key": self.key, "label": self.label, "value": value, "unit": self.unit}
