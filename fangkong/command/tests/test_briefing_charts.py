"""The .docx briefing carries the areas' trend charts and the forecast's charts as pictures
under their captions."""

import io

from docx import Document
from PIL import Image

from fangkong.command.briefing_export import briefing_docx
from fangkong.command.daily_briefing import briefing_build
from fangkong.command.tests.conftest import DAY


def test_the_docx_shows_the_trends_the_case_forecast_and_the_rooms_and_beds_charts_as_images(
    db, settings
):
    settings.FANGKONG_BRIEFING_TREND_DAYS = 14
    briefing = briefing_build(day=DAY)
    charts = {s.key: [c.title for c in s.charts] for s in briefing.sections if s.charts}

    document = Document(io.BytesIO(briefing_docx(briefing)))

    assert charts == {
        "hospitals": ["近14天隔离病区与重症监护床位"],
        "quarantine": ["近14天集中隔离人数与空闲房间"],
        "cases": ["近14天新增感染者", "近14天判定密接与按时管控"],
        "command.forecast": [
            "发病数与未来14天新增预测",
            "集中隔离房间：需要与可用",
            "定点医院床位：需要与可用",
        ],
    }
    captions = [p.text for p in document.paragraphs]
    for titles in charts.values():
        for title in titles:
            assert title in captions
    pictures = document.inline_shapes
    assert len(pictures) == 7
    for picture in pictures:
        blob = document.part.related_parts[
            picture._inline.graphic.graphicData.pic.blipFill.blip.embed
        ].blob
        assert Image.open(io.BytesIO(blob)).format == "PNG"
