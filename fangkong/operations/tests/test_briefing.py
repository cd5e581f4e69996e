import datetime as dt

import pytest

from fangkong.core.figures import BriefingSection
from fangkong.operations import briefing
from fangkong.operations.briefing import briefing_sections, register_briefing

DAY = dt.date(2021, 8, 3)


@pytest.fixture
def registry(monkeypatch):
    """An empty registry for the test, the areas' own registrations left as they were."""
    monkeypatch.setattr(briefing, "_registry", {})


def _section(key: str, order: int) -> BriefingSection:
    return BriefingSection(key=key, title=key, order=order, figures=[])


def test_every_registered_part_is_gathered_in_section_order(registry):
    register_briefing("b", lambda *, day: _section("b.one", 20))
    register_briefing("a", lambda *, day: [_section("a.two", 30), _section("a.one", 10)])
    assert [s.key for s in briefing_sections(day=DAY)] == ["a.one", "b.one", "a.two"]


def test_a_failing_part_is_named_unavailable_and_the_others_still_come(registry):
    def boom(*, day):
        raise RuntimeError("boom")

    register_briefing("venues", boom)
    register_briefing("b", lambda *, day: _section("b.one", 20))
    sections = briefing_sections(day=DAY)
    assert [s.key for s in sections] == ["b.one", "venues.unavailable"]
    assert sections[1].paragraphs


def test_every_area_with_a_briefing_has_registered_its_part():
    assert {"venues", "hospitals", "quarantine", "cases", "command"} <= set(
        briefing.registered_briefings()
    )
