"""Charts as images, for documents that cannot run ECharts: the daily briefing's .docx.

An area describes a chart (`BriefingChart`: labels on the x axis, one or more series, an
optional band of uncertainty) beside its figures; `chart_png` draws it with matplotlib. Chinese
labels need a CJK font, which the Debian image provides (`fonts-wqy-microhei`); its file is
`FANGKONG_CHART_FONT`. A missing font is a configuration error named as such, never a chart of
empty boxes.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

from fangkong.core.conf import core_settings

# The briefing's palette: the red of its title first, then muted colours a printer keeps apart.
COLOURS = ["#c00000", "#1f4e79", "#548235", "#bf8f00", "#7030a0", "#595959"]


class SeriesStyle(StrEnum):
    LINE = "line"
    DASHED = "dashed"  # a projection, or a limit
    BAR = "bar"


@dataclass(frozen=True)
class ChartSeries:
    name: str  # translated: the legend
    values: tuple[float | None, ...]  # one per label; None leaves a gap
    style: SeriesStyle = SeriesStyle.LINE
    # (low, high) per label: drawn as a shaded band around the series
    band: tuple[tuple[float, float], ...] | None = None


@dataclass(frozen=True)
class BriefingChart:
    title: str  # translated: the caption
    labels: tuple[str, ...]  # the x axis, e.g. "8/05"
    series: tuple[ChartSeries, ...]
    y_label: str = ""
    # Label indexes from which the chart shows what is projected rather than observed.
    projected_from: int | None = None

    def __post_init__(self) -> None:
        for series in self.series:
            if len(series.values) != len(self.labels):
                raise ValueError(f"series {series.name!r}: one value per label")
            if series.band is not None and len(series.band) != len(self.labels):
                raise ValueError(f"series {series.name!r}: one band per label")


def chart_font() -> Path:
    font = core_settings().chart_font
    if not font.is_file():
        raise ImproperlyConfigured(
            f"FANGKONG_CHART_FONT: no font file at {font}; install Debian's fonts-wqy-microhei "
            "or point the setting at another CJK TrueType font"
        )
    return font


def chart_png(chart: BriefingChart, *, width_cm: float = 16, height_cm: float = 7) -> bytes:
    """The chart as a PNG image at print resolution."""
    # Imported here: matplotlib costs about a second to import, and only exports draw charts.
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import font_manager
    from matplotlib.figure import Figure as PlotFigure

    font_path = chart_font()
    font_manager.fontManager.addfont(str(font_path))
    family = font_manager.FontProperties(fname=str(font_path)).get_name()
    with matplotlib.rc_context({"font.family": [family], "axes.unicode_minus": False}):
        figure = PlotFigure(figsize=(width_cm / 2.54, height_cm / 2.54), dpi=150)
        axes = figure.add_subplot()
        positions = list(range(len(chart.labels)))
        bars = [s for s in chart.series if s.style == SeriesStyle.BAR]
        width = 0.8 / max(len(bars), 1)
        for index, series in enumerate(chart.series):
            colour = COLOURS[index % len(COLOURS)]
            values = [float("nan") if v is None else v for v in series.values]
            if series.style == SeriesStyle.BAR:
                offset = (bars.index(series) - (len(bars) - 1) / 2) * width
                axes.bar(
                    [p + offset for p in positions], values, width, color=colour, label=series.name
                )
            else:
                dashes = "--" if series.style == SeriesStyle.DASHED else "-"
                axes.plot(positions, values, dashes, color=colour, linewidth=1.6, label=series.name)
            if series.band is not None:
                low = [band[0] for band in series.band]
                high = [band[1] for band in series.band]
                axes.fill_between(positions, low, high, color=colour, alpha=0.15, linewidth=0)
        if chart.projected_from is not None:
            axes.axvline(chart.projected_from - 0.5, color="#7f7f7f", linewidth=0.8, linestyle=":")
        step = max(1, len(positions) // 10)
        axes.set_xticks(positions[::step], [chart.labels[p] for p in positions[::step]])
        axes.tick_params(labelsize=7)
        axes.set_ylabel(chart.y_label, fontsize=8)
        axes.set_ylim(bottom=0)
        axes.grid(axis="y", linewidth=0.3)
        axes.spines[["top", "right"]].set_visible(False)
        axes.legend(fontsize=7, frameon=False, loc="upper left")
        figure.tight_layout()
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png")
    return buffer.getvalue()
