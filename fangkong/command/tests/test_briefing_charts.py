"""The .docx briefing carries the forecast's charts as pictures under their captions."""

import io

from docx import Document
from PIL import Image

from fangkong.command.briefing_export import briefing_docx
from fangkong.command.daily_briefing import briefing_build
from fangkong.command.tests.conftest import DAY


def test_the_docx_shows_the_case_forecast_and_the_rooms_and_beds_charts_as_images(db):
    briefing = briefing_build(day=DAY)
    [forecast] = [s for s in briefing.sections if s.key == "command.forecast"]

    document = Document(io.BytesIO(briefing_docx(briefing)))

    captions = [p.text for p in document.paragraphs]
    for chart in forecast.charts:
        assert chart.title in captions
    assert [c.title for c in forecast.charts] == [
        "发病数与未来14天新增预测",
        "集中隔离房间：需要与可用",
        "定点医院床位：需要与可用",
    ]
    pictures = document.inline_shapes
    assert len(pictures) == 3
    for picture in pictures:
        blob = document.part.related_parts[
            picture._inline.graphic.graphicData.pic.blipFill.blip.embed
        ].blob
        assert Image.open(io.BytesIO(blob)).format == "PNG"
