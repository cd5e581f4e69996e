"""The over-limit page (超限名单) marks a closed venue on it: a venue listed while closed has
people who came in after the closure, which is another matter than a crowd over the limit."""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings

from fangkong.venues.models import EnforcementKind
from fangkong.venues.selectors.occupancy import over_limit_list
from fangkong.venues.services.enforcement import enforcement_issue
from fangkong.venues.tests.factories import crowd, persons
from fangkong.venues.tests.test_inspections import client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def closed_bar_with_a_late_visitor(bar, inspector, now):
    enforcement_issue(
        venue=bar,
        kind=EnforcementKind.CLOSURE,
        reason="超限",
        by=inspector,
        issued_at=now - dt.timedelta(hours=1),
    )
    crowd(bar, persons(1), at=now, minutes_ago=10)  # came in after the closure
    return bar


@pytest.fixture
def crowded_bar(second_bar, now):
    """An open bar of 40 with more people inside than any tier allows."""
    crowd(second_bar, persons(45, start=100), at=now, minutes_ago=10)
    return second_bar


def _row(page: str, venue) -> str:
    start = page.index(f'data-venue="{venue.pk}"')
    return page[start : page.index("</li>", start)]


def test_a_closed_venue_on_the_list_carries_a_closed_badge_and_an_open_one_none(
    closed_bar_with_a_late_visitor, crowded_bar, hq_admin
):
    listed = {row.venue: row.closed for row in over_limit_list(viewer=hq_admin)}
    assert listed == {closed_bar_with_a_late_visitor: True, crowded_bar: False}

    page = client_for(hq_admin).get("/venues/over-limit/").content.decode()

    closed_row = _row(page, closed_bar_with_a_late_visitor)
    assert 'data-testid="closed-venue"' in closed_row and "已关停" in closed_row
    assert 'data-testid="closed-venue"' not in _row(page, crowded_bar)


def test_the_closed_badge_is_in_english_for_an_english_reader(
    closed_bar_with_a_late_visitor, hq_admin
):
    client = client_for(hq_admin)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get("/venues/over-limit/").content.decode()
    badge = _row(page, closed_bar_with_a_late_visitor)
    assert "Closed" in badge and "已关停" not in badge


def test_the_live_fragment_the_page_refreshes_carries_the_badge_too(
    closed_bar_with_a_late_visitor, hq_admin
):
    fragment = client_for(hq_admin).get("/venues/over-limit/", headers={"HX-Request": "true"})
    assert 'data-testid="closed-venue"' in fragment.content.decode()
