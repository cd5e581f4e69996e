"""The briefing's chart images: drawn with the CJK font, refused clearly without it."""

import io
import warnings

import pytest
from django.core.exceptions import ImproperlyConfigured
from PIL import Image

from fangkong.core.charts import BriefingChart, ChartSeries, SeriesStyle, chart_png

DAYS = ("8/01", "8/02", "8/03", "8/04", "8/05")


def _chart() -> BriefingChart:
    return BriefingChart(
        title="近5日新增感染者",
        labels=DAYS,
        series=(
            ChartSeries("确诊病例", (1, 2, 3, None, 5), style=SeriesStyle.BAR),
            ChartSeries("无症状感染者", (0, 1, 1, 2, 2), style=SeriesStyle.BAR),
            ChartSeries(
                "预测", (None, None, 3, 4, 6), style=SeriesStyle.DASHED,
                band=((0, 0), (0, 0), (2, 4), (3, 6), (4, 9)),
            ),
        ),
        y_label="例",
        projected_from=3,
    )  # fmt: skip


def test_a_chart_with_chinese_labels_is_drawn_as_a_png_with_no_missing_glyph():
    with warnings.catch_warnings():
        # matplotlib warns "Glyph ... missing from font" for every character it cannot draw
        warnings.simplefilter("error")
        png = chart_png(_chart(), width_cm=16, height_cm=7)
    image = Image.open(io.BytesIO(png))
    assert image.format == "PNG"
    assert image.size == (int(16 / 2.54 * 150), int(7 / 2.54 * 150))


def test_without_its_font_a_chart_is_a_configuration_error_naming_the_setting(settings, tmp_path):
    settings.FANGKONG_CHART_FONT = tmp_path / "none.ttc"
    with pytest.raises(ImproperlyConfigured, match="FANGKONG_CHART_FONT"):
        chart_png(_chart())


def test_a_series_must_have_one_value_per_label():
    with pytest.raises(ValueError, match="one value per label"):
        BriefingChart(title="t", labels=DAYS, series=(ChartSeries("a", (1, 2)),))
