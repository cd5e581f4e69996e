"""A figure: one named number that an area reports on its page, its API, the briefing and the
command dashboard. Areas compute figures in their selectors; the command area only gathers them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from fangkong.core.charts import BriefingChart


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


@dataclass(frozen=True)
class BriefingTable:
    title: str
    header: list[str]
    rows: list[list[object]]


@dataclass(frozen=True)
class BriefingSection:
    """One area's part of the daily briefing (疫情防控日报) and the command dashboard.

    Each area's `briefing.py` builds it from its own selectors for a given day; the command
    area orders the sections, renders them as a page, .docx and .xlsx, and never recomputes
    an area's numbers itself.
    """

    key: str  # the area, e.g. "quarantine"
    title: str  # e.g. "集中隔离"
    order: int
    figures: list[Figure]
    # Sentences for the narrative part of the briefing, already in the reader's language.
    paragraphs: list[str] = field(default_factory=list)
    tables: list[BriefingTable] = field(default_factory=list)
    # Drawn as images in the .docx (the page and the dashboard draw their own with ECharts).
    charts: list[BriefingChart] = field(default_factory=list)
